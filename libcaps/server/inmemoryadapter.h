#pragma once

#include "server/adapter.h"

#include <QHash>

#include <memory>
#include <optional>

class QTimer;

namespace caps {

// The default Adapter: rooms, broadcasts and (when made with recovery options) connection state
// recovery in this process, as socket.io-adapter's in-memory (session-aware) adapter.
//
// A broadcast is encoded once; every recipient gets the same bytes. With recovery, every event
// sent without an acknowledgement is kept in recovery() for the sockets that asked for it
// (ServerSocket::takesOffsets()), should they drop and come back, and reaches them with an
// offset; the others get it as emitted. A broadcast is then encoded twice at most: with the
// offset and without, each form only if someone gets it (or, with the offset, if it is kept).
class InMemoryAdapter : public Adapter
{
    Q_OBJECT
public:
    // No recovery without `recovery`.
    explicit InMemoryAdapter(const std::optional<RecoveryLog::Options> &recovery = std::nullopt,
                             QObject *parent = nullptr);
    ~InMemoryAdapter() override;

    void addAll(ServerSocket *socket, const QStringList &rooms) override;
    void del(ServerSocket *socket, const QString &room) override;
    void delAll(ServerSocket *socket) override;
    [[nodiscard]] QSet<QString> socketRooms(const ServerSocket *socket) const override;
    [[nodiscard]] bool isIn(const ServerSocket *socket, const QString &room) const override;
    [[nodiscard]] QSet<ServerSocket *> sockets(const QString &room) const override;

    void broadcast(sio::Packet packet, const QList<BroadcastTarget> &targets) override;
    // The sockets any of `targets` reaches, each once: whom broadcast() sends to.
    [[nodiscard]] QList<ServerSocket *> recipients(const QList<BroadcastTarget> &targets) const;

    [[nodiscard]] bool hasRecovery() const override { return m_recovery != nullptr; }
    void persistSession(const ServerSocket *socket) override;
    [[nodiscard]] std::optional<RecoveryLog::Restored> restoreSession(const QJsonObject &auth,
                                                                      QString *previous) override;
    void resume(ServerSocket *socket, const RecoveryLog::Restored &restored) override;
    // The kept events and sessions; nullptr without recovery.
    [[nodiscard]] RecoveryLog *recovery() const { return m_recovery.get(); }

protected:
    // Whether, with recovery, `packet` gets an offset and is kept: an event waiting for no
    // acknowledgement (as socket.io: the callback would not survive).
    [[nodiscard]] bool keeps(const sio::Packet &packet) const;
    // broadcast() of an event `origin` sent first (in a cluster; see RecoveryLog::Origin).
    void broadcastFrom(sio::Packet packet, const QList<BroadcastTarget> &targets, const RecoveryLog::Origin &origin);

private:
    struct Member
    {
        // A list, not a set: a socket is in a handful of rooms, and every idle connection keeps
        // this (a QSet's first storage block is 1.1 KiB). Its own id's room is not in it.
        QStringList rooms;
        // Whether it is in the room of its own id (every socket, from Namespace::accept(), until
        // it leaves that room): kept as its entry in m_ownRooms, not as a room of one in
        // m_rooms, whose set per socket was 0.7 KiB of every idle connection.
        bool inOwnRoom = false;
    };
    // Connection state recovery, for a socket that takes offsets (in m_offsets, so that no
    // other socket carries these fields).
    struct Offsets
    {
        // The first offset sent while in each room. Pairs in a list and a field for its own
        // room, not a hash: a QHash's first storage block is 1.5 KiB, and every connection has
        // its own room.
        QList<std::pair<QString, qint64>> joinedAt; // the rooms in Member::rooms
        qint64 ownJoinedAt = -1; // its own id's room
        qint64 resumeFrom = 0; // the first offset this socket may not have handled
        qint64 lastSent = -1; // the newest offset sent to it
    };
    // A target with its rooms looked up once, for the per-recipient checks of a broadcast.
    struct Resolved;

    [[nodiscard]] Resolved resolve(const BroadcastTarget &target) const;
    [[nodiscard]] static bool reaches(const Resolved &target, ServerSocket *socket);
    // Whether `room` is the own room of `socket`.
    [[nodiscard]] static bool isOwnRoom(const ServerSocket *socket, const QString &room);
    Member &member(ServerSocket *socket);
    void join(ServerSocket *socket, Member &member, const QString &room, qint64 since);
    // The room's side of a leave; an empty room goes.
    void removeFromRoom(ServerSocket *socket, const QString &room);

    // Its socket's entry in m_offsets, made if there is none yet.
    Offsets &offsets(ServerSocket *socket);

    QHash<ServerSocket *, Member> m_members;
    QHash<const ServerSocket *, Offsets> m_offsets; // the members that take offsets
    QHash<QString, QSet<ServerSocket *>> m_rooms; // every room but the sockets' own
    QHash<QString, ServerSocket *> m_ownRooms; // socket id -> that socket, while in its own room
    std::unique_ptr<RecoveryLog> m_recovery;
    QTimer *m_recoveryPruner = nullptr;
};

} // namespace caps
