#pragma once

#include "core/result.h"
#include "queue/postgresuri.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSqlDatabase>
#include <QSet>
#include <QSqlDriver>
#include <QTimer>

#include <chrono>
#include <map>
#include <memory>

class QSqlError;
class QSqlQuery;

namespace caps {

// One server's line to the others through PostgreSQL: publish() sends a JSON message on a
// channel with NOTIFY, and every server that listen()ed on it gets it as received() — except the
// one that sent it (each bus has its own uid, carried in every message). A message over
// kNotifyLimit bytes (NOTIFY takes at most 8,000) goes into a table, and the NOTIFY carries its
// row id, as socket.io's postgres adapter does; rows go after kPayloadLifetime.
//
// Two connections: one only LISTENs (Qt's QPSQL driver reads its notifications on the event
// loop), one publishes and reads the table. Messages of one sender arrive in the order it sent
// them (PostgreSQL delivers one session's notifications in order, and a table row is read before
// the next notification is handled). Used from the thread that created it.
class PostgresBus : public QObject
{
    Q_OBJECT
public:
    static constexpr int kNotifyLimit = 7900;
    static constexpr int kPayloadLifetimeMs = 30000;

    // Every server says on kHeartbeatChannel that it is alive, and a server not heard from within
    // `timeout` is gone (socket.io's postgres adapter: heartbeatInterval 5 s, heartbeatTimeout
    // 10 s). A server that closes its bus says so, and is gone at once.
    struct Heartbeat
    {
        std::chrono::milliseconds interval{5000};
        std::chrono::milliseconds timeout{10000};
    };
    // No namespace is named without its leading slash: this channel is no namespace's.
    static inline const QString kHeartbeatChannel = QStringLiteral("socketio#heartbeats");

    [[nodiscard]] static Result<std::unique_ptr<PostgresBus>> open(const PostgresUri &uri, QObject *parent = nullptr);
    // Two functions, not a default argument: GCC cannot use Heartbeat's member initialisers in
    // a default argument inside the class that defines it.
    [[nodiscard]] static Result<std::unique_ptr<PostgresBus>> open(const PostgresUri &uri, Heartbeat heartbeat,
                                                                   QObject *parent = nullptr);
    ~PostgresBus() override;

    [[nodiscard]] QString uid() const { return m_uid; }
    // A NOTIFY channel name for a Socket.IO namespace: "socketio#/nsp" (not socket.io's
    // "socket.io#/nsp": Qt's driver would read the dot as a schema separator), hashed when the
    // name is long or has characters the driver would quote.
    [[nodiscard]] static QString channelFor(const QString &nsp);

    // Kept across a reconnection: the bus LISTENs on it again.
    [[nodiscard]] Result<bool> listen(const QString &channel);
    // `message` gets "uid"; false with the error if PostgreSQL did not take it.
    [[nodiscard]] Result<bool> publish(const QString &channel, QJsonObject message);

    // The connection to PostgreSQL broke (either of the two): the bus says so once, publishes
    // nothing (publish() fails with PostgresUri::lostMessage()), judges no server gone, and
    // reconnects on its own (PostgresUri::kRetryFirstMs, backing off to kRetryMaxMs); back, it
    // LISTENs again on every channel, beats at once, and says so.
    [[nodiscard]] bool lost() const { return !m_lost.isEmpty(); }

    // Runs one statement (prepared once, on the publishing connection) with `values` bound in
    // order, and returns its rows; a lost connection is noted as publish() notes it. For the
    // state the servers share beside their messages (PostgresAdapter's recovery sessions, in
    // kSessionsTable).
    [[nodiscard]] Result<QList<QVariantList>> query(const QString &sql, const QVariantList &values = {});
    // The connection-state-recovery sessions of every server's sockets, made with the bus's
    // schema: (nsp, pid) → sid, token_hash, server (its uid), session (JSON), expires_at (NULL
    // while the socket is connected, or until its server is known gone).
    static inline const QString kSessionsTable = QStringLiteral("sio_cluster.sessions");

    // How many messages went through the table (for tests and the log).
    [[nodiscard]] qint64 tablePublished() const { return m_tablePublished; }

    // The other servers heard from within the heartbeat timeout, by uid, sorted.
    [[nodiscard]] QStringList liveServers() const;
    // Whether `uid` (another server, or this one) may still be alive: this bus, one that is in
    // liveServers(), or one never heard from while this bus is younger than the heartbeat
    // timeout (every live server beats within it). A server announced gone is not.
    [[nodiscard]] bool mayBeAlive(const QString &uid) const;
    // How long (ms) nothing has been heard from `uid`: since its last heartbeat or message, or
    // since this bus started for a server never heard from; 0 for this server.
    [[nodiscard]] qint64 quietMs(const QString &uid) const;

signals:
    void received(const QString &channel, const QJsonObject &message);
    // Another server was heard from for the first time, or again after it was gone.
    void serverJoined(const QString &uid);
    // Another server said goodbye, or was not heard from within the heartbeat timeout.
    void serverGone(const QString &uid);
    // The bus lost its connection, and has it again.
    void connectionLost(const QString &error);
    void reconnected();

private:
    PostgresBus(PostgresUri uri, Heartbeat heartbeat, QObject *parent);
    [[nodiscard]] Result<bool> initialise();
    // Both connections, the table, the statements, the LISTENs on m_channels.
    [[nodiscard]] Result<bool> connectToDatabase();
    void closeConnections();
    // Whether `error` on `db` lost the connection: then logged, and reconnect() scheduled.
    bool noteFailure(const QSqlDatabase &db, const QSqlError &error);
    void reconnect();
    void onNotification(const QString &channel, QSqlDriver::NotificationSource source, const QVariant &payload);
    void removeOldPayloads();
    void beat(const QString &type);
    void heardFrom(const QString &uid);
    void forgetSilentServers();
    void forget(const QString &uid);

    PostgresUri m_uri;
    QString m_uid;
    QString m_listenName;
    QString m_publishName;
    QSqlDatabase m_listen;
    QSqlDatabase m_publish;
    std::unique_ptr<QSqlQuery> m_notify;
    std::unique_ptr<QSqlQuery> m_store;
    std::unique_ptr<QSqlQuery> m_fetch;
    std::map<QString, std::unique_ptr<QSqlQuery>> m_prepared; // query()'s, by statement
    QTimer m_cleanup;
    qint64 m_tablePublished = 0;
    Heartbeat m_heartbeat;
    QTimer m_beat;
    QTimer m_sweep;
    QElapsedTimer m_clock;
    QHash<QString, qint64> m_lastHeard; // uid → m_clock's ms
    QStringList m_channels; // LISTENed on
    QString m_lost; // why the connection is gone; empty while it is there
    QTimer m_retry;
    int m_retryMs = PostgresUri::kRetryFirstMs;
    QSet<QString> m_gone; // servers that said goodbye or fell silent (bounded: see forget())
};

} // namespace caps
