// The MessageStore contract. Every test runs once per implementation (initTestCase_data).

#include "queue/memorymessagestore.h"
#include "queue/postgresmessagestore.h"
#include "queue/sqlitemessagestore.h"
#include "support/privatepostgres.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <utility>

using namespace caps;

Q_DECLARE_METATYPE(caps::EnqueueOutcome)

class TestQueueStore : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<MessageStore> m_store;
    std::unique_ptr<QTemporaryDir> m_dir;
    // One private server for the suite, started by the first PostgreSQL row; a fresh database
    // per test, so that every test starts from an empty store and a newly created schema.
    std::unique_ptr<caps::test::PrivatePostgres> m_postgres;
    int m_databases = 0;
    QString m_database; // this test's, dropped after it

    static QJsonObject order(const QString &id, const QString &store = QStringLiteral("1-206-flowers"))
    {
        return QJsonObject{{QStringLiteral("store"), store},
                           {QStringLiteral("orderID"), id},
                           {QStringLiteral("customer"), QStringLiteral("Jamie Doe")},
                           {QStringLiteral("address"), QStringLiteral("Seattle, WA")}};
    }
    static QStringList idsOf(const QList<QueuedMessage> &messages)
    {
        QStringList ids;
        for (const QueuedMessage &m : messages)
            ids.append(m.messageId);
        return ids;
    }

private slots:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addRow("memory") << QStringLiteral("memory");
        QTest::addRow("sqlite-memory") << QStringLiteral("sqlite-memory");
        QTest::addRow("sqlite-file") << QStringLiteral("sqlite-file");
        QTest::addRow("postgresql") << QStringLiteral("postgresql");
    }

    void cleanupTestCase() { m_postgres.reset(); }

    void init()
    {
        QFETCH_GLOBAL(QString, backend);
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        if (backend == QLatin1String("memory")) {
            m_store = std::make_unique<MemoryMessageStore>();
        } else if (backend == QLatin1String("postgresql")) {
            if (!m_postgres) {
                m_postgres = std::make_unique<caps::test::PrivatePostgres>();
                const QString error = m_postgres->start(QStringLiteral("contract"));
                QVERIFY2(error.isEmpty(), qPrintable(error));
            }
            QVERIFY2(m_postgres->isRunning(), "the private PostgreSQL server is not running");
            const QString database = QStringLiteral("contract_%1").arg(++m_databases);
            const QString created = m_postgres->createDatabase(database);
            QVERIFY2(created.isEmpty(), qPrintable(created));
            m_database = database;
            auto uri = PostgresUri::parse(QStringLiteral("postgresql://caps@/%1?host=%2&port=%3")
                                              .arg(database, m_postgres->socketFolder())
                                              .arg(m_postgres->port()));
            QVERIFY2(uri.ok(), qPrintable(uri.error()));
            auto store = PostgresMessageStore::open(*uri);
            QVERIFY2(store.ok(), qPrintable(store.error()));
            m_store = std::move(store).value();
        } else {
            const QString path = backend == QLatin1String("sqlite-memory")
                ? SqliteMessageStore::memoryPath()
                : m_dir->filePath(QStringLiteral("q.sqlite"));
            auto store = SqliteMessageStore::open(path);
            QVERIFY2(store.ok(), qPrintable(store.error()));
            m_store = std::move(store).value();
        }
    }

    void cleanup()
    {
        m_store.reset();
        m_dir.reset();
        if (!m_database.isEmpty()) {
            const QString dropped = m_postgres->dropDatabase(std::exchange(m_database, QString()));
            QVERIFY2(dropped.isEmpty(), qPrintable(dropped));
        }
    }

    void payloadRoundTrip_data()
    {
        QTest::addColumn<QJsonValue>("payload");
        QTest::addColumn<QJsonValue>("expected");
        const QJsonObject o = order(QStringLiteral("o-1"));
        QTest::addRow("order object") << QJsonValue(o) << QJsonValue(o);
        QTest::addRow("nested") << QJsonValue(
            QJsonObject{{QStringLiteral("messageID"), QStringLiteral("m")}, {QStringLiteral("payload"), o}})
                                << QJsonValue(QJsonObject{{QStringLiteral("messageID"), QStringLiteral("m")},
                                                          {QStringLiteral("payload"), o}});
        QTest::addRow("array") << QJsonValue(QJsonArray{1, QStringLiteral("two"), true})
                               << QJsonValue(QJsonArray{1, QStringLiteral("two"), true});
        QTest::addRow("string") << QJsonValue(QStringLiteral("order 7")) << QJsonValue(QStringLiteral("order 7"));
        QTest::addRow("unicode") << QJsonValue(QStringLiteral("Zoë → 東京 🚚"))
                                 << QJsonValue(QStringLiteral("Zoë → 東京 🚚"));
        QTest::addRow("number") << QJsonValue(12.5) << QJsonValue(12.5);
        QTest::addRow("bool") << QJsonValue(false) << QJsonValue(false);
        QTest::addRow("null") << QJsonValue(QJsonValue::Null) << QJsonValue(QJsonValue::Null);
        QTest::addRow("undefined is null") << QJsonValue(QJsonValue::Undefined) << QJsonValue(QJsonValue::Null);
        QTest::addRow("empty object") << QJsonValue(QJsonObject()) << QJsonValue(QJsonObject());
        // What JSON cannot spell reads back as JSON's null, in the memory store too.
        QTest::addRow("nan in an array") << QJsonValue(QJsonArray{qQNaN(), 1})
                                         << QJsonValue(QJsonArray{QJsonValue(QJsonValue::Null), 1});
        QTest::addRow("infinity in an object")
            << QJsonValue(QJsonObject{{QStringLiteral("x"), qInf()}})
            << QJsonValue(QJsonObject{{QStringLiteral("x"), QJsonValue(QJsonValue::Null)}});
        QTest::addRow("undefined in an array") << QJsonValue(QJsonArray{QJsonValue(QJsonValue::Undefined)})
                                               << QJsonValue(QJsonArray{QJsonValue(QJsonValue::Null)});
        QTest::addRow("big integer") << QJsonValue(qint64(9007199254740993)) << QJsonValue(qint64(9007199254740993));
    }
    void payloadRoundTrip()
    {
        QFETCH(QJsonValue, payload);
        QFETCH(QJsonValue, expected);
        QCOMPARE(
            m_store->enqueue(QStringLiteral("driver"), QStringLiteral("pickup"), QStringLiteral("m"), payload).value(),
            EnqueueOutcome::Stored);
        const auto pending = m_store->pending(QStringLiteral("driver"));
        QVERIFY2(pending.ok(), qPrintable(pending.error()));
        QCOMPARE(pending->size(), 1);
        QCOMPARE(pending->first().payload, expected);
        QCOMPARE(pending->first().queueId, QStringLiteral("driver"));
        QCOMPARE(pending->first().event, QStringLiteral("pickup"));
        QCOMPARE(pending->first().messageId, QStringLiteral("m"));
        QVERIFY(pending->first().enqueuedAt.isValid());
        QVERIFY(qAbs(pending->first().enqueuedAt.secsTo(QDateTime::currentDateTimeUtc())) < 60);
    }

    void pendingInInsertionOrder()
    {
        const QString a = QStringLiteral("a"), b = QStringLiteral("b");
        QStringList expectedA, expectedPickupA;
        for (int i = 0; i < 30; ++i) {
            const QString id = QStringLiteral("m%1").arg(29 - i); // ids sort against insertion order
            const QString event = i % 3 == 0 ? QStringLiteral("delivered") : QStringLiteral("pickup");
            const QString queue = i % 4 == 0 ? b : a;
            QVERIFY(m_store->enqueue(queue, event, id, order(id)).ok());
            if (queue == a) {
                expectedA.append(id);
                if (event == QLatin1String("pickup"))
                    expectedPickupA.append(id);
            }
        }
        // Removing from the middle and adding more keeps the order.
        QCOMPARE(m_store->acknowledge(a, {}, expectedA.at(3)).value(), true);
        expectedPickupA.removeAll(expectedA.at(3));
        expectedA.removeAt(3);
        QCOMPARE(m_store->enqueue(a, QStringLiteral("pickup"), QStringLiteral("late"), order(QStringLiteral("late")))
                     .value(),
                 EnqueueOutcome::Stored);
        expectedA.append(QStringLiteral("late"));
        expectedPickupA.append(QStringLiteral("late"));

        const auto all = m_store->pending(a);
        QVERIFY(all.ok());
        QCOMPARE(idsOf(*all), expectedA);
        for (qsizetype i = 1; i < all->size(); ++i)
            QVERIFY(all->at(i - 1).sequence < all->at(i).sequence);
        QCOMPARE(idsOf(m_store->pending(a, QStringLiteral("pickup")).value()), expectedPickupA);
        QCOMPARE(m_store->pending(QStringLiteral("nobody")).value().size(), 0);
    }

    void enqueueIsIdempotent()
    {
        const QString q = QStringLiteral("driver"), e = QStringLiteral("pickup");
        QCOMPARE(m_store->enqueue(q, e, QStringLiteral("x"), order(QStringLiteral("x"))).value(),
                 EnqueueOutcome::Stored);
        QCOMPARE(m_store->enqueue(q, e, QStringLiteral("y"), order(QStringLiteral("y"))).value(),
                 EnqueueOutcome::Stored);
        // A re-sent message keeps its place and its first payload.
        QCOMPARE(m_store->enqueue(q, e, QStringLiteral("x"), QJsonValue(QStringLiteral("changed"))).value(),
                 EnqueueOutcome::AlreadyQueued);
        const auto pending = m_store->pending(q).value();
        QCOMPARE(idsOf(pending), (QStringList{QStringLiteral("x"), QStringLiteral("y")}));
        QCOMPARE(pending.first().payload, QJsonValue(order(QStringLiteral("x"))));
        // The same id under another event or queue is another message.
        QCOMPARE(m_store->enqueue(q, QStringLiteral("delivered"), QStringLiteral("x"), {}).value(),
                 EnqueueOutcome::Stored);
        QCOMPARE(m_store->enqueue(QStringLiteral("d1"), e, QStringLiteral("x"), {}).value(), EnqueueOutcome::Stored);
        QCOMPARE(m_store->count().value(), 4);
    }

    void acknowledgeRemoves()
    {
        const QString q = QStringLiteral("1-206-flowers"), e = QStringLiteral("delivered");
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("o1"), order(QStringLiteral("o1"))).ok());
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("o2"), order(QStringLiteral("o2"))).ok());
        QCOMPARE(m_store->isAcknowledged(q, e, QStringLiteral("o1")).value(), false);
        QCOMPARE(m_store->acknowledge(q, e, QStringLiteral("o1")).value(), true);
        QCOMPARE(m_store->acknowledge(q, e, QStringLiteral("o1")).value(), false); // only once
        QCOMPARE(m_store->isAcknowledged(q, e, QStringLiteral("o1")).value(), true);
        QCOMPARE(idsOf(m_store->pending(q).value()), QStringList{QStringLiteral("o2")});
        // Wrong event or queue removes nothing.
        QCOMPARE(m_store->acknowledge(q, QStringLiteral("pickup"), QStringLiteral("o2")).value(), false);
        QCOMPARE(m_store->acknowledge(QStringLiteral("other"), e, QStringLiteral("o2")).value(), false);
        QCOMPARE(m_store->count(q).value(), 1);
    }

    void acknowledgeAnyEvent()
    {
        const QString q = QStringLiteral("acme");
        QVERIFY(m_store->enqueue(q, QStringLiteral("in-transit"), QStringLiteral("o1"), {}).ok());
        QVERIFY(m_store->enqueue(q, QStringLiteral("delivered"), QStringLiteral("o1"), {}).ok());
        QVERIFY(m_store->enqueue(q, QStringLiteral("delivered"), QStringLiteral("o2"), {}).ok());
        QVERIFY(m_store->enqueue(QStringLiteral("other"), QStringLiteral("delivered"), QStringLiteral("o1"), {}).ok());
        QCOMPARE(m_store->acknowledge(q, QString(), QStringLiteral("o1")).value(), true);
        QCOMPARE(idsOf(m_store->pending(q).value()), QStringList{QStringLiteral("o2")});
        QCOMPARE(m_store->isAcknowledged(q, QStringLiteral("in-transit"), QStringLiteral("o1")).value(), true);
        QCOMPARE(m_store->isAcknowledged(q, QStringLiteral("delivered"), QStringLiteral("o1")).value(), true);
        QCOMPARE(m_store->count(QStringLiteral("other")).value(), 1);
        // An empty (not null) event string means the same.
        QCOMPARE(m_store->acknowledge(QStringLiteral("other"), QLatin1String(""), QStringLiteral("o1")).value(), true);
    }

    void acknowledgedNeverComesBack()
    {
        const QString q = QStringLiteral("driver"), e = QStringLiteral("pickup");
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("o1"), order(QStringLiteral("o1"))).ok());
        QVERIFY(m_store->acknowledge(q, e, QStringLiteral("o1")).value());
        QCOMPARE(m_store->enqueue(q, e, QStringLiteral("o1"), order(QStringLiteral("o1"))).value(),
                 EnqueueOutcome::AlreadyAcknowledged);
        const auto fanOut
            = m_store->enqueueMany({q, QStringLiteral("d7")}, e, QStringLiteral("o1"), order(QStringLiteral("o1")));
        QVERIFY(fanOut.ok());
        QCOMPARE(*fanOut, (QList<EnqueueOutcome>{EnqueueOutcome::AlreadyAcknowledged, EnqueueOutcome::Stored}));
        QCOMPARE(m_store->count(q).value(), 0);
        QCOMPARE(m_store->pending(q).value().size(), 0);
        QCOMPARE(m_store->acknowledge(q, e, QStringLiteral("o1")).value(), false);
    }

    // What the lifecycle settles (a taken order's pickup) leaves the queue without a tombstone,
    // inside a batch too, and comes back with a rolled-back batch.
    void discardLeavesNoTombstone()
    {
        const QString q = QStringLiteral("driver"), e = QStringLiteral("pickup");
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("o1"), order(QStringLiteral("o1"))).ok());
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("o2"), order(QStringLiteral("o2"))).ok());
        QCOMPARE(m_store->discard(q, e, QStringLiteral("o1")).value(), true);
        QCOMPARE(m_store->discard(q, e, QStringLiteral("o1")).value(), false);
        QCOMPARE(m_store->isAcknowledged(q, e, QStringLiteral("o1")).value(), false);
        QCOMPARE(idsOf(m_store->pending(q).value()), QStringList{QStringLiteral("o2")});
        QVERIFY(m_store->beginBatch().ok());
        QCOMPARE(m_store->discard(q, e, QStringLiteral("o2")).value(), true);
        QCOMPARE(m_store->count(q).value(), 0);
        m_store->rollbackBatch();
        QCOMPARE(idsOf(m_store->pending(q).value()), QStringList{QStringLiteral("o2")});
        QCOMPARE(m_store->enqueue(q, e, QStringLiteral("o1"), order(QStringLiteral("o1"))).value(),
                 EnqueueOutcome::Stored);
    }

    void acknowledgeUnknownLeavesNoTombstone()
    {
        const QString q = QStringLiteral("driver"), e = QStringLiteral("pickup");
        QCOMPARE(m_store->acknowledge(q, e, QStringLiteral("never-sent")).value(), false);
        QCOMPARE(m_store->isAcknowledged(q, e, QStringLiteral("never-sent")).value(), false);
        // A client cannot block a message by acknowledging it before it exists.
        QCOMPARE(m_store->enqueue(q, e, QStringLiteral("never-sent"), {}).value(), EnqueueOutcome::Stored);
    }

    void fanOutIsAtomic()
    {
        const QString e = QStringLiteral("pickup");
        const auto outcomes
            = m_store->enqueueMany({QStringLiteral("driver"), QStringLiteral("d1"), QStringLiteral("d2")}, e,
                                   QStringLiteral("o1"), order(QStringLiteral("o1")));
        QVERIFY2(outcomes.ok(), qPrintable(outcomes.error()));
        QCOMPARE(*outcomes, QList<EnqueueOutcome>(3, EnqueueOutcome::Stored));
        for (const QString &q : {QStringLiteral("driver"), QStringLiteral("d1"), QStringLiteral("d2")}) {
            const auto pending = m_store->pending(q).value();
            QCOMPARE(pending.size(), 1);
            QCOMPARE(pending.first().payload, QJsonValue(order(QStringLiteral("o1"))));
        }
        // Acknowledging in one queue leaves the others.
        QVERIFY(m_store->acknowledge(QStringLiteral("d1"), e, QStringLiteral("o1")).value());
        QCOMPARE(m_store->count().value(), 2);

        // A bad queue id anywhere in the list: an error, and nothing stored anywhere.
        const auto bad = m_store->enqueueMany({QStringLiteral("driver"), QString(), QStringLiteral("d3")}, e,
                                              QStringLiteral("o2"), {});
        QVERIFY(!bad.ok());
        QVERIFY(!bad.error().isEmpty());
        QCOMPARE(m_store->count().value(), 2);
        QCOMPARE(m_store->count(QStringLiteral("d3")).value(), 0);
        QVERIFY(!m_store->enqueueMany({}, e, QStringLiteral("o3"), {}).ok());

        // A queue listed twice is stored once.
        const auto twice
            = m_store->enqueueMany({QStringLiteral("d4"), QStringLiteral("d4")}, e, QStringLiteral("o4"), {});
        QVERIFY(twice.ok());
        QCOMPARE(*twice, (QList<EnqueueOutcome>{EnqueueOutcome::Stored, EnqueueOutcome::AlreadyQueued}));
        QCOMPARE(m_store->count(QStringLiteral("d4")).value(), 1);
    }

    void invalidKeys_data()
    {
        QTest::addColumn<QString>("queueId");
        QTest::addColumn<QString>("event");
        QTest::addColumn<QString>("messageId");
        QTest::addRow("no queue") << QString() << QStringLiteral("pickup") << QStringLiteral("m");
        QTest::addRow("no event") << QStringLiteral("driver") << QString() << QStringLiteral("m");
        QTest::addRow("no message id") << QStringLiteral("driver") << QStringLiteral("pickup") << QString();
    }
    void invalidKeys()
    {
        QFETCH(QString, queueId);
        QFETCH(QString, event);
        QFETCH(QString, messageId);
        const auto r = m_store->enqueue(queueId, event, messageId, QJsonValue(1));
        QVERIFY(!r.ok());
        QVERIFY(!r.error().isEmpty());
        QCOMPARE(m_store->count().value(), 0);
        if (queueId.isEmpty() || messageId.isEmpty())
            QVERIFY(!m_store->acknowledge(queueId, event, messageId).ok());
    }

    void countsAndQueueIds()
    {
        QVERIFY(m_store->enqueue(QStringLiteral("driver"), QStringLiteral("pickup"), QStringLiteral("1"), {}).ok());
        QVERIFY(m_store->enqueue(QStringLiteral("driver"), QStringLiteral("pickup"), QStringLiteral("2"), {}).ok());
        QVERIFY(m_store->enqueue(QStringLiteral("acme"), QStringLiteral("delivered"), QStringLiteral("1"), {}).ok());
        QVERIFY(m_store->enqueue(QStringLiteral("acme"), QStringLiteral("in-transit"), QStringLiteral("1"), {}).ok());
        QCOMPARE(m_store->count().value(), 4);
        QCOMPARE(m_store->count(QStringLiteral("driver")).value(), 2);
        QCOMPARE(m_store->count(QStringLiteral("acme"), QStringLiteral("delivered")).value(), 1);
        QCOMPARE(m_store->count(QString(), QStringLiteral("pickup")).value(), 2);
        QCOMPARE(m_store->count(QStringLiteral("nobody")).value(), 0);
        QVERIFY(m_store->subscribe(QStringLiteral("zed-driver"), QStringLiteral("pickup")).value());
        QCOMPARE(m_store->queueIds().value(),
                 (QStringList{QStringLiteral("acme"), QStringLiteral("driver"), QStringLiteral("zed-driver")}));
        QVERIFY(m_store->acknowledge(QStringLiteral("acme"), {}, QStringLiteral("1")).value());
        QCOMPARE(m_store->queueIds().value(), (QStringList{QStringLiteral("driver"), QStringLiteral("zed-driver")}));
    }

    void subscriptions()
    {
        const QString e = QStringLiteral("pickup");
        QCOMPARE(m_store->subscribers(e).value(), QStringList());
        QCOMPARE(m_store->subscribe(QStringLiteral("d2"), e).value(), true);
        QCOMPARE(m_store->subscribe(QStringLiteral("d1"), e).value(), true);
        QCOMPARE(m_store->subscribe(QStringLiteral("d1"), e).value(), false);
        QCOMPARE(m_store->subscribe(QStringLiteral("v1"), QStringLiteral("delivered")).value(), true);
        QCOMPARE(m_store->subscribers(e).value(), (QStringList{QStringLiteral("d1"), QStringLiteral("d2")}));
        QCOMPARE(m_store->unsubscribe(QStringLiteral("d1"), e).value(), true);
        QCOMPARE(m_store->unsubscribe(QStringLiteral("d1"), e).value(), false);
        QCOMPARE(m_store->subscribers(e).value(), QStringList{QStringLiteral("d2")});
        QVERIFY(!m_store->subscribe(QString(), e).ok());
    }

    // Group commit: one transaction for several writes; reads see them before the commit.
    void batchCommitsTogether()
    {
        const QString e = QStringLiteral("pickup");
        QVERIFY(m_store->enqueue(QStringLiteral("driver"), e, QStringLiteral("o0"), order(QStringLiteral("o0"))).ok());
        QVERIFY(!m_store->inBatch());
        QVERIFY(!m_store->commitBatch().ok()); // nothing open

        QVERIFY2(m_store->beginBatch().ok(), "beginBatch");
        QVERIFY(m_store->inBatch());
        QVERIFY(!m_store->beginBatch().ok()); // batches do not nest
        QVERIFY(m_store->inBatch());
        QCOMPARE(
            m_store->enqueue(QStringLiteral("driver"), e, QStringLiteral("o1"), order(QStringLiteral("o1"))).value(),
            EnqueueOutcome::Stored);
        QCOMPARE(
            m_store->enqueueMany({QStringLiteral("driver"), QStringLiteral("d1")}, e, QStringLiteral("o2"), {}).value(),
            QList<EnqueueOutcome>(2, EnqueueOutcome::Stored));
        QCOMPARE(m_store->enqueue(QStringLiteral("driver"), e, QStringLiteral("o1"), {}).value(),
                 EnqueueOutcome::AlreadyQueued);
        QVERIFY(m_store->acknowledge(QStringLiteral("driver"), e, QStringLiteral("o0")).value());
        QVERIFY(m_store->subscribe(QStringLiteral("d1"), e).value());
        // The batch's own writes are visible to reads on the same store before the commit
        // (the hub answers getAll from inside a batch).
        QCOMPARE(idsOf(m_store->pending(QStringLiteral("driver")).value()),
                 (QStringList{QStringLiteral("o1"), QStringLiteral("o2")}));
        QCOMPARE(m_store->pending(QStringLiteral("driver")).value().first().payload,
                 QJsonValue(order(QStringLiteral("o1"))));
        QVERIFY(m_store->isAcknowledged(QStringLiteral("driver"), e, QStringLiteral("o0")).value());
        QCOMPARE(m_store->subscribers(e).value(), QStringList{QStringLiteral("d1")});
        QCOMPARE(m_store->count().value(), 3);

        QVERIFY2(m_store->commitBatch().ok(), "commitBatch");
        QVERIFY(!m_store->inBatch());
        QCOMPARE(idsOf(m_store->pending(QStringLiteral("driver")).value()),
                 (QStringList{QStringLiteral("o1"), QStringLiteral("o2")}));
        QCOMPARE(idsOf(m_store->pending(QStringLiteral("d1")).value()), QStringList{QStringLiteral("o2")});
        QCOMPARE(m_store->enqueue(QStringLiteral("driver"), e, QStringLiteral("o0"), {}).value(),
                 EnqueueOutcome::AlreadyAcknowledged);
        QCOMPARE(m_store->subscribers(e).value(), QStringList{QStringLiteral("d1")});
        // Single writes work again, each on its own.
        QVERIFY(m_store->enqueue(QStringLiteral("driver"), e, QStringLiteral("o3"), {}).ok());
        QCOMPARE(m_store->count(QStringLiteral("driver")).value(), 3);
    }

    // Everything the batch did is undone: inserts, acknowledgements (the message is pending
    // again, no tombstone), subscriptions both ways, pruned tombstones.
    void batchRollsBackEverything()
    {
        const QString e = QStringLiteral("pickup");
        const QString q = QStringLiteral("driver");
        m_store->setTombstoneRetention({std::chrono::hours(1), 1000});
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("kept"), order(QStringLiteral("kept"))).ok());
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("acked-before"), {}).ok());
        QVERIFY(m_store->acknowledge(q, e, QStringLiteral("acked-before")).value());
        QVERIFY(m_store->subscribe(QStringLiteral("d-old"), e).value());
        const auto before = m_store->pending(q).value();

        QVERIFY(m_store->beginBatch().ok());
        QVERIFY(m_store->enqueueMany({q, QStringLiteral("d-old")}, e, QStringLiteral("new"), {}).ok());
        QVERIFY(m_store->acknowledge(q, e, QStringLiteral("kept")).value());
        QVERIFY(m_store->subscribe(QStringLiteral("d-new"), e).value());
        QVERIFY(m_store->unsubscribe(QStringLiteral("d-old"), e).value());
        QCOMPARE(m_store->pruneTombstones(QDateTime::currentDateTimeUtc().addSecs(qint64(2) * 3600)).value(), 2);
        QCOMPARE(m_store->count().value(), 2);
        m_store->rollbackBatch();
        QVERIFY(!m_store->inBatch());

        const auto after = m_store->pending(q).value();
        QCOMPARE(after.size(), 1);
        QCOMPARE(after.first().messageId, before.first().messageId);
        QCOMPARE(after.first().sequence, before.first().sequence);
        QCOMPARE(after.first().payload, before.first().payload);
        QCOMPARE(m_store->count().value(), 1);
        QCOMPARE(m_store->isAcknowledged(q, e, QStringLiteral("kept")).value(), false);
        QCOMPARE(m_store->isAcknowledged(q, e, QStringLiteral("acked-before")).value(), true);
        QCOMPARE(m_store->subscribers(e).value(), QStringList{QStringLiteral("d-old")});
        QCOMPARE(m_store->enqueue(q, e, QStringLiteral("acked-before"), {}).value(),
                 EnqueueOutcome::AlreadyAcknowledged);
        // The store goes on, in and out of batches.
        QCOMPARE(m_store->enqueue(q, e, QStringLiteral("new"), {}).value(), EnqueueOutcome::Stored);
        QVERIFY(m_store->beginBatch().ok());
        QVERIFY(m_store->acknowledge(q, e, QStringLiteral("kept")).value());
        QVERIFY(m_store->commitBatch().ok());
        QCOMPARE(idsOf(m_store->pending(q).value()), QStringList{QStringLiteral("new")});
    }

    // "id status taker" of every order record, oldest first.
    [[nodiscard]] QStringList orderRecords() const
    {
        QStringList records;
        const QList<OrderRecord> loaded = m_store->loadOrders(10).value();
        for (const OrderRecord &r : loaded)
            records.append(QStringLiteral("%1 %2 %3").arg(r.orderId).arg(int(r.status)).arg(r.taker));
        return records;
    }

    // An order record keeps when the order made each step (the `orders` answer of a restarted
    // hub says how long it waited and travelled); a save replaces them with the record's.
    void orderRecordsKeepTheirSteps()
    {
        caps::StepTimes steps;
        steps.note(OrderStatus::Ordered, 1700000000000);
        steps.note(OrderStatus::InTransit, 1700000005000);
        const OrderRecord taken{QStringLiteral("s1"),
                                OrderStatus::InTransit,
                                QStringLiteral("d1"),
                                QStringLiteral("in-transit"),
                                QDateTime::fromMSecsSinceEpoch(1700000005000, Qt::UTC),
                                "{}",
                                0,
                                {},
                                steps};
        QVERIFY(m_store->saveOrder(taken).ok());
        OrderRecord delivered = taken;
        delivered.status = OrderStatus::Delivered;
        delivered.event = QStringLiteral("delivered");
        delivered.time = QDateTime::fromMSecsSinceEpoch(1700000009000, Qt::UTC);
        delivered.steps.note(OrderStatus::Delivered, 1700000009000);
        QVERIFY(m_store->saveOrder(delivered).ok());
        const QList<OrderRecord> loaded = m_store->loadOrders(10).value();
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(loaded.first().steps, delivered.steps);
        QCOMPARE(loaded.first().steps.of(OrderStatus::Ordered), 1700000000000);
        QCOMPARE(loaded.first().steps.of(OrderStatus::Cancelled), 0);
    }

    // The memory store keeps the records the hub would load (setOrderRecordLimit), not every
    // order ever saved; a batch rolled back brings back what its saves pushed out. The stores
    // on disk keep their history.
    void orderRecordsBeyondTheLimit()
    {
        QFETCH_GLOBAL(QString, backend);
        m_store->setOrderRecordLimit(2);
        const auto save = [this](const char *id) {
            return m_store
                ->saveOrder({QString::fromLatin1(id),
                             OrderStatus::Ordered,
                             {},
                             QStringLiteral("pickup"),
                             QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC),
                             "{}",
                             0,
                             {}})
                .ok();
        };
        QVERIFY(save("o1") && save("o2"));
        QVERIFY(save("o1")); // saved again: now the newest
        QVERIFY(save("o3"));
        const auto ids = [this] {
            QStringList out;
            const QList<OrderRecord> records = m_store->loadOrders(10).value();
            for (const OrderRecord &r : records)
                out.append(r.orderId);
            return out;
        };
        const bool bounded = backend == QLatin1String("memory");
        const QStringList kept = bounded ? QStringList{"o1", "o3"} : QStringList{"o2", "o1", "o3"};
        QCOMPARE(ids(), kept);
        QVERIFY(m_store->beginBatch().ok());
        QVERIFY(save("o4"));
        QCOMPARE(ids().size(), bounded ? 2 : 4);
        m_store->rollbackBatch();
        QCOMPARE(ids(), kept);
    }

    // A unit (the writes of one event) inside a batch: rolled back, it takes back what it wrote,
    // an order record too, and nothing written before it; kept, it commits with the batch.
    void unitTakesBackItsOwnWritesOnly()
    {
        const QString e = QStringLiteral("pickup");
        const QString q = QStringLiteral("driver");
        const QDateTime time = QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC);
        const OrderRecord ordered{QStringLiteral("u1"), OrderStatus::Ordered, {}, e, time, "{}", 0, {}};
        OrderRecord taken = ordered;
        taken.status = OrderStatus::InTransit;
        taken.taker = QStringLiteral("d1");
        taken.event = QStringLiteral("in-transit");
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("u1"), {}).ok());
        QVERIFY(m_store->saveOrder(ordered).ok());
        QVERIFY(!m_store->beginUnit().ok()); // only inside a batch
        m_store->rollbackUnit(); // none open: nothing happens

        QVERIFY(m_store->beginBatch().ok());
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("before"), {}).ok());
        QVERIFY2(m_store->beginUnit().ok(), "beginUnit");
        QVERIFY(!m_store->beginUnit().ok()); // units do not nest
        QVERIFY(m_store->saveOrder(taken).ok());
        QVERIFY(m_store->discard(q, e, QStringLiteral("u1")).value());
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("in-unit"), {}).ok());
        QCOMPARE(orderRecords(), QStringList{QStringLiteral("u1 %1 d1").arg(int(OrderStatus::InTransit))});
        m_store->rollbackUnit();
        QVERIFY(m_store->inBatch());
        QCOMPARE(idsOf(m_store->pending(q).value()), (QStringList{QStringLiteral("u1"), QStringLiteral("before")}));
        QCOMPARE(orderRecords(), QStringList{QStringLiteral("u1 %1 ").arg(int(OrderStatus::Ordered))});
        QVERIFY(!m_store->commitUnit().ok()); // it is gone

        QVERIFY(m_store->beginUnit().ok());
        QVERIFY(m_store->saveOrder(taken).ok());
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("kept"), {}).ok());
        QVERIFY2(m_store->commitUnit().ok(), "commitUnit");
        // A unit left open ends with its batch, committed with it.
        QVERIFY(m_store->beginUnit().ok());
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("open"), {}).ok());
        QVERIFY2(m_store->commitBatch().ok(), "commitBatch");
        m_store->rollbackUnit(); // ended with the batch: nothing to take back
        QCOMPARE(idsOf(m_store->pending(q).value()),
                 (QStringList{QStringLiteral("u1"), QStringLiteral("before"), QStringLiteral("kept"),
                              QStringLiteral("open")}));
        QCOMPARE(orderRecords(), QStringList{QStringLiteral("u1 %1 d1").arg(int(OrderStatus::InTransit))});
        // Rolled back with a batch, a unit's writes go too.
        QVERIFY(m_store->beginBatch().ok());
        QVERIFY(m_store->beginUnit().ok());
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("gone"), {}).ok());
        m_store->rollbackBatch();
        QVERIFY(!m_store->commitUnit().ok());
        QCOMPARE(m_store->count(q).value(), 4);
    }

    // Validation errors inside a batch refuse that write only.
    void invalidWriteInBatchKeepsTheRest()
    {
        const QString e = QStringLiteral("pickup");
        QVERIFY(m_store->beginBatch().ok());
        QVERIFY(m_store->enqueue(QStringLiteral("driver"), e, QStringLiteral("o1"), {}).ok());
        QVERIFY(!m_store->enqueueMany({QStringLiteral("driver"), QString()}, e, QStringLiteral("o2"), {}).ok());
        QVERIFY(!m_store->acknowledge(QString(), e, QStringLiteral("o1")).ok());
        QVERIFY(m_store->enqueue(QStringLiteral("driver"), e, QStringLiteral("o3"), {}).ok());
        QVERIFY(m_store->commitBatch().ok());
        QCOMPARE(idsOf(m_store->pending(QStringLiteral("driver")).value()),
                 (QStringList{QStringLiteral("o1"), QStringLiteral("o3")}));
    }

    void tombstonesBoundedByCount()
    {
        m_store->setTombstoneRetention({std::chrono::hours(1), 2});
        const QString q = QStringLiteral("driver"), e = QStringLiteral("pickup");
        for (const QString &id : {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}) {
            QVERIFY(m_store->enqueue(q, e, id, {}).ok());
            QVERIFY(m_store->acknowledge(q, e, id).value());
        }
        QCOMPARE(m_store->pruneTombstones().value(), 1);
        QCOMPARE(m_store->pruneTombstones().value(), 0);
        // The oldest is forgotten: re-sent, it is new again (the documented price of a bound).
        QCOMPARE(m_store->isAcknowledged(q, e, QStringLiteral("a")).value(), false);
        QCOMPARE(m_store->enqueue(q, e, QStringLiteral("a"), {}).value(), EnqueueOutcome::Stored);
        QCOMPARE(m_store->enqueue(q, e, QStringLiteral("b"), {}).value(), EnqueueOutcome::AlreadyAcknowledged);
        QCOMPARE(m_store->enqueue(q, e, QStringLiteral("c"), {}).value(), EnqueueOutcome::AlreadyAcknowledged);
    }

    void tombstonesBoundedByAge()
    {
        m_store->setTombstoneRetention({std::chrono::hours(1), 1000});
        const QString q = QStringLiteral("driver"), e = QStringLiteral("pickup");
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("a"), {}).ok());
        QVERIFY(m_store->acknowledge(q, e, QStringLiteral("a")).value());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QCOMPARE(m_store->pruneTombstones(now.addSecs(qint64(30) * 60)).value(), 0);
        QCOMPARE(m_store->isAcknowledged(q, e, QStringLiteral("a")).value(), true);
        QCOMPARE(m_store->pruneTombstones(now.addSecs(qint64(2) * 3600)).value(), 1);
        QCOMPARE(m_store->isAcknowledged(q, e, QStringLiteral("a")).value(), false);
    }

    void tombstonesPrunedAutomatically()
    {
        m_store->setTombstoneRetention({std::chrono::hours(1), 10});
        const QString q = QStringLiteral("driver"), e = QStringLiteral("pickup");
        for (int i = 0; i < MessageStore::kPruneInterval; ++i) {
            const QString id = QString::number(i);
            QVERIFY(m_store->enqueue(q, e, id, {}).ok());
            QVERIFY(m_store->acknowledge(q, e, id).value());
        }
        QCOMPARE(m_store->isAcknowledged(q, e, QStringLiteral("0")).value(), false);
        QCOMPARE(m_store->isAcknowledged(q, e, QString::number(MessageStore::kPruneInterval - 10)).value(), true);
        QCOMPARE(m_store->isAcknowledged(q, e, QString::number(MessageStore::kPruneInterval - 11)).value(), false);
    }

    // Pending messages nobody acknowledges are bounded by age: what was enqueued before
    // now - maxAge goes, in every queue, and leaves no tombstone.
    void pendingBoundedByAge()
    {
        m_store->setPendingRetention({std::chrono::hours(1), 1000});
        const QString e = QStringLiteral("pickup");
        QVERIFY(m_store->enqueue(QStringLiteral("driver"), e, QStringLiteral("a"), {}).ok());
        QVERIFY(m_store->enqueue(QStringLiteral("s1"), QStringLiteral("delivered"), QStringLiteral("a"), {}).ok());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        auto pruned = m_store->prunePending(now.addSecs(qint64(30) * 60));
        QVERIFY2(pruned.ok(), qPrintable(pruned.error()));
        QCOMPARE(pruned->total(), 0);
        QCOMPARE(pruned->remaining, 2);
        pruned = m_store->prunePending(now.addSecs(qint64(2) * 3600));
        QVERIFY2(pruned.ok(), qPrintable(pruned.error()));
        QCOMPARE(pruned->byAge, 2);
        QCOMPARE(pruned->byCount, 0);
        QCOMPARE(pruned->remaining, 0);
        QCOMPARE(m_store->count().value(), 0);
        QCOMPARE(m_store->isAcknowledged(QStringLiteral("driver"), e, QStringLiteral("a")).value(), false);
        // Sent again, it is new.
        QCOMPARE(m_store->enqueue(QStringLiteral("driver"), e, QStringLiteral("a"), {}).value(),
                 EnqueueOutcome::Stored);
    }

    // ... and by count: the oldest beyond maxCount go first, every queue together, after those
    // too old.
    void pendingBoundedByCount()
    {
        m_store->setPendingRetention({std::chrono::hours(1), 3});
        const QString e = QStringLiteral("pickup");
        for (const QString &id : {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")})
            QVERIFY(m_store->enqueue(QStringLiteral("driver"), e, id, {}).ok());
        QVERIFY(m_store->enqueue(QStringLiteral("s1"), QStringLiteral("delivered"), QStringLiteral("e"), {}).ok());
        auto pruned = m_store->prunePending(QDateTime::currentDateTimeUtc());
        QVERIFY2(pruned.ok(), qPrintable(pruned.error()));
        QCOMPARE(pruned->byAge, 0);
        QCOMPARE(pruned->byCount, 2);
        QCOMPARE(pruned->remaining, 3);
        QCOMPARE(idsOf(m_store->pending(QStringLiteral("driver")).value()),
                 (QStringList{QStringLiteral("c"), QStringLiteral("d")}));
        QCOMPARE(idsOf(m_store->pending(QStringLiteral("s1")).value()), QStringList{QStringLiteral("e")});
        QCOMPARE(m_store->prunePending(QDateTime::currentDateTimeUtc()).value().total(), 0);
        // Age first, then the count of what is left: nothing young is dropped for an old one.
        m_store->setPendingRetention({std::chrono::hours(1), 2});
        pruned = m_store->prunePending(QDateTime::currentDateTimeUtc().addSecs(qint64(2) * 3600));
        QCOMPARE(pruned.value().byAge, 3);
        QCOMPARE(pruned.value().byCount, 0);
    }

    // Inside a batch a prune is part of it: rolled back with it, committed with it.
    void pendingPruneInBatch()
    {
        m_store->setPendingRetention({std::chrono::hours(1), 1});
        const QString q = QStringLiteral("driver"), e = QStringLiteral("pickup");
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("a"), {}).ok());
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("b"), {}).ok());
        const auto before = m_store->pending(q).value();
        QVERIFY(m_store->beginBatch().ok());
        QVERIFY(m_store->enqueue(q, e, QStringLiteral("c"), {}).ok());
        QCOMPARE(m_store->prunePending(QDateTime::currentDateTimeUtc()).value().byCount, 2);
        QCOMPARE(idsOf(m_store->pending(q).value()), QStringList{QStringLiteral("c")});
        m_store->rollbackBatch();
        const auto after = m_store->pending(q).value();
        QCOMPARE(idsOf(after), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(after.first().sequence, before.first().sequence);
        QCOMPARE(after.last().enqueuedAt, before.last().enqueuedAt);
        QCOMPARE(m_store->enqueue(q, e, QStringLiteral("a"), {}).value(), EnqueueOutcome::AlreadyQueued);

        QVERIFY(m_store->beginBatch().ok());
        QCOMPARE(m_store->prunePending(QDateTime::currentDateTimeUtc()).value().byCount, 1);
        QVERIFY(m_store->commitBatch().ok());
        QCOMPARE(idsOf(m_store->pending(q).value()), QStringList{QStringLiteral("b")});
    }
};

QTEST_GUILESS_MAIN(TestQueueStore)
#include "tst_queue_store.moc"
