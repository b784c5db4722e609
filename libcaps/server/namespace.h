#pragma once

#include "protocol/socketio.h"
#include "server/recoverylog.h"
#include "server/serverevent.h"
#include "server/serversocket.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace caps {

class Adapter;

// A Socket.IO namespace: its sockets, who may connect, and broadcasting to them. Rooms,
// broadcasts and connection state recovery go through its Adapter (InMemoryAdapter unless the
// server was given another, ServerOptions::adapterFactory), as in socket.io.
class Namespace : public QObject
{
    Q_OBJECT
public:
    // Whom a broadcast reaches: the sockets in any of `rooms` (every socket when empty), less
    // those in any of `exceptRooms` and those in `exceptSockets`.
    struct Target
    {
        QStringList rooms;
        QStringList exceptRooms;
        QSet<const ServerSocket *> exceptSockets;
    };
    // Decides on a CONNECT: an empty string admits, anything else is the CONNECT_ERROR message.
    using ConnectGuard = std::function<QString(const QJsonObject &auth)>;
    // What a CONNECT opens (admit()).
    struct Admission
    {
        QString refusal; // not empty: refused, with this CONNECT_ERROR message
        ServerSocket::Init socket;
        std::optional<RecoveryLog::Restored> restored; // the session it takes back
    };

    // `adapter` null: an InMemoryAdapter without recovery.
    explicit Namespace(const QString &name, std::unique_ptr<Adapter> adapter = {}, QObject *parent = nullptr);
    ~Namespace() override;

    [[nodiscard]] QString name() const { return m_name; }
    [[nodiscard]] Adapter *adapter() const { return m_adapter.get(); }
    [[nodiscard]] qsizetype socketCount() const { return m_sockets.size(); }
    [[nodiscard]] QList<ServerSocket *> sockets() const { return m_sockets.values(); }
    [[nodiscard]] ServerSocket *socket(const QString &id) const { return m_sockets.value(id); }
    [[nodiscard]] QSet<ServerSocket *> socketsIn(const QString &room) const;

    void emitEvent(const QString &event, const QJsonArray &args = {}, const QList<QByteArray> &attachments = {});
    void broadcast(const Target &target, const QString &event, const QJsonArray &args = {},
                   const QList<QByteArray> &attachments = {});
    // Sends `packet` (its nsp is set to this namespace), encoded once, to every socket any of
    // `targets` reaches; a socket reached twice gets it once. The relay path of the hub: a
    // packet with rawData keeps its bytes (plus the recovery offset, for those that take it).
    void broadcast(const QList<Target> &targets, sio::Packet packet);

    // Every event a socket of this namespace receives, before that socket's eventReceived():
    // one handler for all of them (the hub's), where a connection to each socket's signal cost
    // every idle connection its memory. Called while `context` exists.
    using EventHandler = std::function<void(const ServerEvent &event)>;
    void setEventHandler(QObject *context, EventHandler handler)
    {
        m_eventContext = context;
        m_eventHandler = std::move(handler);
    }
    // ServerSocket's call for each event.
    void handleEvent(const ServerEvent &event) const
    {
        if (m_eventHandler && m_eventContext)
            m_eventHandler(event);
    }

    void setConnectGuard(ConnectGuard guard) { m_connectGuard = std::move(guard); }
    [[nodiscard]] QString checkConnect(const QJsonObject &auth) const;

    // A client's CONNECT with `auth` (socket.io's Namespace._add()): the connect guard's
    // verdict, and the socket to open: with connection state recovery and an auth that asks for
    // it (RecoveryLog::isRequestedBy), a pid and maybe the session it comes back for (same id,
    // rooms and the events it missed). `id` is for a Socket.IO v4 client, which names its
    // socket itself and has no recovery; otherwise a new id is made.
    [[nodiscard]] Admission admit(const QJsonObject &auth, const QString &id = {});
    // Takes in a socket made from admit()'s answer once its client has it and has sent the
    // CONNECT answer: puts it in its rooms (the room of its id, or the session's), sends what
    // it missed, and announces it with connection().
    void accept(ServerSocket *socket, const Admission &admission);
    // Forgets a socket that is closing or gone: it leaves every room.
    void remove(ServerSocket *socket);

signals:
    void connection(caps::ServerSocket *socket);

private:
    const QString m_name;
    std::unique_ptr<Adapter> m_adapter;
    QHash<QString, ServerSocket *> m_sockets;
    ConnectGuard m_connectGuard;
    QPointer<QObject> m_eventContext;
    EventHandler m_eventHandler;
};

} // namespace caps
