#include "server/namespace.h"

#include "server/outgoingmessage.h"
#include "server/serversocket.h"

#include <QVarLengthArray>

namespace caps {

Namespace::Namespace(const QString &name, QObject *parent) : QObject(parent), m_name(name) {}

Namespace::~Namespace() = default;

QList<ServerSocket *> Namespace::recipients(const Target &target) const
{
    // This runs for every relayed event, so nothing is copied or built unless the target needs
    // it: the excluded rooms are looked at where they are, and a single room needs no `seen` set.
    QVarLengthArray<const QSet<ServerSocket *> *, 4> excluded;
    for (const QString &room : target.exceptRooms) {
        const auto it = m_rooms.constFind(room);
        if (it != m_rooms.constEnd() && !it->isEmpty())
            excluded.append(&it.value());
    }
    const bool filter = !excluded.isEmpty() || !target.exceptSockets.isEmpty();
    const auto admit = [&](ServerSocket *s) {
        for (const QSet<ServerSocket *> *room : excluded) {
            if (room->contains(s))
                return false;
        }
        return !target.exceptSockets.contains(s);
    };
    QList<ServerSocket *> out;
    if (target.rooms.isEmpty()) {
        out.reserve(m_sockets.size());
        for (ServerSocket *s : m_sockets) {
            if (!filter || admit(s))
                out.append(s);
        }
        return out;
    }
    if (target.rooms.size() == 1) {
        const auto it = m_rooms.constFind(target.rooms.constFirst());
        if (it == m_rooms.constEnd())
            return out;
        out.reserve(it->size());
        for (ServerSocket *s : it.value()) {
            if (!filter || admit(s))
                out.append(s);
        }
        return out;
    }
    // A socket in several of the rooms gets the packet once.
    QSet<ServerSocket *> seen;
    for (const QString &room : target.rooms) {
        const auto it = m_rooms.constFind(room);
        if (it == m_rooms.constEnd())
            continue;
        for (ServerSocket *s : it.value()) {
            if ((!filter || admit(s)) && !seen.contains(s)) {
                seen.insert(s);
                out.append(s);
            }
        }
    }
    return out;
}

void Namespace::emitEvent(const QString &event, const QJsonArray &args, const QList<QByteArray> &attachments)
{
    broadcast({}, event, args, attachments);
}

void Namespace::broadcast(const Target &target, const QString &event, const QJsonArray &args,
                          const QList<QByteArray> &attachments)
{
    deliver(recipients(target), sio::Packet::event(m_name, event, args, -1, attachments));
}

void Namespace::deliver(const QList<ServerSocket *> &recipients, sio::Packet packet)
{
    if (recipients.isEmpty())
        return;
    packet.nsp = m_name;
    const OutgoingMessage message = OutgoingMessage::fromPacket(packet);
    for (ServerSocket *s : recipients)
        s->send(message);
}

QString Namespace::checkConnect(const QJsonObject &auth) const
{
    return m_connectGuard ? m_connectGuard(auth) : QString();
}

void Namespace::add(ServerSocket *socket)
{
    m_sockets.insert(socket->id(), socket);
}

void Namespace::remove(ServerSocket *socket)
{
    if (m_sockets.value(socket->id()) != socket)
        return;
    m_sockets.remove(socket->id());
    for (const QString &room : socket->rooms())
        removeFromRoom(room, socket);
}

void Namespace::addToRoom(const QString &room, ServerSocket *socket)
{
    m_rooms[room].insert(socket);
}

void Namespace::removeFromRoom(const QString &room, ServerSocket *socket)
{
    auto it = m_rooms.find(room);
    if (it == m_rooms.end())
        return;
    it->remove(socket);
    if (it->isEmpty())
        m_rooms.erase(it);
}

} // namespace caps
