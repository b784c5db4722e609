#pragma once

#include "protocol/socketio.h"
#include "server/broadcasttarget.h"
#include "server/recoverylog.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace caps {

class ServerSocket;

// The rooms, broadcasts and recovery sessions of one namespace, behind one interface, as
// socket.io-adapter's Adapter: Namespace and ServerSocket go through it for all three, and
// nothing else keeps room membership. InMemoryAdapter, the default, keeps everything in this
// process. An adapter for several hubs (the scale-out's PostgreSQL one) derives from it, as
// socket.io's cluster adapters do from the in-memory one:
//  - broadcast() delivers to this hub's sockets (InMemoryAdapter::broadcast()) and publishes the
//    packet with its targets for the other hubs; a broadcast another hub published is delivered
//    here by calling InMemoryAdapter::broadcast() with it, so it is encoded once and kept for
//    recovery like one of our own. Targets are room names only (BroadcastTarget) for that.
//  - addAll(), del() and delAll() are where a join or a leave can be made known elsewhere.
//  - persistSession() and restoreSession() are where a session can go to a shared store, so
//    that a client may come back through another hub.
// The ServerSocket pointers are this hub's sockets; other hubs' sockets are known by id only.
class Adapter : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~Adapter() override;

    // A socket is known from its first addAll() (Namespace::accept() puts it in the room of its
    // id) until delAll() (Namespace::remove()), even while it is in no room at all.
    virtual void addAll(ServerSocket *socket, const QStringList &rooms) = 0;
    virtual void del(ServerSocket *socket, const QString &room) = 0;
    virtual void delAll(ServerSocket *socket) = 0;
    [[nodiscard]] virtual QSet<QString> socketRooms(const ServerSocket *socket) const = 0;
    [[nodiscard]] virtual bool isIn(const ServerSocket *socket, const QString &room) const = 0;
    // This hub's sockets in `room`.
    [[nodiscard]] virtual QSet<ServerSocket *> sockets(const QString &room) const = 0;

    // Sends `packet` (an Event, BinaryEvent, ...; its nsp already set), encoded once, to every
    // socket any of `targets` reaches; a socket reached by several gets it once. With connection
    // state recovery, an event without an ack id is kept and carries an offset for the sockets
    // that take offsets (ServerSocket::takesOffsets()).
    virtual void broadcast(sio::Packet packet, const QList<BroadcastTarget> &targets) = 0;

    // Connection state recovery (socket.io 4.6's connectionStateRecovery; RecoveryLog): whether
    // this adapter has it; without it, none of the three below is called.
    [[nodiscard]] virtual bool hasRecovery() const = 0;
    // Keeps what `socket` leaves behind (id, pid, rooms, how far it got) for it to come back to.
    // Called before the socket leaves its rooms.
    virtual void persistSession(const ServerSocket *socket) = 0;
    // The session `auth` ({ pid, offset, token }) comes back for, with the events it missed;
    // taken, so that a pid recovers once. `previous` gets the session's socket id whenever the
    // pid and token match, even if the session cannot be restored (events it missed are gone):
    // the client has proved that socket was its own, so that socket is gone for good.
    [[nodiscard]] virtual std::optional<RecoveryLog::Restored> restoreSession(const QJsonObject &auth,
                                                                              QString *previous)
        = 0;
    // Puts a socket that took back `restored` (it has the session's id) in the session's rooms
    // again, as of when it had joined each, and sends it the missed events.
    virtual void resume(ServerSocket *socket, const RecoveryLog::Restored &restored) = 0;

signals:
    // A socket of this hub entered or left a room (socket.io-adapter's "join-room" and
    // "leave-room"): what instrumentation such as the Admin UI's follows. Every implementation
    // emits them.
    void roomJoined(caps::ServerSocket *socket, const QString &room);
    void roomLeft(caps::ServerSocket *socket, const QString &room);
};

} // namespace caps
