#include "server/serversocket.h"

#include "core/logging.h"
#include "server/adapter.h"
#include "server/clientconnection.h"
#include "server/namespace.h"
#include "server/outgoingmessage.h"

#include <QJsonDocument>
#include <QTimer>

namespace caps {

namespace {

QByteArray takeAuth(ServerSocket::Init &init)
{
    const QJsonObject auth = std::exchange(init.auth, {});
    return auth.isEmpty() ? QByteArray() : QJsonDocument(auth).toJson(QJsonDocument::Compact);
}

} // namespace

ServerSocket::ServerSocket(Init init, Namespace *nsp, ClientConnection *client)
    : QObject(client)
    , m_auth(takeAuth(init))
    , m_init(std::move(init))
    , m_nsp(nsp)
    , m_client(client)
{ }

QJsonObject ServerSocket::auth() const
{
    return m_auth.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(m_auth).object();
}

Namespace *ServerSocket::nsp() const
{
    return m_nsp;
}

ClientConnection *ServerSocket::client() const
{
    return m_client;
}

ServerSocket::~ServerSocket()
{
    // Destroyed without a close (its server is going away), it must not stay in its namespace;
    // after a close there is nothing left to remove.
    if (m_nsp)
        m_nsp->remove(this);
    for (const PendingAck &pending : std::as_const(m_pendingAcks))
        delete pending.timer;
}

QSet<QString> ServerSocket::rooms() const
{
    return m_nsp ? m_nsp->adapter()->socketRooms(this) : QSet<QString>();
}

bool ServerSocket::isIn(const QString &room) const
{
    return m_nsp && m_nsp->adapter()->isIn(this, room);
}

void ServerSocket::join(const QString &room)
{
    if (m_connected && m_nsp)
        m_nsp->adapter()->addAll(this, {room});
}

void ServerSocket::leave(const QString &room)
{
    if (m_nsp)
        m_nsp->adapter()->del(this, room);
}

void ServerSocket::emitEvent(const QString &event, const QJsonArray &args, const QList<QByteArray> &attachments)
{
    if (!m_nsp || !m_connected)
        return;
    emit eventSent(event, args);
    sio::Packet packet = sio::Packet::event(m_nsp->name(), event, args, -1, attachments);
    if (takesOffsets()) {
        // As socket.io with connectionStateRecovery: through the namespace to this socket's own
        // room, so it is kept and offset like any broadcast.
        m_nsp->broadcast(QList<Namespace::Target>{Namespace::Target{{m_init.id}, {}, {}}}, std::move(packet));
        return;
    }
    send(packet);
}

void ServerSocket::emitWithAck(const QString &event, const QJsonArray &args, AckCallback callback, int timeoutMs,
                               const QList<QByteArray> &attachments)
{
    if (!m_connected || !m_nsp) {
        if (callback)
            callback(Result<sio::Packet>::failure(QStringLiteral("socket is not connected")));
        return;
    }
    emit eventSent(event, args);
    const qint64 id = m_nextAckId++;
    PendingAck pending{std::move(callback), nullptr};
    if (timeoutMs >= 0) {
        pending.timer = new QTimer(this);
        pending.timer->setSingleShot(true);
        connect(pending.timer, &QTimer::timeout, this, [this, id] {
            const PendingAck expired = m_pendingAcks.take(id);
            expired.timer->deleteLater();
            if (expired.callback)
                expired.callback(Result<sio::Packet>::failure(QStringLiteral("operation has timed out")));
        });
        pending.timer->start(timeoutMs);
    }
    m_pendingAcks.emplace(id, std::move(pending));
    send(sio::Packet::event(m_nsp->name(), event, args, id, attachments));
}

void ServerSocket::send(const sio::Packet &packet)
{
    if (m_connected && m_client)
        m_client->send(packet);
}

void ServerSocket::send(const OutgoingMessage &message)
{
    if (m_connected && m_client)
        m_client->send(message);
}

void ServerSocket::disconnectSocket(bool closeConnection)
{
    if (!m_connected)
        return;
    QPointer<ClientConnection> client = m_client;
    if (m_nsp)
        send(sio::Packet::disconnect(m_nsp->name()));
    handleClose(QStringLiteral("server namespace disconnect"));
    if (closeConnection && client)
        client->close();
}

void ServerSocket::sendAck(const sio::Packet &ack)
{
    // One answer per callback: a second ack() for the same id is dropped, as in socket.io.
    if (!m_acksOwed.remove(ack.id))
        return;
    send(ack);
}

void ServerSocket::handlePacket(const sio::Packet &packet)
{
    switch (packet.type) {
    case sio::PacketType::Event:
    case sio::PacketType::BinaryEvent: {
        if (packet.id >= 0)
            m_acksOwed.insert(packet.id);
        const ServerEvent event(this, packet);
        if (m_nsp)
            m_nsp->handleEvent(event);
        emit eventReceived(event);
        break;
    }
    case sio::PacketType::Ack:
    case sio::PacketType::BinaryAck:
        onAck(packet);
        break;
    case sio::PacketType::Disconnect:
        handleClose(QStringLiteral("client namespace disconnect"));
        break;
    case sio::PacketType::Connect:
    case sio::PacketType::ConnectError:
        break;
    }
}

void ServerSocket::onAck(const sio::Packet &packet)
{
    auto it = m_pendingAcks.find(packet.id);
    if (it == m_pendingAcks.end()) {
        qCDebug(lcServer) << m_init.id << "ack for unknown id" << packet.id;
        return;
    }
    const PendingAck pending = std::move(it.value());
    m_pendingAcks.erase(it);
    delete pending.timer;
    if (pending.callback)
        pending.callback(packet);
}

void ServerSocket::handleClose(const QString &reason)
{
    if (!m_connected)
        return;
    m_connected = false;
    qCDebug(lcServer) << m_init.id << "disconnected:" << reason;
    // socket.io's RECOVERABLE_DISCONNECT_REASONS: the client did not mean to leave.
    static const QSet<QString> recoverable{
        QStringLiteral("transport error"),      QStringLiteral("transport close"),
        QStringLiteral("forced close"),         QStringLiteral("ping timeout"),
        QStringLiteral("server shutting down"), QStringLiteral("forced server close")};
    if (m_nsp && takesOffsets() && recoverable.contains(reason))
        m_nsp->adapter()->persistSession(this);
    if (m_nsp)
        m_nsp->remove(this);
    const auto pending = std::exchange(m_pendingAcks, {});
    for (const PendingAck &p : pending) {
        delete p.timer;
        if (p.callback)
            p.callback(Result<sio::Packet>::failure(QStringLiteral("socket has been disconnected")));
    }
    // Its connection first (it forgets the socket), then whoever else listens.
    if (m_client)
        m_client->forgetSocket(this);
    emit disconnected(reason);
    deleteLater();
}

} // namespace caps
