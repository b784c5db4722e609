// Two caps-hub processes on one PostgreSQL database are one service: the lab's Node vendor on
// hub A and its driver on hub B deliver orders as if they shared a hub (pickup A -> B,
// in-transit and delivered B -> A's store room). Hubs on different databases share nothing.

#include "hubprocess.h"
#include "support/privatepostgres.h"

#include <QDir>
#include <QProcess>
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
    QString uriOf(const QString &database) const
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
        driverOut += driver.readAll();
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
