#include "server/engineserver.h"

#include "security/securitylogging.h"

#include "core/logging.h"
#include "server/enginesession.h"
#include "server/corspolicy.h"
#include "server/httpconnection.h"

#include <QDateTime>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <memory>
#include <utility>

namespace caps {

namespace {

// engine.io's error codes and messages (Server.errors / Server.errorMessages).
enum ErrorCode {
    UnknownTransport = 0,
    UnknownSid = 1,
    BadHandshakeMethod = 2,
    BadRequest = 3,
    Forbidden = 4,
    UnsupportedProtocolVersion = 5,
};
constexpr int kAccepted = -1;

QString errorMessage(int code)
{
    switch (code) {
    case UnknownTransport:
        return QStringLiteral("Transport unknown");
    case UnknownSid:
        return QStringLiteral("Session ID unknown");
    case BadHandshakeMethod:
        return QStringLiteral("Bad handshake method");
    case BadRequest:
        return QStringLiteral("Bad request");
    case Forbidden:
        return QStringLiteral("Forbidden");
    case UnsupportedProtocolVersion:
        return QStringLiteral("Unsupported protocol version");
    }
    return QStringLiteral("Bad request");
}

QString peerKey(const QHostAddress &address, quint16 port)
{
    return address.toString() + QLatin1Char('|') + QString::number(port);
}

QString peerKey(const QAbstractSocket *socket)
{
    return peerKey(socket->peerAddress(), socket->peerPort());
}

} // namespace

EngineServer::EngineServer(const ServerOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_webSocketServer(QStringLiteral("caps"), QWebSocketServer::NonSecureMode)
    , m_pingIntervals(
          [](QObject *session, quint64 token) { static_cast<EngineSession *>(session)->onPingIntervalElapsed(token); })
    , m_pingTimeouts(
          [](QObject *session, quint64 token) { static_cast<EngineSession *>(session)->onPingTimeoutElapsed(token); })
    , m_clientPingTimeouts(
          [](QObject *session, quint64 token) { static_cast<EngineSession *>(session)->onPingTimeoutElapsed(token); })
    , m_handshakeDeadlines([this](QObject *socket, quint64) { onHandshakeTimeout(static_cast<QTcpSocket *>(socket)); })
{
    m_pingIntervals.setInterval(m_options.pingInterval);
    m_pingTimeouts.setInterval(m_options.pingTimeout);
    m_clientPingTimeouts.setInterval(m_options.pingInterval + m_options.pingTimeout);
    m_clock.start();
    m_handshakeDeadlines.setInterval(m_options.handshakeTimeout);
    m_tcpServer.setMaxConnectionsPerAddress(m_options.maxConnectionsPerIp);
    if (m_options.tls)
        m_tcpServer.setSslConfiguration(*m_options.tls);
    connect(&m_tcpServer, &QTcpServer::newConnection, this, &EngineServer::onNewTcpConnection);
    connect(&m_webSocketServer, &QWebSocketServer::newConnection, this, &EngineServer::onWebSocketReady);
}

EngineServer::~EngineServer()
{
    // Sessions hold a reference to m_options: they go first.
    const auto sessions = m_sessions;
    m_sessions.clear();
    qDeleteAll(sessions);
}

void EngineServer::scheduleFrameFlush(EngineSession *session)
{
    m_frameFlushes.append(session);
    if (!m_frameFlushPosted) {
        m_frameFlushPosted = true;
        QMetaObject::invokeMethod(this, &EngineServer::flushFrames, Qt::QueuedConnection);
    }
}

void EngineServer::forgetFrameFlush(EngineSession *session)
{
    m_frameFlushes.removeOne(session);
    m_flushing.removeOne(session);
}

void EngineServer::flushFrames()
{
    m_frameFlushPosted = false;
    m_flushing.swap(m_frameFlushes);
    // Writing calls nothing back (no signal is emitted synchronously), so no session goes away
    // meanwhile (forgetFrameFlush() would change the list under the loop).
    for (EngineSession *session : std::as_const(m_flushing))
        session->flushFramesNow();
    // A pass's list keeps its capacity for the next pass (no allocation per pass), but not
    // the capacity of a broadcast to thousands: that stayed allocated, 8 bytes per recipient in
    // each of the two lists, after the traffic was over. Growing it again costs a few
    // reallocations per broadcast, nothing beside a thousand sends.
    if (m_flushing.capacity() > kKeptFlushCapacity)
        m_flushing = {};
    else
        m_flushing.clear();
}

void EngineServer::scheduleHeartbeat(EngineSession *session, Heartbeat kind, quint64 token)
{
    switch (kind) {
    case Heartbeat::PingInterval:
        m_pingIntervals.add(session, token);
        break;
    case Heartbeat::PingTimeout:
        m_pingTimeouts.add(session, token);
        break;
    case Heartbeat::ClientPingTimeout:
        m_clientPingTimeouts.add(session, token);
        break;
    }
}

bool EngineServer::listen(const QHostAddress &address, quint16 port)
{
    // Qt's default backlog (50) drops SYNs under a burst of connections, and the clients'
    // retransmissions then arrive seconds later.
    m_tcpServer.setListenBacklogSize(m_options.listenBacklog);
    return m_tcpServer.listen(address, port);
}

void EngineServer::close()
{
    m_tcpServer.close();
    const auto sessions = m_sessions.values();
    for (EngineSession *session : sessions)
        session->close();
}

void EngineServer::onNewTcpConnection()
{
    while (QTcpSocket *socket = m_tcpServer.nextPendingConnection()) {
        // m_tcpServer refused what was over the per-address limit, and counts the rest.
        // Small packets are the norm here; Nagle's algorithm would hold them back (Node's
        // http server sets noDelay too).
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        auto *connection = new HttpConnection(socket, m_options, this);
        connect(connection, &HttpConnection::requestReceived, this, &EngineServer::onRequest);
        connect(connection, &HttpConnection::upgradeRequested, this, &EngineServer::onUpgradeRequest);
    }
}

int EngineServer::verify(HttpConnection *connection, bool upgrade) const
{
    const HttpRequest &request = connection->request();
    if (!CorsPolicy(m_options.corsOrigins).allows(request)) {
        qCInfo(lcSecurity).noquote() << "refused a page from" << request.header("origin");
        return Forbidden;
    }
    const QString transport = request.queryValue(QStringLiteral("transport"));
    if (transport != QLatin1String("polling") && transport != QLatin1String("websocket"))
        return UnknownTransport;
    const QString eio = request.queryValue(QStringLiteral("EIO"));
    if (eio != QLatin1String("4") && !(eio == QLatin1String("3") && m_options.allowEio3))
        return UnsupportedProtocolVersion;
    // engine.io 3's JSONP polling, for browsers without XHR: no socket.io 2.x client uses it
    // unless told to (jsonp: true), and it is not served here.
    if (eio == QLatin1String("3") && request.hasQueryValue(QStringLiteral("j")))
        return BadRequest;
    if (upgrade && transport != QLatin1String("websocket"))
        return BadRequest;
    if (!request.hasQueryValue(QStringLiteral("sid"))) {
        if (request.method != "GET")
            return BadHandshakeMethod;
        if (transport == QLatin1String("websocket") && !upgrade)
            return BadRequest;
        if (m_options.maxSessions > 0 && m_sessions.size() >= m_options.maxSessions)
            return Forbidden;
        return kAccepted;
    }
    EngineSession *session = m_sessions.value(request.queryValue(QStringLiteral("sid")));
    if (!session)
        return UnknownSid;
    if (upgrade) {
        // Only a polling session may be upgraded, and only once; but as in engine.io, a second
        // WebSocket for a known session completes its handshake and is then closed
        // (onWebSocketReady()), so its client hears a close rather than an HTTP error.
        return kAccepted;
    }
    if (transport != QLatin1String("polling") || session->transport() != EngineSession::Transport::Polling)
        return BadRequest;
    return kAccepted;
}

void EngineServer::onRequest(HttpConnection *connection)
{
    const HttpRequest &request = connection->request();
    if (request.path != m_options.path) {
        if (!m_httpHandler || !m_httpHandler(connection))
            connection->respond(404, QByteArrayLiteral("Not Found"));
        return;
    }
    if (request.method == "OPTIONS") {
        connection->respond(204, {}, {});
        return;
    }
    if (const int error = verify(connection, false); error != kAccepted) {
        connection->respondError(error == Forbidden ? 403 : 400, error, errorMessage(error));
        return;
    }
    const QString sid = request.queryValue(QStringLiteral("sid"));
    if (sid.isEmpty()) {
        handshake(connection);
        return;
    }
    EngineSession *session = m_sessions.value(sid);
    // The ping timeout may be due without its timer having run yet (it is handled in a later
    // pass of the event loop): the session is over all the same.
    if (session->expireIfOverdue()) {
        connection->respondError(400, UnknownSid, errorMessage(UnknownSid));
        return;
    }
    if (request.method == "GET")
        session->handlePoll(connection);
    else if (request.method == "POST")
        session->handleData(connection);
    else
        connection->respondError(400, BadRequest, errorMessage(BadRequest));
}

void EngineServer::handshake(HttpConnection *connection)
{
    const HttpRequest &request = connection->request();
    const int protocol = request.queryValue(QStringLiteral("EIO")).toInt();
    // An Engine.IO 3 client that cannot take binary polling payloads says so with b64=1.
    EngineSession *session = createSession(protocol, request.hasQueryValue(QStringLiteral("b64")));
    session->setHandshake({connection->peerAddress().toString(), QString::fromUtf8(request.target),
                           EngineSession::Handshake::joinHeaders(request.headers)});
    session->openPolling(connection);
    emit this->connection(session);
}

EngineSession *EngineServer::createSession(int protocol, bool base64)
{
    QString sid = generateId();
    while (m_sessions.contains(sid))
        sid = generateId();
    auto *session = new EngineSession(sid, protocol, base64, this);
    m_sessions.insert(sid, session);
    return session;
}

void EngineServer::forgetSession(EngineSession *session, const QString &reason)
{
    if (const auto it = m_sessions.find(session->id()); it != m_sessions.end() && it.value() == session)
        m_sessions.erase(it);
    emit sessionClosed(reason);
}

QString EngineServer::generateId() const
{
    // 15 random bytes in base64url: 20 characters, like engine.io's base64id.
    QByteArray bytes(15, Qt::Uninitialized);
    for (char &c : bytes)
        c = char(QRandomGenerator::system()->bounded(256));
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

void EngineServer::onUpgradeRequest(HttpConnection *connection)
{
    const HttpRequest &request = connection->request();
    if (request.path != m_options.path) {
        connection->respond(404, QByteArrayLiteral("Not Found"));
        return;
    }
    // QWebSocketServer would drop a handshake without a key silently; say why instead.
    if (request.header("sec-websocket-key").isEmpty() || request.header("sec-websocket-version") != "13") {
        connection->respondError(400, BadRequest, errorMessage(BadRequest));
        return;
    }
    // The same for what else Qt 6.4 refuses without a word: no Host, more than 100 header lines,
    // a line over 8 KiB (QWebSocketServerPrivate's MAX_HEADERLINES / MAX_HEADERLINE_LENGTH).
    if (!request.hasHeader("host")) {
        connection->respondError(400, BadRequest, QStringLiteral("Bad request: no Host header"));
        return;
    }
    constexpr qsizetype kQtMaxHeaderLines = 100;
    constexpr qsizetype kQtMaxHeaderLine = qsizetype(8) * 1024;
    const bool lineTooLong = std::any_of(request.headers.cbegin(), request.headers.cend(), [](const auto &h) {
        return h.first.size() + 2 + h.second.size() + 2 > kQtMaxHeaderLine;
    });
    if (request.headers.size() > kQtMaxHeaderLines || lineTooLong) {
        connection->respondError(431, BadRequest,
                                 QStringLiteral("Request header fields too large for a WebSocket handshake"));
        return;
    }
    if (const int error = verify(connection, true); error != kAccepted) {
        connection->respondError(error == Forbidden ? 403 : 400, error, errorMessage(error));
        return;
    }
    QTcpSocket *socket = connection->takeSocket();
    const QString key = peerKey(socket);
    socket->setParent(this);
    // A backstop: Qt 6.4 answers or closes a complete head in its next event-loop pass
    // (handleConnection() re-emits readyRead() for bytes already buffered), and no head reaches
    // here unfinished, so this only fires if a Qt version waits for more bytes.
    m_handshakeDeadlines.add(socket, 0);
    const QMetaObject::Connection onDisconnect = connect(socket, &QTcpSocket::disconnected, this, [this, key, socket] {
        if (const auto it = m_handshakes.find(key); it != m_handshakes.end() && it->socket == socket) {
            m_handshakes.erase(it);
            socket->deleteLater();
        }
    });
    m_handshakes.insert(key, {socket, onDisconnect});
    m_webSocketServer.handleConnection(socket);
}

void EngineServer::onHandshakeTimeout(QTcpSocket *socket)
{
    const QString key = peerKey(socket);
    if (const auto it = m_handshakes.find(key); it != m_handshakes.end() && it->socket == socket) {
        qCDebug(lcEngine) << "WebSocket handshake timed out";
        disconnect(it->onDisconnect);
        m_handshakes.erase(it);
        socket->abort();
        socket->deleteLater();
    }
}

void EngineServer::onWebSocketReady()
{
    while (QWebSocket *socket = m_webSocketServer.nextPendingConnection()) {
        // The TCP socket under it: sessions write prebuilt frames to it (OutgoingMessage).
        const PendingHandshake pending = m_handshakes.take(peerKey(socket->peerAddress(), socket->peerPort()));
        disconnect(pending.onDisconnect); // QWebSocket has the socket now
        QTcpSocket *raw = pending.socket;
        socket->setMaxAllowedIncomingMessageSize(quint64(m_options.maxPayload));
        socket->setMaxAllowedIncomingFrameSize(quint64(m_options.maxPayload));
        const QUrlQuery query(socket->requestUrl());
        const QString sid = query.queryItemValue(QStringLiteral("sid"), QUrl::FullyDecoded);
        if (sid.isEmpty()) {
            EngineSession *session = createSession(query.queryItemValue(QStringLiteral("EIO")).toInt(),
                                                   query.hasQueryItem(QStringLiteral("b64")));
            session->openWebSocket(socket, raw);
            emit connection(session);
            continue;
        }
        EngineSession *session = m_sessions.value(sid);
        if (!session || !session->canUpgrade()) {
            // The session went away (or someone else is upgrading it) during the handshake.
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated);
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            QTimer::singleShot(5000, socket, &QObject::deleteLater);
            continue;
        }
        session->probe(socket, raw);
    }
}

} // namespace caps
