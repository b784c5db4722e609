#include "server/inmemoryadapter.h"

#include "server/outgoingmessage.h"
#include "server/serversocket.h"

#include <QJsonArray>
#include <QTimer>
#include <QVarLengthArray>

#include <algorithm>
#include <utility>

namespace caps {

namespace {

// Appends the recovery offset (a string, as socket.io's) to the arguments of an event that is
// about to be encoded and dropped: in the received bytes when the packet still has them (so a
// relayed payload keeps its bytes, and `data`, which encode() then does not read, is left
// alone), else in `data`.
void appendOffset(sio::Packet &packet, const QByteArray &offset)
{
    qsizetype end = packet.rawData.size();
    while (end > 0 && QChar::isSpace(uchar(packet.rawData.at(end - 1))))
        --end;
    if (end > 0 && packet.rawData.at(end - 1) == ']') {
        // Digits, and in a cluster server tags, '=' and ',': nothing JSON escapes.
        QByteArray raw;
        raw.reserve(end + offset.size() + 4);
        raw.append(packet.rawData.constData(), end - 1).append(",\"").append(offset).append("\"]");
        packet.rawData = std::move(raw);
        return;
    }
    packet.rawData.clear(); // none, or not an array after all: encode() writes `data`
    QJsonArray data = packet.data.toArray();
    data.append(QString::fromUtf8(offset));
    packet.data = data;
}

// The hashes are keyed by the sockets we send to; a const pointer is only ever looked up.
ServerSocket *key(const ServerSocket *socket)
{
    return const_cast<ServerSocket *>(socket);
}

} // namespace

struct InMemoryAdapter::Resolved
{
    bool everyone = false; // no rooms: every socket
    QVarLengthArray<const QSet<ServerSocket *> *, 4> rooms; // those of its rooms that exist
    QVarLengthArray<ServerSocket *, 4> sockets; // those of its rooms that are a socket's own
    QVarLengthArray<const QSet<ServerSocket *> *, 4> excluded;
    QVarLengthArray<ServerSocket *, 4> excludedSockets;

    [[nodiscard]] bool excludes(ServerSocket *s) const
    {
        return std::any_of(excluded.cbegin(), excluded.cend(), [s](const auto *room) { return room->contains(s); })
            || excludedSockets.contains(s);
    }
};

InMemoryAdapter::InMemoryAdapter(const std::optional<RecoveryLog::Options> &recovery, QObject *parent)
    : Adapter(parent)
{
    if (!recovery)
        return;
    m_recovery = std::make_unique<RecoveryLog>(*recovery);
    // Kept events and sessions go when they expire even when nothing happens on the namespace.
    m_recoveryPruner = new QTimer(this);
    connect(m_recoveryPruner, &QTimer::timeout, this, [this] { m_recovery->prune(); });
    m_recoveryPruner->start(std::clamp(recovery->windowMs / 2, 1000, 30000));
}

InMemoryAdapter::~InMemoryAdapter() = default;

InMemoryAdapter::Member &InMemoryAdapter::member(ServerSocket *socket)
{
    auto it = m_members.find(socket);
    if (it == m_members.end()) {
        it = m_members.insert(socket, Member{});
        if (m_recovery && socket->takesOffsets())
            offsets(socket);
    }
    return it.value();
}

InMemoryAdapter::Offsets &InMemoryAdapter::offsets(ServerSocket *socket)
{
    auto it = m_offsets.find(socket);
    if (it == m_offsets.end()) {
        it = m_offsets.insert(socket, Offsets{});
        it->resumeFrom = m_recovery->nextOffset();
    }
    return it.value();
}

bool InMemoryAdapter::isOwnRoom(const ServerSocket *socket, const QString &room)
{
    return room == socket->id();
}

void InMemoryAdapter::join(ServerSocket *socket, Member &member, const QString &room, qint64 since)
{
    const bool own = isOwnRoom(socket, room);
    if (own) {
        if (member.inOwnRoom)
            return;
        member.inOwnRoom = true;
        m_ownRooms.insert(room, socket);
    } else {
        if (member.rooms.contains(room))
            return;
        member.rooms.append(room);
        m_rooms[room].insert(socket);
    }
    if (m_recovery && socket->takesOffsets()) {
        const qint64 offset = since >= 0 ? since : m_recovery->nextOffset();
        Offsets &o = offsets(socket);
        if (own)
            o.ownJoinedAt = offset;
        else
            o.joinedAt.append({room, offset});
    }
    emit roomJoined(socket, room);
}

void InMemoryAdapter::addAll(ServerSocket *socket, const QStringList &rooms)
{
    Member &m = member(socket);
    for (const QString &room : rooms)
        join(socket, m, room, -1);
}

void InMemoryAdapter::removeFromRoom(ServerSocket *socket, const QString &room)
{
    if (isOwnRoom(socket, room)) {
        if (const auto own = m_ownRooms.find(room); own != m_ownRooms.end() && own.value() == socket)
            m_ownRooms.erase(own);
        return;
    }
    const auto it = m_rooms.find(room);
    if (it == m_rooms.end())
        return;
    it->remove(socket);
    if (it->isEmpty())
        m_rooms.erase(it);
}

void InMemoryAdapter::del(ServerSocket *socket, const QString &room)
{
    const auto member = m_members.find(socket);
    if (member == m_members.end())
        return;
    const bool own = isOwnRoom(socket, room);
    if (own ? !std::exchange(member->inOwnRoom, false) : !member->rooms.removeOne(room))
        return;
    if (const auto o = m_offsets.find(socket); o != m_offsets.end()) {
        if (own)
            o->ownJoinedAt = -1;
        else
            o->joinedAt.removeIf([&room](const auto &joined) { return joined.first == room; });
    }
    removeFromRoom(socket, room);
    emit roomLeft(socket, room);
}

void InMemoryAdapter::delAll(ServerSocket *socket)
{
    const auto member = m_members.find(socket);
    if (member == m_members.end())
        return;
    QStringList rooms = std::move(member->rooms);
    if (member->inOwnRoom)
        rooms.prepend(socket->id());
    m_members.erase(member);
    m_offsets.remove(socket);
    for (const QString &room : std::as_const(rooms)) {
        removeFromRoom(socket, room);
        emit roomLeft(socket, room);
    }
}

QSet<QString> InMemoryAdapter::socketRooms(const ServerSocket *socket) const
{
    const auto it = m_members.constFind(key(socket));
    if (it == m_members.constEnd())
        return {};
    QSet<QString> rooms(it->rooms.cbegin(), it->rooms.cend());
    if (it->inOwnRoom)
        rooms.insert(socket->id());
    return rooms;
}

bool InMemoryAdapter::isIn(const ServerSocket *socket, const QString &room) const
{
    const auto it = m_members.constFind(key(socket));
    if (it == m_members.constEnd())
        return false;
    return isOwnRoom(socket, room) ? it->inOwnRoom : it->rooms.contains(room);
}

QSet<ServerSocket *> InMemoryAdapter::sockets(const QString &room) const
{
    // A room may be named like a socket's id and joined by others too (socket.io allows it).
    QSet<ServerSocket *> out = m_rooms.value(room);
    if (const auto own = m_ownRooms.constFind(room); own != m_ownRooms.constEnd())
        out.insert(own.value());
    return out;
}

InMemoryAdapter::Resolved InMemoryAdapter::resolve(const BroadcastTarget &target) const
{
    Resolved resolved;
    resolved.everyone = target.rooms.isEmpty();
    for (const QString &room : target.rooms) {
        if (const auto it = m_rooms.constFind(room); it != m_rooms.constEnd())
            resolved.rooms.append(&it.value());
        if (const auto own = m_ownRooms.constFind(room); own != m_ownRooms.constEnd())
            resolved.sockets.append(own.value());
    }
    for (const QString &room : target.exceptRooms) {
        if (const auto it = m_rooms.constFind(room); it != m_rooms.constEnd())
            resolved.excluded.append(&it.value());
        if (const auto own = m_ownRooms.constFind(room); own != m_ownRooms.constEnd())
            resolved.excludedSockets.append(own.value());
    }
    return resolved;
}

bool InMemoryAdapter::reaches(const Resolved &target, ServerSocket *socket)
{
    if (!target.everyone && !target.sockets.contains(socket)
        && std::none_of(target.rooms.cbegin(), target.rooms.cend(),
                        [socket](const auto *room) { return room->contains(socket); }))
        return false;
    return !target.excludes(socket);
}

QList<ServerSocket *> InMemoryAdapter::recipients(const QList<BroadcastTarget> &targets) const
{
    // This runs for every relayed event, so nothing is copied or built unless the targets need
    // it: each room is looked up once, and a socket an earlier target reached is left out by
    // its membership of that target's rooms, with no set of all recipients built per event.
    QVarLengthArray<Resolved, 4> resolved;
    for (const BroadcastTarget &target : targets)
        resolved.append(resolve(target));
    QList<ServerSocket *> out;
    for (qsizetype i = 0; i < resolved.size(); ++i) {
        const Resolved &target = resolved.at(i);
        const auto admit = [&](ServerSocket *s) {
            if (target.excludes(s))
                return false;
            for (qsizetype j = 0; j < i; ++j) {
                if (reaches(resolved.at(j), s))
                    return false;
            }
            return true;
        };
        if (target.everyone) {
            out.reserve(out.size() + m_members.size());
            for (auto it = m_members.cbegin(); it != m_members.cend(); ++it) {
                if (admit(it.key()))
                    out.append(it.key());
            }
        } else if (target.rooms.size() == 1 && target.sockets.isEmpty()) {
            const QSet<ServerSocket *> &room = *target.rooms.first();
            out.reserve(out.size() + room.size());
            for (ServerSocket *s : room) {
                if (admit(s))
                    out.append(s);
            }
        } else if (target.rooms.isEmpty() && target.sockets.size() == 1) {
            // One socket by its id (a direct emit): no set to build.
            if (admit(target.sockets.first()))
                out.append(target.sockets.first());
        } else {
            // A socket in several of the rooms gets the packet once.
            QSet<ServerSocket *> seen;
            const auto take = [&](ServerSocket *s) {
                if (!seen.contains(s) && admit(s)) {
                    seen.insert(s);
                    out.append(s);
                }
            };
            for (const QSet<ServerSocket *> *room : target.rooms) {
                for (ServerSocket *s : *room)
                    take(s);
            }
            for (ServerSocket *s : target.sockets)
                take(s);
        }
    }
    return out;
}

bool InMemoryAdapter::keeps(const sio::Packet &packet) const
{
    const bool isEvent = packet.type == sio::PacketType::Event || packet.type == sio::PacketType::BinaryEvent;
    return m_recovery && isEvent && packet.id < 0;
}

void InMemoryAdapter::broadcast(sio::Packet packet, const QList<BroadcastTarget> &targets)
{
    broadcastFrom(std::move(packet), targets, RecoveryLog::Origin());
}

void InMemoryAdapter::broadcastFrom(sio::Packet packet, const QList<BroadcastTarget> &targets,
                                    const RecoveryLog::Origin &origin)
{
    const QList<ServerSocket *> to = recipients(targets);
    const bool offsetable = keeps(packet);
    // Only the sockets that asked for recovery get the offset (ServerSocket::takesOffsets()),
    // the others the event as emitted: two encodings at most, each made only if needed.
    bool offsetWanted = false;
    bool plainWanted = !offsetable && !to.isEmpty();
    for (qsizetype i = 0; offsetable && i < to.size() && !(offsetWanted && plainWanted); ++i)
        (to.at(i)->takesOffsets() ? offsetWanted : plainWanted) = true;
    // Kept for those who may come back for it; nobody else can. In a cluster, that may be a
    // client of another server, coming back here.
    const bool keep = offsetable && (offsetWanted || m_recovery->hasSessions() || m_recovery->isClustered());
    std::optional<OutgoingMessage> plain;
    if (plainWanted)
        plain = OutgoingMessage::fromPacket(packet); // before appendOffset() changes the packet
    if (!keep) {
        for (ServerSocket *s : to)
            s->send(*plain);
        return;
    }
    appendOffset(packet, m_recovery->nextOffsetText(origin));
    const OutgoingMessage message = OutgoingMessage::fromPacket(packet);
    const qint64 offset = m_recovery->record(targets, message, origin);
    for (ServerSocket *s : to) {
        if (s->takesOffsets()) {
            // The send may have closed a socket that came earlier and taken it out of here.
            if (const auto o = m_offsets.find(s); o != m_offsets.end())
                o->lastSent = offset;
            s->send(message);
        } else {
            s->send(*plain);
        }
    }
}

void InMemoryAdapter::persistSession(const ServerSocket *socket)
{
    // An entry in m_offsets is a member's (delAll() removes both), and ownJoinedAt is -1 unless
    // it is in its own room.
    const auto o = m_offsets.constFind(socket);
    if (!m_recovery || o == m_offsets.constEnd())
        return;
    RecoveryLog::Session session;
    session.sid = socket->id();
    session.pid = socket->pid();
    for (const auto &[room, offset] : o->joinedAt)
        session.rooms.insert(room, offset);
    if (o->ownJoinedAt >= 0)
        session.rooms.insert(socket->id(), o->ownJoinedAt);
    session.token = socket->auth().value(QLatin1String("token")).toString();
    session.resumeFrom = o->resumeFrom;
    session.lastSent = o->lastSent;
    m_recovery->persist(std::move(session));
}

std::optional<RecoveryLog::Restored> InMemoryAdapter::restoreSession(const QJsonObject &auth, QString *previous)
{
    return m_recovery ? m_recovery->restore(auth, previous) : std::nullopt;
}

void InMemoryAdapter::resume(ServerSocket *socket, const RecoveryLog::Restored &restored)
{
    Member &m = member(socket);
    Offsets &o = offsets(socket);
    o.resumeFrom = restored.resumeFrom;
    o.lastSent = restored.lastSent;
    for (auto it = restored.session.rooms.cbegin(); it != restored.session.rooms.cend(); ++it)
        join(socket, m, it.key(), it.value());
    join(socket, m, socket->id(), -1); // a no-op unless the session somehow lacked it
    for (const OutgoingMessage &missed : restored.missed)
        socket->send(missed);
}

} // namespace caps
