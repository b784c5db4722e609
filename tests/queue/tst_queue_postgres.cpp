// PostgresMessageStore beyond the shared contract (tst_queue_store runs that): the URI that
// names the database, the schema's versioning, and two stores on one database as two hubs are.

#include "queue/postgresmessagestore.h"
#include "queue/postgresuri.h"
#include "support/privatepostgres.h"

#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace caps;

Q_DECLARE_METATYPE(caps::EnqueueOutcome)

class TestQueuePostgres : public QObject
{
    Q_OBJECT

private:
    test::PrivatePostgres m_pg;
    int m_databases = 0;

    // A fresh database on the private server, as a URI through its Unix socket.
    PostgresUri freshDatabase()
    {
        const QString name = QStringLiteral("pg_%1").arg(++m_databases);
        const QString error = m_pg.createDatabase(name);
        if (!error.isEmpty())
            qFatal("%s", qPrintable(error));
        auto uri = PostgresUri::parse(
            QStringLiteral("postgresql://caps@/%1?host=%2&port=%3").arg(name, m_pg.socketFolder()).arg(m_pg.port()));
        if (!uri)
            qFatal("%s", qPrintable(uri.error()));
        return *uri;
    }
    static QString exec(const PostgresUri &uri, const QString &sql)
    {
        QString error;
        {
            auto db = uri.open(QStringLiteral("tst-exec"));
            if (!db)
                return db.error();
            QSqlQuery query(*db);
            if (!query.exec(sql))
                error = query.lastError().text();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("tst-exec"));
        return error;
    }

private slots:
    void initTestCase()
    {
        const QString error = m_pg.start(QStringLiteral("postgres_store"));
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void parsesUris_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("database");
        QTest::addColumn<QString>("options");
        QTest::addRow("tcp") << "postgresql://caps@127.0.0.1:6000/hub"
                             << "127.0.0.1" << 6000 << "caps"
                             << ""
                             << "hub"
                             << "";
        QTest::addRow("default port, password") << "postgresql://caps:s%40cret@db.example/hub"
                                                << "db.example" << 5432 << "caps"
                                                << "s@cret"
                                                << "hub"
                                                << "";
        QTest::addRow("postgres scheme") << "postgres://u@h/d"
                                         << "h" << 5432 << "u"
                                         << ""
                                         << "d"
                                         << "";
        QTest::addRow("unix socket") << "postgresql://caps@/hub?host=/tmp/pg&port=5433"
                                     << "/tmp/pg" << 5433 << "caps"
                                     << ""
                                     << "hub"
                                     << "";
        QTest::addRow("options") << "postgresql://caps@h/hub?sslmode=require&connect_timeout=5"
                                 << "h" << 5432 << "caps"
                                 << ""
                                 << "hub"
                                 << "sslmode=require;connect_timeout=5";
    }
    void parsesUris()
    {
        QFETCH(QString, text);
        const auto uri = PostgresUri::parse(text);
        QVERIFY2(uri.ok(), qPrintable(uri.error()));
        QTEST(uri->host, "host");
        QTEST(uri->port, "port");
        QTEST(uri->user, "user");
        QTEST(uri->password, "password");
        QTEST(uri->database, "database");
        QTEST(uri->connectOptions, "options");
        QVERIFY(!uri->display().contains(QStringLiteral("cret")));
    }

    void refusesMalformedUris_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("because");
        QTest::addRow("not postgres") << "mysql://caps@h/d"
                                      << "not a PostgreSQL URI";
        QTest::addRow("one slash") << "postgresql:/caps@h/d"
                                   << "not a PostgreSQL URI";
        QTest::addRow("no database") << "postgresql://caps@h"
                                     << "names no database";
        QTest::addRow("no user") << "postgresql://h/d"
                                 << "names no user";
        QTest::addRow("bad port") << "postgresql://caps@h:99999/d"
                                  << "malformed";
        QTest::addRow("bad port option") << "postgresql://caps@h/d?port=x"
                                         << "not a port number";
        QTest::addRow("unknown option") << "postgresql://caps@h/d?colour=blue"
                                        << "unknown option \"colour\"";
        QTest::addRow("bad sslmode") << "postgresql://caps@h/d?sslmode=maybe"
                                     << "sslmode=maybe";
        QTest::addRow("injected option") << "postgresql://caps@h/d?application_name=a%3Bhost%3Devil"
                                         << "application_name";
    }
    void refusesMalformedUris()
    {
        QFETCH(QString, text);
        QFETCH(QString, because);
        const auto uri = PostgresUri::parse(text);
        QVERIFY(!uri.ok());
        QVERIFY2(uri.error().contains(because), qPrintable(uri.error()));
    }

    void tcpAndSocketReachTheSameDatabase()
    {
        const PostgresUri viaSocket = freshDatabase();
        auto viaTcp = PostgresUri::parse(
            QStringLiteral("postgresql://caps@127.0.0.1:%1/%2").arg(m_pg.port()).arg(viaSocket.database));
        QVERIFY(viaTcp.ok());
        auto a = PostgresMessageStore::open(viaSocket);
        QVERIFY2(a.ok(), qPrintable(a.error()));
        auto b = PostgresMessageStore::open(*viaTcp);
        QVERIFY2(b.ok(), qPrintable(b.error()));
        QCOMPARE((*a)->enqueue("driver", "pickup", "o-1", QJsonObject{{"orderID", "o-1"}}).value(),
                 EnqueueOutcome::Stored);
        QCOMPARE((*b)->count("driver").value(), 1);
    }

    void refusesAnUnreachableServer()
    {
        auto uri = PostgresUri::parse(QStringLiteral("postgresql://caps@127.0.0.1:1/nothing?connect_timeout=2"));
        QVERIFY(uri.ok());
        const auto store = PostgresMessageStore::open(*uri);
        QVERIFY(!store.ok());
        QVERIFY2(store.error().contains(QStringLiteral("cannot connect")), qPrintable(store.error()));
    }

    // Two hubs on one database: what one queues the other serves, what one removes is gone for both.
    void twoStoresShareTheQueue()
    {
        const PostgresUri uri = freshDatabase();
        auto a = PostgresMessageStore::open(uri);
        auto b = PostgresMessageStore::open(uri);
        QVERIFY2(a.ok() && b.ok(), qPrintable(a.error() + b.error()));
        MessageStore &hubA = **a, &hubB = **b;
        const QJsonObject order{{"store", "1-206-flowers"}, {"orderID", "o-7"}};
        QCOMPARE(hubA.enqueue("1-206-flowers", "delivered", "o-7", order).value(), EnqueueOutcome::Stored);
        const auto seen = hubB.pending("1-206-flowers");
        QVERIFY2(seen.ok(), qPrintable(seen.error()));
        QCOMPARE(seen->size(), 1);
        QCOMPARE(seen->first().payload, QJsonValue(order));
        // The same message sent again through B is the one A stored.
        QCOMPARE(hubB.enqueue("1-206-flowers", "delivered", "o-7", order).value(), EnqueueOutcome::AlreadyQueued);
        QCOMPARE(hubB.acknowledge("1-206-flowers", "delivered", "o-7").value(), true);
        QCOMPARE(hubA.count("1-206-flowers").value(), 0);
        QCOMPARE(hubA.acknowledge("1-206-flowers", "delivered", "o-7").value(), false);
        QCOMPARE(hubA.enqueue("1-206-flowers", "delivered", "o-7", order).value(), EnqueueOutcome::AlreadyAcknowledged);
        // A batch is invisible to the other hub until it commits, and visible at once after.
        QVERIFY(hubA.beginBatch().ok());
        QCOMPARE(hubA.enqueue("driver", "pickup", "o-8", order).value(), EnqueueOutcome::Stored);
        QCOMPARE(hubB.count("driver").value(), 0);
        QVERIFY(hubA.commitBatch().ok());
        QCOMPARE(hubB.count("driver").value(), 1);
        // Order book records too.
        OrderRecord record{"o-8",
                           OrderStatus::InTransit,
                           "driver-1",
                           "in-transit",
                           QDateTime::currentDateTimeUtc(),
                           R"({"orderID":"o-8"})",
                           0};
        QVERIFY(hubA.saveOrder(record).ok());
        const auto loaded = hubB.loadOrders(10);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error()));
        QCOMPARE(loaded->size(), 1);
        QCOMPARE(loaded->first().taker, QStringLiteral("driver-1"));
        QCOMPARE(loaded->first().status, OrderStatus::InTransit);
    }

    // Two hubs claim one order: the first claim saves, the second finds it taken and is told by
    // whom; the taker itself may move it on, and a hub that knew the old taker (gone) may too.
    void claimOrderDecidesOnce()
    {
        const PostgresUri uri = freshDatabase();
        auto a = PostgresMessageStore::open(uri);
        auto b = PostgresMessageStore::open(uri);
        QVERIFY2(a.ok() && b.ok(), qPrintable(a.error() + b.error()));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const auto record = [&](OrderStatus status, const QString &taker, const QString &event) {
            return OrderRecord{"o-1", status, taker, event, now, R"({"orderID":"o-1"})", 0};
        };
        const QList<OrderStatus> fromOrdered{OrderStatus::Ordered};
        const QList<OrderStatus> fromInTransit{OrderStatus::InTransit};
        QVERIFY(!(*b)->loadOrder("o-1").value().has_value());
        QVERIFY((*a)->saveOrder(record(OrderStatus::Ordered, "", "pickup")).ok());
        QCOMPARE((*b)->loadOrder("o-1").value()->status, OrderStatus::Ordered);

        const auto first = (*a)->claimOrder(record(OrderStatus::InTransit, "d1", "in-transit"), fromOrdered, {});
        QVERIFY2(first.ok(), qPrintable(first.error()));
        QVERIFY(first->saved);
        const auto second = (*b)->claimOrder(record(OrderStatus::InTransit, "d2", "in-transit"), fromOrdered, {});
        QVERIFY2(second.ok(), qPrintable(second.error()));
        QVERIFY(!second->saved);
        QCOMPARE(second->current.status, OrderStatus::InTransit);
        QCOMPARE(second->current.taker, QStringLiteral("d1"));
        // Delivered by the other driver: refused; by the taker: saved.
        QVERIFY(!(*b)->claimOrder(record(OrderStatus::Delivered, "d2", "delivered"), fromInTransit, {})->saved);
        QVERIFY(!(*b)->claimOrder(record(OrderStatus::Delivered, "d2", "delivered"), fromInTransit, "d9")->saved);
        QVERIFY((*b)->claimOrder(record(OrderStatus::Delivered, "d2", "delivered"), fromInTransit, "d1")->saved);
        QCOMPARE((*a)->loadOrder("o-1").value()->status, OrderStatus::Delivered);
        // An order the store does not know is claimed by whoever comes.
        const OrderRecord fresh{"o-2", OrderStatus::InTransit, "d3", "in-transit", now, "{}", 0};
        QVERIFY((*a)->claimOrder(fresh, fromOrdered, {})->saved);
        // Inside a batch a lost claim leaves the batch usable.
        QVERIFY((*b)->beginBatch().ok());
        QVERIFY(!(*b)->claimOrder(record(OrderStatus::InTransit, "d4", "in-transit"), fromOrdered, {})->saved);
        QCOMPARE((*b)->enqueue("driver", "pickup", "o-3", QJsonObject()).value(), EnqueueOutcome::Stored);
        QVERIFY((*b)->commitBatch().ok());
        QCOMPARE((*a)->count("driver").value(), 1);
    }

    // A batch that holds a claim does not wait for another hub's batch (which may wait for it):
    // the claim comes back wouldWait, the batch stays usable, and after its commit the claim can wait.
    void claimInABatchDoesNotWaitHoldingClaims()
    {
        const PostgresUri uri = freshDatabase();
        auto a = PostgresMessageStore::open(uri);
        auto b = PostgresMessageStore::open(uri);
        QVERIFY2(a.ok() && b.ok(), qPrintable(a.error() + b.error()));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const auto taking = [&](const QString &order, const QString &driver) {
            return OrderRecord{order, OrderStatus::InTransit, driver, "in-transit", now, "{}", 0};
        };
        const QList<OrderStatus> fromOrdered{OrderStatus::Ordered};
        QVERIFY((*a)->beginBatch().ok());
        QVERIFY((*a)->claimOrder(taking("o-1", "d1"), fromOrdered, {})->saved);
        QVERIFY((*b)->beginBatch().ok());
        QVERIFY((*b)->claimOrder(taking("o-2", "d2"), fromOrdered, {})->saved);
        const auto busy = (*b)->claimOrder(taking("o-1", "d2"), fromOrdered, {});
        QVERIFY2(busy.ok(), qPrintable(busy.error()));
        QVERIFY(busy->wouldWait);
        QVERIFY(!busy->saved);
        QVERIFY((*b)->commitBatch().ok()); // o-2 is b's
        QVERIFY((*a)->commitBatch().ok()); // o-1 is a's
        const auto late = (*b)->claimOrder(taking("o-1", "d2"), fromOrdered, {});
        QVERIFY(late.ok() && !late->saved && !late->wouldWait);
        QCOMPARE(late->current.taker, QStringLiteral("d1"));
        QCOMPARE((*a)->loadOrder("o-2").value()->taker, QStringLiteral("d2"));
    }

    // What PostgreSQL fails as a deadlock or a serialization failure is a conflict with another
    // hub's batch (the hub writes the event again in a new batch); any other failure is not.
    // Triggers stand in for the other hub: a real deadlock needs two connections blocked at once.
    void conflictsAreToldApart()
    {
        const PostgresUri uri = freshDatabase();
        auto store = PostgresMessageStore::open(uri);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        QVERIFY((*store)->enqueue("driver", "pickup", "o-1", {}).ok());
        QCOMPARE(exec(uri,
                      QStringLiteral("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
                                     " $$ BEGIN RAISE EXCEPTION 'refused (test)' USING ERRCODE = TG_ARGV[0]; END $$")),
                 QString());
        int n = 0;
        for (const char *trigger : {"BEFORE DELETE ON messages FOR EACH ROW EXECUTE FUNCTION refuse('40P01')",
                                    "BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION refuse('40001')",
                                    "BEFORE INSERT ON subscriptions FOR EACH ROW EXECUTE FUNCTION refuse('23514')"}) {
            QCOMPARE(exec(uri, QStringLiteral("CREATE TRIGGER t%1 %2").arg(++n).arg(QLatin1String(trigger))),
                     QString());
        }
        QVERIFY(!(*store)->lastFailureWasConflict());
        QVERIFY(!(*store)->discard("driver", "pickup", "o-1").ok());
        QVERIFY((*store)->lastFailureWasConflict());
        QVERIFY(!(*store)->subscribe("d1", "pickup").ok());
        QVERIFY(!(*store)->lastFailureWasConflict());
        const OrderRecord record{"o-1", OrderStatus::Ordered, {}, "pickup", QDateTime::currentDateTimeUtc(), "{}", 0};
        QVERIFY(!(*store)->saveOrder(record).ok());
        QVERIFY((*store)->lastFailureWasConflict());
        // The store goes on: the message is still there.
        QCOMPARE((*store)->count("driver").value(), 1);
    }

    void schemaIsVersioned()
    {
        const PostgresUri uri = freshDatabase();
        {
            auto store = PostgresMessageStore::open(uri);
            QVERIFY2(store.ok(), qPrintable(store.error()));
        }
        // Opening again leaves it as it is.
        {
            auto store = PostgresMessageStore::open(uri);
            QVERIFY2(store.ok(), qPrintable(store.error()));
        }
        QCOMPARE(
            exec(
                uri,
                QStringLiteral("UPDATE schema_version SET version = %1").arg(PostgresMessageStore::kSchemaVersion + 1)),
            QString());
        const auto newer = PostgresMessageStore::open(uri);
        QVERIFY(!newer.ok());
        QVERIFY2(newer.error().contains(QStringLiteral("schema version")), qPrintable(newer.error()));
    }

    void refusesAForeignDatabase()
    {
        const PostgresUri uri = freshDatabase();
        QCOMPARE(exec(uri, QStringLiteral("CREATE TABLE invoices (id integer)")), QString());
        const auto store = PostgresMessageStore::open(uri);
        QVERIFY(!store.ok());
        QVERIFY2(store.error().contains(QStringLiteral("not a CAPS queue database")), qPrintable(store.error()));
        // Untouched.
        QCOMPARE(exec(uri, QStringLiteral("SELECT id FROM invoices")), QString());
        QVERIFY(!exec(uri, QStringLiteral("SELECT 1 FROM messages")).isEmpty());
    }

    // A store whose server went away fails its calls (and its batch) with an error, never crashes.
    void aLostServerIsAnError()
    {
        const PostgresUri uri = freshDatabase();
        auto store = PostgresMessageStore::open(uri);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        QVERIFY((*store)->beginBatch().ok());
        QCOMPARE((*store)->enqueue("driver", "pickup", "o-1", QJsonObject()).value(), EnqueueOutcome::Stored);
        QCOMPARE(m_pg.dropDatabase(uri.database), QString()); // ends the store's connection
        QVERIFY(!(*store)->enqueue("driver", "pickup", "o-2", QJsonObject()).ok());
        QVERIFY(!(*store)->commitBatch().ok());
        QVERIFY(!(*store)->count().ok());
    }

    // A store whose connection is cut (the server restarted, the backend terminated) says so
    // with one wording, fails at once while it is away, and reconnects by itself.
    void aLostConnectionComesBack()
    {
        const PostgresUri plain = freshDatabase();
        PostgresUri uri = plain;
        uri.connectOptions = QStringLiteral("application_name=store_lost");
        auto store = PostgresMessageStore::open(uri);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        QCOMPARE((*store)->enqueue("driver", "pickup", "o-1", QJsonObject()).value(), EnqueueOutcome::Stored);
        QCOMPARE(exec(plain,
                      QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                     " WHERE application_name = 'store_lost'")),
                 QString());
        const auto refused = (*store)->enqueue("driver", "pickup", "o-2", QJsonObject());
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().startsWith(QStringLiteral("the hub has lost its database: ")),
                 qPrintable(refused.error()));
        QVERIFY((*store)->lost());
        QVERIFY(!(*store)->beginBatch().ok());
        QCOMPARE((*store)->count().error(), refused.error());
        QTRY_VERIFY_WITH_TIMEOUT(!(*store)->lost(), 5000);
        QCOMPARE((*store)->count("driver").value(), 1);
        QVERIFY((*store)->beginBatch().ok());
        QCOMPARE((*store)->enqueue("driver", "pickup", "o-2", QJsonObject()).value(), EnqueueOutcome::Stored);
        QVERIFY((*store)->commitBatch().ok());
        QCOMPARE((*store)->count("driver").value(), 2);
    }

    // Where each taker is connected (schema version 2): saved by a claim, kept by a claim that
    // does not know it; a version 1 database is upgraded in place, its orders kept.
    void ordersKeepTheTakersServer()
    {
        const PostgresUri uri = freshDatabase();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        {
            auto store = PostgresMessageStore::open(uri);
            QVERIFY2(store.ok(), qPrintable(store.error()));
            QVERIFY((*store)->saveOrder({"o-1", OrderStatus::Ordered, "", "pickup", now, "{}", 0, {}}).ok());
        }
        QCOMPARE(exec(uri,
                      QStringLiteral("ALTER TABLE orders DROP COLUMN taker_server, DROP COLUMN ordered_ms,"
                                     " DROP COLUMN in_transit_ms, DROP COLUMN delivered_ms,"
                                     " DROP COLUMN cancelled_ms")),
                 QString());
        QCOMPARE(exec(uri, QStringLiteral("UPDATE schema_version SET version = 1")), QString());
        auto store = PostgresMessageStore::open(uri);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        QCOMPARE((*store)->loadOrder("o-1").value()->status, OrderStatus::Ordered);
        const OrderRecord taken{"o-1", OrderStatus::InTransit, "socket:d1", "in-transit", now, "{}", 0, "hub-b"};
        QVERIFY((*store)->claimOrder(taken, {OrderStatus::Ordered}, {})->saved);
        QCOMPARE((*store)->loadOrder("o-1").value()->takerServer, QStringLiteral("hub-b"));
        // Delivered through another hub that does not know where d1 was: the row keeps it.
        const OrderRecord delivered{"o-1", OrderStatus::Delivered, "socket:d1", "delivered", now, "{}", 0, {}};
        QVERIFY((*store)->claimOrder(delivered, {OrderStatus::InTransit}, "socket:d1")->saved);
        QCOMPARE((*store)->loadOrder("o-1").value()->takerServer, QStringLiteral("hub-b"));
        QCOMPARE((*store)->loadOrders(10).value().first().takerServer, QStringLiteral("hub-b"));
    }

    // When each order made each step (schema version 3): a version 2 database gets its orders'
    // latest step's time; a hub whose record lacks a step another hub saw keeps that one's time.
    void ordersKeepTheTimeOfEachStep()
    {
        const PostgresUri uri = freshDatabase();
        const QDateTime picked = QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC);
        {
            auto store = PostgresMessageStore::open(uri);
            QVERIFY2(store.ok(), qPrintable(store.error()));
            QVERIFY((*store)->saveOrder({"o-1", OrderStatus::Ordered, "", "pickup", picked, "{}", 0, {}}).ok());
        }
        QCOMPARE(exec(uri,
                      QStringLiteral("ALTER TABLE orders DROP COLUMN ordered_ms, DROP COLUMN in_transit_ms,"
                                     " DROP COLUMN delivered_ms, DROP COLUMN cancelled_ms")),
                 QString());
        QCOMPARE(exec(uri, QStringLiteral("UPDATE schema_version SET version = 2")), QString());
        auto a = PostgresMessageStore::open(uri);
        QVERIFY2(a.ok(), qPrintable(a.error()));
        QCOMPARE((*a)->loadOrder("o-1").value()->steps.of(OrderStatus::Ordered), picked.toMSecsSinceEpoch());
        // Hub b never heard the pickup: its claim of the order carries its own step only.
        auto b = PostgresMessageStore::open(uri);
        QVERIFY2(b.ok(), qPrintable(b.error()));
        caps::StepTimes bKnows;
        bKnows.note(OrderStatus::InTransit, picked.toMSecsSinceEpoch() + 4000);
        const OrderRecord taken{
            "o-1", OrderStatus::InTransit, "socket:d1", "in-transit", picked.addSecs(4), "{}", 0, "hub-b", bKnows};
        QVERIFY((*b)->claimOrder(taken, {OrderStatus::Ordered}, {})->saved);
        const caps::StepTimes steps = (*a)->loadOrder("o-1").value()->steps;
        QCOMPARE(steps.of(OrderStatus::Ordered), picked.toMSecsSinceEpoch());
        QCOMPARE(steps.of(OrderStatus::InTransit), picked.toMSecsSinceEpoch() + 4000);
        // A save that knows an earlier time of a step does not move it: the first time stays.
        OrderRecord again = taken;
        again.steps = {};
        again.steps.note(OrderStatus::Ordered, picked.toMSecsSinceEpoch() + 1);
        QVERIFY((*a)->saveOrder(again).ok());
        QCOMPARE((*b)->loadOrders(10).value().first().steps, steps);
    }
};

QTEST_GUILESS_MAIN(TestQueuePostgres)
#include "tst_queue_postgres.moc"
