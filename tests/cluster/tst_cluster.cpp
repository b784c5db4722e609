// Two caps-hub processes on one PostgreSQL database are one service: the lab's Node vendor on
// hub A and its driver on hub B deliver orders as if they shared a hub (pickup A -> B,
// in-transit and delivered B -> A's store room). Hubs on different databases share nothing.

#include "hubprocess.h"
#include "queue/postgresuri.h"
#include "support/privatepostgres.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTest>

using caps::test::PrivatePostgres;

class TestCluster : public QObject
{
    Q_OBJECT

private:
    PrivatePostgres m_pg;
    QString m_node;
    QDir m_interop;

    void startNode(QProcess &process, const QString &script, const QStringList &arguments)
    {
        process.setWorkingDirectory(m_interop.absolutePath());
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(m_node, QStringList{m_interop.filePath(script)} + arguments);
    }
    // Waits until `process` has printed `text` `times` times; its output so far in `output`.
    static bool waitForOutput(QProcess &process, QByteArray &output, const QByteArray &text, int times, int timeoutMs)
    {
        return QTest::qWaitFor(
                   [&] {
                       output += process.readAll();
                       return output.count(text) >= times || process.state() == QProcess::NotRunning;
                   },
                   timeoutMs)
            && output.count(text) >= times;
    }
    static void stop(QProcess &process)
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }
    [[nodiscard]] QString uriOf(const QString &database) const
    {
        return QStringLiteral("postgresql://caps@/%1?host=%2&port=%3")
            .arg(database, m_pg.socketFolder())
            .arg(m_pg.port());
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariable("CAPS_SOURCE_DIR").isEmpty(), "run through ctest (CAPS_SOURCE_DIR)");
        m_interop = QDir(qEnvironmentVariable("CAPS_SOURCE_DIR") + QStringLiteral("/tests/interop"));
        m_node = QStandardPaths::findExecutable(QStringLiteral("node"));
        QVERIFY2(!m_node.isEmpty(), "node is not installed: run scripts/setup.sh test");
        QVERIFY2(m_interop.exists(QStringLiteral("node_modules/socket.io-client")),
                 "tests/interop/node_modules is missing: run scripts/setup.sh test");
        const QString error = m_pg.start(QStringLiteral("cluster"));
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void ordersGoAcrossHubs_data()
    {
        QTest::addColumn<QStringList>("transport");
        QTest::addRow("default transports (polling, then upgrade)") << QStringList();
        QTest::addRow("websocket") << QStringList{QStringLiteral("--websocket")};
    }
    void ordersGoAcrossHubs()
    {
        QFETCH(QStringList, transport);
        HubProcess hubA(HubProcess::defaultProgram(), uriOf(QStringLiteral("cluster")));
        HubProcess hubB(HubProcess::defaultProgram(), uriOf(QStringLiteral("cluster")));
        QVERIFY2(hubA.start(), qPrintable(hubA.errorString()));
        QVERIFY2(hubB.start(), qPrintable(hubB.errorString()));

        QProcess driver;
        QByteArray driverOut;
        startNode(
            driver, QStringLiteral("lab-driver.js"),
            QStringList{QStringLiteral("--url"), hubB.url().toString(), QStringLiteral("--delay"), QStringLiteral("50")}
                + transport);
        QVERIFY2(waitForOutput(driver, driverOut, "DRIVER: connected", 1, 30000), driverOut.constData());

        QProcess vendor;
        QByteArray vendorOut;
        startNode(vendor, QStringLiteral("lab-vendor.js"),
                  QStringList{QStringLiteral("--url"), hubA.url().toString(), QStringLiteral("--count"),
                              QStringLiteral("3"), QStringLiteral("--every"), QStringLiteral("200")}
                      + transport);
        const bool thanked = waitForOutput(vendor, vendorOut, "Thank you for delivering", 3, 60000);
        // It printed its lines before its emits; wait until this process has read them.
        (void)waitForOutput(driver, driverOut, "DRIVER: delivered", 3, 10000);
        stop(vendor);
        stop(driver);
        QVERIFY2(thanked, (vendorOut + "\n--- driver:\n" + driverOut).constData());
        QCOMPARE(driverOut.count("DRIVER: picked up"), 3);
        // Each once: the relay adds no copies.
        QCOMPARE(vendorOut.count("Thank you for delivering"), 3);
    }

    // Two drivers on two hubs, one order: one takes it, decided in PostgreSQL; the other is
    // refused as on one hub (tests/interop/lifecycle.js, its second driver on hub B).
    void oneDriverTakesAnOrderAcrossHubs()
    {
        HubProcess hubA(HubProcess::defaultProgram(), uriOf(QStringLiteral("cluster")));
        HubProcess hubB(HubProcess::defaultProgram(), uriOf(QStringLiteral("cluster")));
        QVERIFY2(hubA.start(), qPrintable(hubA.errorString()));
        QVERIFY2(hubB.start(), qPrintable(hubB.errorString()));
        const auto base = [](const HubProcess &hub) { return QStringLiteral("http://127.0.0.1:%1").arg(hub.port()); };
        QProcess lifecycle;
        QByteArray out;
        startNode(lifecycle, QStringLiteral("lifecycle.js"),
                  {QStringLiteral("--url"), base(hubA), QStringLiteral("--url2"), base(hubB),
                   QStringLiteral("--orders"), QStringLiteral("20")});
        QVERIFY(QTest::qWaitFor([&] { return lifecycle.state() == QProcess::NotRunning; }, 60000));
        out += lifecycle.readAll();
        stop(lifecycle);
        QVERIFY2(lifecycle.exitStatus() == QProcess::NormalExit && lifecycle.exitCode() == 0, out.constData());
        QVERIFY2(out.contains("OK lifecycle held"), out.constData());
    }

    // A malformed --db URI, or an unknown option in it, stops caps-hub before it listens.
    void refusesAMalformedUri_data()
    {
        QTest::addColumn<QString>("db");
        QTest::addColumn<QString>("because");
        QTest::addRow("one slash") << QStringLiteral("postgresql:/caps@h/d") << QStringLiteral("not a PostgreSQL URI");
        QTest::addRow("unknown option") << uriOf(QStringLiteral("cluster")) + QStringLiteral("&colour=blue")
                                        << QStringLiteral("unknown option \"colour\"");
        QTest::addRow("no database") << QStringLiteral("postgresql://caps@127.0.0.1:5432")
                                     << QStringLiteral("names no database");
        QTest::addRow("nobody listens") << QStringLiteral("postgresql://caps@127.0.0.1:1/caps")
                                        << QStringLiteral("cannot connect");
    }
    void refusesAMalformedUri()
    {
        QFETCH(QString, db);
        QFETCH(QString, because);
        QProcess hub;
        hub.setProcessChannelMode(QProcess::MergedChannels);
        hub.start(HubProcess::defaultProgram(),
                  {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--db"), db});
        QVERIFY(hub.waitForFinished(30000));
        const QString out = QString::fromLocal8Bit(hub.readAll());
        QCOMPARE(hub.exitCode(), 1);
        QVERIFY2(out.contains(because) && !out.contains(QStringLiteral("listening")), qPrintable(out));
    }

    // Whatever else arrives on the namespace's channel is dropped by every hub; orders go on.
    void garbageOnTheChannelIsDropped()
    {
        HubProcess hubA(HubProcess::defaultProgram(), uriOf(QStringLiteral("cluster")));
        HubProcess hubB(HubProcess::defaultProgram(), uriOf(QStringLiteral("cluster")));
        QVERIFY2(hubA.start(), qPrintable(hubA.errorString()));
        QVERIFY2(hubB.start(), qPrintable(hubB.errorString()));
        {
            auto uri = caps::PostgresUri::parse(uriOf(QStringLiteral("cluster")));
            QVERIFY(uri.ok());
            auto db = uri->open(QStringLiteral("garbage"));
            QVERIFY2(db.ok(), qPrintable(db.error()));
            QSqlQuery notify(*db);
            // A broadcast as PostgresAdapter publishes it, spoilt one part at a time.
            const auto broadcast = [](const QString &packet, const QJsonValue &targets, const QString &type) {
                const QJsonObject o{{"uid", "someone"},
                                    {"nsp", "/caps"},
                                    {"type", type},
                                    {"packet", packet},
                                    {"attachments", QJsonArray()},
                                    {"targets", targets}};
                return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
            };
            const QJsonArray everyone{QJsonObject{{"rooms", QJsonArray()}, {"except", QJsonArray()}}};
            const QStringList payloads = {
                QStringLiteral("{"), // not JSON
                broadcast(QStringLiteral("2/caps,["), everyone, "broadcast"), // a packet that does not decode
                // an attachment it does not carry
                broadcast(QStringLiteral("51-/caps,[\"pickup\",{\"_placeholder\":true,\"num\":0}]"), everyone,
                          "broadcast"),
                broadcast(QStringLiteral("2/other,[\"pickup\",{}]"), everyone, "broadcast"), // another namespace
                broadcast(QStringLiteral("2/caps,[\"pickup\",{}]"), QJsonArray{QJsonObject{{"rooms", QJsonArray{1}}}},
                          "broadcast"), // targets that are not room names
                broadcast(QStringLiteral("2/caps,[\"pickup\",{}]"), QJsonValue(3), "broadcast"),
                broadcast(QStringLiteral("2/caps,[\"pickup\",{}]"), everyone, "something-newer"),
            };
            for (const QString &payload : payloads) {
                notify.prepare(QStringLiteral("SELECT pg_notify('socketio#/caps', ?)"));
                notify.addBindValue(payload);
                QVERIFY2(notify.exec(), qPrintable(notify.lastError().text()));
            }
            *db = QSqlDatabase();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("garbage"));
        QProcess driver;
        QByteArray driverOut;
        startNode(driver, QStringLiteral("lab-driver.js"),
                  {QStringLiteral("--url"), hubB.url().toString(), QStringLiteral("--delay"), QStringLiteral("50")});
        QVERIFY2(waitForOutput(driver, driverOut, "DRIVER: connected", 1, 30000), driverOut.constData());
        QProcess vendor;
        QByteArray vendorOut;
        startNode(vendor, QStringLiteral("lab-vendor.js"),
                  {QStringLiteral("--url"), hubA.url().toString(), QStringLiteral("--count"), QStringLiteral("1")});
        const bool thanked = waitForOutput(vendor, vendorOut, "Thank you for delivering", 1, 60000);
        // It printed its lines before its emits; wait until this process has read them.
        (void)waitForOutput(driver, driverOut, "DRIVER: delivered", 1, 10000);
        stop(vendor);
        stop(driver);
        QVERIFY2(thanked, (vendorOut + "\n--- driver:\n" + driverOut).constData());
        // The driver heard the one real pickup, none of the garbage's.
        QCOMPARE(driverOut.count("DRIVER: picked up"), 1);
        QVERIFY(hubA.isRunning() && hubB.isRunning());
    }

    // The control: hubs on two databases are two services. The same clients get nothing across.
    void separateDatabasesShareNothing()
    {
        QCOMPARE(m_pg.createDatabase(QStringLiteral("elsewhere")), QString());
        HubProcess hubA(HubProcess::defaultProgram(), uriOf(QStringLiteral("cluster")));
        HubProcess hubB(HubProcess::defaultProgram(), uriOf(QStringLiteral("elsewhere")));
        QVERIFY2(hubA.start(), qPrintable(hubA.errorString()));
        QVERIFY2(hubB.start(), qPrintable(hubB.errorString()));
        QProcess driver;
        QByteArray driverOut;
        startNode(driver, QStringLiteral("lab-driver.js"),
                  {QStringLiteral("--url"), hubB.url().toString(), QStringLiteral("--delay"), QStringLiteral("50")});
        QVERIFY2(waitForOutput(driver, driverOut, "DRIVER: connected", 1, 30000), driverOut.constData());
        QProcess vendor;
        QByteArray vendorOut;
        startNode(vendor, QStringLiteral("lab-vendor.js"),
                  {QStringLiteral("--url"), hubA.url().toString(), QStringLiteral("--count"), QStringLiteral("1")});
        QVERIFY2(waitForOutput(vendor, vendorOut, "VENDOR: connected", 1, 30000), vendorOut.constData());
        // The pickup goes 500 ms after the connection; a relayed one would reach the driver well
        // within the 3 s that the other test's orders take at most.
        QVERIFY(!waitForOutput(driver, driverOut, "DRIVER: picked up", 1, 3000));
        stop(vendor);
        stop(driver);
    }

    void cleanupTestCase() { m_pg.stop(); }
};

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
