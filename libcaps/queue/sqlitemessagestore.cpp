#include "queue/sqlitemessagestore.h"

#include "core/logging.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>
#include <QUuid>
#include <QVariant>

#include <algorithm>
#include <utility>

namespace caps {

namespace {

template <typename T> Result<T> sqlFailure(const QString &what, const QSqlQuery &query)
{
    return Result<T>::failure(QStringLiteral("%1: %2").arg(what, query.lastError().text()));
}

// Schema steps, index i brings version i to i + 1. Each step runs in one transaction with the
// version bump, so a crash mid-upgrade leaves the previous version intact.
const QList<QList<const char *>> &schemaSteps()
{
    static const QList<QList<const char *>> steps = {
        // 0 -> 1: the first shape, pending messages only (acknowledged rows were deleted).
        {
            "CREATE TABLE schema_version (version INTEGER NOT NULL)",
            "INSERT INTO schema_version (version) VALUES (0)",
            "CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, queue_id TEXT NOT NULL,"
            " event TEXT NOT NULL, message_id TEXT NOT NULL, payload TEXT NOT NULL,"
            " UNIQUE (queue_id, event, message_id))",
        },
        // 1 -> 2: enqueue time, tombstones for acknowledged ids (a re-sent message must not
        // come back), durable subscriptions, and an index for per-queue reads.
        {
            "ALTER TABLE messages ADD COLUMN enqueued_at INTEGER NOT NULL DEFAULT 0",
            // Version 1 kept no time: stamp old rows with the upgrade time.
            "UPDATE messages SET enqueued_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
            "CREATE INDEX messages_by_queue ON messages (queue_id, seq)",
            "CREATE TABLE acknowledged (id INTEGER PRIMARY KEY AUTOINCREMENT, queue_id TEXT NOT NULL,"
            " event TEXT NOT NULL, message_id TEXT NOT NULL, acked_at INTEGER NOT NULL,"
            " UNIQUE (queue_id, event, message_id))",
            "CREATE INDEX acknowledged_by_time ON acknowledged (acked_at)",
            "CREATE TABLE subscriptions (event TEXT NOT NULL, queue_id TEXT NOT NULL,"
            " PRIMARY KEY (event, queue_id)) WITHOUT ROWID",
        },
        // 2 -> 3: pending retention by age (prunePending) finds the old messages without
        // reading the whole table.
        {
            "CREATE INDEX messages_by_age ON messages (enqueued_at)",
        },
        // 3 -> 4: the hub's order book (status, taker and latest event of each order), so that
        // a restarted hub still knows every order's life and history.
        {
            "CREATE TABLE orders (seq INTEGER PRIMARY KEY AUTOINCREMENT, order_id TEXT NOT NULL UNIQUE,"
            " status INTEGER NOT NULL, taker TEXT NOT NULL, event TEXT NOT NULL, time INTEGER NOT NULL,"
            " payload TEXT NOT NULL)",
        },
        // 4 -> 5: when each order made each step (OrderRecord::steps, in ms; 0: not known), so
        // that a restarted hub's `orders` answer still says how long an order waited and
        // travelled. Version 4 kept the latest step's time only: it fills that one.
        {
            "ALTER TABLE orders ADD COLUMN ordered_ms INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE orders ADD COLUMN in_transit_ms INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE orders ADD COLUMN delivered_ms INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE orders ADD COLUMN cancelled_ms INTEGER NOT NULL DEFAULT 0",
            // By OrderStatus: 1 Ordered, 2 InTransit, 3 Delivered, 4 Cancelled.
            "UPDATE orders SET ordered_ms = time WHERE status = 1",
            "UPDATE orders SET in_transit_ms = time WHERE status = 2",
            "UPDATE orders SET delivered_ms = time WHERE status = 3",
            "UPDATE orders SET cancelled_ms = time WHERE status = 4",
        },
    };
    return steps;
}

QString textOf(const QVariant &value)
{
    return value.toString();
}

} // namespace

struct SqliteMessageStore::Statements
{
    explicit Statements(const QSqlDatabase &db)
        : begin(db)
        , commit(db)
        , rollback(db)
        , savepoint(db)
        , release(db)
        , rollbackTo(db)
        , unitSavepoint(db)
        , unitRelease(db)
        , unitRollbackTo(db)
        , findTombstone(db)
        , insert(db)
        , tombstoneFromPending(db)
        , deletePending(db)
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
        , loadOrders(db)
    { }

    QSqlQuery begin;
    QSqlQuery commit;
    QSqlQuery rollback;
    QSqlQuery savepoint;
    QSqlQuery release;
    QSqlQuery rollbackTo;
    QSqlQuery unitSavepoint;
    QSqlQuery unitRelease;
    QSqlQuery unitRollbackTo;
    QSqlQuery findTombstone;
    QSqlQuery insert;
    QSqlQuery tombstoneFromPending;
    QSqlQuery deletePending;
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
    QSqlQuery loadOrders;
};

SqliteMessageStore::SqliteMessageStore(QString path, QString connectionName)
    : m_path(std::move(path))
    , m_connectionName(std::move(connectionName))
{ }

SqliteMessageStore::~SqliteMessageStore()
{
    // A batch never committed was never stored.
    rollbackBatch();
    // Statements first, then the handle, then the registry entry: removeDatabase() warns and
    // leaks if anything still refers to the connection.
    m_statements.reset();
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

QString SqliteMessageStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/queue.sqlite");
}

Result<std::unique_ptr<SqliteMessageStore>> SqliteMessageStore::open(const QString &path)
{
    using R = Result<std::unique_ptr<SqliteMessageStore>>;
    if (path.isEmpty())
        return R::failure(QStringLiteral("no database path (use \":memory:\" for none)"));
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return R::failure(QStringLiteral("the Qt SQLite driver (QSQLITE) is not installed"));
    if (path != memoryPath()) {
        const QString folder = QFileInfo(path).absolutePath();
        if (!QDir().mkpath(folder))
            return R::failure(QStringLiteral("cannot create folder %1").arg(folder));
    }
    // Unique per instance: QSqlDatabase connections are process-wide by name.
    const QString name = QStringLiteral("caps-queue-%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
    std::unique_ptr<SqliteMessageStore> store(new SqliteMessageStore(path, name));
    if (auto ok = store->initialise(); !ok)
        return R::failure(QStringLiteral("%1: %2").arg(path, ok.error()));
    return R(std::move(store));
}

Result<bool> SqliteMessageStore::initialise()
{
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(m_path);
    // Another hub process may hold the write lock for a moment: wait rather than fail.
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    if (!m_db.open())
        return Result<bool>::failure(m_db.lastError().text());

    QSqlQuery pragma(m_db);
    // Switching to WAL takes an exclusive lock, and SQLite answers SQLITE_BUSY at once, without
    // the busy timeout, where waiting could deadlock: e.g. while another process creating the
    // same new file holds its write lock. Startup only, so retry as long as the timeout would wait.
    const QDeadlineTimer deadline(10000);
    while (!pragma.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !pragma.next()) {
        const QString code = pragma.lastError().nativeErrorCode();
        if ((code != QLatin1String("5") && code != QLatin1String("6")) || deadline.hasExpired())
            return sqlFailure<bool>(QStringLiteral("journal_mode"), pragma);
        pragma.finish();
        QThread::msleep(5);
    }
    m_journalMode = pragma.value(0).toString().toLower();
    if (m_path != memoryPath() && m_journalMode != QLatin1String("wal"))
        qCWarning(lcQueue) << "SQLite refused WAL for" << m_path << "- journal mode is" << m_journalMode;
    // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on a power cut, and the
    // hub acknowledges a vendor's event as soon as enqueue() returns. One fsync per commit.
    if (!pragma.exec(QStringLiteral("PRAGMA synchronous=FULL")))
        return sqlFailure<bool>(QStringLiteral("synchronous"), pragma);
    pragma.finish();

    if (auto ok = upgradeSchema(); !ok)
        return ok;
    if (auto ok = prepareStatements(); !ok)
        return ok;
    if (auto pruned = pruneTombstones(); !pruned)
        return Result<bool>::failure(pruned.error());
    return true;
}

Result<bool> SqliteMessageStore::upgradeSchema()
{
    const auto &steps = schemaSteps();
    int firstVersion = -1;
    for (;;) {
        QSqlQuery query(m_db);
        // IMMEDIATE: take the write lock before reading the version, so that two processes
        // opening a new file at once do not both create the tables.
        if (!query.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return sqlFailure<bool>(QStringLiteral("begin schema upgrade"), query);
        auto fail = [&](const QString &what) {
            auto failure = sqlFailure<bool>(what, query);
            QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
            return failure;
        };

        int version = 0;
        if (!query.exec(
                QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"))
            || !query.next())
            return fail(QStringLiteral("read schema"));
        if (query.value(0).toInt() == 1) {
            if (!query.exec(QStringLiteral("SELECT version FROM schema_version")) || !query.next())
                return fail(QStringLiteral("read schema_version"));
            version = query.value(0).toInt();
        } else {
            if (!query.exec(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table'")) || !query.next())
                return fail(QStringLiteral("read schema"));
            if (query.value(0).toInt() != 0) {
                QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
                return Result<bool>::failure(
                    QStringLiteral("not a CAPS queue database (it has tables but no schema_version)"));
            }
        }
        query.finish();
        if (firstVersion < 0)
            firstVersion = version;

        if (version > kSchemaVersion) {
            QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
            return Result<bool>::failure(QStringLiteral("schema version %1 is newer than this program knows (%2)")
                                             .arg(version)
                                             .arg(kSchemaVersion));
        }
        if (version == kSchemaVersion) {
            if (!query.exec(QStringLiteral("COMMIT")))
                return fail(QStringLiteral("commit"));
            return true;
        }
        for (const char *statement : steps.at(version)) {
            if (!query.exec(QString::fromLatin1(statement)))
                return fail(QStringLiteral("schema step %1 -> %2").arg(version).arg(version + 1));
        }
        query.prepare(QStringLiteral("UPDATE schema_version SET version = ?"));
        query.addBindValue(version + 1);
        if (!query.exec())
            return fail(QStringLiteral("update schema_version"));
        if (!query.exec(QStringLiteral("COMMIT")))
            return fail(QStringLiteral("commit schema step"));
        if (firstVersion > 0)
            qCInfo(lcQueue) << "queue database" << m_path << "upgraded to schema version" << version + 1;
    }
}

Result<bool> SqliteMessageStore::prepareStatements()
{
    m_statements = std::make_unique<Statements>(m_db);
    Statements &s = *m_statements;
    const std::initializer_list<std::pair<QSqlQuery *, const char *>> sql = {
        {&s.begin, "BEGIN IMMEDIATE"},
        {&s.commit, "COMMIT"},
        {&s.rollback, "ROLLBACK"},
        {&s.savepoint, "SAVEPOINT caps_write"},
        {&s.release, "RELEASE caps_write"},
        {&s.rollbackTo, "ROLLBACK TO caps_write"},
        {&s.unitSavepoint, "SAVEPOINT caps_unit"},
        {&s.unitRelease, "RELEASE caps_unit"},
        {&s.unitRollbackTo, "ROLLBACK TO caps_unit"},
        {&s.findTombstone, "SELECT 1 FROM acknowledged WHERE queue_id = ? AND event = ? AND message_id = ?"},
        {&s.insert,
         "INSERT OR IGNORE INTO messages (queue_id, event, message_id, payload, enqueued_at)"
         " VALUES (?, ?, ?, ?, ?)"},
        {&s.tombstoneFromPending,
         "INSERT OR REPLACE INTO acknowledged (queue_id, event, message_id, acked_at)"
         " SELECT queue_id, event, message_id, ? FROM messages"
         " WHERE queue_id = ? AND message_id = ? AND (ifnull(?, '') = '' OR event = ?)"
         " ORDER BY seq"},
        {&s.deletePending,
         "DELETE FROM messages WHERE queue_id = ? AND message_id = ?"
         " AND (ifnull(?, '') = '' OR event = ?)"},
        {&s.pending,
         "SELECT seq, event, message_id, payload, enqueued_at FROM messages"
         " WHERE queue_id = ? AND (ifnull(?, '') = '' OR event = ?) ORDER BY seq"},
        {&s.count,
         "SELECT count(*) FROM messages WHERE (ifnull(?, '') = '' OR queue_id = ?)"
         " AND (ifnull(?, '') = '' OR event = ?)"},
        {&s.queueIds, "SELECT queue_id FROM messages UNION SELECT queue_id FROM subscriptions"},
        {&s.subscribe, "INSERT OR IGNORE INTO subscriptions (event, queue_id) VALUES (?, ?)"},
        {&s.unsubscribe, "DELETE FROM subscriptions WHERE event = ? AND queue_id = ?"},
        {&s.subscribers, "SELECT queue_id FROM subscriptions WHERE event = ?"},
        {&s.pruneByAge, "DELETE FROM acknowledged WHERE acked_at < ?"},
        // Keeps the newest N: everything at or below the id of the (N+1)-th newest goes.
        {&s.pruneByCount,
         "DELETE FROM acknowledged WHERE id <= (SELECT id FROM acknowledged ORDER BY id DESC"
         " LIMIT 1 OFFSET ?)"},
        {&s.dropPendingByAge, "DELETE FROM messages WHERE enqueued_at < ?"},
        {&s.dropOldestPending, "DELETE FROM messages WHERE seq IN (SELECT seq FROM messages ORDER BY seq LIMIT ?)"},
        // REPLACE gives the row a new seq: the most recently saved order is the last.
        {&s.saveOrder,
         "INSERT OR REPLACE INTO orders (order_id, status, taker, event, time, payload, ordered_ms, in_transit_ms,"
         " delivered_ms, cancelled_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
        {&s.loadOrders,
         "SELECT seq, order_id, status, taker, event, time, payload, ordered_ms, in_transit_ms, delivered_ms,"
         " cancelled_ms FROM (SELECT * FROM orders ORDER BY seq DESC LIMIT ?) ORDER BY seq"},
    };
    for (const auto &[query, text] : sql) {
        query->setForwardOnly(true);
        if (!query->prepare(QString::fromLatin1(text)))
            return sqlFailure<bool>(QStringLiteral("prepare \"%1\"").arg(QString::fromLatin1(text)), *query);
    }
    return true;
}

Result<bool> SqliteMessageStore::begin()
{
    if (m_inBatch) {
        if (!m_batchError.isEmpty())
            return Result<bool>::failure(QStringLiteral("the batch failed earlier: %1").arg(m_batchError));
        // A savepoint keeps each write all-or-nothing inside the batch's transaction.
        if (!m_statements->savepoint.exec()) {
            auto failure = sqlFailure<bool>(QStringLiteral("savepoint"), m_statements->savepoint);
            breakBatch(failure.error());
            return failure;
        }
        return true;
    }
    if (!m_statements->begin.exec())
        return sqlFailure<bool>(QStringLiteral("begin"), m_statements->begin);
    return true;
}

Result<bool> SqliteMessageStore::commit()
{
    if (m_inBatch) {
        if (!m_statements->release.exec()) {
            auto failure = sqlFailure<bool>(QStringLiteral("release savepoint"), m_statements->release);
            breakBatch(failure.error());
            return failure;
        }
        return true;
    }
    if (!m_statements->commit.exec()) {
        auto failure = sqlFailure<bool>(QStringLiteral("commit"), m_statements->commit);
        rollback();
        return failure;
    }
    return true;
}

void SqliteMessageStore::finishReads()
{
    for (QSqlQuery *query : {&m_statements->findTombstone, &m_statements->pending, &m_statements->count})
        query->finish();
}

void SqliteMessageStore::rollback()
{
    finishReads();
    if (m_inBatch) {
        // SQLite rolls the whole transaction back by itself after some errors (I/O, disk full);
        // then the savepoint is gone too, and so is everything the batch wrote before.
        if (!m_statements->rollbackTo.exec()) {
            breakBatch(QStringLiteral("rollback to savepoint: %1").arg(m_statements->rollbackTo.lastError().text()));
            return;
        }
        if (!m_statements->release.exec())
            breakBatch(QStringLiteral("release savepoint: %1").arg(m_statements->release.lastError().text()));
        return;
    }
    if (!m_statements->rollback.exec())
        qCWarning(lcQueue) << "rollback failed:" << m_statements->rollback.lastError().text();
}

void SqliteMessageStore::breakBatch(const QString &error)
{
    if (m_batchError.isEmpty())
        m_batchError = error;
}

Result<bool> SqliteMessageStore::saveOrder(const OrderRecord &record)
{
    if (record.orderId.isEmpty())
        return Result<bool>::failure(QStringLiteral("saveOrder: the order id is empty"));
    if (auto ok = begin(); !ok)
        return ok;
    QSqlQuery &save = m_statements->saveOrder;
    save.bindValue(0, record.orderId);
    save.bindValue(1, int(record.status));
    // Columns are NOT NULL, and a null QString binds as NULL.
    save.bindValue(2, record.taker.isNull() ? QStringLiteral("") : record.taker);
    save.bindValue(3, record.event.isNull() ? QStringLiteral("") : record.event);
    save.bindValue(4, record.time.toMSecsSinceEpoch());
    save.bindValue(5, record.payloadJson.isEmpty() ? QStringLiteral("") : QString::fromUtf8(record.payloadJson));
    for (int i = 0; i < StepTimes::kCount; ++i)
        save.bindValue(6 + i, record.steps.ms[size_t(i)]);
    if (!save.exec()) {
        auto failure = sqlFailure<bool>(QStringLiteral("save order"), save);
        rollback();
        return failure;
    }
    if (auto ok = commit(); !ok)
        return ok;
    return true;
}

Result<QList<OrderRecord>> SqliteMessageStore::loadOrders(qint64 limit) const
{
    QSqlQuery &load = m_statements->loadOrders;
    load.bindValue(0, limit);
    if (!load.exec())
        return sqlFailure<QList<OrderRecord>>(QStringLiteral("load orders"), load);
    QList<OrderRecord> records;
    while (load.next()) {
        OrderRecord r;
        r.sequence = load.value(0).toLongLong();
        r.orderId = load.value(1).toString();
        const int status = load.value(2).toInt();
        // A status this program does not know (a newer hub wrote it) reads as one not seen.
        r.status = status >= 0 && status <= int(OrderStatus::Cancelled) ? OrderStatus(status) : OrderStatus::Unknown;
        r.taker = load.value(3).toString();
        r.event = load.value(4).toString();
        r.time = QDateTime::fromMSecsSinceEpoch(load.value(5).toLongLong(), Qt::UTC);
        r.payloadJson = load.value(6).toString().toUtf8();
        for (int i = 0; i < StepTimes::kCount; ++i)
            r.steps.note(StepTimes::statusAt(i), load.value(7 + i).toLongLong());
        records.append(std::move(r));
    }
    load.finish();
    return records;
}

Result<bool> SqliteMessageStore::beginBatch()
{
    if (m_inBatch)
        return Result<bool>::failure(QStringLiteral("a batch is already open"));
    // IMMEDIATE, as for single writes: the write lock is held for the whole batch, so another
    // process cannot slip between a tombstone check and the insert that relies on it.
    if (!m_statements->begin.exec())
        return sqlFailure<bool>(QStringLiteral("begin batch"), m_statements->begin);
    m_inBatch = true;
    m_batchError.clear();
    return true;
}

Result<bool> SqliteMessageStore::commitBatch()
{
    if (!m_inBatch)
        return Result<bool>::failure(QStringLiteral("no batch is open"));
    if (!m_batchError.isEmpty()) {
        const QString error = m_batchError;
        rollbackBatch();
        return Result<bool>::failure(error);
    }
    finishReads();
    m_inBatch = false;
    m_inUnit = false;
    if (!m_statements->commit.exec()) {
        // A failed COMMIT leaves the transaction open (SQLITE_BUSY, a deferred constraint) or
        // already rolled back (I/O): either way nothing of the batch may count as stored.
        auto failure = sqlFailure<bool>(QStringLiteral("commit batch"), m_statements->commit);
        if (!m_statements->rollback.exec())
            qCDebug(lcQueue) << "rollback after a failed commit:" << m_statements->rollback.lastError().text();
        return failure;
    }
    return true;
}

void SqliteMessageStore::rollbackBatch()
{
    if (!m_inBatch)
        return;
    finishReads();
    m_inBatch = false;
    m_inUnit = false;
    m_batchError.clear();
    // Fails harmlessly when SQLite has already rolled the transaction back.
    if (!m_statements->rollback.exec())
        qCDebug(lcQueue) << "rollback batch:" << m_statements->rollback.lastError().text();
}

Result<bool> SqliteMessageStore::beginUnit()
{
    if (const QString refused = checkUnitCanBegin(m_inBatch, m_inUnit, m_batchError); !refused.isEmpty())
        return Result<bool>::failure(refused);
    finishReads();
    if (!m_statements->unitSavepoint.exec()) {
        auto failure = sqlFailure<bool>(QStringLiteral("begin unit"), m_statements->unitSavepoint);
        breakBatch(failure.error());
        return failure;
    }
    m_inUnit = true;
    return true;
}

Result<bool> SqliteMessageStore::commitUnit()
{
    if (!m_inUnit)
        return Result<bool>::failure(QStringLiteral("no unit is open"));
    m_inUnit = false;
    finishReads();
    if (!m_statements->unitRelease.exec()) {
        auto failure = sqlFailure<bool>(QStringLiteral("commit unit"), m_statements->unitRelease);
        breakBatch(failure.error());
        return failure;
    }
    return true;
}

void SqliteMessageStore::rollbackUnit()
{
    if (!std::exchange(m_inUnit, false))
        return;
    finishReads();
    // As in rollback(): after some errors SQLite has rolled the whole transaction back already.
    if (!m_statements->unitRollbackTo.exec())
        breakBatch(QStringLiteral("rollback unit: %1").arg(m_statements->unitRollbackTo.lastError().text()));
    else if (!m_statements->unitRelease.exec())
        breakBatch(QStringLiteral("release unit: %1").arg(m_statements->unitRelease.lastError().text()));
}

Result<EnqueueOutcome> SqliteMessageStore::insertLocked(const QString &queueId, const QString &event,
                                                        const QString &messageId, const QByteArray &payload,
                                                        qint64 nowMs)
{
    QSqlQuery &find = m_statements->findTombstone;
    find.bindValue(0, queueId);
    find.bindValue(1, event);
    find.bindValue(2, messageId);
    if (!find.exec())
        return sqlFailure<EnqueueOutcome>(QStringLiteral("look up acknowledged"), find);
    const bool acknowledged = find.next();
    find.finish();
    if (acknowledged)
        return EnqueueOutcome::AlreadyAcknowledged;

    QSqlQuery &insert = m_statements->insert;
    insert.bindValue(0, queueId);
    insert.bindValue(1, event);
    insert.bindValue(2, messageId);
    insert.bindValue(3, QString::fromUtf8(payload));
    insert.bindValue(4, nowMs);
    if (!insert.exec())
        return sqlFailure<EnqueueOutcome>(QStringLiteral("insert"), insert);
    return insert.numRowsAffected() > 0 ? EnqueueOutcome::Stored : EnqueueOutcome::AlreadyQueued;
}

Result<EnqueueOutcome> SqliteMessageStore::enqueue(const QString &queueId, const QString &event,
                                                   const QString &messageId, const QJsonValue &payload)
{
    auto outcomes = enqueueMany(QStringList{queueId}, event, messageId, payload);
    if (!outcomes)
        return Result<EnqueueOutcome>::failure(outcomes.error());
    return outcomes->first();
}

Result<QList<EnqueueOutcome>> SqliteMessageStore::enqueueMany(const QStringList &queueIds, const QString &event,
                                                              const QString &messageId, const QJsonValue &payload)
{
    using R = Result<QList<EnqueueOutcome>>;
    if (queueIds.isEmpty())
        return R::failure(QStringLiteral("no queue ids"));
    for (const QString &queueId : queueIds) {
        if (const QString error = checkKey(queueId, event, messageId); !error.isEmpty())
            return R::failure(error);
    }
    const QByteArray json = encodePayload(payload);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (auto ok = begin(); !ok)
        return R::failure(ok.error());
    QList<EnqueueOutcome> outcomes;
    outcomes.reserve(queueIds.size());
    for (const QString &queueId : queueIds) {
        auto outcome = insertLocked(queueId, event, messageId, json, now);
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

Result<bool> SqliteMessageStore::acknowledge(const QString &queueId, const QString &event, const QString &messageId)
{
    if (queueId.isEmpty() || messageId.isEmpty())
        return Result<bool>::failure(queueId.isEmpty() ? QStringLiteral("empty queue id")
                                                       : QStringLiteral("empty message id"));
    if (auto ok = begin(); !ok)
        return ok;
    QSqlQuery &tombstone = m_statements->tombstoneFromPending;
    tombstone.bindValue(0, QDateTime::currentMSecsSinceEpoch());
    tombstone.bindValue(1, queueId);
    tombstone.bindValue(2, messageId);
    tombstone.bindValue(3, event);
    tombstone.bindValue(4, event);
    if (!tombstone.exec()) {
        auto failure = sqlFailure<bool>(QStringLiteral("remember acknowledged"), tombstone);
        rollback();
        return failure;
    }
    auto removed = deletePending(queueId, event, messageId, QStringLiteral("delete"));
    if (!removed)
        return removed;
    if (auto ok = commit(); !ok)
        return ok;
    if (*removed && notePruneDue()) {
        if (auto pruned = pruneTombstones(); !pruned)
            qCWarning(lcQueue) << "pruning acknowledged ids failed:" << pruned.error();
    }
    return removed;
}

Result<bool> SqliteMessageStore::discard(const QString &queueId, const QString &event, const QString &messageId)
{
    if (queueId.isEmpty() || messageId.isEmpty() || event.isEmpty())
        return Result<bool>::failure(QStringLiteral("discard needs a queue id, an event and a message id"));
    if (auto ok = begin(); !ok)
        return ok;
    auto removed = deletePending(queueId, event, messageId, QStringLiteral("discard"));
    if (!removed)
        return removed;
    if (auto ok = commit(); !ok)
        return ok;
    return removed;
}

Result<bool> SqliteMessageStore::deletePending(const QString &queueId, const QString &event, const QString &messageId,
                                               const QString &what)
{
    QSqlQuery &remove = m_statements->deletePending;
    remove.bindValue(0, queueId);
    remove.bindValue(1, messageId);
    remove.bindValue(2, event);
    remove.bindValue(3, event);
    if (!remove.exec()) {
        auto failure = sqlFailure<bool>(what, remove);
        rollback();
        return failure;
    }
    return remove.numRowsAffected() > 0;
}

Result<QList<QueuedMessage>> SqliteMessageStore::pending(const QString &queueId, const QString &event) const
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
        message.event = textOf(query.value(1));
        message.messageId = textOf(query.value(2));
        auto payload = decodePayload(query.value(3).toString().toUtf8());
        if (!payload) {
            query.finish();
            return R::failure(QStringLiteral("message %1 in %2: %3").arg(message.messageId, queueId, payload.error()));
        }
        message.payload = *payload;
        message.enqueuedAt = QDateTime::fromMSecsSinceEpoch(query.value(4).toLongLong(), Qt::UTC);
        messages.append(std::move(message));
    }
    const bool failed = query.lastError().isValid();
    query.finish();
    if (failed)
        return sqlFailure<QList<QueuedMessage>>(QStringLiteral("read pending"), query);
    return messages;
}

Result<qint64> SqliteMessageStore::count(const QString &queueId, const QString &event) const
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

Result<QStringList> SqliteMessageStore::queueIds() const
{
    QSqlQuery &query = m_statements->queueIds;
    if (!query.exec())
        return sqlFailure<QStringList>(QStringLiteral("queue ids"), query);
    QStringList ids;
    while (query.next())
        ids.append(textOf(query.value(0)));
    query.finish();
    ids.sort(); // QString order, the same as MemoryMessageStore
    return ids;
}

Result<bool> SqliteMessageStore::isAcknowledged(const QString &queueId, const QString &event,
                                                const QString &messageId) const
{
    QSqlQuery &find = m_statements->findTombstone;
    find.bindValue(0, queueId);
    find.bindValue(1, event);
    find.bindValue(2, messageId);
    if (!find.exec())
        return sqlFailure<bool>(QStringLiteral("look up acknowledged"), find);
    const bool found = find.next();
    find.finish();
    return found;
}

Result<bool> SqliteMessageStore::subscribe(const QString &queueId, const QString &event)
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

Result<bool> SqliteMessageStore::unsubscribe(const QString &queueId, const QString &event)
{
    if (auto ok = begin(); !ok)
        return ok;
    QSqlQuery &query = m_statements->unsubscribe;
    query.bindValue(0, event);
    query.bindValue(1, queueId);
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

Result<QStringList> SqliteMessageStore::subscribers(const QString &event) const
{
    QSqlQuery &query = m_statements->subscribers;
    query.bindValue(0, event);
    if (!query.exec())
        return sqlFailure<QStringList>(QStringLiteral("subscribers"), query);
    QStringList ids;
    while (query.next())
        ids.append(textOf(query.value(0)));
    query.finish();
    ids.sort();
    return ids;
}

Result<qint64> SqliteMessageStore::pruneTombstones(const QDateTime &now)
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

Result<PendingPruned> SqliteMessageStore::prunePending(const QDateTime &now)
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
    // Counted first so that the delete touches only the excess (the oldest by seq, the primary key).
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

} // namespace caps
