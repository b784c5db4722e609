// caps::Client against real Node socket.io 4.x servers: the lab's hub (bench/node-hub/hub.js)
// and tests/interop/client-echo-server.js. Node and the npm packages are required: without
// them the test fails, it does not skip.

#include "client/client.h"
#include "hubrestart.h"
#include "peerprocess.h"
#include "testhelpers.h"

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QWebSocket>

using caps::Client;

using namespace clienttest;

class TestClientNode : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void vendorAndDriverThroughNodeHub();
    void reconnectsAfterNodeHubRestart();
    void recoversWithNodeSocketIo();
    void ackRoundTrip();
    void ackTimeout();
    void binaryFromNode();
    void serverAsksClientAnswers();
    void authAndConnectError();
    void serverKickIsNotRetried();
    void detectsFrozenServer();

private:
    bool startHub(PeerProcess &hub, quint16 port = 0, const QStringList &extra = {});
    bool startEcho(PeerProcess &echo, const QStringList &extra = {});

    QString m_node;
    QString m_source;
};

void TestClientNode::initTestCase()
{
    m_source = qEnvironmentVariable("CAPS_SOURCE_DIR");
    QVERIFY2(!m_source.isEmpty(), "CAPS_SOURCE_DIR is not set: run this test through ctest");
    m_node = QStandardPaths::findExecutable(QStringLiteral("node"));
    QVERIFY2(!m_node.isEmpty(), "node is not in PATH: the Node interop tests need Node.js 20 and npm");
    const QStringList packageDirs{QStringLiteral("bench/node-hub"), QStringLiteral("tests/interop")};
    for (const QString &dir : packageDirs) {
        const QString manifest = QDir(m_source).filePath(dir + QStringLiteral("/node_modules/socket.io/package.json"));
        QVERIFY2(
            QFileInfo::exists(manifest),
            qPrintable(QStringLiteral("socket.io is not installed in %1/%2: run `npm ci` there").arg(m_source, dir)));
    }
}

bool TestClientNode::startHub(PeerProcess &hub, quint16 port, const QStringList &extra)
{
    return hub.start(m_node,
                     QStringList{QDir(m_source).filePath(QStringLiteral("bench/node-hub/hub.js")),
                                 QStringLiteral("--port"), QString::number(port), QStringLiteral("--host"),
                                 QStringLiteral("127.0.0.1")}
                         + extra,
                     QRegularExpression(QStringLiteral("node-hub listening on 127\\.0\\.0\\.1:(\\d+)")));
}

bool TestClientNode::startEcho(PeerProcess &echo, const QStringList &extra)
{
    return echo.start(m_node,
                      QStringList{QDir(m_source).filePath(QStringLiteral("tests/interop/client-echo-server.js")),
                                  QStringLiteral("--port"), QStringLiteral("0")}
                          + extra,
                      QRegularExpression(QStringLiteral("client-echo-server listening on 127\\.0\\.0\\.1:(\\d+)")));
}

void TestClientNode::vendorAndDriverThroughNodeHub()
{
    PeerProcess hub;
    QVERIFY2(startHub(hub), qPrintable(hub.errorString()));
    const QUrl url = localUrl(hub.port(), QStringLiteral("/caps"));
    VendorAndDriver p(url);
    QVERIFY(p.connectBoth());
    QVERIFY(!p.vendor.id().isEmpty());
    QVERIFY(p.vendor.id() != p.driver.id());

    const QJsonObject payload = order(QStringLiteral("N-1"));
    p.vendor.emitEvent(QStringLiteral("pickup"), {payload});
    QTRY_COMPARE(countEvents(p.driverEvents, QStringLiteral("pickup")), 1);
    QCOMPARE(argsOf(p.driverEvents, QStringLiteral("pickup")), QJsonArray{payload});

    // What a driver does with a pickup.
    const QJsonObject received = argsOf(p.driverEvents, QStringLiteral("pickup")).at(0).toObject();
    p.driver.emitEvent(QStringLiteral("in-transit"), {received});
    p.driver.emitEvent(QStringLiteral("delivered"), {received});
    QTRY_COMPARE(countEvents(p.vendorEvents, QStringLiteral("delivered")), 1);
    QCOMPARE(countEvents(p.vendorEvents, QStringLiteral("in-transit")), 1);
    QCOMPARE(argsOf(p.vendorEvents, QStringLiteral("delivered")), QJsonArray{payload});
    // The driver is in no store room.
    QCOMPARE(countEvents(p.driverEvents, QStringLiteral("delivered")), 0);
    QTRY_COMPARE(hub.count(QRegularExpression(QStringLiteral("event: 'delivered'"))), 1);
    QCOMPARE(hub.count(QRegularExpression(QStringLiteral("event: 'pickup'"))), 1);
}

void TestClientNode::recoversWithNodeSocketIo()
{
    // Node's socket.io with connectionStateRecovery: our client keeps the pid and the last
    // offset, and comes back recovered with what it missed.
    PeerProcess hub;
    QVERIFY2(startHub(hub, 0, {QStringLiteral("--recovery-window"), QStringLiteral("60000")}),
             qPrintable(hub.errorString()));
    const QUrl url = localUrl(hub.port(), QStringLiteral("/caps"));
    VendorAndDriver p(url, manualOptions());
    QVERIFY(p.connectBoth());
    QVERIFY(!p.vendor.isRecovered());
    // The hub handles the vendor's events in order: its own pickup back means it is in its room.
    p.vendor.emitEvent(QStringLiteral("pickup"), {order(QStringLiteral("NR-0"))});
    QTRY_COMPARE(countEvents(p.vendorEvents, QStringLiteral("pickup")), 1);
    // socket.io appends the offset after the payload.
    QCOMPARE(argsOf(p.vendorEvents, QStringLiteral("pickup")).size(), 2);
    QVERIFY(argsOf(p.vendorEvents, QStringLiteral("pickup")).at(1).isString());
    const QString firstId = p.vendor.id();

    // The connection breaks under the vendor: not a disconnect it asked for.
    auto *transport = p.vendor.findChild<QWebSocket *>();
    QVERIFY(transport);
    QSignalSpy lost(&p.vendor, &Client::disconnected);
    transport->abort();
    QTRY_COMPARE(lost.size(), 1);

    p.driver.emitEvent(QStringLiteral("delivered"), {order(QStringLiteral("NR-0"))});
    p.driver.emitEvent(QStringLiteral("pickup"), {order(QStringLiteral("NR-1"))});
    QTRY_COMPARE(countEvents(p.driverEvents, QStringLiteral("pickup")), 2); // both handled by the hub

    p.vendor.disconnectFromHub();
    p.vendor.connectToHub();
    QTRY_VERIFY(p.vendor.isConnected());
    QVERIFY(p.vendor.isRecovered());
    QCOMPARE(p.vendor.id(), firstId);
    QTRY_COMPARE(countEvents(p.vendorEvents, QStringLiteral("pickup")), 2);
    QTRY_COMPARE(countEvents(p.vendorEvents, QStringLiteral("delivered")), 1);
    QCOMPARE(argsOf(p.vendorEvents, QStringLiteral("delivered")).at(0), QJsonValue(order(QStringLiteral("NR-0"))));
}

void TestClientNode::reconnectsAfterNodeHubRestart()
{
    reconnectsAfterRestart([this](PeerProcess &hub, quint16 port) { return startHub(hub, port); });
}

void TestClientNode::ackRoundTrip()
{
    PeerProcess echo;
    QVERIFY2(startEcho(echo), qPrintable(echo.errorString()));
    Client client(localUrl(echo.port(), QStringLiteral("/echo")));
    QSignalSpy events(&client, &Client::eventReceived);
    const QJsonArray args{
        1,    QStringLiteral("two"),      QJsonObject{{QStringLiteral("three"), 3}}, QJsonArray{4}, QJsonValue::Null,
        true, QStringLiteral("ünïcødé ✓")};
    QJsonArray answer;
    int acks = 0;
    // Emitted before connecting: buffered, then acknowledged once connected.
    client.emitWithAck(QStringLiteral("echo"), args, [&](const QJsonArray &a) {
        ++acks;
        answer = a;
    });
    client.connectToHub();
    QTRY_COMPARE(acks, 1);
    QCOMPARE(answer, args);

    client.emitEvent(QStringLiteral("echo"), {QStringLiteral("no ack")});
    QTRY_COMPARE(countEvents(events, QStringLiteral("echo")), 1);
    QCOMPARE(argsOf(events, QStringLiteral("echo")), QJsonArray{QStringLiteral("no ack")});

    for (int i = 0; i < 20; ++i)
        client.emitWithAck(QStringLiteral("echo"), {i}, [&acks, i](const QJsonArray &a) {
            if (a == QJsonArray{i})
                ++acks;
        });
    QTRY_COMPARE(acks, 21);
}

void TestClientNode::ackTimeout()
{
    PeerProcess echo;
    QVERIFY2(startEcho(echo), qPrintable(echo.errorString()));
    Client client(localUrl(echo.port(), QStringLiteral("/echo")));
    QSignalSpy connectedSpy(&client, &Client::connected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait(10000));
    int acks = 0;
    int timeouts = 0;
    client.emitWithAck(
        QStringLiteral("never-acked"), {}, [&](const QJsonArray &) { ++acks; }, 200, [&] { ++timeouts; });
    client.emitWithAck(
        QStringLiteral("echo"), {1}, [&](const QJsonArray &) { ++acks; }, 5000, [&] { ++timeouts; });
    QTRY_COMPARE(timeouts, 1);
    QCOMPARE(acks, 1);
}

void TestClientNode::binaryFromNode()
{
    PeerProcess echo;
    QVERIFY2(startEcho(echo), qPrintable(echo.errorString()));
    Client client(localUrl(echo.port(), QStringLiteral("/echo")));
    QList<QByteArray> eventAttachments;
    connect(&client, &Client::eventReceived, &client, [&](const QString &event, const QJsonArray &, qint64) {
        if (event == QLatin1String("blob"))
            eventAttachments = client.currentAttachments();
    });
    QSignalSpy events(&client, &Client::eventReceived);
    QJsonArray ackArgs;
    QList<QByteArray> ackAttachments;
    client.emitWithAck(QStringLiteral("binary-ack"), {}, [&](const QJsonArray &a) {
        ackArgs = a;
        ackAttachments = client.currentAttachments();
    });
    client.emitEvent(QStringLiteral("send-binary"));
    client.connectToHub();

    QTRY_COMPARE(countEvents(events, QStringLiteral("blob")), 1);
    QCOMPARE(
        argsOf(events, QStringLiteral("blob")),
        (QJsonArray{placeholder(0), QStringLiteral("x"), QJsonObject{{QStringLiteral("nested"), placeholder(1)}}}));
    QCOMPARE(eventAttachments, (QList<QByteArray>{QByteArray("hello"), QByteArray("\x00\xff", 2)}));

    QTRY_VERIFY(!ackArgs.isEmpty());
    QCOMPARE(ackArgs,
             (QJsonArray{QJsonObject{{QStringLiteral("bytes"), placeholder(0)},
                                     {QStringLiteral("text"), QStringLiteral("three")}}}));
    QCOMPARE(ackAttachments, QList<QByteArray>{QByteArray("\x01\x02\x03", 3)});
    QVERIFY(client.isConnected());
}

void TestClientNode::serverAsksClientAnswers()
{
    PeerProcess echo;
    QVERIFY2(startEcho(echo), qPrintable(echo.errorString()));
    Client client(localUrl(echo.port(), QStringLiteral("/echo")));
    connect(&client, &Client::eventReceived, &client,
            [&client](const QString &event, const QJsonArray &args, qint64 ackId) {
                if (event == QLatin1String("question") && ackId >= 0)
                    client.sendAck(ackId, {args.at(0).toString() + QStringLiteral(" forty-two")});
            });
    QSignalSpy events(&client, &Client::eventReceived);
    client.emitEvent(QStringLiteral("ask"), {QStringLiteral("meaning?")});
    client.connectToHub();
    QTRY_COMPARE(countEvents(events, QStringLiteral("answer")), 1);
    QCOMPARE(argsOf(events, QStringLiteral("answer")), QJsonArray{QStringLiteral("meaning? forty-two")});
}

void TestClientNode::authAndConnectError()
{
    PeerProcess echo;
    QVERIFY2(startEcho(echo), qPrintable(echo.errorString()));
    const QUrl url = localUrl(echo.port(), QStringLiteral("/private"));

    Client allowed(url, fastOptions());
    allowed.setAuth(QJsonObject{{QStringLiteral("token"), QStringLiteral("secret")}});
    QSignalSpy allowedEvents(&allowed, &Client::eventReceived);
    allowed.connectToHub();
    QTRY_COMPARE(countEvents(allowedEvents, QStringLiteral("welcome")), 1);
    const QJsonObject welcome = argsOf(allowedEvents, QStringLiteral("welcome")).at(0).toObject();
    QCOMPARE(welcome.value(QStringLiteral("id")).toString(), allowed.id());
    QCOMPARE(welcome.value(QStringLiteral("auth")).toObject().value(QStringLiteral("token")).toString(),
             QStringLiteral("secret"));

    Client refused(url, fastOptions());
    refused.setAuth(QJsonObject{{QStringLiteral("token"), QStringLiteral("wrong")}});
    QSignalSpy errorSpy(&refused, &Client::connectError);
    QSignalSpy stateSpy(&refused, &Client::stateChanged);
    refused.connectToHub();
    QVERIFY(errorSpy.wait(10000));
    QCOMPARE(errorSpy.at(0).at(0).toString(), QStringLiteral("unauthorized"));
    QCOMPARE(refused.state(), Client::State::Disconnected);
    // No retry: it would come within 300 ms with these options.
    stateSpy.clear();
    QVERIFY(!stateSpy.wait(600));
    QVERIFY(allowed.isConnected());
}

void TestClientNode::serverKickIsNotRetried()
{
    PeerProcess echo;
    QVERIFY2(startEcho(echo), qPrintable(echo.errorString()));
    Client client(localUrl(echo.port(), QStringLiteral("/echo")), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy disconnectedSpy(&client, &Client::disconnected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait(10000));
    client.emitEvent(QStringLiteral("kick"));
    QVERIFY(disconnectedSpy.wait());
    QCOMPARE(disconnectedSpy.at(0).at(0).toString(), QStringLiteral("io server disconnect"));
    QCOMPARE(client.state(), Client::State::Disconnected);
    QVERIFY(!connectedSpy.wait(600));
}

void TestClientNode::detectsFrozenServer()
{
    // A server that stops answering keeps its TCP connections open: only the missing pings tell.
    PeerProcess echo;
    QVERIFY2(startEcho(echo,
                       {QStringLiteral("--ping-interval"), QStringLiteral("200"), QStringLiteral("--ping-timeout"),
                        QStringLiteral("200")}),
             qPrintable(echo.errorString()));
    Client client(localUrl(echo.port(), QStringLiteral("/echo")), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy disconnectedSpy(&client, &Client::disconnected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait(10000));
    // Pings flow and are answered: nothing is lost over several intervals.
    QVERIFY(!disconnectedSpy.wait(700));

    echo.pause();
    QVERIFY(disconnectedSpy.wait(5000));
    QCOMPARE(disconnectedSpy.at(0).at(0).toString(), QStringLiteral("ping timeout"));
    QCOMPARE(client.state(), Client::State::Reconnecting);

    echo.resume();
    QTRY_COMPARE_WITH_TIMEOUT(connectedSpy.size(), 2, 10000);
}

QTEST_GUILESS_MAIN(TestClientNode)
#include "tst_client_node.moc"
