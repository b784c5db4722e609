#include "queue/postgresmessagestore.h"

#include "core/logging.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>
#include <QUuid>
#include <QVariant>

#include <algorithm>
#include <utility>

namespace caps {

namespace {

// Any number: it only has to be the same in every hub, so that two hubs opening a new database
// at once do not both create the tables.
constexpr qint64 kSchemaLock = 0x43415053; // "CAPS"

// Schema steps, index i brings version i to i + 1, each in one transaction with its version bump.
const QList<QList<const char *>> &schemaSteps()
{
    static const QList<QList<const char *>> steps = {
        // 0 -> 1: messages in both states in one table (a tombstone is the acknowledged row,
        // payload cleared), subscriptions, the order book.
        {
            "CREATE TABLE schema_version (version integer NOT NULL)",
            "INSERT INTO schema_version (version) VALUES (0)",
            // payload as text, not jsonb: kept as the sender sent it (jsonb reorders keys and
            // refuses \u0000 in strings, which JSON allows). One statement over three lines:
            // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): the concatenation is meant
            "CREATE TABLE messages (seq bigserial PRIMARY KEY, queue_id text NOT NULL, event text NOT NULL,"
            " message_id text NOT NULL, payload text, enqueued_at bigint NOT NULL, acked_at bigint,"
            " ack_seq bigint, UNIQUE (queue_id, event, message_id))",
            "CREATE INDEX messages_pending ON messages (queue_id, seq) WHERE acked_at IS NULL",
            "CREATE INDEX messages_pending_age ON messages (enqueued_at) WHERE acked_at IS NULL",
            "CREATE INDEX messages_acked_order ON messages (ack_seq) WHERE acked_at IS NOT NULL",
            "CREATE INDEX messages_acked_age ON messages (acked_at) WHERE acked_at IS NOT NULL",
            // Tombstones are pruned oldest-acknowledged first, whatever their seq.
            "CREATE SEQUENCE messages_ack_seq",
            "CREATE TABLE subscriptions (event text NOT NULL, queue_id text NOT NULL, PRIMARY KEY (event, queue_id))",
            "CREATE SEQUENCE orders_seq",
            "CREATE TABLE orders (order_id text PRIMARY KEY, seq bigint NOT NULL DEFAULT nextval('orders_seq'),"
            " status integer NOT NULL, taker text NOT NULL, event text NOT NULL, time bigint NOT NULL,"
            " payload text NOT NULL)",
            "CREATE INDEX orders_by_seq ON orders (seq)",
        },
        // 1 -> 2: the hub each taker was connected to (OrderRecord::takerServer).
        {
            "ALTER TABLE orders ADD COLUMN taker_server text NOT NULL DEFAULT ''",
        },
        // 2 -> 3: when each order made each step (OrderRecord::steps, in ms; 0: not known).
        // Version 2 kept the latest step's time only: it fills that one.
        {
            "ALTER TABLE orders ADD COLUMN ordered_ms bigint NOT NULL DEFAULT 0",
            "ALTER TABLE orders ADD COLUMN in_transit_ms bigint NOT NULL DEFAULT 0",
            "ALTER TABLE orders ADD COLUMN delivered_ms bigint NOT NULL DEFAULT 0",
            "ALTER TABLE orders ADD COLUMN cancelled_ms bigint NOT NULL DEFAULT 0",
            // By OrderStatus: 1 Ordered, 2 InTransit, 3 Delivered, 4 Cancelled.
            "UPDATE orders SET ordered_ms = time WHERE status = 1",
            "UPDATE orders SET in_transit_ms = time WHERE status = 2",
            "UPDATE orders SET delivered_ms = time WHERE status = 3",
            "UPDATE orders SET cancelled_ms = time WHERE status = 4",
        },
    };
    return steps;
}

// A null QString binds as NULL; NOT NULL columns want ''.
QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

// The row of `query` (seq, order_id, status, taker, event, time, payload, taker_server, and the
// steps' times: ordered_ms, in_transit_ms, delivered_ms, cancelled_ms).
OrderRecord recordOf(const QSqlQuery &query)
{
    OrderRecord r;
    r.sequence = query.value(0).toLongLong();
    r.orderId = query.value(1).toString();
    const int status = query.value(2).toInt();
    // A status this program does not know (a newer hub wrote it) reads as one not seen.
    r.status = status >= 0 && status <= int(OrderStatus::Cancelled) ? OrderStatus(status) : OrderStatus::Unknown;
    r.taker = query.value(3).toString();
    r.event = query.value(4).toString();
    r.time = QDateTime::fromMSecsSinceEpoch(query.value(5).toLongLong(), Qt::UTC);
    r.payloadJson = query.value(6).toString().toUtf8();
    r.takerServer = query.value(7).toString();
    for (int i = 0; i < StepTimes::kCount; ++i)
        r.steps.note(StepTimes::statusAt(i), query.value(8 + i).toLongLong());
    return r;
}

} // namespace

struct PostgresMessageStore::Statements
{
    explicit Statements(const QSqlDatabase &db)
        : insert(db)
        , state(db)
        , acknowledge(db)
        , discard(db)
        , isAcknowledged(db)
        , pending(db)
        , count(db)
        , queueIds(db)
        , subscribe(db)
        , unsubscribe(db)
        , subscribers(db)
        , pruneByAge(db)
        , pruneByCount(db)
        , dropPendingByAge(db)
        , dropOldestPending(db)
        , saveOrder(db)
        , claimOrder(db)
        , loadOrder(db)
        , loadOrders(db)
    { }

    QSqlQuery insert;
    QSqlQuery state;
    QSqlQuery acknowledge;
    QSqlQuery discard;
    QSqlQuery isAcknowledged;
    QSqlQuery pending;
    QSqlQuery count;
    QSqlQuery queueIds;
    QSqlQuery subscribe;
    QSqlQuery unsubscribe;
    QSqlQuery subscribers;
    QSqlQuery pruneByAge;
    QSqlQuery pruneByCount;
    QSqlQuery dropPendingByAge;
    QSqlQuery dropOldestPending;
    QSqlQuery saveOrder;
    QSqlQuery claimOrder;
    QSqlQuery loadOrder;
    QSqlQuery loadOrders;
};

template <typename T> Result<T> PostgresMessageStore::sqlFailure(const QString &what, const QSqlQuery &query) const
{
    noteFailure(query.lastError());
    if (lost())
        return Result<T>::failure(m_uri.lostMessage(m_lost));
    return Result<T>::failure(QStringLiteral("%1: %2").arg(what, query.lastError().text().trimmed()));
}

void PostgresMessageStore::noteFailure(const QSqlError &error) const
{
    // SQLSTATE 40P01 deadlock_detected, 40001 serialization_failure.
    const QString state = error.nativeErrorCode();
    m_lastFailureWasConflict = state == QLatin1String("40P01") || state == QLatin1String("40001");
    if (lost() || !PostgresUri::connectionLost(m_db, error))
        return;
    m_lost = PostgresUri::lostReason(error);
    // Once: until it is back, every store call fails at once with the same words.
    qCWarning(lcQueue).noquote() << "queue: lost the database" << m_uri.display() << ":" << m_lost
                                 << "- refusing what needs it, reconnecting";
    if (!m_retry) {
        m_retry = std::make_unique<QTimer>();
        m_retry->setSingleShot(true);
        QObject::connect(m_retry.get(), &QTimer::timeout, m_retry.get(),
                         [this] { const_cast<PostgresMessageStore *>(this)->reconnect(); });
    }
    m_retryMs = PostgresUri::kRetryFirstMs;
    m_retry->start(m_retryMs);
}

void PostgresMessageStore::reconnect()
{
    // A batch opened on the lost connection is answered (failed) at the end of its pass.
    if (m_inBatch) {
        m_retry->start(PostgresUri::kRetryFirstMs);
        return;
    }
    // The driver goes first: statements outliving it do not try to DEALLOCATE on a dead
    // connection (a warning each).
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
    m_statements.reset();
    QString error;
    if (auto db = m_uri.open(m_connectionName); !db) {
        error = db.error();
    } else {
        m_db = *db;
        // Still lost meanwhile: a failure here is this attempt's, not a new loss to announce.
        if (auto ready = applySessionSettings(); !ready)
            error = ready.error();
        else if (auto prepared = prepareStatements(); !prepared)
            error = prepared.error();
    }
    if (!error.isEmpty()) {
        m_retryMs = std::min(m_retryMs * 2, PostgresUri::kRetryMaxMs);
        qCDebug(lcQueue).noquote() << "queue: reconnecting failed, again in" << m_retryMs << "ms:" << error;
        m_retry->start(m_retryMs);
        return;
    }
    m_lost.clear();
    qCInfo(lcQueue).noquote() << "queue: the database" << m_uri.display() << "is back";
}

PostgresMessageStore::PostgresMessageStore(PostgresUri uri, QString connectionName)
    : m_uri(std::move(uri))
    , m_connectionName(std::move(connectionName))
{ }

PostgresMessageStore::~PostgresMessageStore()
{
    rollbackBatch();
    m_statements.reset();
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<std::unique_ptr<PostgresMessageStore>> PostgresMessageStore::open(const PostgresUri &uri)
{
    using R = Result<std::unique_ptr<PostgresMessageStore>>;
    const QString name = QStringLiteral("caps-queue-%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
    std::unique_ptr<PostgresMessageStore> store(new PostgresMessageStore(uri, name));
    if (auto ok = store->initialise(); !ok)
        return R::failure(ok.error());
    return R(std::move(store));
}

bool PostgresMessageStore::run(const char *sql, QString *error)
{
    QSqlQuery query(m_db);
    if (query.exec(QString::fromLatin1(sql)))
        return true;
    noteFailure(query.lastError());
    if (error) {
        *error = lost() ? m_uri.lostMessage(m_lost)
                        : QStringLiteral("%1: %2").arg(QString::fromLatin1(sql), query.lastError().text().trimmed());
    }
    return false;
}

Result<bool> PostgresMessageStore::initialise()
{
    auto db = m_uri.open(m_connectionName);
    if (!db)
        return Result<bool>::failure(db.error());
    m_db = *db;
    // Past the connection (whose error names the server), say which database refused.
    auto result = prepareDatabase();
    if (!result)
        return Result<bool>::failure(QStringLiteral("%1: %2").arg(m_uri.display(), result.error()));
    return true;
}

Result<bool> PostgresMessageStore::applySessionSettings()
{
    QString error;
    // Notices ("relation exists") are not the hub's log. Two hubs that touch the same rows wait
    // for each other for at most a batch; a lock held longer is a fault, not a queue.
    if (!run("SET client_min_messages = warning", &error) || !run("SET lock_timeout = '10s'", &error))
        return Result<bool>::failure(error);
    return true;
}

Result<bool> PostgresMessageStore::prepareDatabase()
{
    if (auto ok = applySessionSettings(); !ok)
        return ok;
    if (auto ok = upgradeSchema(); !ok)
        return ok;
    if (auto ok = prepareStatements(); !ok)
        return ok;
    if (auto pruned = pruneTombstones(); !pruned)
        return Result<bool>::failure(pruned.error());
    return true;
}

Result<bool> PostgresMessageStore::upgradeSchema()
{
    const auto &steps = schemaSteps();
    int firstVersion = -1;
    for (;;) {
        QSqlQuery query(m_db);
        auto fail = [&](const QString &what) {
            auto failure = sqlFailure<bool>(what, query);
            QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
            return failure;
        };
        if (!query.exec(QStringLiteral("BEGIN")))
            return sqlFailure<bool>(QStringLiteral("begin schema upgrade"), query);
        if (!query.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kSchemaLock)))
            return fail(QStringLiteral("lock the schema"));
        if (!query.exec(QStringLiteral("SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                                       "current_schema() AND table_name = 'schema_version'"))
            || !query.next())
            return fail(QStringLiteral("read schema"));
        int version = 0;
        if (query.value(0).toInt() == 1) {
            if (!query.exec(QStringLiteral("SELECT version FROM schema_version")) || !query.next())
                return fail(QStringLiteral("read schema_version"));
            version = query.value(0).toInt();
        } else {
            if (!query.exec(QStringLiteral(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"))
                || !query.next())
                return fail(QStringLiteral("read schema"));
            if (query.value(0).toInt() != 0) {
                QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
                return Result<bool>::failure(
                    QStringLiteral("not a CAPS queue database (it has tables but no schema_version)"));
            }
        }
        if (firstVersion < 0)
            firstVersion = version;
        if (version > kSchemaVersion) {
            QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
            return Result<bool>::failure(QStringLiteral("the queue database has schema version %1; this hub knows "
                                                        "up to %2 (a newer hub wrote it)")
                                             .arg(version)
                                             .arg(kSchemaVersion));
        }
        if (version == kSchemaVersion) {
            if (!query.exec(QStringLiteral("COMMIT")))
                return fail(QStringLiteral("end schema check"));
            return true;
        }
        for (const char *statement : steps.at(version)) {
            if (!query.exec(QString::fromLatin1(statement)))
                return fail(QStringLiteral("schema step %1 -> %2").arg(version).arg(version + 1));
        }
        if (!query.exec(QStringLiteral("UPDATE schema_version SET version = %1").arg(version + 1)))
            return fail(QStringLiteral("update schema_version"));
        if (!query.exec(QStringLiteral("COMMIT")))
            return fail(QStringLiteral("commit schema step"));
        if (firstVersion > 0)
            qCInfo(lcQueue) << "queue database" << m_uri.display() << "upgraded to schema version" << version + 1;
    }
}

Result<bool> PostgresMessageStore::prepareStatements()
{
    m_statements = std::make_unique<Statements>(m_db);
    Statements &s = *m_statements;
    const std::initializer_list<std::pair<QSqlQuery *, const char *>> sql = {
        // A conflicting row another hub is inserting is waited for, then reported as a conflict.
        {&s.insert,
         "INSERT INTO messages (queue_id, event, message_id, payload, enqueued_at) VALUES (?, ?, ?, ?, ?)"
         " ON CONFLICT (queue_id, event, message_id) DO NOTHING RETURNING seq"},
        {&s.state, "SELECT acked_at IS NOT NULL FROM messages WHERE queue_id = ? AND event = ? AND message_id = ?"},
        {&s.acknowledge,
         "UPDATE messages SET acked_at = ?, payload = NULL, ack_seq = nextval('messages_ack_seq')"
         " WHERE queue_id = ? AND message_id = ? AND (coalesce(?, '') = '' OR event = ?) AND acked_at IS NULL"},
        {&s.discard, "DELETE FROM messages WHERE queue_id = ? AND event = ? AND message_id = ? AND acked_at IS NULL"},
        {&s.isAcknowledged,
         "SELECT 1 FROM messages WHERE queue_id = ? AND event = ? AND message_id = ? AND acked_at IS NOT NULL"},
        {&s.pending,
         "SELECT seq, event, message_id, payload, enqueued_at FROM messages WHERE queue_id = ?"
         " AND acked_at IS NULL AND (coalesce(?, '') = '' OR event = ?) ORDER BY seq"},
        {&s.count,
         "SELECT count(*) FROM messages WHERE acked_at IS NULL AND (coalesce(?, '') = '' OR queue_id = ?)"
         " AND (coalesce(?, '') = '' OR event = ?)"},
        {&s.queueIds, "SELECT queue_id FROM messages WHERE acked_at IS NULL UNION SELECT queue_id FROM subscriptions"},
        {&s.subscribe, "INSERT INTO subscriptions (event, queue_id) VALUES (?, ?) ON CONFLICT DO NOTHING"},
        {&s.unsubscribe, "DELETE FROM subscriptions WHERE event = ? AND queue_id = ?"},
        {&s.subscribers, "SELECT queue_id FROM subscriptions WHERE event = ?"},
        {&s.pruneByAge, "DELETE FROM messages WHERE acked_at IS NOT NULL AND acked_at < ?"},
        // Keeps the newest N tombstones: everything at or below the (N+1)-th newest goes.
        {&s.pruneByCount,
         "DELETE FROM messages WHERE acked_at IS NOT NULL AND ack_seq <= (SELECT ack_seq FROM messages"
         " WHERE acked_at IS NOT NULL ORDER BY ack_seq DESC LIMIT 1 OFFSET ?)"},
        {&s.dropPendingByAge, "DELETE FROM messages WHERE acked_at IS NULL AND enqueued_at < ?"},
        {&s.dropOldestPending,
         "DELETE FROM messages WHERE seq IN (SELECT seq FROM messages WHERE acked_at IS NULL ORDER BY seq LIMIT ?)"},
        // A new seq on every save: the most recently saved order is the last.
        {&s.saveOrder,
         "INSERT INTO orders AS o (order_id, status, taker, event, time, payload, taker_server, ordered_ms,"
         " in_transit_ms, delivered_ms, cancelled_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
         " ON CONFLICT (order_id) DO UPDATE SET seq = nextval('orders_seq'), status = excluded.status,"
         " taker = excluded.taker, event = excluded.event, time = excluded.time, payload = excluded.payload,"
         // A step's time stays: the record may lack one another hub saw (OrderRecord::steps).
         " ordered_ms = CASE WHEN o.ordered_ms = 0 THEN excluded.ordered_ms ELSE o.ordered_ms END,"
         " in_transit_ms = CASE WHEN o.in_transit_ms = 0 THEN excluded.in_transit_ms ELSE o.in_transit_ms END,"
         " delivered_ms = CASE WHEN o.delivered_ms = 0 THEN excluded.delivered_ms ELSE o.delivered_ms END,"
         " cancelled_ms = CASE WHEN o.cancelled_ms = 0 THEN excluded.cancelled_ms ELSE o.cancelled_ms END,"
         " taker_server = excluded.taker_server"},
        // The decision between hubs: the row's lock makes a second claim wait for the first
        // one's commit, and then read the row as that commit left it (READ COMMITTED re-checks
        // the WHERE on the new row version), so only one of them updates it.
        {&s.claimOrder,
         "INSERT INTO orders AS o (order_id, status, taker, event, time, payload, taker_server, ordered_ms,"
         " in_transit_ms, delivered_ms, cancelled_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
         " ON CONFLICT (order_id) DO UPDATE SET seq = nextval('orders_seq'), status = excluded.status,"
         " taker = excluded.taker, event = excluded.event, time = excluded.time, payload = excluded.payload,"
         // A step's time stays: the record may lack one another hub saw (OrderRecord::steps).
         " ordered_ms = CASE WHEN o.ordered_ms = 0 THEN excluded.ordered_ms ELSE o.ordered_ms END,"
         " in_transit_ms = CASE WHEN o.in_transit_ms = 0 THEN excluded.in_transit_ms ELSE o.in_transit_ms END,"
         " delivered_ms = CASE WHEN o.delivered_ms = 0 THEN excluded.delivered_ms ELSE o.delivered_ms END,"
         " cancelled_ms = CASE WHEN o.cancelled_ms = 0 THEN excluded.cancelled_ms ELSE o.cancelled_ms END,"
         // A hub that does not know where the taker is (another hub's, judged gone) keeps the row's.
         " taker_server = CASE WHEN excluded.taker_server = '' THEN o.taker_server ELSE excluded.taker_server END"
         " WHERE o.status = ANY (CAST(? AS integer[])) AND (o.taker = '' OR o.taker = excluded.taker OR o.taker = ?)"
         " RETURNING seq"},
        {&s.loadOrder,
         "SELECT seq, order_id, status, taker, event, time, payload, taker_server, ordered_ms, in_transit_ms,"
         " delivered_ms, cancelled_ms FROM orders WHERE order_id = ?"},
        {&s.loadOrders,
         "SELECT seq, order_id, status, taker, event, time, payload, taker_server, ordered_ms, in_transit_ms,"
         " delivered_ms, cancelled_ms FROM"
         " (SELECT * FROM orders ORDER BY seq DESC LIMIT ?) AS latest ORDER BY seq"},
    };
    for (const auto &[query, statement] : sql) {
        if (!query->prepare(QString::fromLatin1(statement)))
            return sqlFailure<bool>(QStringLiteral("prepare \"%1\"").arg(QString::fromLatin1(statement)), *query);
    }
    return true;
}

Result<bool> PostgresMessageStore::begin()
{
    QString error;
    if (m_inBatch) {
        if (!m_batchError.isEmpty())
            return Result<bool>::failure(QStringLiteral("the batch failed earlier: %1").arg(m_batchError));
        // A savepoint keeps each write all-or-nothing inside the batch: PostgreSQL aborts the
        // whole transaction on an error outside one.
        if (!run("SAVEPOINT caps_write", &error)) {
            breakBatch(error);
            return Result<bool>::failure(error);
        }
        return true;
    }
    if (!run("BEGIN", &error))
        return Result<bool>::failure(error);
    return true;
}

Result<bool> PostgresMessageStore::commit()
{
    QString error;
    if (m_inBatch) {
        if (!run("RELEASE SAVEPOINT caps_write", &error)) {
            breakBatch(error);
            return Result<bool>::failure(error);
        }
        return true;
    }
    if (!run("COMMIT", &error)) {
        rollback();
        return Result<bool>::failure(error);
    }
    return true;
}

void PostgresMessageStore::rollback()
{
    QString error;
    if (m_inBatch) {
        if (!run("ROLLBACK TO SAVEPOINT caps_write", &error) || !run("RELEASE SAVEPOINT caps_write", &error))
            breakBatch(error);
        return;
    }
    if (!run("ROLLBACK", &error) && !lost())
        qCWarning(lcQueue) << "rollback failed:" << error;
}

void PostgresMessageStore::breakBatch(const QString &error)
{
    if (m_batchError.isEmpty())
        m_batchError = error;
}

Result<bool> PostgresMessageStore::beginBatch()
{
    if (m_inBatch)
        return Result<bool>::failure(QStringLiteral("a batch is already open"));
    QString error;
    if (!run("BEGIN", &error))
        return Result<bool>::failure(lost() ? error : QStringLiteral("begin batch: %1").arg(error));
    m_inBatch = true;
    m_claimsInBatch = 0;
    m_batchError.clear();
    return true;
}

Result<bool> PostgresMessageStore::commitBatch()
{
    if (!m_inBatch)
        return Result<bool>::failure(QStringLiteral("no batch is open"));
    if (!m_batchError.isEmpty()) {
        const QString error = m_batchError;
        rollbackBatch();
        return Result<bool>::failure(error);
    }
    m_inBatch = false;
    m_inUnit = false;
    QString error;
    if (!run("COMMIT", &error)) {
        // The connection may be gone, or the server refused the commit: nothing of the batch counts.
        if (!run("ROLLBACK"))
            qCDebug(lcQueue) << "rollback after a failed commit failed too";
        return Result<bool>::failure(lost() ? error : QStringLiteral("commit batch: %1").arg(error));
    }
    return true;
}

void PostgresMessageStore::rollbackBatch()
{
    if (!m_inBatch)
        return;
    m_inBatch = false;
    m_inUnit = false;
    m_batchError.clear();
    QString error;
    if (!run("ROLLBACK", &error))
        qCDebug(lcQueue) << "rollback batch:" << error;
}

Result<bool> PostgresMessageStore::beginUnit()
{
    if (const QString refused = checkUnitCanBegin(m_inBatch, m_inUnit, m_batchError); !refused.isEmpty())
        return Result<bool>::failure(refused);
    QString error;
    if (!run("SAVEPOINT caps_unit", &error)) {
        breakBatch(error);
        return Result<bool>::failure(error);
    }
    m_inUnit = true;
    return true;
}

Result<bool> PostgresMessageStore::commitUnit()
{
    if (!m_inUnit)
        return Result<bool>::failure(QStringLiteral("no unit is open"));
    m_inUnit = false;
    QString error;
    if (!run("RELEASE SAVEPOINT caps_unit", &error)) {
        breakBatch(error);
        return Result<bool>::failure(error);
    }
    return true;
}

void PostgresMessageStore::rollbackUnit()
{
    if (!std::exchange(m_inUnit, false))
        return;
    // Also lets go of the rows the unit locked (a claimed order): another hub may take them now.
    QString error;
    if (!run("ROLLBACK TO SAVEPOINT caps_unit", &error) || !run("RELEASE SAVEPOINT caps_unit", &error))
        breakBatch(error);
}

Result<EnqueueOutcome> PostgresMessageStore::insertOne(const QString &queueId, const QString &event,
                                                       const QString &messageId, const QString &payload, qint64 nowMs)
{
    QSqlQuery &insert = m_statements->insert;
    insert.bindValue(0, queueId);
    insert.bindValue(1, event);
    insert.bindValue(2, messageId);
    insert.bindValue(3, payload);
    insert.bindValue(4, nowMs);
    if (!insert.exec())
        return sqlFailure<EnqueueOutcome>(QStringLiteral("insert"), insert);
    const bool stored = insert.next();
    insert.finish();
    if (stored)
        return EnqueueOutcome::Stored;
    // The row was there (or another hub's insert of it committed meanwhile): which state?
    QSqlQuery &state = m_statements->state;
    state.bindValue(0, queueId);
    state.bindValue(1, event);
    state.bindValue(2, messageId);
    if (!state.exec() || !state.next())
        return sqlFailure<EnqueueOutcome>(QStringLiteral("look up the existing message"), state);
    const bool acknowledged = state.value(0).toBool();
    state.finish();
    return acknowledged ? EnqueueOutcome::AlreadyAcknowledged : EnqueueOutcome::AlreadyQueued;
}

Result<EnqueueOutcome> PostgresMessageStore::enqueue(const QString &queueId, const QString &event,
                                                     const QString &messageId, const QJsonValue &payload)
{
    auto outcomes = enqueueMany(QStringList{queueId}, event, messageId, payload);
    if (!outcomes)
        return Result<EnqueueOutcome>::failure(outcomes.error());
    return outcomes->first();
}

Result<QList<EnqueueOutcome>> PostgresMessageStore::enqueueMany(const QStringList &queueIds, const QString &event,
                                                                const QString &messageId, const QJsonValue &payload)
{
    using R = Result<QList<EnqueueOutcome>>;
    if (queueIds.isEmpty())
        return R::failure(QStringLiteral("no queue ids"));
    for (const QString &queueId : queueIds) {
        if (const QString error = checkKey(queueId, event, messageId); !error.isEmpty())
            return R::failure(error);
    }
    const QString json = QString::fromUtf8(encodePayload(payload));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (auto ok = begin(); !ok)
        return R::failure(ok.error());
    QList<EnqueueOutcome> outcomes;
    outcomes.reserve(queueIds.size());
    for (const QString &queueId : queueIds) {
        auto outcome = insertOne(queueId, event, messageId, json, now);
        if (!outcome) {
            rollback();
            return R::failure(outcome.error());
        }
        outcomes.append(*outcome);
    }
    if (auto ok = commit(); !ok)
        return R::failure(ok.error());
    return outcomes;
}

Result<bool> PostgresMessageStore::acknowledge(const QString &queueId, const QString &event, const QString &messageId)
{
    if (queueId.isEmpty() || messageId.isEmpty())
        return Result<bool>::failure(queueId.isEmpty() ? QStringLiteral("empty queue id")
                                                       : QStringLiteral("empty message id"));
    if (auto ok = begin(); !ok)
        return ok;
    QSqlQuery &ack = m_statements->acknowledge;
    ack.bindValue(0, QDateTime::currentMSecsSinceEpoch());
    ack.bindValue(1, queueId);
    ack.bindValue(2, messageId);
    ack.bindValue(3, event);
    ack.bindValue(4, event);
    if (!ack.exec()) {
        auto failure = sqlFailure<bool>(QStringLiteral("acknowledge"), ack);
        rollback();
        return failure;
    }
    const bool removed = ack.numRowsAffected() > 0;
    if (auto ok = commit(); !ok)
        return ok;
    if (removed && notePruneDue()) {
        if (auto pruned = pruneTombstones(); !pruned)
            qCWarning(lcQueue) << "pruning acknowledged ids failed:" << pruned.error();
    }
    return removed;
}

Result<bool> PostgresMessageStore::discard(const QString &queueId, const QString &event, const QString &messageId)
{
    if (queueId.isEmpty() || messageId.isEmpty() || event.isEmpty())
        return Result<bool>::failure(QStringLiteral("discard needs a queue id, an event and a message id"));
    if (auto ok = begin(); !ok)
        return ok;
    QSqlQuery &remove = m_statements->discard;
    remove.bindValue(0, queueId);
    remove.bindValue(1, event);
    remove.bindValue(2, messageId);
    if (!remove.exec()) {
        auto failure = sqlFailure<bool>(QStringLiteral("discard"), remove);
        rollback();
        return failure;
    }
    const bool removed = remove.numRowsAffected() > 0;
    if (auto ok = commit(); !ok)
        return ok;
    return removed;
}

Result<QList<QueuedMessage>> PostgresMessageStore::pending(const QString &queueId, const QString &event) const
{
    using R = Result<QList<QueuedMessage>>;
    QSqlQuery &query = m_statements->pending;
    query.bindValue(0, queueId);
    query.bindValue(1, event);
    query.bindValue(2, event);
    if (!query.exec())
        return sqlFailure<QList<QueuedMessage>>(QStringLiteral("read pending"), query);
    QList<QueuedMessage> messages;
    while (query.next()) {
        QueuedMessage message;
        message.queueId = queueId;
        message.sequence = query.value(0).toLongLong();
        message.event = query.value(1).toString();
        message.messageId = query.value(2).toString();
        auto payload = decodePayload(query.value(3).toString().toUtf8());
        if (!payload) {
            query.finish();
            return R::failure(QStringLiteral("message %1 in %2: %3").arg(message.messageId, queueId, payload.error()));
        }
        message.payload = *payload;
        message.enqueuedAt = QDateTime::fromMSecsSinceEpoch(query.value(4).toLongLong(), Qt::UTC);
        messages.append(std::move(message));
    }
    query.finish();
    return messages;
}

Result<qint64> PostgresMessageStore::count(const QString &queueId, const QString &event) const
{
    QSqlQuery &query = m_statements->count;
    query.bindValue(0, queueId);
    query.bindValue(1, queueId);
    query.bindValue(2, event);
    query.bindValue(3, event);
    if (!query.exec() || !query.next())
        return sqlFailure<qint64>(QStringLiteral("count"), query);
    const qint64 n = query.value(0).toLongLong();
    query.finish();
    return n;
}

Result<QStringList> PostgresMessageStore::queueIds() const
{
    QSqlQuery &query = m_statements->queueIds;
    if (!query.exec())
        return sqlFailure<QStringList>(QStringLiteral("queue ids"), query);
    QStringList ids;
    while (query.next())
        ids.append(query.value(0).toString());
    query.finish();
    ids.sort(); // QString order, as the other stores (the database's collation may differ)
    return ids;
}

Result<bool> PostgresMessageStore::isAcknowledged(const QString &queueId, const QString &event,
                                                  const QString &messageId) const
{
    QSqlQuery &find = m_statements->isAcknowledged;
    find.bindValue(0, queueId);
    find.bindValue(1, event);
    find.bindValue(2, messageId);
    if (!find.exec())
        return sqlFailure<bool>(QStringLiteral("look up acknowledged"), find);
    const bool found = find.next();
    find.finish();
    return found;
}

Result<bool> PostgresMessageStore::subscribe(const QString &queueId, const QString &event)
{
    if (queueId.isEmpty() || event.isEmpty())
        return Result<bool>::failure(QStringLiteral("empty queue id or event name"));
    if (auto ok = begin(); !ok)
        return ok;
    QSqlQuery &query = m_statements->subscribe;
    query.bindValue(0, event);
    query.bindValue(1, queueId);
    if (!query.exec()) {
        auto failure = sqlFailure<bool>(QStringLiteral("subscribe"), query);
        rollback();
        return failure;
    }
    const bool added = query.numRowsAffected() > 0;
    if (auto ok = commit(); !ok)
        return ok;
    return added;
}

Result<bool> PostgresMessageStore::unsubscribe(const QString &queueId, const QString &event)
{
    if (auto ok = begin(); !ok)
        return ok;
    QSqlQuery &query = m_statements->unsubscribe;
    query.bindValue(0, text(event));
    query.bindValue(1, text(queueId));
    if (!query.exec()) {
        auto failure = sqlFailure<bool>(QStringLiteral("unsubscribe"), query);
        rollback();
        return failure;
    }
    const bool removed = query.numRowsAffected() > 0;
    if (auto ok = commit(); !ok)
        return ok;
    return removed;
}

Result<QStringList> PostgresMessageStore::subscribers(const QString &event) const
{
    QSqlQuery &query = m_statements->subscribers;
    query.bindValue(0, text(event));
    if (!query.exec())
        return sqlFailure<QStringList>(QStringLiteral("subscribers"), query);
    QStringList ids;
    while (query.next())
        ids.append(query.value(0).toString());
    query.finish();
    ids.sort();
    return ids;
}

Result<qint64> PostgresMessageStore::pruneTombstones(const QDateTime &now)
{
    if (auto ok = begin(); !ok)
        return Result<qint64>::failure(ok.error());
    QSqlQuery &byAge = m_statements->pruneByAge;
    byAge.bindValue(0, now.toMSecsSinceEpoch() - tombstoneRetention().maxAge.count());
    if (!byAge.exec()) {
        auto failure = sqlFailure<qint64>(QStringLiteral("prune by age"), byAge);
        rollback();
        return failure;
    }
    qint64 removed = byAge.numRowsAffected();
    QSqlQuery &byCount = m_statements->pruneByCount;
    byCount.bindValue(0, std::max<qint64>(0, tombstoneRetention().maxCount));
    if (!byCount.exec()) {
        auto failure = sqlFailure<qint64>(QStringLiteral("prune by count"), byCount);
        rollback();
        return failure;
    }
    removed += byCount.numRowsAffected();
    if (auto ok = commit(); !ok)
        return Result<qint64>::failure(ok.error());
    return removed;
}

Result<PendingPruned> PostgresMessageStore::prunePending(const QDateTime &now)
{
    using R = Result<PendingPruned>;
    if (auto ok = begin(); !ok)
        return R::failure(ok.error());
    PendingPruned pruned;
    QSqlQuery &byAge = m_statements->dropPendingByAge;
    byAge.bindValue(0, now.toMSecsSinceEpoch() - pendingRetention().maxAge.count());
    if (!byAge.exec()) {
        auto failure = sqlFailure<PendingPruned>(QStringLiteral("drop pending by age"), byAge);
        rollback();
        return failure;
    }
    pruned.byAge = byAge.numRowsAffected();
    auto total = count();
    if (!total) {
        rollback();
        return R::failure(total.error());
    }
    const qint64 excess = *total - std::max<qint64>(0, pendingRetention().maxCount);
    if (excess > 0) {
        QSqlQuery &oldest = m_statements->dropOldestPending;
        oldest.bindValue(0, excess);
        if (!oldest.exec()) {
            auto failure = sqlFailure<PendingPruned>(QStringLiteral("drop pending over the count"), oldest);
            rollback();
            return failure;
        }
        pruned.byCount = oldest.numRowsAffected();
    }
    pruned.remaining = *total - pruned.byCount;
    if (auto ok = commit(); !ok)
        return R::failure(ok.error());
    return pruned;
}

Result<bool> PostgresMessageStore::saveOrder(const OrderRecord &record)
{
    if (record.orderId.isEmpty())
        return Result<bool>::failure(QStringLiteral("saveOrder: the order id is empty"));
    if (auto ok = begin(); !ok)
        return ok;
    QSqlQuery &save = m_statements->saveOrder;
    save.bindValue(0, record.orderId);
    save.bindValue(1, int(record.status));
    save.bindValue(2, text(record.taker));
    save.bindValue(3, text(record.event));
    save.bindValue(4, record.time.toMSecsSinceEpoch());
    save.bindValue(5, QString::fromUtf8(record.payloadJson));
    save.bindValue(6, text(record.takerServer));
    for (int i = 0; i < StepTimes::kCount; ++i)
        save.bindValue(7 + i, record.steps.ms[size_t(i)]);
    if (!save.exec()) {
        auto failure = sqlFailure<bool>(QStringLiteral("save order"), save);
        rollback();
        return failure;
    }
    if (auto ok = commit(); !ok)
        return ok;
    return true;
}

Result<std::optional<OrderRecord>> PostgresMessageStore::loadOrder(const QString &orderId) const
{
    QSqlQuery &load = m_statements->loadOrder;
    load.bindValue(0, orderId);
    if (!load.exec())
        return sqlFailure<std::optional<OrderRecord>>(QStringLiteral("load order"), load);
    std::optional<OrderRecord> record;
    if (load.next())
        record = recordOf(load);
    load.finish();
    return record;
}

Result<OrderClaim> PostgresMessageStore::claimOrder(const OrderRecord &record, const QList<OrderStatus> &from,
                                                    const QString &previousTaker)
{
    using R = Result<OrderClaim>;
    if (record.orderId.isEmpty())
        return R::failure(QStringLiteral("claimOrder: the order id is empty"));
    QStringList statuses;
    for (const OrderStatus status : from)
        statuses.append(QString::number(int(status)));
    if (auto ok = begin(); !ok)
        return R::failure(ok.error());
    // Holding claims, this batch must not wait for another hub's (which may wait for ours):
    // a row another batch holds fails at once, and the hub commits and claims again.
    const bool mustNotWait = m_inBatch && m_claimsInBatch > 0;
    if (mustNotWait) {
        if (QString error; !run("SET LOCAL lock_timeout = '1ms'", &error)) {
            rollback();
            return R::failure(error);
        }
    }
    QSqlQuery &claim = m_statements->claimOrder;
    claim.bindValue(0, record.orderId);
    claim.bindValue(1, int(record.status));
    claim.bindValue(2, text(record.taker));
    claim.bindValue(3, text(record.event));
    claim.bindValue(4, record.time.toMSecsSinceEpoch());
    claim.bindValue(5, QString::fromUtf8(record.payloadJson));
    claim.bindValue(6, text(record.takerServer));
    for (int i = 0; i < StepTimes::kCount; ++i)
        claim.bindValue(7 + i, record.steps.ms[size_t(i)]);
    claim.bindValue(11, QStringLiteral("{%1}").arg(statuses.join(QLatin1Char(','))));
    // '' matches only a row without taker, which the clause before already lets through.
    claim.bindValue(12, text(previousTaker));
    if (!claim.exec()) {
        // 55P03: lock_not_available (the lock timeout above).
        const bool busy = mustNotWait && claim.lastError().nativeErrorCode() == QLatin1String("55P03");
        auto failure = sqlFailure<OrderClaim>(QStringLiteral("claim order"), claim);
        rollback(); // to the savepoint: the SET LOCAL goes with it
        if (busy) {
            OrderClaim wait;
            wait.saved = false;
            wait.wouldWait = true;
            return wait;
        }
        return failure;
    }
    const bool saved = claim.next();
    claim.finish();
    if (mustNotWait) {
        if (QString error; !run("SET LOCAL lock_timeout = '10s'", &error)) {
            rollback();
            return R::failure(error);
        }
    }
    OrderClaim outcome;
    outcome.saved = saved;
    if (!saved) {
        QSqlQuery &load = m_statements->loadOrder;
        load.bindValue(0, record.orderId);
        if (!load.exec() || !load.next()) {
            auto failure = sqlFailure<OrderClaim>(QStringLiteral("read the claimed order"), load);
            rollback();
            return failure;
        }
        outcome.current = recordOf(load);
        load.finish();
    }
    if (auto ok = commit(); !ok)
        return R::failure(ok.error());
    if (saved && m_inBatch)
        ++m_claimsInBatch;
    return outcome;
}

Result<QList<OrderRecord>> PostgresMessageStore::loadOrders(qint64 limit) const
{
    QSqlQuery &load = m_statements->loadOrders;
    load.bindValue(0, std::max<qint64>(0, limit));
    if (!load.exec())
        return sqlFailure<QList<OrderRecord>>(QStringLiteral("load orders"), load);
    QList<OrderRecord> records;
    while (load.next())
        records.append(recordOf(load));
    load.finish();
    return records;
}

} // namespace caps
