#include "client/client.h"
#include "fakeserver.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>

#include <cmath>

using caps::Client;

namespace {

Client::Options fastOptions()
{
    Client::Options o;
    o.reconnectionDelayMs = 20;
    o.reconnectionDelayMaxMs = 100;
    o.randomizationFactor = 0.5;
    o.connectTimeoutMs = 5000;
    return o;
}

// The CONNECT every test client sends: caps::Client always asks for connection state recovery.
const QString kConnectCaps = QStringLiteral(R"(40/caps,{"recovery":true})");

QString eventFrame(const QString &nsp, const QString &name, const QJsonArray &args, qint64 ackId = -1)
{
    QJsonArray data{name};
    for (const QJsonValue v : args)
        data.append(v);
    const QString prefix = nsp == QLatin1String("/") ? QString() : nsp + QLatin1Char(',');
    return QStringLiteral("42") + prefix + (ackId >= 0 ? QString::number(ackId) : QString())
        + QString::fromUtf8(QJsonDocument(data).toJson(QJsonDocument::Compact));
}

QList<Client::State> states(const QSignalSpy &spy)
{
    QList<Client::State> out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(0).value<Client::State>());
    return out;
}

} // namespace

class TestClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void connectsToNamespaceWithAuth();
    void authOwnRecoveryKeyWins();
    void mainNamespaceWithoutAuth();
    void transportUrl_data();
    void transportUrl();
    void emitsEvents();
    void reservedEventNamesAreNotSent();
    void receivesEvents();
    void ignoresOtherNamespaces();
    void answersServerAcks();
    void ackRoundTrip();
    void ackTimeout();
    void bufferedEmitTimesOutAndIsDropped();
    void buffersUntilConnectedAndFlushesInOrder();
    void joinWhileConnected();
    void answersPings();
    void pingsKeepConnectionAlive();
    void missingPingsMeanLostConnection();
    void hugeHeartbeatValues();
    void invalidUrlDoesNotCrash();
    void malformedInputReconnects_data();
    void malformedInputReconnects();
    void connectErrorIsNotRetried_data();
    void connectErrorIsNotRetried();
    void serverDisconnectIsNotRetried();
    void engineCloseReconnects();
    void binaryEventKeepsPlaceholders();
    void binaryAck();
    void reconnectsAfterServerRestart();
    void reconnectDelaysFollowBackoff();
    void reconnectionAttemptsRunOut();
    void noReconnectionWhenDisabled();
    void connectTimeout();
    void disconnectFromHub();
    void disconnectFromHubInsideSlot();
    void destroyedWhileConnected();
};

void TestClient::connectsToNamespaceWithAuth()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(QStringLiteral("/caps")), fastOptions());
    client.setAuth(QJsonObject{{QStringLiteral("token"), QStringLiteral("t")}});
    QCOMPARE(client.nsp(), QStringLiteral("/caps"));
    QCOMPARE(client.state(), Client::State::Disconnected);
    QSignalSpy stateSpy(&client, &Client::stateChanged);
    QSignalSpy connectedSpy(&client, &Client::connected);
    client.connectToHub();
    QCOMPARE(client.state(), Client::State::Connecting);
    QVERIFY(connectedSpy.wait());
    QVERIFY(client.isConnected());
    QCOMPARE(client.id(), QStringLiteral("sid-1"));
    QCOMPARE(states(stateSpy), (QList<Client::State>{Client::State::Connecting, Client::State::Connected}));
    QCOMPARE(client.reconnectIn(), -1);

    const QUrl requested = server.lastRequestUrl();
    QCOMPARE(requested.path(), QStringLiteral("/socket.io/"));
    const QUrlQuery query(requested);
    QCOMPARE(query.queryItemValue(QStringLiteral("EIO")), QStringLiteral("4"));
    QCOMPARE(query.queryItemValue(QStringLiteral("transport")), QStringLiteral("websocket"));
    QCOMPARE(server.received(), QStringList{QStringLiteral(R"(40/caps,{"recovery":true,"token":"t"})")});
}

void TestClient::authOwnRecoveryKeyWins()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(QStringLiteral("/caps")), fastOptions());
    client.setAuth(QJsonObject{{QStringLiteral("recovery"), false}});
    QSignalSpy connectedSpy(&client, &Client::connected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    QCOMPARE(server.received(), QStringList{QStringLiteral(R"(40/caps,{"recovery":false})")});
}

void TestClient::mainNamespaceWithoutAuth()
{
    FakeServer server;
    QVERIFY(server.listen());
    QUrl url = server.url(QString());
    Client client(url, fastOptions());
    QCOMPARE(client.nsp(), QStringLiteral("/"));
    QSignalSpy connectedSpy(&client, &Client::connected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    QCOMPARE(server.received(), QStringList{QStringLiteral(R"(40{"recovery":true})")});
    client.emitEvent(QStringLiteral("hello"), {1});
    QTRY_COMPARE(server.receivedCount(QStringLiteral(R"(42["hello",1])")), 1);
}

void TestClient::transportUrl_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QByteArray>("expectedStart");
    QTest::addRow("http") << QStringLiteral("http") << QString()
                          << QByteArray("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n");
    QTest::addRow("ws") << QStringLiteral("ws") << QString()
                        << QByteArray("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n");
    QTest::addRow("user query kept") << QStringLiteral("http") << QStringLiteral("token=abc&EIO=3")
                                     << QByteArray("GET /socket.io/?token=abc&EIO=4&transport=websocket HTTP/1.1\r\n");
    // A TLS record (handshake, version 3.x) instead of an HTTP request.
    QTest::addRow("https") << QStringLiteral("https") << QString() << QByteArray("\x16\x03");
    QTest::addRow("wss") << QStringLiteral("wss") << QString() << QByteArray("\x16\x03");
}

void TestClient::transportUrl()
{
    QFETCH(QString, scheme);
    QFETCH(QString, query);
    QFETCH(QByteArray, expectedStart);
    // A bare TCP server shows the first bytes the client sends.
    QTcpServer tcp;
    QVERIFY(tcp.listen(QHostAddress::LocalHost, 0));
    QByteArray first;
    connect(&tcp, &QTcpServer::newConnection, &tcp, [&] {
        while (QTcpSocket *socket = tcp.nextPendingConnection())
            connect(socket, &QTcpSocket::readyRead, &tcp, [&first, socket] { first += socket->readAll(); });
    });
    QUrl url;
    url.setScheme(scheme);
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(tcp.serverPort());
    url.setPath(QStringLiteral("/caps"));
    url.setQuery(query);
    Client client(url, fastOptions());
    QCOMPARE(client.nsp(), QStringLiteral("/caps"));
    client.connectToHub();
    QTRY_VERIFY(first.size() >= expectedStart.size());
    QVERIFY2(first.startsWith(expectedStart), first.left(80).toHex(' ').constData());
}

void TestClient::emitsEvents()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    const QJsonObject payload{{QStringLiteral("orderID"), QStringLiteral("1")}};
    client.emitEvent(QStringLiteral("pickup"), {payload});
    QCOMPARE(client.bufferedCount(), 0);
    QTRY_COMPARE(server.receivedCount(QStringLiteral(R"(42/caps,["pickup",{"orderID":"1"}])")), 1);
}

void TestClient::reservedEventNamesAreNotSent()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    client.emitEvent(QStringLiteral("disconnect"));
    QCOMPARE(client.bufferedCount(), 0);
    QSignalSpy connectedSpy(&client, &Client::connected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    client.emitEvent(QStringLiteral("connect"));
    client.emitEvent(QStringLiteral("after"));
    QTRY_COMPARE(server.receivedCount(QStringLiteral(R"(42/caps,["after"])")), 1);
    QCOMPARE(server.received().size(), 2);
}

void TestClient::receivesEvents()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy eventSpy(&client, &Client::eventReceived);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    server.send(QStringLiteral(R"(42/caps,["delivered",{"orderID":"7"},2])"));
    QVERIFY(eventSpy.wait());
    QCOMPARE(eventSpy.at(0).at(0).toString(), QStringLiteral("delivered"));
    QCOMPARE(eventSpy.at(0).at(1).toJsonArray(),
             (QJsonArray{QJsonObject{{QStringLiteral("orderID"), QStringLiteral("7")}}, 2}));
    QCOMPARE(eventSpy.at(0).at(2).toLongLong(), -1);
}

void TestClient::ignoresOtherNamespaces()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy eventSpy(&client, &Client::eventReceived);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    // Frames arrive in order: once "mine" is seen, "other" has been handled and dropped.
    server.send(QStringLiteral(R"(42/other,["other"])"));
    server.send(QStringLiteral(R"(42["main"])"));
    server.send(QStringLiteral(R"(42/caps,["mine"])"));
    QVERIFY(eventSpy.wait());
    QCOMPARE(eventSpy.size(), 1);
    QCOMPARE(eventSpy.at(0).at(0).toString(), QStringLiteral("mine"));
    QVERIFY(client.isConnected());
}

void TestClient::answersServerAcks()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    connect(&client, &Client::eventReceived, &client,
            [&client](const QString &event, const QJsonArray &args, qint64 ackId) {
                if (event == QLatin1String("ask"))
                    client.sendAck(ackId, {QStringLiteral("yes"), args.at(0).toInt() + 1});
            });
    QSignalSpy eventSpy(&client, &Client::eventReceived);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    server.send(QStringLiteral(R"(42/caps,7["ask",41])"));
    QVERIFY(eventSpy.wait());
    QCOMPARE(eventSpy.at(0).at(2).toLongLong(), 7);
    QTRY_COMPARE(server.receivedCount(QStringLiteral(R"(43/caps,7["yes",42])")), 1);
}

void TestClient::ackRoundTrip()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    int acks = 0;
    int timeouts = 0;
    QJsonArray answer;
    client.emitWithAck(
        QStringLiteral("echo"), {1},
        [&](const QJsonArray &args) {
            ++acks;
            answer = args;
        },
        5000, [&] { ++timeouts; });
    client.emitWithAck(QStringLiteral("echo"), {2}, [&](const QJsonArray &) { ++acks; });
    QTRY_COMPARE(server.receivedCount(QStringLiteral(R"(42/caps,0["echo",1])")), 1);
    QTRY_COMPARE(server.receivedCount(QStringLiteral(R"(42/caps,1["echo",2])")), 1);
    server.send(QStringLiteral(R"(43/caps,0[2,"x"])"));
    QTRY_COMPARE(acks, 1);
    QCOMPARE(answer, (QJsonArray{2, QStringLiteral("x")}));
    // A second ack for the same id, and one for an id never used, are ignored.
    server.send(QStringLiteral(R"(43/caps,0[3])"));
    server.send(QStringLiteral(R"(43/caps,99[3])"));
    server.send(QStringLiteral(R"(43/caps,1[])"));
    QTRY_COMPARE(acks, 2);
    QCOMPARE(answer, (QJsonArray{2, QStringLiteral("x")}));
    QCOMPARE(timeouts, 0);
    QVERIFY(client.isConnected());
}

void TestClient::ackTimeout()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy eventSpy(&client, &Client::eventReceived);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    int acks = 0;
    int timeouts = 0;
    client.emitWithAck(
        QStringLiteral("slow"), {}, [&](const QJsonArray &) { ++acks; }, 50, [&] { ++timeouts; });
    QTRY_COMPARE(timeouts, 1);
    // Too late: dropped. The event after it shows that the late ack has been handled.
    server.send(QStringLiteral(R"(43/caps,0[1])"));
    server.send(QStringLiteral(R"(42/caps,["barrier"])"));
    QVERIFY(eventSpy.wait());
    QCOMPARE(acks, 0);
    QCOMPARE(timeouts, 1);
}

void TestClient::bufferedEmitTimesOutAndIsDropped()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    int timeouts = 0;
    client.emitWithAck(
        QStringLiteral("late"), {}, [](const QJsonArray &) {}, 30, [&] { ++timeouts; });
    client.emitEvent(QStringLiteral("kept"));
    QCOMPARE(client.bufferedCount(), 2);
    QTRY_COMPARE(timeouts, 1);
    QCOMPARE(client.bufferedCount(), 1);
    QSignalSpy connectedSpy(&client, &Client::connected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    QTRY_COMPARE(server.receivedCount(QStringLiteral(R"(42/caps,["kept"])")), 1);
    QCOMPARE(server.received(), (QStringList{kConnectCaps, QStringLiteral(R"(42/caps,["kept"])")}));
}

void TestClient::buffersUntilConnectedAndFlushesInOrder()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    client.joinRoom(QStringLiteral("1-206-flowers"));
    client.emitEvent(QStringLiteral("a"), {1});
    int acks = 0;
    client.emitWithAck(QStringLiteral("b"), {2}, [&](const QJsonArray &) { ++acks; });
    client.emitEvent(QStringLiteral("c"), {3});
    QCOMPARE(client.bufferedCount(), 3);
    QCOMPARE(client.rooms(), QStringList{QStringLiteral("1-206-flowers")});

    QSignalSpy connectedSpy(&client, &Client::connected);
    // What a connected() slot emits goes after the buffer.
    connect(&client, &Client::connected, &client, [&client] { client.emitEvent(QStringLiteral("d")); });
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    QCOMPARE(client.bufferedCount(), 0);
    const QStringList expected{
        kConnectCaps,
        QStringLiteral(R"(42/caps,["join","1-206-flowers"])"),
        QStringLiteral(R"(42/caps,["a",1])"),
        QStringLiteral(R"(42/caps,0["b",2])"),
        QStringLiteral(R"(42/caps,["c",3])"),
        QStringLiteral(R"(42/caps,["d"])"),
    };
    QTRY_COMPARE(server.received(), expected);
    server.send(QStringLiteral("43/caps,0[]"));
    QTRY_COMPARE(acks, 1);
}

void TestClient::joinWhileConnected()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    client.joinRoom(QStringLiteral("store"));
    client.joinRoom(QStringLiteral("store"));
    client.emitEvent(QStringLiteral("after"));
    QTRY_COMPARE(server.receivedCount(QStringLiteral(R"(42/caps,["after"])")), 1);
    QCOMPARE(server.received(),
             (QStringList{kConnectCaps, QStringLiteral(R"(42/caps,["join","store"])"),
                          QStringLiteral(R"(42/caps,["after"])")}));
    QCOMPARE(client.rooms(), QStringList{QStringLiteral("store")});
}

void TestClient::answersPings()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    server.send(QStringLiteral("2"));
    QTRY_COMPARE(server.receivedCount(QStringLiteral("3")), 1);
    server.send(QStringLiteral("2"));
    QTRY_COMPARE(server.receivedCount(QStringLiteral("3")), 2);
}

void TestClient::pingsKeepConnectionAlive()
{
    FakeServer server;
    server.behaviour().pingInterval = 150;
    server.behaviour().pingTimeout = 150;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy disconnectedSpy(&client, &Client::disconnected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    QTimer pinger;
    connect(&pinger, &QTimer::timeout, &server, [&server] { server.send(QStringLiteral("2")); });
    pinger.start(75);
    // Three times the 300 ms allowance without a loss.
    QVERIFY(!disconnectedSpy.wait(900));
    QVERIFY(client.isConnected());
    QVERIFY(server.receivedCount(QStringLiteral("3")) >= 5);
}

void TestClient::missingPingsMeanLostConnection()
{
    FakeServer server;
    server.behaviour().pingInterval = 100;
    server.behaviour().pingTimeout = 50;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy disconnectedSpy(&client, &Client::disconnected);
    QSignalSpy scheduledSpy(&client, &Client::reconnectScheduled);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    QVERIFY(disconnectedSpy.wait(2000));
    QCOMPARE(disconnectedSpy.at(0).at(0).toString(), QStringLiteral("ping timeout"));
    QCOMPARE(client.errorString(), QStringLiteral("ping timeout"));
    QCOMPARE(scheduledSpy.size(), 1);
    QTRY_COMPARE(connectedSpy.size(), 2);
    QCOMPARE(server.connections(), 2);
}

void TestClient::hugeHeartbeatValues()
{
    FakeServer server;
    server.behaviour().pingInterval = 2147483647;
    server.behaviour().pingTimeout = 2147483647;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy disconnectedSpy(&client, &Client::disconnected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    server.send(QStringLiteral("2"));
    QTRY_COMPARE(server.receivedCount(QStringLiteral("3")), 1);
    QVERIFY(!disconnectedSpy.wait(200));
}

void TestClient::invalidUrlDoesNotCrash()
{
    Client::Options o = fastOptions();
    o.reconnectionAttempts = 1;
    Client client(QUrl(QStringLiteral("http://")), o);
    QSignalSpy failedSpy(&client, &Client::reconnectFailed);
    client.emitEvent(QStringLiteral("kept"));
    client.connectToHub();
    QVERIFY(failedSpy.wait());
    QCOMPARE(client.state(), Client::State::Disconnected);
    QCOMPARE(client.bufferedCount(), 1);
}

void TestClient::malformedInputReconnects_data()
{
    QTest::addColumn<QStringList>("frames");
    QTest::addColumn<QByteArray>("binary");
    QTest::addColumn<bool>("beforeOpen");

    const QByteArray none;
    QTest::addRow("empty frame") << QStringList{QString()} << none << false;
    QTest::addRow("unknown engine type") << QStringList{QStringLiteral("x")} << none << false;
    QTest::addRow("engine type 9") << QStringList{QStringLiteral("9")} << none << false;
    QTest::addRow("base64 on websocket") << QStringList{QStringLiteral("bAQID")} << none << false;
    QTest::addRow("close with data") << QStringList{QStringLiteral("1junk")} << none << false;
    QTest::addRow("second open") << QStringList{QStringLiteral(
        R"(0{"sid":"again","upgrades":[],"pingInterval":1,"pingTimeout":1})")}
                                 << none << false;
    QTest::addRow("empty message") << QStringList{QStringLiteral("4")} << none << false;
    QTest::addRow("unknown socket.io type") << QStringList{QStringLiteral("49")} << none << false;
    QTest::addRow("truncated json") << QStringList{QStringLiteral(R"(42/caps,["pickup",{)")} << none << false;
    QTest::addRow("trailing garbage") << QStringList{QStringLiteral(R"(42/caps,["pickup"]x)")} << none << false;
    QTest::addRow("event not an array") << QStringList{QStringLiteral(R"(42/caps,{"a":1})")} << none << false;
    QTest::addRow("empty event") << QStringList{QStringLiteral("42/caps,[]")} << none << false;
    QTest::addRow("event name an object") << QStringList{QStringLiteral(R"(42/caps,[{}])")} << none << false;
    QTest::addRow("reserved event name") << QStringList{QStringLiteral(R"(42/caps,["disconnect"])")} << none << false;
    QTest::addRow("ack without id") << QStringList{QStringLiteral("43/caps,[1]")} << none << false;
    QTest::addRow("ack not an array") << QStringList{QStringLiteral(R"(43/caps,0{"a":1})")} << none << false;
    QTest::addRow("huge ack id") << QStringList{QStringLiteral("43/caps,99999999999999999999[1]")} << none << false;
    QTest::addRow("nested too deep") << QStringList{QStringLiteral("42/caps,[\"x\",") + QString(100, QLatin1Char('['))
                                                    + QString(100, QLatin1Char(']')) + QLatin1Char(']')}
                                     << none << false;
    QTest::addRow("binary without header") << QStringList{} << QByteArray("\x01\x02", 2) << false;
    QTest::addRow("text while awaiting attachment")
        << QStringList{QStringLiteral(R"(451-/caps,["file",{"_placeholder":true,"num":0}])"),
                       QStringLiteral(R"(42/caps,["x"])")}
        << none << false;
    QTest::addRow("placeholder out of range")
        << QStringList{QStringLiteral(R"(451-/caps,["file",{"_placeholder":true,"num":3}])")} << none << false;
    QTest::addRow("too many attachments") << QStringList{QStringLiteral(R"(45999-/caps,["file"])")} << none << false;
    QTest::addRow("attachment count without dash")
        << QStringList{QStringLiteral(R"(451/caps,["file"])")} << none << false;
    QTest::addRow("message before open") << QStringList{QStringLiteral(R"(42/caps,["x"])")} << none << true;
    QTest::addRow("bad handshake json") << QStringList{QStringLiteral("0{bad")} << none << true;
    QTest::addRow("handshake not an object") << QStringList{QStringLiteral("0[1]")} << none << true;
    QTest::addRow("connect without sid") << QStringList{} << none << true;
}

void TestClient::malformedInputReconnects()
{
    QFETCH(QStringList, frames);
    QFETCH(QByteArray, binary);
    QFETCH(bool, beforeOpen);

    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy disconnectedSpy(&client, &Client::disconnected);
    QSignalSpy scheduledSpy(&client, &Client::reconnectScheduled);
    QSignalSpy eventSpy(&client, &Client::eventReceived);

    if (beforeOpen) {
        // The first connection gets the bad frames instead of a proper handshake; the
        // attempt fails and the next one (a normal server again) succeeds.
        server.behaviour().sendOpen = false;
        const bool connectWithoutSid = frames.isEmpty();
        if (connectWithoutSid)
            server.behaviour().answerConnect = false;
        QSignalSpy peerSpy(&server, &FakeServer::peerConnected);
        QSignalSpy textSpy(&server, &FakeServer::textReceived);
        client.connectToHub();
        QVERIFY(peerSpy.wait());
        server.behaviour().sendOpen = true;
        if (connectWithoutSid) {
            server.send(QStringLiteral(R"(0{"sid":"e","upgrades":[],"pingInterval":25000,"pingTimeout":20000})"));
            QVERIFY(textSpy.wait());
            server.behaviour().answerConnect = true;
            server.send(QStringLiteral("40/caps,{}"));
        }
        for (const QString &frame : std::as_const(frames))
            server.send(frame);
        QVERIFY(scheduledSpy.wait());
        QCOMPARE(client.errorString(), QStringLiteral("parse error"));
        QVERIFY(connectedSpy.wait());
        QCOMPARE(disconnectedSpy.size(), 0);
    } else {
        client.connectToHub();
        QVERIFY(connectedSpy.wait());
        for (const QString &frame : std::as_const(frames))
            server.send(frame);
        if (!binary.isNull())
            server.sendBinary(binary);
        QVERIFY(disconnectedSpy.wait());
        QCOMPARE(disconnectedSpy.at(0).at(0).toString(), QStringLiteral("parse error"));
        QCOMPARE(client.state(), Client::State::Reconnecting);
        QTRY_COMPARE(connectedSpy.size(), 2);
    }
    QCOMPARE(eventSpy.size(), 0);
    QCOMPARE(server.connections(), 2);
    // Still usable afterwards.
    client.emitEvent(QStringLiteral("ok"));
    QTRY_COMPARE(server.receivedCount(QStringLiteral(R"(42/caps,["ok"])")), 1);
}

void TestClient::connectErrorIsNotRetried_data()
{
    QTest::addColumn<QString>("refusal");
    QTest::addColumn<QString>("message");
    QTest::addRow("v5 object") << QStringLiteral(R"({"message":"unauthorized","data":{"code":4}})")
                               << QStringLiteral("unauthorized");
    QTest::addRow("bare string") << QStringLiteral(R"("Invalid namespace")") << QStringLiteral("Invalid namespace");
}

void TestClient::connectErrorIsNotRetried()
{
    QFETCH(QString, refusal);
    QFETCH(QString, message);
    FakeServer server;
    server.behaviour().refuseWith = refusal;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    client.emitEvent(QStringLiteral("kept"));
    QSignalSpy stateSpy(&client, &Client::stateChanged);
    QSignalSpy errorSpy(&client, &Client::connectError);
    QSignalSpy disconnectedSpy(&client, &Client::disconnected);
    QSignalSpy peerSpy(&server, &FakeServer::peerConnected);
    client.connectToHub();
    QVERIFY(errorSpy.wait());
    QCOMPARE(errorSpy.at(0).at(0).toString(), message);
    QCOMPARE(client.state(), Client::State::Disconnected);
    QCOMPARE(client.errorString(), message);
    QCOMPARE(states(stateSpy), (QList<Client::State>{Client::State::Connecting, Client::State::Disconnected}));
    QCOMPARE(disconnectedSpy.size(), 0);
    QCOMPARE(client.bufferedCount(), 1);
    // Reconnection would come within 100 ms with these options.
    QCOMPARE(peerSpy.size(), 1);
    QVERIFY(!peerSpy.wait(300));

    // The application may try again; then the buffer goes out.
    server.behaviour().refuseWith.clear();
    QSignalSpy connectedSpy(&client, &Client::connected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    QTRY_COMPARE(server.receivedCount(QStringLiteral(R"(42/caps,["kept"])")), 1);
}

void TestClient::serverDisconnectIsNotRetried()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy disconnectedSpy(&client, &Client::disconnected);
    QSignalSpy peerSpy(&server, &FakeServer::peerConnected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    server.send(QStringLiteral("41/caps,"));
    QVERIFY(disconnectedSpy.wait());
    QCOMPARE(disconnectedSpy.at(0).at(0).toString(), QStringLiteral("io server disconnect"));
    QCOMPARE(client.state(), Client::State::Disconnected);
    QVERIFY(client.id().isEmpty());
    QVERIFY(!peerSpy.wait(300));
    QCOMPARE(server.connections(), 1);
}

void TestClient::engineCloseReconnects()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy disconnectedSpy(&client, &Client::disconnected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    server.send(QStringLiteral("1"));
    QVERIFY(disconnectedSpy.wait());
    QCOMPARE(disconnectedSpy.at(0).at(0).toString(), QStringLiteral("transport close"));
    QTRY_COMPARE(connectedSpy.size(), 2);
    QCOMPARE(client.id(), QStringLiteral("sid-2"));

    // A WebSocket close from the server is a lost connection too.
    server.closePeer();
    QTRY_COMPARE(disconnectedSpy.size(), 2);
    QCOMPARE(disconnectedSpy.at(1).at(0).toString(), QStringLiteral("transport close"));
    QTRY_COMPARE(connectedSpy.size(), 3);
}

void TestClient::binaryEventKeepsPlaceholders()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    QList<QByteArray> seen;
    connect(&client, &Client::eventReceived, &client,
            [&](const QString &, const QJsonArray &, qint64) { seen = client.currentAttachments(); });
    QSignalSpy eventSpy(&client, &Client::eventReceived);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    server.send(
        QStringLiteral(R"(452-/caps,["file",{"_placeholder":true,"num":0},"x",{"b":{"_placeholder":true,"num":1}}])"));
    server.sendBinary(QByteArray("\x00\x01\x02", 3));
    server.sendBinary(QByteArray("second"));
    QVERIFY(eventSpy.wait());
    QCOMPARE(eventSpy.at(0).at(0).toString(), QStringLiteral("file"));
    const QJsonObject placeholder0{{QStringLiteral("_placeholder"), true}, {QStringLiteral("num"), 0}};
    const QJsonObject placeholder1{{QStringLiteral("_placeholder"), true}, {QStringLiteral("num"), 1}};
    QCOMPARE(eventSpy.at(0).at(1).toJsonArray(),
             (QJsonArray{placeholder0, QStringLiteral("x"), QJsonObject{{QStringLiteral("b"), placeholder1}}}));
    QCOMPARE(seen, (QList<QByteArray>{QByteArray("\x00\x01\x02", 3), QByteArray("second")}));
    QVERIFY(client.currentAttachments().isEmpty());

    // A plain event afterwards has none.
    server.send(QStringLiteral(R"(42/caps,["plain"])"));
    QVERIFY(eventSpy.wait());
    QVERIFY(seen.isEmpty());
}

void TestClient::binaryAck()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    QJsonArray answer;
    QList<QByteArray> attachments;
    int acks = 0;
    client.emitWithAck(QStringLiteral("get"), {}, [&](const QJsonArray &args) {
        ++acks;
        answer = args;
        attachments = client.currentAttachments();
    });
    QTRY_COMPARE(server.receivedCount(QStringLiteral(R"(42/caps,0["get"])")), 1);
    server.send(QStringLiteral(R"(461-/caps,0[{"_placeholder":true,"num":0}])"));
    server.sendBinary(QByteArray("blob"));
    QTRY_COMPARE(acks, 1);
    QCOMPARE(answer, (QJsonArray{QJsonObject{{QStringLiteral("_placeholder"), true}, {QStringLiteral("num"), 0}}}));
    QCOMPARE(attachments, QList<QByteArray>{QByteArray("blob")});
}

void TestClient::reconnectsAfterServerRestart()
{
    FakeServer server;
    QVERIFY(server.listen());
    const quint16 port = server.port();
    Client client(server.url(), fastOptions());
    client.joinRoom(QStringLiteral("1-206-flowers"));
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy disconnectedSpy(&client, &Client::disconnected);
    QSignalSpy scheduledSpy(&client, &Client::reconnectScheduled);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    client.emitEvent(QStringLiteral("before"));
    QTRY_COMPARE(server.receivedCount(QStringLiteral(R"(42/caps,["before"])")), 1);

    server.stop();
    QVERIFY(disconnectedSpy.wait());
    QCOMPARE(client.state(), Client::State::Reconnecting);
    QVERIFY(client.id().isEmpty());
    client.emitEvent(QStringLiteral("during"), {1});
    int acks = 0;
    client.emitWithAck(QStringLiteral("during"), {2}, [&](const QJsonArray &) { ++acks; });
    client.emitEvent(QStringLiteral("during"), {3});
    QCOMPARE(client.bufferedCount(), 3);
    // Let a few attempts fail against the closed port first.
    QTRY_VERIFY(scheduledSpy.size() >= 3);
    QVERIFY(client.reconnectIn() >= 0);

    QVERIFY(server.listen(port));
    QVERIFY(connectedSpy.wait(5000));
    QCOMPARE(client.bufferedCount(), 0);
    QCOMPARE(server.connections(), 2);
    const QStringList expected{
        kConnectCaps,
        QStringLiteral(R"(42/caps,["join","1-206-flowers"])"),
        QStringLiteral(R"(42/caps,["before"])"),
        kConnectCaps,
        QStringLiteral(R"(42/caps,["join","1-206-flowers"])"),
        QStringLiteral(R"(42/caps,["during",1])"),
        QStringLiteral(R"(42/caps,0["during",2])"),
        QStringLiteral(R"(42/caps,["during",3])"),
    };
    QTRY_COMPARE(server.received(), expected);
    server.send(QStringLiteral("43/caps,0[]"));
    QTRY_COMPARE(acks, 1);
    // Exactly once: nothing more arrives.
    QSignalSpy textSpy(&server, &FakeServer::textReceived);
    QVERIFY(!textSpy.wait(200));
}

void TestClient::reconnectDelaysFollowBackoff()
{
    // A port nobody listens on: every attempt fails.
    quint16 port = 0;
    {
        FakeServer probe;
        QVERIFY(probe.listen());
        port = probe.port();
    }
    Client::Options o;
    o.reconnectionDelayMs = 10;
    o.reconnectionDelayMaxMs = 60;
    o.randomizationFactor = 0.5;
    QUrl url(QStringLiteral("http://127.0.0.1/caps"));
    url.setPort(port);
    Client client(url, o);
    QSignalSpy scheduledSpy(&client, &Client::reconnectScheduled);
    QList<int> remaining;
    connect(&client, &Client::reconnectScheduled, &client, [&] { remaining.append(client.reconnectIn()); });
    client.connectToHub();
    QTRY_VERIFY(scheduledSpy.size() >= 6);
    QCOMPARE(client.state(), Client::State::Reconnecting);
    for (int i = 0; i < 6; ++i) {
        const int attempt = scheduledSpy.at(i).at(0).toInt();
        const int delay = scheduledSpy.at(i).at(1).toInt();
        QCOMPARE(attempt, i + 1);
        const double base = 10 * std::pow(2.0, i);
        const int low = int(std::min(base * 0.5, 60.0));
        const int high = int(std::min(base * 1.5, 60.0));
        QVERIFY2(
            delay >= low && delay <= high,
            qPrintable(QStringLiteral("attempt %1: %2 not in [%3, %4]").arg(attempt).arg(delay).arg(low).arg(high)));
        QVERIFY2(remaining.at(i) >= 0 && remaining.at(i) <= delay,
                 qPrintable(QStringLiteral("reconnectIn %1, delay %2").arg(remaining.at(i)).arg(delay)));
    }
    client.disconnectFromHub();
    QCOMPARE(client.state(), Client::State::Disconnected);
    QCOMPARE(client.reconnectIn(), -1);
    const qsizetype count = scheduledSpy.size();
    QVERIFY(!scheduledSpy.wait(200));
    QCOMPARE(scheduledSpy.size(), count);
}

void TestClient::reconnectionAttemptsRunOut()
{
    quint16 port = 0;
    {
        FakeServer probe;
        QVERIFY(probe.listen());
        port = probe.port();
    }
    Client::Options o = fastOptions();
    o.reconnectionAttempts = 2;
    QUrl url(QStringLiteral("http://127.0.0.1/caps"));
    url.setPort(port);
    Client client(url, o);
    QSignalSpy scheduledSpy(&client, &Client::reconnectScheduled);
    QSignalSpy failedSpy(&client, &Client::reconnectFailed);
    client.connectToHub();
    QVERIFY(failedSpy.wait());
    QCOMPARE(scheduledSpy.size(), 2);
    QCOMPARE(client.state(), Client::State::Disconnected);
    QVERIFY(!client.errorString().isEmpty());
}

void TestClient::noReconnectionWhenDisabled()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client::Options o = fastOptions();
    o.reconnection = false;
    Client client(server.url(), o);
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy disconnectedSpy(&client, &Client::disconnected);
    QSignalSpy scheduledSpy(&client, &Client::reconnectScheduled);
    QSignalSpy peerSpy(&server, &FakeServer::peerConnected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    server.stop();
    QVERIFY(disconnectedSpy.wait());
    QCOMPARE(client.state(), Client::State::Disconnected);
    QVERIFY(server.listen(server.port()));
    QVERIFY(!peerSpy.wait(300));
    QCOMPARE(peerSpy.size(), 1);
    QCOMPARE(scheduledSpy.size(), 0);
}

void TestClient::connectTimeout()
{
    FakeServer server;
    server.behaviour().sendOpen = false;
    QVERIFY(server.listen());
    Client::Options o = fastOptions();
    o.connectTimeoutMs = 100;
    Client client(server.url(), o);
    QSignalSpy scheduledSpy(&client, &Client::reconnectScheduled);
    client.connectToHub();
    QVERIFY(scheduledSpy.wait());
    QCOMPARE(client.errorString(), QStringLiteral("timeout"));
    QCOMPARE(client.state(), Client::State::Reconnecting);
    server.behaviour().sendOpen = true;
    QSignalSpy connectedSpy(&client, &Client::connected);
    QVERIFY(connectedSpy.wait());
}

void TestClient::disconnectFromHub()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy disconnectedSpy(&client, &Client::disconnected);
    QSignalSpy peerGoneSpy(&server, &FakeServer::peerDisconnected);
    QSignalSpy peerSpy(&server, &FakeServer::peerConnected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    client.emitEvent(QStringLiteral("last"));
    client.disconnectFromHub();
    QCOMPARE(client.state(), Client::State::Disconnected);
    QCOMPARE(disconnectedSpy.size(), 1);
    QCOMPARE(disconnectedSpy.at(0).at(0).toString(), QStringLiteral("io client disconnect"));
    QVERIFY(peerGoneSpy.wait());
    QCOMPARE(server.received(),
             (QStringList{kConnectCaps, QStringLiteral(R"(42/caps,["last"])"), QStringLiteral("41/caps,")}));
    QVERIFY(!peerSpy.wait(200));
    // Emits while disconnected wait for the next connectToHub().
    client.emitEvent(QStringLiteral("later"));
    QCOMPARE(client.bufferedCount(), 1);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    QTRY_COMPARE(server.receivedCount(QStringLiteral(R"(42/caps,["later"])")), 1);
}

void TestClient::disconnectFromHubInsideSlot()
{
    FakeServer server;
    QVERIFY(server.listen());
    Client client(server.url(), fastOptions());
    // A slot that gives up on the first loss: no reconnection may be scheduled behind it.
    connect(&client, &Client::disconnected, &client, [&client] { client.disconnectFromHub(); });
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy scheduledSpy(&client, &Client::reconnectScheduled);
    QSignalSpy disconnectedSpy(&client, &Client::disconnected);
    QSignalSpy peerSpy(&server, &FakeServer::peerConnected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait());
    server.closePeer();
    QVERIFY(disconnectedSpy.wait());
    QCOMPARE(client.state(), Client::State::Disconnected);
    QVERIFY(!peerSpy.wait(300));
    QCOMPARE(scheduledSpy.size(), 0);
    QCOMPARE(disconnectedSpy.size(), 1);
}

void TestClient::destroyedWhileConnected()
{
    FakeServer server;
    QVERIFY(server.listen());
    QSignalSpy peerGoneSpy(&server, &FakeServer::peerDisconnected);
    {
        Client client(server.url(), fastOptions());
        QSignalSpy connectedSpy(&client, &Client::connected);
        client.connectToHub();
        QVERIFY(connectedSpy.wait());
        client.emitWithAck(
            QStringLiteral("never"), {}, [](const QJsonArray &) { QFAIL("ack after destruction"); }, 50,
            [] { QFAIL("timeout after destruction"); });
    }
    QVERIFY(peerGoneSpy.wait());
    // A deleteLater() from the client's own signal is fine too.
    auto *client = new Client(server.url(), fastOptions());
    QSignalSpy destroyedSpy(client, &QObject::destroyed);
    connect(client, &Client::disconnected, client, &QObject::deleteLater);
    QSignalSpy connectedSpy(client, &Client::connected);
    client->connectToHub();
    QVERIFY(connectedSpy.wait());
    server.send(QStringLiteral("x"));
    QVERIFY(destroyedSpy.wait());
    QSignalSpy textSpy(&server, &FakeServer::textReceived);
    QVERIFY(!textSpy.wait(100));
}

QTEST_GUILESS_MAIN(TestClient)
#include "tst_client.moc"
