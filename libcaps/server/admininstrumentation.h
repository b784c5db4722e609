#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QSet>
#include <QTimer>

#include <functional>

namespace caps {

class EngineSession;
class Namespace;
class Server;
class ServerEvent;
class ServerSocket;

// The server side of the Socket.IO Admin UI (@socket.io/admin-ui's instrument(), whose lib/
// sources are the reference): on its namespace ("/admin") it sends `config` with the supported
// features, `server_stats` every two seconds and, in development mode, `all_sockets`,
// `socket_connected` / `socket_updated` / `socket_disconnected`, `room_joined` / `room_left`,
// `event_received` and `event_sent` for every other namespace; it obeys `emit`, `join`, `leave` and
// `_disconnect`. It reads the server only through Server, Namespace, ServerSocket and the
// Adapter's room signals.
//
// Login is the UI's basic auth ({ username, password } in the CONNECT auth), checked by
// Options::authenticate; a socket admitted so gets a `session` id that lets the UI reconnect
// with { sessionId } alone, as admin-ui's InMemoryStore.
class AdminInstrumentation : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString namespaceName = QStringLiteral("/admin");
        // No command features (admin-ui's readonly).
        bool readonly = false;
        // admin-ui's mode "development": every socket, room and event; "production" sends the
        // config and the stats only.
        bool development = true;
        QString serverId; // empty: the host name
        int statsInterval = 2000; // ms
        // Empty string: the credentials are good; otherwise why not (the CONNECT_ERROR message).
        // Unset: no login at all (admin-ui's auth: false).
        std::function<QString(const QString &username, const QString &password)> authenticate;
    };

    AdminInstrumentation(Server *server, Options options, QObject *parent = nullptr);

    [[nodiscard]] Namespace *adminNamespace() const { return m_admin; }
    [[nodiscard]] QStringList supportedFeatures() const;
    // What socket.io's serialize() says of a socket: id, clientId, transport, nsp, data,
    // handshake, rooms.
    [[nodiscard]] static QJsonObject describe(const ServerSocket *socket);

private:
    [[nodiscard]] QString checkConnect(const QJsonObject &auth) const;
    void watch(Namespace *nsp);
    void onAdminConnection(ServerSocket *socket);
    void onCommand(const ServerEvent &event);
    void onSocketConnected(Namespace *nsp, ServerSocket *socket);
    // Development mode's hooks on a socket (its upgrade, its events, its disconnection) exist only
    // while someone watches: an idle connection then carries none of them (four connections and
    // their functors, some 600 bytes each connection, when the hooks were there from the start).
    void hook(Namespace *nsp, ServerSocket *socket);
    void hookAll();
    // The Engine.IO session under `socket` (nullptr once it is gone).
    [[nodiscard]] static EngineSession *sessionOf(const ServerSocket *socket);
    void unhookAll();
    void emitStats();
    // Whether anyone is logged in: until then nothing is described, so that the hub's hot path
    // (every event, every join) pays only this test.
    [[nodiscard]] bool watched() const;
    void broadcastToAdmins(const QString &event, const QJsonArray &args);
    // The sockets of `nsp` a command's filter names (a room or a socket id; all when empty).
    [[nodiscard]] QList<QPointer<ServerSocket>> selected(Namespace *nsp, const QString &filter) const;

    Server *m_server;
    Options m_options;
    Namespace *m_admin;
    QTimer m_statsTimer;
    QElapsedTimer m_uptime;
    // Login sessions handed out (`session`), oldest first, bounded.
    QStringList m_sessions;
    // Engine.IO connections opened since the last server_stats, and those that ended, by reason.
    int m_rawConnections = 0;
    QHash<QString, int> m_rawDisconnections;
    QList<QPointer<Namespace>> m_watchedNamespaces; // development mode: every namespace
    int m_watchers = 0; // admin sockets connected
    QSet<const ServerSocket *> m_hooked; // while m_watchers > 0: the sockets hook() has seen
};

} // namespace caps
