#include "hub/capshub.h"
#include "queue/memorymessagestore.h"
#include "queue/messagequeue.h"
#include "server/server.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

// The --headless modes of caps-vendor, caps-driver and caps-customer, as real processes.
class TestHeadless : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void wholeRound();
    void unreachableHubGivesUp();
    void refusedNamespace();
    void badArguments();

private:
    QProcess *start(const QString &program, const QStringList &arguments);
    // Not QProcess::waitForFinished(): the hub lives in this event loop and must keep serving.
    static bool waitForExit(QProcess *process, int timeoutMs = 20000)
    {
        return QTest::qWaitFor([process] { return process->state() == QProcess::NotRunning; }, timeoutMs);
    }
    static bool waitForLine(QProcess *process, QByteArray &buffer, const QByteArray &needle, int timeoutMs = 20000);
    [[nodiscard]] QString hub() const { return QStringLiteral("http://127.0.0.1:%1/caps").arg(m_server->serverPort()); }

    QTemporaryDir m_config;
    // A hub with the Phase 3 queue, as caps-hub runs: what a client does not acknowledge stays.
    caps::MemoryMessageStore m_store;
    caps::MessageQueue m_queue{m_store};
    std::unique_ptr<caps::Server> m_server;
    std::unique_ptr<caps::CapsHub> m_hub;
    QList<QProcess *> m_processes;
};

void TestHeadless::initTestCase()
{
    QVERIFY(qEnvironmentVariableIsSet("CAPS_BINARY_DIR"));
    QVERIFY(m_config.isValid());
    m_server = std::make_unique<caps::Server>();
    caps::CapsHub::Options options;
    options.queue = &m_queue;
    m_hub = std::make_unique<caps::CapsHub>(m_server->of(QStringLiteral("/caps")), options);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
}

void TestHeadless::cleanup()
{
    for (QProcess *process : std::as_const(m_processes)) {
        if (process->state() != QProcess::NotRunning) {
            process->kill();
            process->waitForFinished(5000);
        }
        delete process;
    }
    m_processes.clear();
}

QProcess *TestHeadless::start(const QString &program, const QStringList &arguments)
{
    const QString path = qEnvironmentVariable("CAPS_BINARY_DIR") + QStringLiteral("/apps/%1-gui/caps-%1").arg(program);
    auto *process = new QProcess;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Settings of the person running the tests must not leak in.
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_config.path());
    process->setProcessEnvironment(env);
    process->start(path, QStringList{QStringLiteral("--headless")} + arguments);
    m_processes.append(process);
    return process;
}

bool TestHeadless::waitForLine(QProcess *process, QByteArray &buffer, const QByteArray &needle, int timeoutMs)
{
    return QTest::qWaitFor(
        [&] {
            buffer += process->readAllStandardOutput();
            return buffer.contains(needle);
        },
        timeoutMs);
}

void TestHeadless::wholeRound()
{
    QProcess *driver = start(QStringLiteral("driver"),
                             {QStringLiteral("--hub"), hub(), QStringLiteral("--pickup-delay"), QStringLiteral("50"),
                              QStringLiteral("--deliver-delay"), QStringLiteral("200")});
    QVERIFY(driver->waitForStarted());
    QTRY_COMPARE(m_server->connectionCount(), 1);

    QProcess *vendor
        = start(QStringLiteral("vendor"),
                {QStringLiteral("--hub"), hub(), QStringLiteral("--store"), QStringLiteral("headless-store"),
                 QStringLiteral("--interval"), QStringLiteral("100"), QStringLiteral("--count"), QStringLiteral("3")});
    QByteArray vendorOut;
    QVERIFY(waitForLine(vendor, vendorOut, "VENDOR: new order "));
    const QRegularExpression newOrder(QStringLiteral("VENDOR: new order ([0-9a-f-]{36})"));
    const QString firstId = newOrder.match(QString::fromUtf8(vendorOut)).captured(1);
    QVERIFY(!firstId.isEmpty());

    QProcess *customer = start(
        QStringLiteral("customer"),
        {QStringLiteral("--hub"), hub(), QStringLiteral("--track"), firstId, QStringLiteral("--until-delivered")});
    QVERIFY(waitForExit(customer));
    QCOMPARE(customer->exitStatus(), QProcess::NormalExit);
    QCOMPARE(customer->exitCode(), 0);
    const QByteArray customerOut = customer->readAllStandardOutput();
    QVERIFY2(customerOut.contains("CUSTOMER: " + firstId.toUtf8() + " delivered"), customerOut.constData());

    QVERIFY(waitForExit(vendor));
    QCOMPARE(vendor->exitCode(), 0);
    vendorOut += vendor->readAllStandardOutput();
    QStringList ids;
    auto it = newOrder.globalMatch(QString::fromUtf8(vendorOut));
    while (it.hasNext())
        ids.append(it.next().captured(1));
    QCOMPARE(ids.size(), 3);
    QByteArray driverOut;
    for (const QString &id : std::as_const(ids)) {
        QVERIFY2(vendorOut.contains("VENDOR: Thank you for delivering " + id.toUtf8()), vendorOut.constData());
        QVERIFY(waitForLine(driver, driverOut, "DRIVER: delivered " + id.toUtf8()));
        QVERIFY(driverOut.contains("DRIVER: picked up " + id.toUtf8()));
        QVERIFY(driverOut.indexOf("DRIVER: picked up " + id.toUtf8())
                < driverOut.indexOf("DRIVER: delivered " + id.toUtf8()));
    }
    QCOMPARE(vendorOut.count("Thank you for delivering"), 3);
    // It acknowledged every delivery before it went, the last one too: the store's next vendor
    // is not thanked for it again (the exit used to leave the last `received` unsent).
    QTRY_COMPARE(m_store.count(QStringLiteral("headless-store")).value(), 0);
}

void TestHeadless::unreachableHubGivesUp()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const QString url = QStringLiteral("http://127.0.0.1:%1/caps").arg(probe.serverPort());
    probe.close();

    QProcess *vendor = start(QStringLiteral("vendor"),
                             {QStringLiteral("--hub"), url, QStringLiteral("--count"), QStringLiteral("1"),
                              QStringLiteral("--connect-timeout"), QStringLiteral("1500")});
    QVERIFY(vendor->waitForFinished(15000));
    QCOMPARE(vendor->exitCode(), 2);
    const QByteArray err = vendor->readAllStandardError();
    QVERIFY2(err.contains("caps-vendor: cannot reach hub at " + url.toUtf8()), err.constData());
    QVERIFY2(err.contains("retrying in"), err.constData());
    QVERIFY2(err.contains("giving up"), err.constData());
}

void TestHeadless::refusedNamespace()
{
    const QString url = QStringLiteral("http://127.0.0.1:%1/nope").arg(m_server->serverPort());
    QProcess *driver = start(QStringLiteral("driver"), {QStringLiteral("--hub"), url});
    QVERIFY(waitForExit(driver));
    QCOMPARE(driver->exitCode(), 3);
    const QByteArray err = driver->readAllStandardError();
    QVERIFY2(err.contains("caps-driver: the hub at " + url.toUtf8() + " refused the connection (Invalid namespace)"),
             err.constData());
}

void TestHeadless::badArguments()
{
    QProcess *customer = start(QStringLiteral("customer"), {});
    QVERIFY(customer->waitForFinished(10000));
    QCOMPARE(customer->exitCode(), 1);
    QVERIFY(customer->readAllStandardError().contains("--track"));

    QProcess *vendor = start(QStringLiteral("vendor"), {QStringLiteral("--interval"), QStringLiteral("soon")});
    QVERIFY(vendor->waitForFinished(10000));
    QCOMPARE(vendor->exitCode(), 1);
}

QTEST_GUILESS_MAIN(TestHeadless)
#include "tst_headless.moc"
