#pragma once

#include "server/inmemoryadapter.h"

class QTimer;

namespace caps {

class PostgresBus;

// The Adapter of one namespace on a server that is one of several (socket.io's
// @socket.io/postgres-adapter): rooms and recovery stay in memory, as InMemoryAdapter keeps
// them, and every broadcast that may reach a socket on another server is also published on the
// namespace's channel of the PostgresBus with its targets (room names). What another server
// publishes is delivered here as a broadcast of this server's own, to its local sockets.
//
// A broadcast to sockets' own rooms only, all of them here, stays here: a socket id exists on one
// server. (That is every direct emit with connection state recovery, which goes through the
// adapter to keep its offset.)
//
// Connection state recovery works across the servers: a client whose server dies (or that the
// load balancer sends elsewhere) comes back through any other with its id, rooms and missed
// events. Each server's RecoveryLog keeps every broadcast it relayed, its own and the others',
// numbered by origin (RecoveryLog's cluster offsets: a published broadcast carries its number
// and its predecessor's), and the sessions of sockets that take offsets live in
// PostgresBus::kSessionsTable from the moment they connect (a killed server leaves nothing
// behind otherwise): written on connecting, joining and leaving, taken back with one DELETE
// (so a pid recovers once, wherever), given an expiry when the socket drops or its server is
// known gone, removed when it leaves for good. Without the database, no session is kept or
// taken back: the client connects afresh and says so (recovered == false).
class PostgresAdapter final : public InMemoryAdapter
{
    Q_OBJECT
public:
    // `bus` must outlive the adapter.
    PostgresAdapter(PostgresBus *bus, const QString &nsp,
                    const std::optional<RecoveryLog::Options> &recovery = std::nullopt, QObject *parent = nullptr);

    void broadcast(sio::Packet packet, const QList<BroadcastTarget> &targets) override;

    void addAll(ServerSocket *socket, const QStringList &rooms) override;
    void del(ServerSocket *socket, const QString &room) override;
    void delAll(ServerSocket *socket) override;
    void persistSession(const ServerSocket *socket) override;
    [[nodiscard]] std::optional<RecoveryLog::Restored> restoreSession(const QJsonObject &auth,
                                                                      QString *previous) override;
    void resume(ServerSocket *socket, const RecoveryLog::Restored &restored) override;

    // A server's name in cluster offsets (RecoveryLog::Options::server): short, as every
    // offset names every live server, and still unique among a cluster's servers for all
    // practical purposes (32 random bits of its uid).
    [[nodiscard]] static QString tagOf(const QString &uid) { return uid.left(8); }

    // Broadcasts published, and delivered from other servers (for tests and the log).
    [[nodiscard]] qint64 published() const { return m_published; }
    [[nodiscard]] qint64 delivered() const { return m_delivered; }

signals:
    // A broadcast from another server was delivered here (after its local sends).
    void remoteBroadcastDelivered();

private:
    [[nodiscard]] bool staysHere(const QList<BroadcastTarget> &targets) const;
    void onReceived(const QString &channel, const QJsonObject &message);
    // Whether `socket`'s session is kept in the database.
    [[nodiscard]] bool shares(const ServerSocket *socket) const;
    // Runs a statement on the sessions; a failure is logged (once, by the bus, when the
    // database is gone).
    bool runOnSessions(const char *what, const QString &sql, const QVariantList &values);
    void writeSession(const ServerSocket *socket, const RecoveryLog::SharedSession &session);
    void onServerGone(const QString &uid);
    void expireSessions();

    PostgresBus *m_bus;
    QString m_nsp;
    QString m_channel;
    qint64 m_published = 0;
    qint64 m_delivered = 0;
    qint64 m_lastPublishedSeq = -1; // the number of the last broadcast published, -1: none
    int m_windowMs = 0;
    QString m_persistedPid; // its session was just given an expiry: delAll() keeps it
    QTimer *m_sessionPruner = nullptr;
};

} // namespace caps
