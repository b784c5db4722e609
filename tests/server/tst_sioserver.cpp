// The Socket.IO v5 layer: namespaces, auth, rooms and broadcasts, acks both ways, binary
// attachments, disconnects, connect timeout, and malformed packets.

#include "server/clientconnection.h"
#include "server/inmemoryadapter.h"
#include "server/namespace.h"
#include "server/server.h"
#include "server/serversocket.h"

#include "testpeers.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QtTest>

using namespace testpeers;

namespace {

// An adapter shaped as a cluster's: what this hub broadcasts is published (here: kept), the
// joins are seen, and a broadcast "from another hub" is delivered through the in-memory base.
class PublishingAdapter : public caps::InMemoryAdapter
{
public:
    void addAll(caps::ServerSocket *socket, const QStringList &rooms) override
    {
        joined += rooms;
        InMemoryAdapter::addAll(socket, rooms);
    }
    void broadcast(caps::sio::Packet packet, const QList<caps::BroadcastTarget> &targets) override
    {
        published.append({packet, targets});
        InMemoryAdapter::broadcast(std::move(packet), targets);
    }
    void fromAnotherHub(caps::sio::Packet packet, const QList<caps::BroadcastTarget> &targets)
    {
        InMemoryAdapter::broadcast(std::move(packet), targets);
    }

    QStringList joined;
    QList<std::pair<caps::sio::Packet, QList<caps::BroadcastTarget>>> published;
};

} // namespace

class TestSioServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<caps::Server> startServer(const caps::ServerOptions &options = {})
    {
        auto server = std::make_unique<caps::Server>(options);
        if (!server->listen(QHostAddress::LocalHost, 0))
            return nullptr;
        return server;
    }

    // The kept events and sessions of a namespace on the default adapter.
    static caps::RecoveryLog *recoveryOf(caps::Namespace *nsp)
    {
        auto *adapter = qobject_cast<caps::InMemoryAdapter *>(nsp->adapter());
        return adapter ? adapter->recovery() : nullptr;
    }

private slots:
    void connectToMainNamespace()
    {
        auto server = startServer();
        QVERIFY(server);
        QSignalSpy connections(server->of("/"), &caps::Namespace::connection);
        WsPeer peer;
        QVERIFY(peer.open(server->serverPort()));
        const QString answer = peer.connectNamespace("/");
        QVERIFY2(answer.startsWith("40{\"sid\":\""), qPrintable(answer));
        QCOMPARE(connections.size(), 1);
        auto *socket = connections.at(0).at(0).value<caps::ServerSocket *>();
        QCOMPARE(answer, QString("40{\"sid\":\"%1\"}").arg(socket->id()));
        QVERIFY(socket->isIn(socket->id()));
        QCOMPARE(socket->auth(), QJsonObject());
    }

    void unknownNamespace()
    {
        auto server = startServer();
        QVERIFY(server);
        WsPeer peer;
        QVERIFY(peer.open(server->serverPort()));
        QCOMPARE(peer.connectNamespace("/nope"), QString(R"(44/nope,{"message":"Invalid namespace"})"));
        // The connection stays usable for a namespace that exists.
        server->of("/later");
        QVERIFY(peer.connectNamespace("/later").startsWith("40/later,{\"sid\":"));
    }

    void authObjectAndGuard()
    {
        auto server = startServer();
        QVERIFY(server);
        caps::Namespace *nsp = server->of("/secure");
        nsp->setConnectGuard([](const QJsonObject &auth) {
            return auth.value("token") == QLatin1String("good") ? QString() : QStringLiteral("Not authorized");
        });
        QSignalSpy connections(nsp, &caps::Namespace::connection);
        WsPeer peer;
        QVERIFY(peer.open(server->serverPort()));
        QCOMPARE(peer.connectNamespace("/secure", R"({"token":"bad"})"),
                 QString(R"(44/secure,{"message":"Not authorized"})"));
        QVERIFY(peer.connectNamespace("/secure", R"({"token":"good","n":[1,2]})").startsWith("40/secure,"));
        QCOMPARE(connections.size(), 1);
        auto *socket = connections.at(0).at(0).value<caps::ServerSocket *>();
        QCOMPARE(socket->auth(), (QJsonObject{{"token", "good"}, {"n", QJsonArray{1, 2}}}));
    }

    void eventsAndClientAcks()
    {
        auto server = startServer();
        QVERIFY(server);
        caps::Namespace *nsp = server->of("/a");
        QList<caps::ServerEvent> events;
        connect(nsp, &caps::Namespace::connection, this, [&events](caps::ServerSocket *s) {
            connect(s, &caps::ServerSocket::eventReceived, s, [&events](const caps::ServerEvent &e) {
                events.append(e);
                if (e.wantsAck()) {
                    e.ack({QString("got"), e.arg(0)});
                    e.ack({QString("twice")}); // ignored: one answer per callback
                }
            });
        });
        WsPeer peer;
        QVERIFY(peer.open(server->serverPort()));
        QVERIFY(peer.connectNamespace("/a").startsWith("40/a,"));
        peer.send(R"(42/a,["hello",1,{"x":true}])");
        QTRY_COMPARE(events.size(), 1);
        QCOMPARE(events.at(0).name(), QString("hello"));
        QCOMPARE(events.at(0).args(), (QJsonArray{1, QJsonObject{{"x", true}}}));
        QVERIFY(!events.at(0).wantsAck());
        QCOMPARE(events.at(0).packet().rawData, QByteArray(R"(["hello",1,{"x":true}])"));

        peer.send(R"(42/a,17["question","why"])");
        QCOMPARE(peer.next(), QString(R"(43/a,17["got","why"])"));
        QVERIFY(!QTest::qWaitFor([&peer] { return !peer.texts.isEmpty(); }, 200));
        // A packet for a namespace this client has not joined is ignored.
        peer.send(R"(42/b,["elsewhere"])");
        peer.send(R"(42/a,["after"])");
        QTRY_COMPARE(events.size(), 3);
        QCOMPARE(events.at(2).name(), QString("after"));
    }

    void serverEmitWithAck()
    {
        auto server = startServer();
        QVERIFY(server);
        QSignalSpy connections(server->of("/"), &caps::Namespace::connection);
        WsPeer peer;
        QVERIFY(peer.open(server->serverPort()));
        QVERIFY(peer.connectNamespace().startsWith("40"));
        auto *socket = connections.at(0).at(0).value<caps::ServerSocket *>();

        QList<caps::Result<caps::sio::Packet>> replies;
        const auto collect = [&replies](const caps::Result<caps::sio::Packet> &r) { replies.append(r); };
        socket->emitWithAck("q", {1}, collect, 5000);
        QCOMPARE(peer.next(), QString(R"(420["q",1])"));
        peer.send(R"(430[2,"two"])");
        QTRY_COMPARE(replies.size(), 1);
        QVERIFY(replies.at(0).ok());
        QCOMPARE(replies.at(0)->data, QJsonValue(QJsonArray{2, "two"}));

        socket->emitWithAck("q2", {}, collect, 100);
        QCOMPARE(peer.next(), QString(R"(421["q2"])"));
        QTRY_COMPARE(replies.size(), 2);
        QVERIFY(!replies.at(1).ok());
        QCOMPARE(replies.at(1).error(), QString("operation has timed out"));
        // A late ack is ignored.
        peer.send(R"(431[])");
        QVERIFY(!QTest::qWaitFor([&replies] { return replies.size() > 2; }, 150));

        // Pending acks fail when the socket goes.
        socket->emitWithAck("q3", {}, collect);
        QCOMPARE(peer.next(), QString(R"(422["q3"])"));
        peer.send("41");
        QTRY_COMPARE(replies.size(), 3);
        QVERIFY(!replies.at(2).ok());
    }

    void roomsAndBroadcasts()
    {
        auto server = startServer();
        QVERIFY(server);
        caps::Namespace *nsp = server->of("/r");
        QSignalSpy connections(nsp, &caps::Namespace::connection);
        WsPeer a, b, c;
        for (WsPeer *p : {&a, &b, &c}) {
            QVERIFY(p->open(server->serverPort()));
            QVERIFY(p->connectNamespace("/r").startsWith("40/r,"));
        }
        QCOMPARE(connections.size(), 3);
        auto *sa = connections.at(0).at(0).value<caps::ServerSocket *>();
        auto *sb = connections.at(1).at(0).value<caps::ServerSocket *>();
        auto *sc = connections.at(2).at(0).value<caps::ServerSocket *>();
        sa->join("red");
        sb->join("red");
        sb->join("blue");
        sc->join("blue");

        nsp->broadcast({{"red"}, {}, {}}, "to-red", {1});
        QCOMPARE(a.next(), QString(R"(42/r,["to-red",1])"));
        QCOMPARE(b.next(), QString(R"(42/r,["to-red",1])"));

        // b is in both rooms and gets the packet once.
        nsp->broadcast({{"red", "blue"}, {}, {}}, "both");
        QCOMPARE(a.next(), QString(R"(42/r,["both"])"));
        QCOMPARE(b.next(), QString(R"(42/r,["both"])"));
        QCOMPARE(c.next(), QString(R"(42/r,["both"])"));

        nsp->broadcast({{}, {"red"}, {}}, "not-red");
        QCOMPARE(c.next(), QString(R"(42/r,["not-red"])"));

        nsp->broadcast({{}, {}, {sa}}, "all-but-a");
        QCOMPARE(b.next(), QString(R"(42/r,["all-but-a"])"));
        QCOMPARE(c.next(), QString(R"(42/r,["all-but-a"])"));

        nsp->broadcast({{sc->id()}, {}, {}}, "private");
        QCOMPARE(c.next(), QString(R"(42/r,["private"])"));

        sb->leave("red");
        nsp->emitEvent("everyone");
        QCOMPARE(a.next(), QString(R"(42/r,["everyone"])"));
        QCOMPARE(b.next(), QString(R"(42/r,["everyone"])"));
        QCOMPARE(c.next(), QString(R"(42/r,["everyone"])"));
        QCOMPARE(nsp->socketsIn("red"), QSet<caps::ServerSocket *>{sa});

        // Nobody got anything else.
        QVERIFY(!QTest::qWaitFor([&] { return !a.texts.isEmpty() || !b.texts.isEmpty() || !c.texts.isEmpty(); }, 200));

        // A socket that leaves the namespace leaves its rooms.
        a.send("41/r,");
        QTRY_COMPARE(nsp->socketCount(), 2);
        QVERIFY(nsp->socketsIn("red").isEmpty());
    }

    // ServerOptions::adapterFactory: every namespace's rooms and broadcasts go through the
    // adapter it makes, with targets in room names only, and a broadcast handed to it from
    // elsewhere reaches this hub's sockets.
    void adapterSeam()
    {
        caps::ServerOptions options;
        QHash<QString, PublishingAdapter *> adapters;
        options.adapterFactory = [&adapters](const QString &nsp) {
            auto adapter = std::make_unique<PublishingAdapter>();
            adapters.insert(nsp, adapter.get());
            return adapter;
        };
        auto server = startServer(options);
        QVERIFY(server);
        caps::Namespace *nsp = server->of("/r");
        PublishingAdapter *adapter = adapters.value("/r");
        QVERIFY(adapter && adapters.contains("/"));
        QCOMPARE(nsp->adapter(), adapter);
        QSignalSpy connections(nsp, &caps::Namespace::connection);
        WsPeer a, b;
        for (WsPeer *p : {&a, &b}) {
            QVERIFY(p->open(server->serverPort()));
            QVERIFY(p->connectNamespace("/r").startsWith("40/r,"));
        }
        auto *sa = connections.at(0).at(0).value<caps::ServerSocket *>();
        auto *sb = connections.at(1).at(0).value<caps::ServerSocket *>();
        sa->join("red");
        sb->join("red");
        QCOMPARE(adapter->joined, (QStringList{sa->id(), sb->id(), "red", "red"}));

        nsp->broadcast({{"red"}, {}, {sb}}, "local", {1});
        QCOMPARE(a.next(), QString(R"(42/r,["local",1])"));
        QCOMPARE(adapter->published.size(), 1);
        QCOMPARE(adapter->published.at(0).first.nsp, QString("/r"));
        // The spared socket goes as the room of its id: a name every hub understands.
        QCOMPARE(adapter->published.at(0).second, (QList<caps::BroadcastTarget>{{{"red"}, {sb->id()}}}));

        adapter->fromAnotherHub(caps::sio::Packet::event("/r", "remote", {2}), {{{"red"}, {sa->id()}}});
        QCOMPARE(b.next(), QString(R"(42/r,["remote",2])"));
        QCOMPARE(adapter->published.size(), 1);
        QVERIFY(!QTest::qWaitFor([&] { return !a.texts.isEmpty() || !b.texts.isEmpty(); }, 200));
    }

    // With connection state recovery on, only a socket whose CONNECT asks for it gets a pid
    // and offsets; every other one gets events with exactly the arguments emitted (a Python
    // handler `def on_pickup(payload)` raises TypeError on one more), and leaves no session.
    void recoveryOnlyForSocketsThatAskForIt()
    {
        caps::ServerOptions options;
        options.recoveryWindow = 60000;
        auto server = startServer(options);
        QVERIFY(server);
        caps::Namespace *nsp = server->of("/r");
        QSignalSpy connections(nsp, &caps::Namespace::connection);
        WsPeer plain, notTrue, taker;
        for (WsPeer *p : {&plain, &notTrue, &taker})
            QVERIFY(p->open(server->serverPort()));
        // Not a raw string: moc misreads this one.
        const QRegularExpression sidOnly(QStringLiteral("^40/r,\\{\"sid\":\"[^\"]+\"\\}$"));
        QVERIFY2(sidOnly.match(plain.connectNamespace("/r")).hasMatch(), "no auth: no pid");
        QVERIFY2(sidOnly.match(notTrue.connectNamespace("/r", R"({"token":"t","recovery":"yes"})")).hasMatch(),
                 "only recovery: true asks");
        const QString takerAnswer = taker.connectNamespace("/r", R"({"recovery":true})");
        const QJsonObject takerReply = QJsonDocument::fromJson(takerAnswer.mid(5).toUtf8()).object();
        QVERIFY2(takerAnswer.startsWith("40/r,") && !takerReply.value("pid").toString().isEmpty(),
                 qPrintable(takerAnswer));
        QCOMPARE(connections.size(), 3);
        auto *sPlain = connections.at(0).at(0).value<caps::ServerSocket *>();
        auto *sNotTrue = connections.at(1).at(0).value<caps::ServerSocket *>();
        auto *sTaker = connections.at(2).at(0).value<caps::ServerSocket *>();
        QVERIFY(!sPlain->takesOffsets() && !sNotTrue->takesOffsets() && sTaker->takesOffsets());
        for (caps::ServerSocket *s : {sPlain, sNotTrue, sTaker})
            s->join("red");

        // One broadcast, two forms.
        nsp->broadcast({{"red"}, {}, {}}, "to-red", {1});
        QCOMPARE(plain.next(), QString(R"(42/r,["to-red",1])"));
        QCOMPARE(notTrue.next(), QString(R"(42/r,["to-red",1])"));
        QCOMPARE(taker.next(), QString(R"(42/r,["to-red",1,"0"])"));
        // A relayed packet keeps its bytes in both.
        auto relayed = caps::sio::Packet::event("/r", "relayed", {QJsonObject{{"b", 1}, {"a", 2}}});
        relayed.rawData = R"(["relayed",{"b":1,"a":2}])";
        nsp->broadcast(QList<caps::Namespace::Target>{{{"red"}, {}, {}}}, relayed);
        QCOMPARE(plain.next(), QString(R"(42/r,["relayed",{"b":1,"a":2}])"));
        QCOMPARE(notTrue.next(), QString(R"(42/r,["relayed",{"b":1,"a":2}])"));
        QCOMPARE(taker.next(), QString(R"(42/r,["relayed",{"b":1,"a":2},"1"])"));
        QCOMPARE(recoveryOf(nsp)->eventCount(), 2);

        // To one socket.
        sPlain->emitEvent("direct", {2});
        QCOMPARE(plain.next(), QString(R"(42/r,["direct",2])"));
        sTaker->emitEvent("direct", {2});
        QCOMPARE(taker.next(), QString(R"(42/r,["direct",2,"2"])"));
        // Nobody can come back for what only the others got.
        nsp->broadcast({{sNotTrue->id()}, {}, {}}, "private");
        QCOMPARE(notTrue.next(), QString(R"(42/r,["private"])"));
        QCOMPARE(recoveryOf(nsp)->eventCount(), 3);

        // A room left before the drop is not one to come back for.
        sTaker->join("blue");
        sTaker->leave("blue");

        // Dropped, only the taker leaves a session behind, and gets back what it missed: in its
        // rooms, its own id's included, and nothing sent to the room it had left.
        const QString takerId = sTaker->id();
        plain.socket.close();
        QTRY_COMPARE(nsp->socketCount(), 2);
        QCOMPARE(recoveryOf(nsp)->sessionCount(), 0);
        taker.socket.close();
        QTRY_COMPARE(nsp->socketCount(), 1);
        QCOMPARE(recoveryOf(nsp)->sessionCount(), 1);
        nsp->broadcast({{"red"}, {}, {}}, "missed", {3});
        QCOMPARE(notTrue.next(), QString(R"(42/r,["missed",3])"));
        nsp->broadcast({{"blue"}, {}, {}}, "left", {4});
        nsp->broadcast({{takerId}, {}, {}}, "to-its-id", {5});
        WsPeer back;
        QVERIFY(back.open(server->serverPort()));
        // socket.io-client sends the pid it was given and the last offset it handled.
        const QString backAnswer = back.connectNamespace(
            "/r", QStringLiteral(R"({"pid":"%1","offset":"2"})").arg(takerReply.value("pid").toString()).toUtf8());
        QCOMPARE(QJsonDocument::fromJson(backAnswer.mid(5).toUtf8()).object(),
                 (QJsonObject{{"sid", takerId}, {"pid", takerReply.value("pid")}}));
        QCOMPARE(back.next(), QString(R"(42/r,["missed",3,"3"])"));
        QCOMPARE(back.next(), QString(R"(42/r,["to-its-id",5,"5"])"));
        QVERIFY(!QTest::qWaitFor([&] { return !back.texts.isEmpty() || !notTrue.texts.isEmpty(); }, 200));
    }

    void binaryAttachments()
    {
        auto server = startServer();
        QVERIFY(server);
        QList<caps::ServerEvent> events;
        connect(server->of("/"), &caps::Namespace::connection, this, [&events](caps::ServerSocket *s) {
            connect(s, &caps::ServerSocket::eventReceived, s, [&events, s](const caps::ServerEvent &e) {
                events.append(e);
                s->emitEvent("echo", e.args(), e.attachments());
                e.ack({caps::sio::placeholder(0)}, {QByteArray("ack-bytes")});
            });
        });
        WsPeer peer;
        QVERIFY(peer.open(server->serverPort()));
        QVERIFY(peer.connectNamespace().startsWith("40"));
        peer.send(R"(452-3["file",{"_placeholder":true,"num":0},{"n":{"_placeholder":true,"num":1}}])");
        peer.sendBinary(QByteArray("\x00\x01", 2));
        QVERIFY(!QTest::qWaitFor([&events] { return !events.isEmpty(); }, 100));
        peer.sendBinary("second");
        QTRY_COMPARE(events.size(), 1);
        QCOMPARE(events.at(0).attachments(), (QList<QByteArray>{QByteArray("\x00\x01", 2), "second"}));
        QCOMPARE(peer.next(),
                 QString(R"(452-["echo",{"_placeholder":true,"num":0},{"n":{"_placeholder":true,"num":1}}])"));
        QCOMPARE(peer.nextBinary(), QByteArray("\x00\x01", 2));
        QCOMPARE(peer.nextBinary(), QByteArray("second"));
        QCOMPARE(peer.next(), QString(R"(461-3[{"_placeholder":true,"num":0}])"));
        QCOMPARE(peer.nextBinary(), QByteArray("ack-bytes"));
    }

    void binaryOverPolling()
    {
        auto server = startServer();
        QVERIFY(server);
        connect(server->of("/"), &caps::Namespace::connection, this, [](caps::ServerSocket *s) {
            connect(s, &caps::ServerSocket::eventReceived, s,
                    [s](const caps::ServerEvent &e) { s->emitEvent("echo", e.args(), e.attachments()); });
        });
        QNetworkAccessManager nam;
        const quint16 port = server->serverPort();
        const QString sid = sidOf(get(nam, engineUrl(port, "EIO=4&transport=polling")).body);
        const QUrl url = engineUrl(port, "EIO=4&transport=polling&sid=" + sid);
        QCOMPARE(post(nam, url, "40").body, QByteArray("ok"));
        QVERIFY(get(nam, url).body.startsWith("40{\"sid\":"));
        QCOMPARE(post(nam, url,
                      "451-[\"b\",{\"_placeholder\":true,\"num\":0}]\x1e"
                      "bAQID")
                     .body,
                 QByteArray("ok"));
        QCOMPARE(get(nam, url).body,
                 QByteArray("451-[\"echo\",{\"_placeholder\":true,\"num\":0}]\x1e"
                            "bAQID"));
    }

    void disconnects()
    {
        auto server = startServer();
        QVERIFY(server);
        QStringList reasons;
        QList<QPointer<caps::ServerSocket>> sockets;
        connect(server->of("/"), &caps::Namespace::connection, this, [&](caps::ServerSocket *s) {
            sockets.append(s);
            connect(s, &caps::ServerSocket::disconnected, this, [&reasons](const QString &r) { reasons.append(r); });
        });
        WsPeer client, transport, serverSide, serverClose;
        for (WsPeer *p : {&client, &transport, &serverSide, &serverClose}) {
            QVERIFY(p->open(server->serverPort()));
            QVERIFY(p->connectNamespace().startsWith("40"));
        }
        QCOMPARE(sockets.size(), 4);

        client.send("41");
        QTRY_COMPARE(reasons, QStringList{"client namespace disconnect"});
        QVERIFY(!client.closed); // the Engine.IO connection stays

        transport.socket.close();
        QTRY_COMPARE(reasons.size(), 2);
        QCOMPARE(reasons.at(1), QString("transport close"));

        sockets.at(2)->disconnectSocket();
        QCOMPARE(serverSide.next(), QString("41"));
        QCOMPARE(reasons.at(2), QString("server namespace disconnect"));
        QVERIFY(!serverSide.waitClosed(150));

        sockets.at(3)->disconnectSocket(true);
        QCOMPARE(serverClose.next(), QString("41"));
        QVERIFY(serverClose.waitClosed());
        QTRY_COMPARE(server->connectionCount(), 2);
        QTRY_VERIFY(sockets.at(0).isNull());
        QCOMPARE(server->of("/")->socketCount(), 0);
    }

    void connectTimeout()
    {
        caps::ServerOptions options;
        options.connectTimeout = 500;
        auto server = startServer(options);
        QVERIFY(server);
        WsPeer idle, joined;
        QVERIFY(idle.open(server->serverPort()));
        QVERIFY(joined.open(server->serverPort()));
        QVERIFY(joined.connectNamespace().startsWith("40"));
        QVERIFY(idle.waitClosed(3000));
        QVERIFY(!joined.waitClosed(300));
    }

    void malformedPacketsCloseOnlyThatConnection_data()
    {
        QTest::addColumn<QStringList>("frames");
        QTest::addRow("bad type") << QStringList{"4z"};
        QTest::addRow("bad json") << QStringList{R"(42["a",)"};
        QTest::addRow("reserved name") << QStringList{R"(42["disconnect"])"};
        QTest::addRow("ack without id") << QStringList{"43[]"};
        QTest::addRow("bad placeholder") << QStringList{R"(451-["a",{"_placeholder":true,"num":5}])"};
        QTest::addRow("too many attachments") << QStringList{R"(4599-["a"])"};
        QTest::addRow("text while awaiting binary")
            << QStringList{R"(451-["a",{"_placeholder":true,"num":0}])", R"(42["b"])"};
        QTest::addRow("deep nesting") << QStringList{"42[\"a\"," + QString(100, '[') + QString(100, ']') + "]"};
    }

    void malformedPacketsCloseOnlyThatConnection()
    {
        QFETCH(QStringList, frames);
        auto server = startServer();
        QVERIFY(server);
        connect(server->of("/"), &caps::Namespace::connection, this, [](caps::ServerSocket *s) {
            connect(s, &caps::ServerSocket::eventReceived, s,
                    [s](const caps::ServerEvent &e) { s->emitEvent("echo", e.args()); });
        });
        WsPeer good, bad;
        for (WsPeer *p : {&good, &bad}) {
            QVERIFY(p->open(server->serverPort()));
            QVERIFY(p->connectNamespace().startsWith("40"));
        }
        for (const QString &f : frames)
            bad.send(f);
        QVERIFY(bad.waitClosed());
        good.send(R"(42["x",1])");
        QCOMPARE(good.next(), QString(R"(42["echo",1])"));
        QTRY_COMPARE(server->connectionCount(), 1);
    }

    // Random frames made of protocol fragments (fixed seed, so a failure reproduces): the
    // server must survive them all and go on serving a well-behaved client.
    void randomFramesNeverCrash()
    {
        auto server = startServer();
        QVERIFY(server);
        server->of("/caps");
        connect(server->of("/caps"), &caps::Namespace::connection, this, [](caps::ServerSocket *s) {
            connect(s, &caps::ServerSocket::eventReceived, s, [s](const caps::ServerEvent &e) {
                s->emitEvent("echo", e.args(), e.attachments());
                e.ack(e.args(), e.attachments());
            });
        });
        const QStringList fragments{"0",
                                    "1",
                                    "2",
                                    "3",
                                    "4",
                                    "5",
                                    "6",
                                    "b",
                                    "40",
                                    "41",
                                    "42",
                                    "43",
                                    "45",
                                    "46",
                                    "/caps,",
                                    "/",
                                    ",",
                                    "[",
                                    "]",
                                    "{",
                                    "}",
                                    "\"",
                                    "\"_placeholder\"",
                                    "true",
                                    "\"num\"",
                                    ":",
                                    "1",
                                    "-",
                                    "99999999999999999",
                                    "\"a\"",
                                    "\u001e",
                                    "\u00e9",
                                    "\\",
                                    "null",
                                    "1e999",
                                    "[[[[[[[["};
        QRandomGenerator random(20261126);
        QNetworkAccessManager nam;
        for (int round = 0; round < 30; ++round) {
            WsPeer peer;
            QVERIFY(peer.open(server->serverPort()));
            if (random.bounded(2))
                peer.connectNamespace("/caps");
            const int frames = 1 + random.bounded(8);
            for (int f = 0; f < frames; ++f) {
                if (random.bounded(5) == 0) {
                    QByteArray bytes(random.bounded(16), Qt::Uninitialized);
                    for (char &c : bytes)
                        c = char(random.bounded(256));
                    peer.sendBinary(bytes);
                    continue;
                }
                QString frame;
                const int parts = 1 + random.bounded(12);
                for (int i = 0; i < parts; ++i)
                    frame += fragments.at(random.bounded(fragments.size()));
                peer.send(frame);
            }
            // The same junk as a long-polling POST body.
            const QString sid = sidOf(get(nam, engineUrl(server->serverPort(), "EIO=4&transport=polling")).body);
            QByteArray body;
            for (int i = 0, n = 1 + random.bounded(10); i < n; ++i)
                body += fragments.at(random.bounded(fragments.size())).toUtf8();
            const int status
                = post(nam, engineUrl(server->serverPort(), "EIO=4&transport=polling&sid=" + sid), body).status;
            QVERIFY(status == 200 || status == 400);
        }
        WsPeer good;
        QVERIFY(good.open(server->serverPort()));
        QVERIFY(good.connectNamespace("/caps").startsWith("40/caps,"));
        good.send(R"(42/caps,["still",1])");
        QCOMPARE(good.next(), QString(R"(42/caps,["echo",1])"));
    }

    void binaryFrameWithoutHeaderClosesConnection()
    {
        auto server = startServer();
        QVERIFY(server);
        WsPeer bad;
        QVERIFY(bad.open(server->serverPort()));
        QVERIFY(bad.connectNamespace().startsWith("40"));
        bad.sendBinary("stray");
        QVERIFY(bad.waitClosed());
    }
};

QTEST_GUILESS_MAIN(TestSioServer)
#include "tst_sioserver.moc"
