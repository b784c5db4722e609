// SqliteMessageStore beyond the shared contract: reopening, schema upgrades, several
// instances and processes on one file, and a writer killed with SIGKILL.

#include "queue/sqlitemessagestore.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace caps;

namespace {

// A plain connection of the test's own, to build or inspect a database behind the store's back.
class RawDatabase
{
public:
    explicit RawDatabase(const QString &path)
        : m_name(QStringLiteral("raw-%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces)))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        m_open = db.open();
    }
    ~RawDatabase()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    Q_DISABLE_COPY_MOVE(RawDatabase)

    [[nodiscard]] bool isOpen() const { return m_open; }
    [[nodiscard]] QString exec(const QString &sql) const
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        return query.exec(sql) ? QString() : query.lastError().text();
    }
    [[nodiscard]] QVariant scalar(const QString &sql) const
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.exec(sql) || !query.next())
            return {};
        return query.value(0);
    }
    [[nodiscard]] QStringList column(const QString &sql, int index = 0) const
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        QStringList values;
        if (query.exec(sql)) {
            while (query.next())
                values.append(query.value(index).toString());
        }
        return values;
    }

private:
    QString m_name;
    bool m_open = false;
};

QStringList idsOf(const QList<QueuedMessage> &messages)
{
    QStringList ids;
    for (const QueuedMessage &m : messages)
        ids.append(m.messageId);
    return ids;
}

QStringList queueConnections()
{
    return QSqlDatabase::connectionNames().filter(QStringLiteral("caps-queue-"));
}

} // namespace

class TestQueueSqlite : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    [[nodiscard]] QString dbPath(const QString &name) const { return m_dir.filePath(name + QStringLiteral(".sqlite")); }
    static std::unique_ptr<SqliteMessageStore> openOrFail(const QString &path)
    {
        auto store = SqliteMessageStore::open(path);
        if (!store) {
            qWarning() << store.error();
            return {};
        }
        return std::move(store).value();
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void walJournal()
    {
        const QString path = dbPath(QStringLiteral("wal"));
        auto store = openOrFail(path);
        QVERIFY(store);
        QCOMPARE(store->journalMode(), QStringLiteral("wal"));
        QVERIFY(store->enqueue(QStringLiteral("driver"), QStringLiteral("pickup"), QStringLiteral("1"), {}).ok());
        QVERIFY(QFile::exists(path + QStringLiteral("-wal")));
        RawDatabase raw(path);
        QVERIFY(raw.isOpen());
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
        QCOMPARE(raw.scalar(QStringLiteral("SELECT version FROM schema_version")).toInt(),
                 SqliteMessageStore::kSchemaVersion);
        auto memory = openOrFail(SqliteMessageStore::memoryPath());
        QVERIFY(memory);
        QCOMPARE(memory->journalMode(), QStringLiteral("memory"));
    }

    void durableAcrossReopen()
    {
        const QString path = dbPath(QStringLiteral("reopen"));
        const QJsonObject payload{{QStringLiteral("store"), QStringLiteral("acme")},
                                  {QStringLiteral("orderID"), QStringLiteral("o2")}};
        qint64 lastSequence = 0;
        {
            auto store = openOrFail(path);
            QVERIFY(store);
            for (const QString &id : {QStringLiteral("o1"), QStringLiteral("o2"), QStringLiteral("o3")})
                QVERIFY(store->enqueue(QStringLiteral("driver"), QStringLiteral("pickup"), id, payload).ok());
            QVERIFY(
                store->acknowledge(QStringLiteral("driver"), QStringLiteral("pickup"), QStringLiteral("o1")).value());
            QVERIFY(store->subscribe(QStringLiteral("driver-7"), QStringLiteral("pickup")).value());
            lastSequence = store->pending(QStringLiteral("driver")).value().last().sequence;
        }
        auto store = openOrFail(path);
        QVERIFY(store);
        const auto pending = store->pending(QStringLiteral("driver")).value();
        QCOMPARE(idsOf(pending), (QStringList{QStringLiteral("o2"), QStringLiteral("o3")}));
        QCOMPARE(pending.first().payload, QJsonValue(payload));
        QCOMPARE(store->subscribers(QStringLiteral("pickup")).value(), QStringList{QStringLiteral("driver-7")});
        // Acknowledged stays acknowledged after a restart.
        QCOMPARE(
            store->enqueue(QStringLiteral("driver"), QStringLiteral("pickup"), QStringLiteral("o1"), payload).value(),
            EnqueueOutcome::AlreadyAcknowledged);
        QCOMPARE(
            store->enqueue(QStringLiteral("driver"), QStringLiteral("pickup"), QStringLiteral("o4"), payload).value(),
            EnqueueOutcome::Stored);
        QVERIFY(store->pending(QStringLiteral("driver")).value().last().sequence > lastSequence);
    }

    void upgradeFromVersion1()
    {
        const QString path = dbPath(QStringLiteral("v1"));
        {
            // The version 1 layout, written by hand as an old hub would have left it.
            RawDatabase raw(path);
            QVERIFY(raw.isOpen());
            const QStringList v1 = {
                QStringLiteral("CREATE TABLE schema_version (version INTEGER NOT NULL)"),
                QStringLiteral("INSERT INTO schema_version (version) VALUES (1)"),
                QStringLiteral("CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, queue_id TEXT NOT NULL,"
                               " event TEXT NOT NULL, message_id TEXT NOT NULL, payload TEXT NOT NULL,"
                               " UNIQUE (queue_id, event, message_id))"),
                QStringLiteral("INSERT INTO messages (queue_id, event, message_id, payload) VALUES"
                               " ('driver', 'pickup', 'o1', '[{\"orderID\":\"o1\",\"store\":\"acme\"}]'),"
                               " ('acme', 'delivered', 'o0', '[\"plain\"]'),"
                               " ('driver', 'pickup', 'o2', '[{\"orderID\":\"o2\",\"store\":\"acme\"}]')"),
            };
            for (const QString &sql : v1) {
                const QString error = raw.exec(sql);
                QVERIFY2(error.isEmpty(), qPrintable(error));
            }
        }
        qint64 lastOld = 0;
        {
            auto store = openOrFail(path);
            QVERIFY(store);
            const auto driver = store->pending(QStringLiteral("driver")).value();
            QCOMPARE(idsOf(driver), (QStringList{QStringLiteral("o1"), QStringLiteral("o2")}));
            QCOMPARE(driver.first().payload,
                     QJsonValue(QJsonObject{{QStringLiteral("orderID"), QStringLiteral("o1")},
                                            {QStringLiteral("store"), QStringLiteral("acme")}}));
            // Version 1 kept no time; the upgrade stamps rows with its own.
            QVERIFY(qAbs(driver.first().enqueuedAt.secsTo(QDateTime::currentDateTimeUtc())) < 60);
            const auto acme = store->pending(QStringLiteral("acme")).value();
            QCOMPARE(acme.size(), 1);
            QCOMPARE(acme.first().payload, QJsonValue(QStringLiteral("plain")));
            lastOld = driver.last().sequence;
            // Version 2 features work on the upgraded file.
            QVERIFY(
                store->acknowledge(QStringLiteral("driver"), QStringLiteral("pickup"), QStringLiteral("o1")).value());
            QCOMPARE(
                store->enqueue(QStringLiteral("driver"), QStringLiteral("pickup"), QStringLiteral("o1"), {}).value(),
                EnqueueOutcome::AlreadyAcknowledged);
            QVERIFY(store->subscribe(QStringLiteral("d1"), QStringLiteral("pickup")).value());
            QCOMPARE(
                store->enqueue(QStringLiteral("driver"), QStringLiteral("pickup"), QStringLiteral("o3"), {}).value(),
                EnqueueOutcome::Stored);
            QVERIFY(store->pending(QStringLiteral("driver")).value().last().sequence > lastOld);
        }
        RawDatabase raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT version FROM schema_version")).toInt(),
                 SqliteMessageStore::kSchemaVersion);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM schema_version")).toInt(), 1);
        QVERIFY(
            raw.column(QStringLiteral("PRAGMA index_list(messages)"), 1).contains(QStringLiteral("messages_by_age")));
        QVERIFY(raw.column(QStringLiteral("PRAGMA table_info(messages)"), 1).contains(QStringLiteral("enqueued_at")));
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM messages WHERE enqueued_at = 0")).toInt(), 0);
        QCOMPARE(raw.column(QStringLiteral("SELECT message_id FROM acknowledged")), QStringList{QStringLiteral("o1")});
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
        // Opening the upgraded file again changes nothing.
        auto again = openOrFail(path);
        QVERIFY(again);
        QCOMPARE(idsOf(again->pending(QStringLiteral("driver")).value()),
                 (QStringList{QStringLiteral("o2"), QStringLiteral("o3")}));
    }

    // Version 4 kept each order's latest event only: the upgrade to 5 gives that event's step
    // its time, and the record keeps every step's from then on.
    void upgradeFromVersion4KeepsTheLatestStep()
    {
        const QString path = dbPath(QStringLiteral("v4"));
        const QDateTime delivered = QDateTime::fromMSecsSinceEpoch(1700000009000, Qt::UTC);
        {
            auto store = openOrFail(path);
            QVERIFY(store);
            QVERIFY(store
                        ->saveOrder({QStringLiteral("o1"),
                                     caps::OrderStatus::Delivered,
                                     QStringLiteral("d1"),
                                     QStringLiteral("delivered"),
                                     delivered,
                                     "{}",
                                     0,
                                     {}})
                        .ok());
        }
        {
            RawDatabase raw(path);
            QVERIFY(raw.isOpen());
            for (const char *sql :
                 {"ALTER TABLE orders DROP COLUMN ordered_ms", "ALTER TABLE orders DROP COLUMN in_transit_ms",
                  "ALTER TABLE orders DROP COLUMN delivered_ms", "ALTER TABLE orders DROP COLUMN cancelled_ms",
                  "UPDATE schema_version SET version = 4"}) {
                const QString error = raw.exec(QString::fromLatin1(sql));
                QVERIFY2(error.isEmpty(), qPrintable(error));
            }
        }
        auto store = openOrFail(path);
        QVERIFY(store);
        const QList<caps::OrderRecord> loaded = store->loadOrders(10).value();
        QCOMPARE(loaded.size(), 1);
        caps::StepTimes expected;
        expected.note(caps::OrderStatus::Delivered, delivered.toMSecsSinceEpoch());
        QCOMPARE(loaded.first().steps, expected);
    }

    void refusesUnknownDatabases_data()
    {
        QTest::addColumn<QStringList>("sql");
        QTest::addColumn<QString>("error");
        QTest::addRow("newer schema") << QStringList{
            QStringLiteral("CREATE TABLE schema_version (version INTEGER NOT NULL)"),
            QStringLiteral("INSERT INTO schema_version VALUES (%1)")
                .arg(SqliteMessageStore::kSchemaVersion
                     + 1)} << QStringLiteral("schema version %1 is newer").arg(SqliteMessageStore::kSchemaVersion + 1);
        QTest::addRow("foreign tables") << QStringList{QStringLiteral("CREATE TABLE orders (id TEXT)")}
                                        << QStringLiteral("not a CAPS queue database");
    }
    void refusesUnknownDatabases()
    {
        QFETCH(QStringList, sql);
        QFETCH(QString, error);
        const QString path = dbPath(
            QStringLiteral("unknown-%1").arg(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('-')));
        {
            RawDatabase raw(path);
            for (const QString &statement : sql)
                QVERIFY(raw.exec(statement).isEmpty());
        }
        const auto store = SqliteMessageStore::open(path);
        QVERIFY(!store.ok());
        QVERIFY2(store.error().contains(error), qPrintable(store.error()));
        QVERIFY(queueConnections().isEmpty());
        RawDatabase raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'messages'")).toInt(), 0);
    }

    void openErrors()
    {
        QVERIFY(!SqliteMessageStore::open(QString()).ok());
        const auto directory = SqliteMessageStore::open(m_dir.path());
        QVERIFY(!directory.ok());
        QVERIFY(!directory.error().isEmpty());
        const auto noFolder = SqliteMessageStore::open(QStringLiteral("/proc/caps-queue-test/q.sqlite"));
        QVERIFY(!noFolder.ok());
        QVERIFY(queueConnections().isEmpty());
    }

    void connectionsPerInstance()
    {
        auto a = openOrFail(SqliteMessageStore::memoryPath());
        auto b = openOrFail(SqliteMessageStore::memoryPath());
        QVERIFY(a && b);
        QVERIFY(a->connectionName() != b->connectionName());
        QCOMPARE(queueConnections().size(), 2);
        // Two ":memory:" stores are two databases.
        QVERIFY(a->enqueue(QStringLiteral("driver"), QStringLiteral("pickup"), QStringLiteral("1"), {}).ok());
        QCOMPARE(b->count().value(), 0);
        a.reset();
        QCOMPARE(queueConnections(), QStringList{b->connectionName()});
        QVERIFY(b->enqueue(QStringLiteral("driver"), QStringLiteral("pickup"), QStringLiteral("1"), {}).ok());
        b.reset();
        QVERIFY(queueConnections().isEmpty());
    }

    void twoInstancesOneFile()
    {
        const QString path = dbPath(QStringLiteral("shared"));
        auto first = openOrFail(path);
        auto second = openOrFail(path);
        QVERIFY(first && second);
        const QString q = QStringLiteral("driver"), e = QStringLiteral("pickup");
        QVERIFY(first->enqueue(q, e, QStringLiteral("o1"), {}).ok());
        QCOMPARE(idsOf(second->pending(q).value()), QStringList{QStringLiteral("o1")});
        QVERIFY(second->acknowledge(q, e, QStringLiteral("o1")).value());
        QCOMPARE(first->enqueue(q, e, QStringLiteral("o1"), {}).value(), EnqueueOutcome::AlreadyAcknowledged);
        QCOMPARE(first->acknowledge(q, e, QStringLiteral("o1")).value(), false);
        for (int i = 0; i < 20; ++i) {
            MessageStore &store = i % 2 ? static_cast<MessageStore &>(*first) : *second;
            QCOMPARE(store.enqueue(q, e, QStringLiteral("n%1").arg(i), {}).value(), EnqueueOutcome::Stored);
        }
        QCOMPARE(first->pending(q).value(), second->pending(q).value());
        QCOMPARE(first->count(q).value(), 20);
    }

    void secondProcessWritesConcurrently()
    {
        const QString path = dbPath(QStringLiteral("two-processes"));
        auto store = openOrFail(path);
        QVERIFY(store);
        QProcess child;
        child.setProgram(QStringLiteral(CAPS_QUEUE_WRITER));
        child.setArguments({QStringLiteral("--db"), path, QStringLiteral("--queue"), QStringLiteral("child"),
                            QStringLiteral("--count"), QStringLiteral("200"), QStringLiteral("--prefix"),
                            QStringLiteral("c")});
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start();
        QVERIFY(child.waitForStarted());
        QVERIFY(QTest::qWaitFor([&] { return child.canReadLine() || child.state() == QProcess::NotRunning; }, 20000));
        QCOMPARE(child.readLine(), QByteArray("ready\n"));
        for (int i = 0; i < 200; ++i) {
            const auto outcome
                = store->enqueue(QStringLiteral("parent"), QStringLiteral("pickup"), QStringLiteral("p%1").arg(i), {});
            QVERIFY2(outcome.ok(), qPrintable(outcome.error()));
            QCOMPARE(*outcome, EnqueueOutcome::Stored);
        }
        QVERIFY(child.waitForFinished(60000));
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QCOMPARE(child.exitCode(), 0);
        QVERIFY(child.readAll().endsWith("done\n"));
        QCOMPARE(store->count(QStringLiteral("parent")).value(), 200);
        const auto fromChild = store->pending(QStringLiteral("child")).value();
        QCOMPARE(fromChild.size(), 200);
        QCOMPARE(fromChild.first().messageId, QStringLiteral("c-000000"));
        QCOMPARE(fromChild.last().messageId, QStringLiteral("c-000199"));
    }

    void processesCreateOneFileAtOnce()
    {
        // Three hubs starting together on a file that does not exist yet: one creates the
        // schema, the others wait for it instead of failing or creating it twice.
        const QString path = dbPath(QStringLiteral("race"));
        std::vector<std::unique_ptr<QProcess>> children;
        for (int i = 0; i < 3; ++i) {
            auto child = std::make_unique<QProcess>();
            child->setProgram(QStringLiteral(CAPS_QUEUE_WRITER));
            child->setArguments({QStringLiteral("--db"), path, QStringLiteral("--queue"), QStringLiteral("q%1").arg(i),
                                 QStringLiteral("--count"), QStringLiteral("50")});
            child->setProcessChannelMode(QProcess::ForwardedErrorChannel);
            children.push_back(std::move(child));
        }
        for (auto &child : children)
            child->start();
        for (auto &child : children) {
            QVERIFY(child->waitForFinished(60000));
            QCOMPARE(child->exitStatus(), QProcess::NormalExit);
            QCOMPARE(child->exitCode(), 0);
        }
        auto store = openOrFail(path);
        QVERIFY(store);
        const QStringList queues = store->queueIds().value();
        QCOMPARE(queues, (QStringList{QStringLiteral("q0"), QStringLiteral("q1"), QStringLiteral("q2")}));
        for (const QString &queue : queues)
            QCOMPARE(store->count(queue).value(), 50);
        store.reset();
        RawDatabase raw(path);
        QCOMPARE(raw.column(QStringLiteral("SELECT version FROM schema_version")),
                 QStringList{QString::number(SqliteMessageStore::kSchemaVersion)});
    }

    // A batch is one transaction: another connection sees nothing of it before the commit.
    void batchIsOneTransaction()
    {
        const QString path = dbPath(QStringLiteral("batch"));
        auto store = openOrFail(path);
        QVERIFY(store);
        RawDatabase raw(path);
        QVERIFY(raw.isOpen());
        QVERIFY(store->beginBatch().ok());
        for (const QString &id : {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")})
            QVERIFY(store->enqueue(QStringLiteral("driver"), QStringLiteral("pickup"), id, {}).ok());
        QVERIFY(store->subscribe(QStringLiteral("d1"), QStringLiteral("pickup")).ok());
        QCOMPARE(store->count().value(), 3); // the store's own connection sees them
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM messages")).toInt(), 0);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM subscriptions")).toInt(), 0);
        QVERIFY(store->commitBatch().ok());
        QCOMPARE(raw.column(QStringLiteral("SELECT message_id FROM messages ORDER BY seq")),
                 (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM subscriptions")).toInt(), 1);
    }

    // A COMMIT that fails (here: a deferred foreign key, checked only at COMMIT, that a test
    // trigger violates for message id "poison") leaves nothing of the batch behind, and the
    // store works on.
    void failedCommitRollsBack()
    {
        const QString path = dbPath(QStringLiteral("failed-commit"));
        auto store = openOrFail(path);
        QVERIFY(store);
        const QString q = QStringLiteral("driver"), e = QStringLiteral("pickup");
        QVERIFY(store->enqueue(q, e, QStringLiteral("before"), {}).ok());
        RawDatabase raw(path);
        QCOMPARE(raw.exec(QStringLiteral(
                     "CREATE TABLE poison (ref INTEGER REFERENCES messages (seq) DEFERRABLE INITIALLY DEFERRED)")),
                 QString());
        QCOMPARE(raw.exec(QStringLiteral(
                     "CREATE TRIGGER poison_commit AFTER INSERT ON messages WHEN NEW.message_id = 'poison'"
                     " BEGIN INSERT INTO poison (ref) VALUES (-1); END")),
                 QString());
        {
            QSqlQuery pragma(QSqlDatabase::database(store->connectionName(), false));
            QVERIFY(pragma.exec(QStringLiteral("PRAGMA foreign_keys = ON")));
        }

        // A single write: its own commit fails, nothing stays.
        const auto single = store->enqueue(q, e, QStringLiteral("poison"), {});
        QVERIFY(!single.ok());
        QVERIFY2(single.error().contains(QLatin1String("FOREIGN KEY")), qPrintable(single.error()));
        QCOMPARE(store->count().value(), 1);

        QVERIFY(store->beginBatch().ok());
        QVERIFY(store->enqueue(q, e, QStringLiteral("b1"), {}).ok());
        QVERIFY(store->enqueue(q, e, QStringLiteral("poison"), {}).ok()); // fine until COMMIT
        QVERIFY(store->acknowledge(q, e, QStringLiteral("before")).value());
        QVERIFY(store->subscribe(QStringLiteral("d1"), e).ok());
        QVERIFY(store->enqueue(q, e, QStringLiteral("b2"), {}).ok());
        const auto committed = store->commitBatch();
        QVERIFY(!committed.ok());
        QVERIFY2(committed.error().contains(QLatin1String("FOREIGN KEY")), qPrintable(committed.error()));
        QVERIFY(!store->inBatch());

        QCOMPARE(idsOf(store->pending(q).value()), QStringList{QStringLiteral("before")});
        QCOMPARE(store->isAcknowledged(q, e, QStringLiteral("before")).value(), false);
        QCOMPARE(store->subscribers(e).value(), QStringList());
        QCOMPARE(raw.column(QStringLiteral("SELECT message_id FROM messages")), QStringList{QStringLiteral("before")});
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM acknowledged")).toInt(), 0);

        QVERIFY(store->beginBatch().ok());
        QVERIFY(store->enqueue(q, e, QStringLiteral("b1"), {}).ok());
        QVERIFY(store->commitBatch().ok());
        QCOMPARE(raw.column(QStringLiteral("SELECT message_id FROM messages ORDER BY seq")),
                 (QStringList{QStringLiteral("before"), QStringLiteral("b1")}));
    }

    // A statement that fails inside a batch takes back that write only (a savepoint), the
    // fan-out of that write included; the rest of the batch commits.
    void failedWriteInBatchKeepsTheRest()
    {
        const QString path = dbPath(QStringLiteral("failed-write"));
        auto store = openOrFail(path);
        QVERIFY(store);
        RawDatabase raw(path);
        QCOMPARE(raw.exec(QStringLiteral("CREATE TRIGGER refuse AFTER INSERT ON messages WHEN NEW.queue_id = 'd2'"
                                         " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")),
                 QString());
        const QString e = QStringLiteral("pickup");
        QVERIFY(store->beginBatch().ok());
        QVERIFY(store->enqueue(QStringLiteral("driver"), e, QStringLiteral("o1"), {}).ok());
        const auto refused = store->enqueueMany({QStringLiteral("driver"), QStringLiteral("d1"), QStringLiteral("d2")},
                                                e, QStringLiteral("o2"), {});
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QLatin1String("refused by the test")), qPrintable(refused.error()));
        QVERIFY(store->enqueue(QStringLiteral("driver"), e, QStringLiteral("o3"), {}).ok());
        QVERIFY(store->commitBatch().ok());
        QCOMPARE(raw.column(QStringLiteral("SELECT queue_id || '/' || message_id FROM messages ORDER BY seq")),
                 (QStringList{QStringLiteral("driver/o1"), QStringLiteral("driver/o3")}));
    }

    // An error after which SQLite has rolled the whole transaction back by itself (as after an
    // I/O error or a full disk; here RAISE(ROLLBACK)): the earlier writes are gone, so every later
    // write of the batch and its commit fail rather than pretend.
    void transactionLostInBatch()
    {
        const QString path = dbPath(QStringLiteral("lost"));
        auto store = openOrFail(path);
        QVERIFY(store);
        RawDatabase raw(path);
        QCOMPARE(raw.exec(QStringLiteral("CREATE TRIGGER lose AFTER INSERT ON messages WHEN NEW.message_id = 'lose'"
                                         " BEGIN SELECT RAISE(ROLLBACK, 'transaction lost'); END")),
                 QString());
        const QString q = QStringLiteral("driver"), e = QStringLiteral("pickup");
        QVERIFY(store->beginBatch().ok());
        QVERIFY(store->enqueue(q, e, QStringLiteral("o1"), {}).ok());
        QVERIFY(!store->enqueue(q, e, QStringLiteral("lose"), {}).ok());
        const auto later = store->enqueue(q, e, QStringLiteral("o2"), {});
        QVERIFY(!later.ok());
        QVERIFY2(later.error().contains(QLatin1String("batch failed")), qPrintable(later.error()));
        QVERIFY(!store->commitBatch().ok());
        QVERIFY(!store->inBatch());
        QCOMPARE(store->count().value(), 0);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM messages")).toInt(), 0);
        QVERIFY(store->enqueue(q, e, QStringLiteral("o1"), {}).ok());
        QVERIFY(store->beginBatch().ok());
        QVERIFY(store->enqueue(q, e, QStringLiteral("o2"), {}).ok());
        QVERIFY(store->commitBatch().ok());
        QCOMPARE(raw.column(QStringLiteral("SELECT message_id FROM messages ORDER BY seq")),
                 (QStringList{QStringLiteral("o1"), QStringLiteral("o2")}));
    }

    void survivesKill9_data()
    {
        QTest::addColumn<int>("killAfter");
        QTest::addColumn<int>("batch"); // messages per batch, 0: one transaction each
        QTest::addRow("after 1") << 1 << 0;
        QTest::addRow("after 25") << 25 << 0;
        QTest::addRow("after 150") << 150 << 0;
        QTest::addRow("batches of 10, after 1") << 1 << 10;
        QTest::addRow("batches of 7, after 150") << 150 << 7;
    }
    void survivesKill9()
    {
        QFETCH(int, killAfter);
        QFETCH(int, batch);
        const QString path = dbPath(QStringLiteral("crash-%1-%2").arg(killAfter).arg(batch));
        QProcess child;
        child.setProgram(QStringLiteral(CAPS_QUEUE_WRITER));
        child.setArguments({QStringLiteral("--db"), path, QStringLiteral("--queue"), QStringLiteral("crash"),
                            QStringLiteral("--count"), QStringLiteral("100000000"), QStringLiteral("--batch"),
                            QString::number(batch)});
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QByteArray output;
        int committed = 0;
        connect(&child, &QProcess::readyReadStandardOutput, this, [&] {
            output += child.readAllStandardOutput();
            committed = int(output.count("committed "));
        });
        child.start();
        QVERIFY(child.waitForStarted());
        QVERIFY(
            QTest::qWaitFor([&] { return committed >= killAfter || child.state() == QProcess::NotRunning; }, 60000));
        child.kill(); // SIGKILL: no destructor, no close, no checkpoint
        QVERIFY(child.waitForFinished(10000));
        output += child.readAllStandardOutput();
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        QVERIFY(!output.contains("done"));

        QStringList printed;
        for (const QByteArray &line : output.split('\n')) {
            if (line.startsWith("committed "))
                printed.append(QString::fromUtf8(line.mid(10)));
        }
        QVERIFY(printed.size() >= killAfter);

        auto store = openOrFail(path);
        QVERIFY(store);
        const QStringList stored = idsOf(store->pending(QStringLiteral("crash")).value());
        // Everything printed is there, in order; at most one more write (or batch) was committed
        // but not yet printed, and a batch is there whole or not at all.
        const int unit = std::max(1, batch);
        QVERIFY2(stored.size() >= printed.size() && stored.size() <= printed.size() + unit,
                 qPrintable(QStringLiteral("printed %1, stored %2").arg(printed.size()).arg(stored.size())));
        QCOMPARE(stored.size() % unit, 0);
        QCOMPARE(stored.mid(0, printed.size()), printed);
        store.reset();
        RawDatabase raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
    }

    void defaultPathUnderAppData()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("caps-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_queue_sqlite"));
        const QString path = SqliteMessageStore::defaultPath();
        QCOMPARE(path,
                 QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/queue.sqlite"));
        QVERIFY(path.contains(QStringLiteral("tst_queue_sqlite")));
        {
            auto store = openOrFail(path);
            QVERIFY(store);
            QVERIFY(store->enqueue(QStringLiteral("driver"), QStringLiteral("pickup"), QStringLiteral("1"), {}).ok());
        }
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(path + suffix);
    }
};

QTEST_GUILESS_MAIN(TestQueueSqlite)
#include "tst_queue_sqlite.moc"
