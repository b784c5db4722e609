#include "cluster/postgresbus.h"

#include "core/logging.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUuid>

#include <algorithm>

namespace caps {

namespace {

// The same in every server: creating the table is serialised between servers starting at once.
constexpr qint64 kTableLock = 0x73696f63; // "sioc"

QString errorOf(const QSqlQuery &query)
{
    return query.lastError().text().trimmed();
}

} // namespace

PostgresBus::PostgresBus(PostgresUri uri, Heartbeat heartbeat, QObject *parent)
    : QObject(parent)
    , m_uri(std::move(uri))
    , m_uid(QUuid::createUuid().toString(QUuid::WithoutBraces))
    , m_listenName(QStringLiteral("sio-cluster-listen-%1").arg(m_uid))
    , m_publishName(QStringLiteral("sio-cluster-publish-%1").arg(m_uid))
    , m_heartbeat(heartbeat)
{
    m_cleanup.setInterval(kPayloadLifetimeMs);
    connect(&m_cleanup, &QTimer::timeout, this, &PostgresBus::removeOldPayloads);
    m_beat.setInterval(m_heartbeat.interval);
    connect(&m_beat, &QTimer::timeout, this, [this] { beat(QStringLiteral("heartbeat")); });
    // A silent server is noticed at most a quarter of the timeout late.
    m_sweep.setInterval(std::max(m_heartbeat.timeout / 4, std::chrono::milliseconds(1)));
    connect(&m_sweep, &QTimer::timeout, this, &PostgresBus::forgetSilentServers);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &PostgresBus::reconnect);
    m_clock.start();
}

PostgresBus::~PostgresBus()
{
    // The others forget this server now rather than after their timeout.
    if (m_notify && !lost())
        beat(QStringLiteral("bye"));
    closeConnections();
}

void PostgresBus::closeConnections()
{
    if (m_listen.isValid())
        disconnect(m_listen.driver(), &QSqlDriver::notification, this, &PostgresBus::onNotification);
    // On a lost connection the drivers go first: statements outliving them do not try to
    // DEALLOCATE on it (a warning each).
    if (!lost()) {
        m_notify.reset();
        m_store.reset();
        m_fetch.reset();
        m_prepared.clear();
    }
    for (QSqlDatabase *db : {&m_listen, &m_publish}) {
        db->close();
        *db = QSqlDatabase();
    }
    QSqlDatabase::removeDatabase(m_listenName);
    QSqlDatabase::removeDatabase(m_publishName);
    m_notify.reset();
    m_store.reset();
    m_fetch.reset();
    m_prepared.clear();
}

Result<std::unique_ptr<PostgresBus>> PostgresBus::open(const PostgresUri &uri, QObject *parent)
{
    return open(uri, Heartbeat{}, parent);
}

Result<std::unique_ptr<PostgresBus>> PostgresBus::open(const PostgresUri &uri, Heartbeat heartbeat, QObject *parent)
{
    using R = Result<std::unique_ptr<PostgresBus>>;
    std::unique_ptr<PostgresBus> bus(new PostgresBus(uri, heartbeat, parent));
    if (auto ok = bus->initialise(); !ok)
        return R::failure(ok.error());
    return R(std::move(bus));
}

Result<bool> PostgresBus::initialise()
{
    m_channels = {kHeartbeatChannel};
    if (auto ok = connectToDatabase(); !ok)
        return ok;
    m_cleanup.start();
    // The first beat at once: the others know of this server before it relays anything.
    beat(QStringLiteral("heartbeat"));
    m_beat.start();
    m_sweep.start();
    return true;
}

Result<bool> PostgresBus::connectToDatabase()
{
    auto listening = m_uri.open(m_listenName);
    if (!listening)
        return Result<bool>::failure(listening.error());
    m_listen = *listening;
    auto publish = m_uri.open(m_publishName);
    if (!publish)
        return Result<bool>::failure(publish.error());
    m_publish = *publish;

    QSqlQuery setup(m_publish);
    // Its own schema: the queue refuses a public schema with tables it does not know.
    const QStringList statements = {
        QStringLiteral("SET client_min_messages = warning"),
        // A NOTIFY is delivered at commit and kept nowhere, and a large message's row lives 30 s:
        // neither needs the commit to wait for the disk (one fsync per broadcast otherwise).
        QStringLiteral("SET synchronous_commit = off"),
        QStringLiteral("BEGIN"),
        QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kTableLock),
        QStringLiteral("CREATE SCHEMA IF NOT EXISTS sio_cluster"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS sio_cluster.payloads (id bigserial PRIMARY KEY,"
                       " created_at timestamptz NOT NULL DEFAULT now(), payload text NOT NULL)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (nsp text NOT NULL, pid text NOT NULL, sid text NOT NULL,"
                       " token_hash text NOT NULL, server text NOT NULL, session jsonb NOT NULL,"
                       " expires_at timestamptz, PRIMARY KEY (nsp, pid))")
            .arg(kSessionsTable),
        QStringLiteral("CREATE INDEX IF NOT EXISTS sessions_server ON %1 (server) WHERE expires_at IS NULL")
            .arg(kSessionsTable),
        QStringLiteral("COMMIT"),
    };
    for (const QString &sql : statements) {
        if (!setup.exec(sql)) {
            const QString error = QStringLiteral("%1: %2").arg(sql, errorOf(setup));
            QSqlQuery(m_publish).exec(QStringLiteral("ROLLBACK"));
            return Result<bool>::failure(QStringLiteral("%1: %2").arg(m_uri.display(), error));
        }
    }
    m_notify = std::make_unique<QSqlQuery>(m_publish);
    m_store = std::make_unique<QSqlQuery>(m_publish);
    m_fetch = std::make_unique<QSqlQuery>(m_publish);
    const std::initializer_list<std::pair<QSqlQuery *, QString>> prepared = {
        {m_notify.get(), QStringLiteral("SELECT pg_notify(?, ?)")},
        {m_store.get(), QStringLiteral("INSERT INTO sio_cluster.payloads (payload) VALUES (?) RETURNING id")},
        {m_fetch.get(), QStringLiteral("SELECT payload FROM sio_cluster.payloads WHERE id = ?")},
    };
    for (const auto &[query, sql] : prepared) {
        if (!query->prepare(sql))
            return Result<bool>::failure(QStringLiteral("prepare %1: %2").arg(sql, errorOf(*query)));
    }
    connect(m_listen.driver(), &QSqlDriver::notification, this, &PostgresBus::onNotification);
    for (const QString &channel : std::as_const(m_channels)) {
        if (!m_listen.driver()->subscribeToNotification(channel))
            return Result<bool>::failure(
                QStringLiteral("LISTEN %1: %2").arg(channel, m_listen.driver()->lastError().text().trimmed()));
    }
    return true;
}

bool PostgresBus::noteFailure(const QSqlDatabase &db, const QSqlError &error)
{
    if (lost())
        return true;
    if (!PostgresUri::connectionLost(db, error))
        return false;
    m_lost = PostgresUri::lostReason(error);
    qCWarning(lcCluster).noquote() << "lost the database" << m_uri.display() << ":" << m_lost
                                   << "- relaying to this hub's sockets only, reconnecting";
    // Cut off, this hub hears nobody: that says nothing of the others.
    m_sweep.stop();
    m_beat.stop();
    m_retryMs = PostgresUri::kRetryFirstMs;
    m_retry.start(m_retryMs);
    emit connectionLost(m_lost);
    return true;
}

void PostgresBus::reconnect()
{
    closeConnections();
    if (auto ok = connectToDatabase(); !ok) {
        closeConnections();
        m_retryMs = std::min(m_retryMs * 2, PostgresUri::kRetryMaxMs);
        qCDebug(lcCluster).noquote() << "reconnecting failed, again in" << m_retryMs << "ms:" << ok.error();
        m_retry.start(m_retryMs);
        return;
    }
    m_lost.clear();
    qCInfo(lcCluster).noquote() << "the database" << m_uri.display() << "is back: listening again on"
                                << m_channels.join(QStringLiteral(", "));
    // The others had as long as this bus was away to beat: each gets a whole timeout again.
    const qint64 now = m_clock.elapsed();
    for (qint64 &heard : m_lastHeard)
        heard = now;
    beat(QStringLiteral("heartbeat"));
    m_beat.start();
    m_sweep.start();
    emit reconnected();
}

QStringList PostgresBus::liveServers() const
{
    QStringList uids = m_lastHeard.keys();
    uids.sort();
    return uids;
}

bool PostgresBus::mayBeAlive(const QString &uid) const
{
    if (uid == m_uid || m_lastHeard.contains(uid))
        return true;
    return !m_gone.contains(uid) && m_clock.elapsed() <= m_heartbeat.timeout.count();
}

qint64 PostgresBus::quietMs(const QString &uid) const
{
    if (uid == m_uid)
        return 0;
    return m_clock.elapsed() - m_lastHeard.value(uid, 0);
}

void PostgresBus::forget(const QString &uid)
{
    // Hubs come and go for as long as the cluster runs; past this many, the oldest knowledge
    // that a server is gone goes (mayBeAlive() still says no once this bus is past its timeout).
    if (m_gone.size() >= 10000)
        m_gone.clear();
    m_gone.insert(uid);
    emit serverGone(uid);
}

void PostgresBus::beat(const QString &type)
{
    if (lost())
        return;
    if (auto ok = publish(kHeartbeatChannel, {{QStringLiteral("type"), type}}); !ok) {
        if (!lost())
            qCWarning(lcCluster).noquote() << "a heartbeat reached no other server:" << ok.error();
        return;
    }
    // The listening connection only reads: a cheap statement finds out whether it is still there
    // (not on the goodbye: the bus is closing).
    if (type == QLatin1String("bye"))
        return;
    if (QSqlQuery probe(m_listen); !probe.exec(QStringLiteral("SELECT 1")))
        noteFailure(m_listen, probe.lastError());
}

void PostgresBus::heardFrom(const QString &uid)
{
    // Called for every relayed message: one lookup when the server is known.
    const qint64 now = m_clock.elapsed();
    if (auto it = m_lastHeard.find(uid); it != m_lastHeard.end()) {
        *it = now;
        return;
    }
    m_lastHeard.insert(uid, now);
    m_gone.remove(uid);
    qCInfo(lcCluster).noquote() << "server" << uid << "is in the cluster";
    emit serverJoined(uid);
}

void PostgresBus::forgetSilentServers()
{
    const qint64 now = m_clock.elapsed();
    for (auto it = m_lastHeard.begin(); it != m_lastHeard.end();) {
        if (now - it.value() <= m_heartbeat.timeout.count()) {
            ++it;
            continue;
        }
        const QString uid = it.key();
        it = m_lastHeard.erase(it);
        qCWarning(lcCluster).noquote() << "server" << uid << "is gone: not heard from for"
                                       << m_heartbeat.timeout.count() << "ms";
        forget(uid);
    }
}

QString PostgresBus::channelFor(const QString &nsp)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9/_-]{1,40}$"));
    if (plain.match(nsp).hasMatch())
        return QStringLiteral("socketio#") + nsp;
    return QStringLiteral("socketio#")
        + QString::fromLatin1(QCryptographicHash::hash(nsp.toUtf8(), QCryptographicHash::Sha1).toHex());
}

Result<bool> PostgresBus::listen(const QString &channel)
{
    if (!m_channels.contains(channel))
        m_channels.append(channel);
    if (lost())
        return true; // on reconnecting
    if (!m_listen.driver()->subscribeToNotification(channel))
        return Result<bool>::failure(
            QStringLiteral("LISTEN %1: %2").arg(channel, m_listen.driver()->lastError().text().trimmed()));
    return true;
}

Result<bool> PostgresBus::publish(const QString &channel, QJsonObject message)
{
    if (lost())
        return Result<bool>::failure(m_uri.lostMessage(m_lost));
    message.insert(QStringLiteral("uid"), m_uid);
    QByteArray payload = QJsonDocument(message).toJson(QJsonDocument::Compact);
    if (payload.size() > kNotifyLimit) {
        m_store->bindValue(0, QString::fromUtf8(payload));
        if (!m_store->exec() || !m_store->next()) {
            if (noteFailure(m_publish, m_store->lastError()))
                return Result<bool>::failure(m_uri.lostMessage(m_lost));
            return Result<bool>::failure(QStringLiteral("store a large message: %1").arg(errorOf(*m_store)));
        }
        const qint64 id = m_store->value(0).toLongLong();
        m_store->finish();
        ++m_tablePublished;
        payload = QJsonDocument(QJsonObject{{QStringLiteral("uid"), m_uid}, {QStringLiteral("row"), id}})
                      .toJson(QJsonDocument::Compact);
    }
    m_notify->bindValue(0, channel);
    m_notify->bindValue(1, QString::fromUtf8(payload));
    if (!m_notify->exec()) {
        if (noteFailure(m_publish, m_notify->lastError()))
            return Result<bool>::failure(m_uri.lostMessage(m_lost));
        return Result<bool>::failure(QStringLiteral("NOTIFY %1: %2").arg(channel, errorOf(*m_notify)));
    }
    m_notify->finish();
    return true;
}

Result<QList<QVariantList>> PostgresBus::query(const QString &sql, const QVariantList &values)
{
    using R = Result<QList<QVariantList>>;
    if (lost())
        return R::failure(m_uri.lostMessage(m_lost));
    auto prepared = m_prepared.find(sql);
    if (prepared == m_prepared.end()) {
        auto statement = std::make_unique<QSqlQuery>(m_publish);
        if (!statement->prepare(sql)) {
            if (noteFailure(m_publish, statement->lastError()))
                return R::failure(m_uri.lostMessage(m_lost));
            return R::failure(QStringLiteral("prepare %1: %2").arg(sql, errorOf(*statement)));
        }
        prepared = m_prepared.emplace(sql, std::move(statement)).first;
    }
    QSqlQuery &statement = *prepared->second;
    for (qsizetype i = 0; i < values.size(); ++i)
        statement.bindValue(int(i), values.at(i));
    if (!statement.exec()) {
        if (noteFailure(m_publish, statement.lastError()))
            return R::failure(m_uri.lostMessage(m_lost));
        return R::failure(errorOf(statement));
    }
    QList<QVariantList> rows;
    while (statement.next()) {
        QVariantList row;
        const int columns = statement.record().count();
        row.reserve(columns);
        for (int c = 0; c < columns; ++c)
            row.append(statement.value(c));
        rows.append(std::move(row));
    }
    statement.finish();
    return rows;
}

void PostgresBus::onNotification(const QString &channel, QSqlDriver::NotificationSource, const QVariant &payload)
{
    // Anything on the channel is read as untrusted: a malformed message is logged and dropped.
    QJsonParseError error;
    QJsonObject message = QJsonDocument::fromJson(payload.toString().toUtf8(), &error).object();
    if (error.error != QJsonParseError::NoError || message.isEmpty()) {
        qCWarning(lcCluster) << "dropped a message on" << channel << "that is not a JSON object";
        return;
    }
    const QString uid = message.value(QStringLiteral("uid")).toString();
    if (uid == m_uid)
        return;
    if (channel == kHeartbeatChannel) {
        if (uid.isEmpty())
            return;
        if (message.value(QStringLiteral("type")).toString() == QLatin1String("bye")) {
            if (m_lastHeard.remove(uid)) {
                qCInfo(lcCluster).noquote() << "server" << uid << "left the cluster";
                forget(uid);
            }
        } else {
            heardFrom(uid);
        }
        return;
    }
    // Whatever a server relays says it is alive as well as a heartbeat does.
    if (!uid.isEmpty())
        heardFrom(uid);
    if (message.contains(QStringLiteral("row"))) {
        m_fetch->bindValue(0, message.value(QStringLiteral("row")).toInteger());
        if (!m_fetch->exec() || !m_fetch->next()) {
            noteFailure(m_publish, m_fetch->lastError());
            qCWarning(lcCluster) << "dropped a large message on" << channel
                                 << "whose row is gone:" << errorOf(*m_fetch);
            m_fetch->finish();
            return;
        }
        message = QJsonDocument::fromJson(m_fetch->value(0).toString().toUtf8(), &error).object();
        m_fetch->finish();
        if (error.error != QJsonParseError::NoError || message.isEmpty()) {
            qCWarning(lcCluster) << "dropped a large message on" << channel << "that is not a JSON object";
            return;
        }
    }
    emit received(channel, message);
}

void PostgresBus::removeOldPayloads()
{
    if (lost())
        return;
    QSqlQuery query(m_publish);
    // Every server may run it; a row is read within milliseconds of its NOTIFY.
    if (!query.exec(QStringLiteral("DELETE FROM sio_cluster.payloads WHERE created_at < now() - interval '%1 "
                                   "milliseconds'")
                        .arg(kPayloadLifetimeMs)))
        qCWarning(lcCluster) << "removing old large messages failed:" << errorOf(query);
}

} // namespace caps
