#include "client/enginetransport.h"

#include "core/logging.h"

#include <QTimer>
#include <QUrlQuery>

#include <algorithm>
#include <limits>

namespace caps {

namespace {

// The server's numbers come off the wire: their sum must not overflow a timer interval.
int heartbeatAllowance(const eio::Handshake &handshake)
{
    const qint64 sum = qint64(std::max(0, handshake.pingInterval)) + std::max(0, handshake.pingTimeout);
    return int(std::min<qint64>(sum, std::numeric_limits<int>::max()));
}

} // namespace

EngineTransport::EngineTransport(QObject *parent)
    : QObject(parent)
    , m_pingTimer(new QTimer(this))
{
    m_pingTimer->setSingleShot(true);
    connect(m_pingTimer, &QTimer::timeout, this, [this] { connectionLost(kPingTimeout); });
}

EngineTransport::~EngineTransport() = default;

QUrl EngineTransport::endpoint(const QUrl &url) const
{
    QUrl endpoint = url;
    const QString scheme = url.scheme().toLower();
    endpoint.setScheme(scheme == QLatin1String("https") || scheme == QLatin1String("wss") ? QStringLiteral("https")
                                                                                          : QStringLiteral("http"));
    endpoint.setPath(QStringLiteral("/socket.io/"));
    endpoint.setFragment(QString());
    QUrlQuery query(url);
    query.removeAllQueryItems(QStringLiteral("EIO"));
    query.removeAllQueryItems(QStringLiteral("transport"));
    query.addQueryItem(QStringLiteral("EIO"), QString::number(eio::kProtocolVersion));
    query.addQueryItem(QStringLiteral("transport"), name());
    endpoint.setQuery(query);
    return endpoint;
}

void EngineTransport::open(const QUrl &url)
{
    close(false);
    m_active = true;
    m_endpoint = endpoint(url);
    qCDebug(lcClient) << "opening" << m_endpoint;
    startConnection(m_endpoint);
}

void EngineTransport::close(bool graceful)
{
    m_pingTimer->stop();
    m_active = false;
    m_open = false;
    closeConnection(graceful);
}

void EngineTransport::sendMessage(const QByteArray &data, bool binary)
{
    if (m_open)
        writePacket(binary ? eio::Packet::binaryMessage(data) : eio::Packet::message(data));
}

void EngineTransport::connectionLost(const QString &reason)
{
    if (!m_active)
        return;
    close(false);
    Q_EMIT closed(reason);
}

void EngineTransport::packetReceived(const eio::Packet &packet)
{
    if (!m_active)
        return;
    if (!m_open && packet.type != eio::PacketType::Open) {
        qCWarning(lcClient) << "Engine.IO packet before OPEN from" << m_endpoint;
        connectionLost(kParseError);
        return;
    }
    switch (packet.type) {
    case eio::PacketType::Open:
        if (m_open) {
            qCWarning(lcClient) << "second Engine.IO OPEN from" << m_endpoint;
            connectionLost(kParseError);
            return;
        }
        onOpenPacket(packet.data);
        return;
    case eio::PacketType::Close:
        connectionLost(kTransportClose);
        return;
    case eio::PacketType::Ping:
        writePacket(eio::Packet::of(eio::PacketType::Pong, packet.data));
        restartHeartbeat();
        return;
    case eio::PacketType::Message:
        Q_EMIT messageReceived(packet.data, packet.binary);
        return;
    case eio::PacketType::Pong:
    case eio::PacketType::Upgrade:
    case eio::PacketType::Noop:
        return;
    }
}

void EngineTransport::onOpenPacket(const QByteArray &data)
{
    auto handshake = eio::decodeHandshake(data);
    if (!handshake) {
        qCWarning(lcClient) << "bad Engine.IO handshake from" << m_endpoint << handshake.error();
        connectionLost(kParseError);
        return;
    }
    m_handshake = std::move(handshake).value();
    m_open = true;
    // As engine.io-client: a server that has not pinged within interval + timeout is gone.
    restartHeartbeat();
    qCDebug(lcClient) << "engine open, sid" << m_handshake.sid;
    Q_EMIT opened();
}

void EngineTransport::restartHeartbeat()
{
    m_pingTimer->start(heartbeatAllowance(m_handshake));
}

} // namespace caps
