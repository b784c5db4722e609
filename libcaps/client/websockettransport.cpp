#include "client/websockettransport.h"

#include "core/logging.h"

#include <QTimer>
#include <QWebSocket>

namespace caps {

WebSocketTransport::WebSocketTransport(QObject *parent)
    : EngineTransport(parent)
{ }

WebSocketTransport::~WebSocketTransport()
{
    close(false);
}

QString WebSocketTransport::name() const
{
    return QStringLiteral("websocket");
}

QUrl WebSocketTransport::endpoint(const QUrl &url) const
{
    QUrl ws = EngineTransport::endpoint(url);
    ws.setScheme(ws.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    return ws;
}

void WebSocketTransport::startConnection(const QUrl &endpoint)
{
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    QWebSocket *socket = m_socket;
    connect(socket, &QWebSocket::textMessageReceived, this, &WebSocketTransport::onTextFrame);
    connect(socket, &QWebSocket::binaryMessageReceived, this,
            [this](const QByteArray &frame) { packetReceived(eio::decodeBinaryFrame(frame)); });
    connect(socket, &QWebSocket::disconnected, this, [this] { connectionLost(kTransportClose); });
    connect(socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
            [this, socket](QAbstractSocket::SocketError error) {
                qCDebug(lcClient) << "transport error" << error << socket->errorString();
                connectionLost(kTransportError);
            });
    socket->open(endpoint);
}

void WebSocketTransport::writePacket(const eio::Packet &packet)
{
    if (!m_socket)
        return;
    if (packet.binary)
        m_socket->sendBinaryMessage(packet.data);
    else
        m_socket->sendTextMessage(QString::fromUtf8(eio::encodeText(packet)));
}

void WebSocketTransport::closeConnection(bool graceful)
{
    if (!m_socket)
        return;
    QWebSocket *socket = m_socket;
    m_socket = nullptr;
    disconnect(socket, nullptr, this, nullptr);
    if (graceful && socket->state() == QAbstractSocket::ConnectedState) {
        // Let the close handshake (and what was just written) go out before the socket dies.
        socket->flush();
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(2000, socket, &QObject::deleteLater);
        socket->close();
    } else {
        socket->abort();
        socket->deleteLater();
    }
}

void WebSocketTransport::onTextFrame(const QString &frame)
{
    auto decoded = eio::decodeTextFrame(frame.toUtf8());
    if (!decoded) {
        qCWarning(lcClient) << "bad Engine.IO frame" << decoded.error();
        connectionLost(kParseError);
        return;
    }
    packetReceived(std::move(decoded).value());
}

} // namespace caps
