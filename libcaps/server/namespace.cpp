#include "server/namespace.h"

#include "server/outgoingmessage.h"
#include "server/serversocket.h"

#include <QJsonArray>
#include <QTimer>
#include <QVarLengthArray>

#include <algorithm>
#include <cstdio>
#include <optional>

namespace caps {

namespace {

// Appends the recovery offset (a string, as socket.io's) to the arguments of an event that is
// about to be encoded and dropped: in the received bytes when the packet still has them (so a
// relayed payload keeps its bytes, and `data`, which encode() then does not read, is left
// alone), else in `data`.
void appendOffset(sio::Packet &packet, qint64 offset)
{
    qsizetype end = packet.rawData.size();
    while (end > 0 && QChar::isSpace(uchar(packet.rawData.at(end - 1))))
        --end;
    if (end > 0 && packet.rawData.at(end - 1) == ']') {
        char digits[24];
        const int length = std::snprintf(digits, sizeof digits, "%lld", static_cast<long long>(offset));
        QByteArray raw;
        raw.reserve(end + length + 4);
        raw.append(packet.rawData.constData(), end - 1).append(",\"").append(digits, length).append("\"]");
        packet.rawData = std::move(raw);
        return;
    }
    packet.rawData.clear(); // none, or not an array after all: encode() writes `data`
    QJsonArray data = packet.data.toArray();
    data.append(RecoveryLog::offsetText(offset));
    packet.data = data;
}

} // namespace

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

bool Namespace::reaches(const Target &target, const ServerSocket *socket)
{
    if (!target.rooms.isEmpty()
        && std::none_of(target.rooms.cbegin(), target.rooms.cend(), [socket](const QString &r) { return socket->isIn(r); }))
        return false;
    for (const QString &room : target.exceptRooms) {
        if (socket->isIn(room))
            return false;
    }
    return !target.exceptSockets.contains(socket);
}

QList<ServerSocket *> Namespace::recipients(const QList<Target> &targets) const
{
    if (targets.size() == 1)
        return recipients(targets.constFirst());
    // A socket an earlier target reached is already in; deciding by room membership keeps
    // this O(recipients), with no set of all of them built per event.
    QList<ServerSocket *> out;
    for (qsizetype i = 0; i < targets.size(); ++i) {
        const QList<ServerSocket *> reached = recipients(targets.at(i));
        for (ServerSocket *s : reached) {
            bool earlier = false;
            for (qsizetype j = 0; j < i && !earlier; ++j)
                earlier = reaches(targets.at(j), s);
            if (!earlier)
                out.append(s);
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
    broadcast(QList<Target>{target}, sio::Packet::event(m_name, event, args, -1, attachments));
}

void Namespace::broadcast(const QList<Target> &targets, sio::Packet packet)
{
    const QList<ServerSocket *> to = recipients(targets);
    packet.nsp = m_name;
    // As socket.io: an event waiting for an acknowledgement gets no offset and is not kept (the
    // callback would not survive).
    const bool isEvent = packet.type == sio::PacketType::Event || packet.type == sio::PacketType::BinaryEvent;
    const bool offsetable = m_recovery && isEvent && packet.id < 0;
    // Only the sockets that asked for recovery get the offset (ServerSocket::takesOffsets()),
    // the others the event as emitted: two encodings at most, each made only if needed.
    bool offsetWanted = false;
    bool plainWanted = !offsetable && !to.isEmpty();
    for (qsizetype i = 0; offsetable && i < to.size() && !(offsetWanted && plainWanted); ++i)
        (to.at(i)->takesOffsets() ? offsetWanted : plainWanted) = true;
    // Kept for those who may come back for it; nobody else can.
    const bool keep = offsetable && (offsetWanted || m_recovery->hasSessions());
    std::optional<OutgoingMessage> plain;
    if (plainWanted)
        plain = OutgoingMessage::fromPacket(packet);   // before appendOffset() changes the packet
    if (!keep) {
        for (ServerSocket *s : to)
            s->send(*plain);
        return;
    }
    const qint64 offset = m_recovery->nextOffset();
    appendOffset(packet, offset);
    const OutgoingMessage message = OutgoingMessage::fromPacket(packet);
    QList<RecoveryLog::Clause> clauses;
    clauses.reserve(targets.size());
    for (const Target &target : targets) {
        RecoveryLog::Clause clause{target.rooms, target.exceptRooms};
        // Every socket is in the room of its own id, so that is how an excluded one is kept.
        for (const ServerSocket *s : target.exceptSockets)
            clause.exceptRooms.append(s->id());
        clauses.append(std::move(clause));
    }
    m_recovery->record(clauses, message);
    for (ServerSocket *s : to) {
        if (s->takesOffsets()) {
            s->m_lastSentOffset = offset;
            s->send(message);
        } else {
            s->send(*plain);
        }
    }
}

void Namespace::enableRecovery(const RecoveryLog::Options &options)
{
    m_recovery = std::make_unique<RecoveryLog>(options);
    // Kept events and sessions go when they expire even when nothing happens on the namespace.
    if (!m_recoveryPruner) {
        m_recoveryPruner = new QTimer(this);
        connect(m_recoveryPruner, &QTimer::timeout, this, [this] {
            if (m_recovery)
                m_recovery->prune();
        });
    }
    m_recoveryPruner->start(std::clamp(options.windowMs / 2, 1000, 30000));
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
