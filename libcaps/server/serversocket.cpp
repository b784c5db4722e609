#include "server/serversocket.h"

#include "core/logging.h"
#include "server/clientconnection.h"
#include "server/namespace.h"
#include "server/outgoingmessage.h"

#include <QTimer>

namespace caps {

ServerSocket::ServerSocket(const QString &id, Namespace *nsp, ClientConnection *client, const QJsonObject &auth)
    : QObject(client), m_id(id), m_nsp(nsp), m_client(client), m_auth(auth)
{
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
    if (m_nsp)
        m_nsp->remove(this);
    for (const PendingAck &pending : std::as_const(m_pendingAcks))
        delete pending.timer;
}

void ServerSocket::join(const QString &room)
{
    join(room, -1);
}

void ServerSocket::join(const QString &room, qint64 since)
{
    if (!m_connected || !m_nsp || m_rooms.contains(room))
        return;
    m_rooms.insert(room);
    m_nsp->addToRoom(room, this);
    if (const RecoveryLog *recovery = m_nsp->recovery(); recovery && takesOffsets())
        m_joinedAt.insert(room, since >= 0 ? since : recovery->nextOffset());
}

void ServerSocket::leave(const QString &room)
{
    if (!m_rooms.remove(room) || !m_nsp)
        return;
    m_joinedAt.remove(room);
    m_nsp->removeFromRoom(room, this);
}

void ServerSocket::emitEvent(const QString &event, const QJsonArray &args, const QList<QByteArray> &attachments)
{
    if (!m_nsp || !m_connected)
        return;
    sio::Packet packet = sio::Packet::event(m_nsp->name(), event, args, -1, attachments);
    if (m_nsp->recovery() && takesOffsets()) {
        // As socket.io with connectionStateRecovery: through the namespace to this socket's own
        // room, so it is kept and offset like any broadcast.
        m_nsp->broadcast(QList<Namespace::Target>{Namespace::Target{{m_id}, {}, {}}}, std::move(packet));
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
    m_pendingAcks.insert(id, std::move(pending));
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
    onClose(QStringLiteral("server namespace disconnect"));
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

void ServerSocket::onPacket(const sio::Packet &packet)
{
    switch (packet.type) {
    case sio::PacketType::Event:
    case sio::PacketType::BinaryEvent: {
        if (packet.id >= 0)
            m_acksOwed.insert(packet.id);
        emit eventReceived(ServerEvent(this, packet));
        break;
    }
    case sio::PacketType::Ack:
    case sio::PacketType::BinaryAck:
        onAck(packet);
        break;
    case sio::PacketType::Disconnect:
        onClose(QStringLiteral("client namespace disconnect"));
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
        qCDebug(lcServer) << m_id << "ack for unknown id" << packet.id;
        return;
    }
    const PendingAck pending = std::move(it.value());
    m_pendingAcks.erase(it);
    delete pending.timer;
    if (pending.callback)
        pending.callback(packet);
}

void ServerSocket::onClose(const QString &reason)
{
    if (!m_connected)
        return;
    m_connected = false;
    qCDebug(lcServer) << m_id << "disconnected:" << reason;
    // socket.io's RECOVERABLE_DISCONNECT_REASONS: the client did not mean to leave.
    static const QSet<QString> recoverable{QStringLiteral("transport error"), QStringLiteral("transport close"),
                                           QStringLiteral("forced close"), QStringLiteral("ping timeout"),
                                           QStringLiteral("server shutting down"), QStringLiteral("forced server close")};
    if (m_nsp && m_nsp->recovery() && !m_pid.isEmpty() && recoverable.contains(reason)) {
        RecoveryLog::Session session;
        session.sid = m_id;
        session.pid = m_pid;
        session.rooms = m_joinedAt;
        session.token = m_auth.value(QLatin1String("token")).toString();
        session.resumeFrom = m_resumeFrom;
        session.lastSent = m_lastSentOffset;
        m_nsp->recovery()->persist(std::move(session));
    }
    if (m_nsp)
        m_nsp->remove(this);
    m_rooms.clear();
    if (m_client)
        m_client->removeSocket(this);
    const auto pending = std::exchange(m_pendingAcks, {});
    for (const PendingAck &p : pending) {
        delete p.timer;
        if (p.callback)
            p.callback(Result<sio::Packet>::failure(QStringLiteral("socket has been disconnected")));
    }
    emit disconnected(reason);
    if (m_nsp)
        emit m_nsp->disconnection(this, reason);
    deleteLater();
}

} // namespace caps
