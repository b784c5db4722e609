#include "server/httpconnection.h"

#include "core/logging.h"
#include "server/corspolicy.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

namespace caps {

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 413:
        return "Payload Too Large";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    default:
        return "Unknown";
    }
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, const ServerOptions &options, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_options(options)
{
    socket->setParent(this);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    // Slow or silent peers must not hold a connection (and its memory) for ever.
    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(options.httpIdleTimeout);
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        qCDebug(lcEngine) << "HTTP connection idle, closing";
        abort();
    });
    m_idleTimer.start();
    if (socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::onReadyRead()
{
    if (!m_socket)
        return;
    if (m_state == State::ReadingHead)
        readHead();
    if (m_state == State::ReadingBody)
        readBody();
}

void HttpConnection::readHead()
{
    const qint64 limit = m_options.maxHeaderSize + 4;
    const QByteArray peeked = m_socket->peek(limit);
    const qsizetype end = peeked.indexOf("\r\n\r\n");
    if (end < 0) {
        if (peeked.size() >= limit)
            fail(431, "request head too large");
        return;
    }
    auto parsed = HttpRequest::parseHead(QByteArrayView(peeked).first(end));
    if (!parsed) {
        qCDebug(lcEngine) << "bad HTTP request:" << parsed.error();
        fail(400, "malformed request");
        return;
    }
    m_request = std::move(parsed).value();
    if (m_request.isWebSocketUpgrade()) {
        m_state = State::Upgrading;
        m_idleTimer.stop();
        emit upgradeRequested(this);
        return;
    }
    m_socket->skip(end + 4);
    if (m_request.hasHeader("transfer-encoding")) {
        fail(501, "chunked request bodies are not supported");
        return;
    }
    const qint64 length = m_request.contentLength();
    if (length > m_options.maxPayload) {
        fail(413, "request body too large");
        return;
    }
    m_bodyExpected = std::max<qint64>(length, 0);
    m_state = State::ReadingBody;
}

void HttpConnection::readBody()
{
    const qint64 missing = m_bodyExpected - m_request.body.size();
    if (missing > 0)
        m_request.body.append(m_socket->read(missing));
    if (m_request.body.size() < m_bodyExpected)
        return;
    m_state = State::Handling;
    m_idleTimer.stop();
    emit requestReceived(this);
}

void HttpConnection::respond(int status, const QByteArray &body, const QByteArray &contentType,
                             const HeaderList &headers)
{
    if ((m_state != State::Handling && m_state != State::Upgrading) || !m_socket)
        return;
    // A refused upgrade ends the connection, as engine.io's abortUpgrade() does.
    const bool keepAlive = m_state == State::Handling && m_request.keepAlive();
    writeResponse(status, body, contentType, keepAlive, headers);
    if (!keepAlive) {
        m_state = State::Closed;
        m_socket->disconnectFromHost();
        return;
    }
    m_state = State::ReadingHead;
    m_request = {};
    m_idleTimer.start();
    // A pipelined request may already be waiting in the buffer.
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

void HttpConnection::respondError(int status, int code, const QString &message)
{
    const QJsonObject error{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    respond(status, QJsonDocument(error).toJson(QJsonDocument::Compact), "application/json");
}

void HttpConnection::writeResponse(int status, const QByteArray &body, const QByteArray &contentType, bool keepAlive,
                                   const HeaderList &headers)
{
    QByteArray out;
    out.reserve(body.size() + 256);
    out.append("HTTP/1.1 ").append(QByteArray::number(status)).append(' ').append(reasonPhrase(status)).append("\r\n");
    if (!contentType.isEmpty())
        out.append("Content-Type: ").append(contentType).append("\r\n");
    out.append("Content-Length: ").append(QByteArray::number(body.size())).append("\r\n");
    out.append(CorsPolicy(m_options.corsOrigins).headers(m_request));
    for (const auto &[name, value] : headers)
        out.append(name).append(": ").append(value).append("\r\n");
    if (!keepAlive)
        out.append("Connection: close\r\n");
    else if (m_request.minorVersion == 0)
        out.append("Connection: keep-alive\r\n");
    out.append("\r\n");
    if (m_request.method != "HEAD")
        out.append(body);
    m_socket->write(out);
}

void HttpConnection::fail(int status, const QByteArray &reason)
{
    qCDebug(lcEngine) << "HTTP" << status << reason;
    if (!m_socket)
        return;
    writeResponse(status, reason, "text/plain; charset=UTF-8", false);
    m_state = State::Closed;
    m_idleTimer.stop();
    disconnect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    m_socket->disconnectFromHost();
}

QTcpSocket *HttpConnection::takeSocket()
{
    QTcpSocket *socket = m_socket;
    m_state = State::Closed;
    m_idleTimer.stop();
    if (socket) {
        disconnect(socket, nullptr, this, nullptr);
        socket->setParent(nullptr);
    }
    m_socket = nullptr;
    deleteLater();
    return socket;
}

void HttpConnection::abort()
{
    if (m_socket)
        m_socket->abort();
    onDisconnected();
}

void HttpConnection::onDisconnected()
{
    if (!m_socket)
        return;
    m_state = State::Closed;
    m_idleTimer.stop();
    disconnect(m_socket, nullptr, this, nullptr);
    m_socket = nullptr;
    emit closed(this);
    deleteLater();
}

} // namespace caps
