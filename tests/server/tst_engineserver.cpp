// The Engine.IO v4 server: both transports on one port, the 400 rules, upgrade, heartbeat,
// and hostile input that must only ever cost the sender its own session.

#include "server/engineserver.h"
#include "server/enginesession.h"
#include "server/outgoingmessage.h"

#include "testpeers.h"

#include <QJsonArray>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

using namespace testpeers;

class TestEngineServer : public QObject
{
    Q_OBJECT

private:
    // A server whose sessions echo every message back (text as text, binary as binary).
    std::unique_ptr<caps::EngineServer> startServer(const caps::ServerOptions &options = {})
    {
        auto server = std::make_unique<caps::EngineServer>(options);
        connect(server.get(), &caps::EngineServer::connection, this, [this](caps::EngineSession *session) {
            m_sessions.append(session);
            connect(session, &caps::EngineSession::messageReceived, session,
                    [session](const QByteArray &data, bool binary) {
                        caps::OutgoingMessage m;
                        if (binary) {
                            // An attachment-only message has no text part: send just the binary frame.
                            m.attachments = {data};
                        } else {
                            m.text = '4' + data;
                            m.webSocketText = QString::fromUtf8(m.text);
                        }
                        session->send(m);
                    });
            connect(session, &caps::EngineSession::closed, this,
                    [this](const QString &reason) { m_closeReasons.append(reason); });
        });
        if (!server->listen(QHostAddress::LocalHost, 0))
            return nullptr;
        return server;
    }

    QString handshake(quint16 port)
    {
        const HttpResult r = get(m_nam, engineUrl(port, QStringLiteral("EIO=4&transport=polling")));
        return r.status == 200 ? sidOf(r.body) : QString();
    }

    // A long-polling GET that the server holds, as nothing is waiting to be sent.
    QNetworkReply *heldGet(const QUrl &url)
    {
        QNetworkReply *pending = startGet(m_nam, url);
        return QTest::qWaitFor([pending] { return pending->isFinished(); }, 100) ? nullptr : pending;
    }

    QUrl pollUrl(quint16 port, const QString &sid)
    {
        return engineUrl(port, QStringLiteral("EIO=4&transport=polling&sid=") + sid);
    }

    // A complete RFC 6455 upgrade request for a new WebSocket session (or for session `sid`),
    // with extra header lines.
    static QByteArray upgradeHead(quint16 port, const QByteArray &extraHeaders = {}, const QString &sid = {})
    {
        const QByteArray sidQuery = sid.isEmpty() ? QByteArray() : "&sid=" + sid.toLatin1();
        return "GET /socket.io/?EIO=4&transport=websocket" + sidQuery
            + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              "Sec-WebSocket-Version: 13\r\n"
            + extraHeaders + "\r\n";
    }

    // The send-stall tests' limits: 64 KiB behind, 300 ms to take as much.
    static caps::ServerOptions stallOptions()
    {
        caps::ServerOptions options;
        options.maxBufferedBytes = qint64(64) * 1024;
        options.sendStallTimeout = 300;
        return options;
    }

    // A 10,001-byte message packet ("4" and 10,000 bytes) for both transports.
    static caps::OutgoingMessage textChunk()
    {
        caps::OutgoingMessage chunk;
        chunk.text = '4' + QByteArray(10000, 'p');
        chunk.webSocketText = QString::fromLatin1(chunk.text);
        return chunk;
    }

    // This process's descriptor for the far end of `client`'s loopback connection.
    static int peerDescriptor(const QTcpSocket &client)
    {
        for (int fd = 3; fd < 4096; ++fd) {
            sockaddr_in local{};
            sockaddr_in peer{};
            socklen_t localSize = sizeof local;
            socklen_t peerSize = sizeof peer;
            if (::getsockname(fd, reinterpret_cast<sockaddr *>(&local), &localSize) == 0
                && ::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &peerSize) == 0 && local.sin_family == AF_INET
                && ntohs(local.sin_port) == client.peerPort() && ntohs(peer.sin_port) == client.localPort())
                return fd;
        }
        return -1;
    }

    QNetworkAccessManager m_nam;
    QList<QPointer<caps::EngineSession>> m_sessions;
    QStringList m_closeReasons;

private slots:
    void init()
    {
        m_sessions.clear();
        m_closeReasons.clear();
    }

    void pollingHandshake()
    {
        caps::ServerOptions options;
        options.pingInterval = 3000;
        options.pingTimeout = 4000;
        options.maxPayload = 5000;
        auto server = startServer(options);
        QVERIFY(server);
        const HttpResult r
            = get(m_nam, engineUrl(server->serverPort(), QStringLiteral("EIO=4&transport=polling&t=abc")));
        QCOMPARE(r.status, 200);
        QVERIFY(r.contentType.startsWith("text/plain"));
        QCOMPARE(r.allowOrigin, QByteArray("*"));
        QVERIFY2(r.body.startsWith('0'), r.body.constData());
        const QJsonObject open = QJsonDocument::fromJson(r.body.mid(1)).object();
        QCOMPARE(open.value("sid").toString().size(), 20);
        QCOMPARE(open.value("upgrades").toArray(), QJsonArray{"websocket"});
        QCOMPARE(open.value("pingInterval").toInt(), 3000);
        QCOMPARE(open.value("pingTimeout").toInt(), 4000);
        QCOMPARE(open.value("maxPayload").toInt(), 5000);
        QCOMPARE(server->sessionCount(), 1);
    }

    void pollingPostAndGet()
    {
        auto server = startServer();
        QVERIFY(server);
        const QString sid = handshake(server->serverPort());
        QVERIFY(!sid.isEmpty());
        const HttpResult posted = post(m_nam, pollUrl(server->serverPort(), sid),
                                       "4hello\x1e"
                                       "4world\x1e"
                                       "bAQID");
        QCOMPARE(posted.status, 200);
        QCOMPARE(posted.body, QByteArray("ok"));
        const HttpResult polled = get(m_nam, pollUrl(server->serverPort(), sid));
        QCOMPARE(polled.status, 200);
        QCOMPARE(polled.body,
                 QByteArray("4hello\x1e"
                            "4world\x1e"
                            "bAQID"));

        // A GET that waits is answered as soon as something is sent.
        QNetworkReply *pending = startGet(m_nam, pollUrl(server->serverPort(), sid));
        QVERIFY(!QTest::qWaitFor([pending] { return pending->isFinished(); }, 200));
        QCOMPARE(post(m_nam, pollUrl(server->serverPort(), sid), "4later").body, QByteArray("ok"));
        QCOMPARE(finish(pending).body, QByteArray("4later"));
    }

    void badRequests_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("code");
        QTest::addRow("no EIO") << QByteArray("GET") << "transport=polling" << 5;
        QTest::addRow("EIO=3") << QByteArray("GET") << "EIO=3&transport=polling" << 5;
        QTest::addRow("EIO=x") << QByteArray("GET") << "EIO=x&transport=polling" << 5;
        QTest::addRow("no transport") << QByteArray("GET") << "EIO=4" << 0;
        QTest::addRow("unknown transport") << QByteArray("GET") << "EIO=4&transport=flashsocket" << 0;
        QTest::addRow("unknown sid GET") << QByteArray("GET") << "EIO=4&transport=polling&sid=nope" << 1;
        QTest::addRow("unknown sid POST") << QByteArray("POST") << "EIO=4&transport=polling&sid=nope" << 1;
        QTest::addRow("POST without sid") << QByteArray("POST") << "EIO=4&transport=polling" << 2;
        QTest::addRow("PUT without sid") << QByteArray("PUT") << "EIO=4&transport=polling" << 2;
        QTest::addRow("websocket without upgrade") << QByteArray("GET") << "EIO=4&transport=websocket" << 3;
    }

    void badRequests()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, query);
        QFETCH(int, code);
        auto server = startServer();
        QVERIFY(server);
        const QUrl url = engineUrl(server->serverPort(), query);
        HttpResult r;
        if (method == "GET")
            r = get(m_nam, url);
        else if (method == "POST")
            r = post(m_nam, url, "4x");
        else
            r = put(m_nam, url, "4x");
        QCOMPARE(r.status, 400);
        const QJsonObject error = QJsonDocument::fromJson(r.body).object();
        QCOMPARE(error.value("code").toInt(-1), code);
        QVERIFY(!error.value("message").toString().isEmpty());
        QCOMPARE(server->sessionCount(), 0);
    }

    void putWithSidAndWrongPath()
    {
        auto server = startServer();
        QVERIFY(server);
        const QString sid = handshake(server->serverPort());
        QCOMPARE(put(m_nam, pollUrl(server->serverPort(), sid), "4x").status, 400);
        const HttpResult other
            = get(m_nam, QUrl(QStringLiteral("http://127.0.0.1:%1/elsewhere").arg(server->serverPort())));
        QCOMPARE(other.status, 404);
    }

    void secondConcurrentGetClosesSession()
    {
        auto server = startServer();
        QVERIFY(server);
        const quint16 port = server->serverPort();
        const QString sid = handshake(port);
        QNetworkReply *first = startGet(m_nam, pollUrl(port, sid));
        QVERIFY(!QTest::qWaitFor([first] { return first->isFinished(); }, 200));
        const HttpResult second = get(m_nam, pollUrl(port, sid));
        QCOMPARE(second.status, 400);
        QCOMPARE(QJsonDocument::fromJson(second.body).object().value("code").toInt(), 3);
        const HttpResult firstResult = finish(first);
        QCOMPARE(firstResult.status, 200);
        QCOMPARE(firstResult.body, QByteArray("1"));
        QCOMPARE(m_closeReasons, QStringList{"transport error"});
        QCOMPARE(server->sessionCount(), 0);
        QCOMPARE(get(m_nam, pollUrl(port, sid)).status, 400);
    }

    void keepAliveServesSeveralRequests()
    {
        auto server = startServer();
        QVERIFY(server);
        const QByteArray request = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n";
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server->serverPort());
        QVERIFY(socket.waitForConnected(3000));
        socket.write(request + request); // pipelined
        QByteArray received;
        QVERIFY(QTest::qWaitFor(
            [&] {
                received += socket.readAll();
                return received.count("HTTP/1.1 200 OK") == 2;
            },
            3000));
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
        QCOMPARE(server->sessionCount(), 2);
    }

    void directWebSocket()
    {
        auto server = startServer();
        QVERIFY(server);
        WsPeer peer;
        QVERIFY(peer.open(server->serverPort()));
        const QJsonObject open = QJsonDocument::fromJson(peer.openPacket.mid(1).toUtf8()).object();
        QCOMPARE(open.value("upgrades").toArray(), QJsonArray{});
        QCOMPARE(open.value("pingInterval").toInt(), 25000);
        peer.send("4hello");
        QCOMPARE(peer.next(), QString("4hello"));
        peer.sendBinary(QByteArray("\x00\x01\xff", 3));
        QCOMPARE(peer.nextBinary(), QByteArray("\x00\x01\xff", 3));
        QCOMPARE(server->session(peer.sid)->transport(), caps::EngineSession::Transport::WebSocket);
        // Polling requests for a WebSocket session are refused.
        QCOMPARE(get(m_nam, pollUrl(server->serverPort(), peer.sid)).status, 400);
    }

    // Prebuilt frames go straight to the socket at the end of the pass; what the kernel does not
    // take then, and everything behind it, goes through Qt's write buffer. Several megabytes in
    // one pass, with a message that has no prebuilt frame (QWebSocket's own path) in the middle:
    // every message arrives, whole and in order.
    void framesKeepTheirOrderPastAFullSocket()
    {
        auto server = startServer();
        QVERIFY(server);
        WsPeer peer;
        QVERIFY(peer.open(server->serverPort()));
        caps::EngineSession *session = server->session(peer.sid);
        QVERIFY(session);
        const QByteArray padding(20000, 'x');
        constexpr int kCount = 1500; // 30 MB: more than the kernel takes at once
        QStringList expected;
        for (int i = 0; i < kCount; ++i) {
            const QByteArray data = QByteArray::number(i) + ' ' + padding;
            caps::OutgoingMessage message = caps::OutgoingMessage::engineMessage(data, false);
            QVERIFY(!message.webSocketFrame.isEmpty());
            if (i == kCount / 2)
                message.webSocketFrame.clear(); // this one goes through QWebSocket
            session->send(message);
            expected.append(QLatin1Char('4') + QString::fromLatin1(data));
        }
        QTRY_COMPARE_WITH_TIMEOUT(peer.texts.size(), kCount, 20000);
        for (int i = 0; i < kCount; ++i)
            QVERIFY2(peer.texts.at(i) == expected.at(i), qPrintable(QString::number(i)));
        QVERIFY(server->session(peer.sid));
        // A frame queued in a pass whose session closes in the same pass still goes first.
        caps::OutgoingMessage last = caps::OutgoingMessage::engineMessage("last", false);
        session->send(last);
        session->close();
        QVERIFY(peer.waitClosed());
        QCOMPARE(peer.texts.constLast(), QString("4last"));
    }

    void upgradeFromPolling()
    {
        auto server = startServer();
        QVERIFY(server);
        const quint16 port = server->serverPort();
        const QString sid = handshake(port);
        QNetworkReply *pending = heldGet(pollUrl(port, sid));
        QVERIFY(pending);

        WsPeer probe;
        QVERIFY(probe.open(port, sid));
        probe.send("2probe");
        QCOMPARE(probe.next(), QString("3probe"));
        // The waiting GET is released with a noop so that the client can pause polling.
        const HttpResult released = finish(pending);
        QCOMPARE(released.status, 200);
        QCOMPARE(released.body, QByteArray("6"));
        // Until "5" the session still polls; a message sent now arrives on the next GET.
        QCOMPARE(post(m_nam, pollUrl(port, sid), "4before").body, QByteArray("ok"));
        QCOMPARE(get(m_nam, pollUrl(port, sid)).body, QByteArray("4before"));
        QCOMPARE(server->session(sid)->transport(), caps::EngineSession::Transport::Polling);
        // A second probe meanwhile completes its handshake and is closed at once, as in engine.io
        // (secondWebSocketOfASessionIsClosedAfterItsHandshake()).
        WsPeer intruder;
        (void)intruder.open(port, sid);
        QVERIFY(intruder.waitClosed());

        probe.send("5");
        QTRY_COMPARE(server->session(sid)->transport(), caps::EngineSession::Transport::WebSocket);
        probe.send("4after");
        QCOMPARE(probe.next(), QString("4after"));
        QCOMPARE(get(m_nam, pollUrl(port, sid)).status, 400);
        QVERIFY(m_closeReasons.isEmpty());
    }

    // The official suites' "ignores WebSocket connection with same sid after upgrade": the
    // handshake completes (101), then the server closes that WebSocket; the session goes on.
    void secondWebSocketOfASessionIsClosedAfterItsHandshake()
    {
        auto server = startServer();
        QVERIFY(server);
        const quint16 port = server->serverPort();
        const QString sid = handshake(port);
        WsPeer probe;
        QVERIFY(probe.open(port, sid));
        probe.send("2probe");
        QCOMPARE(probe.next(), QString("3probe"));
        probe.send("5");
        QTRY_COMPARE(server->session(sid)->transport(), caps::EngineSession::Transport::WebSocket);

        const QByteArray answer = rawExchange(port, upgradeHead(port, {}, sid));
        QVERIFY2(answer.startsWith("HTTP/1.1 101"), answer.constData());
        // A close frame (opcode 8, FIN set) follows the handshake's answer.
        QVERIFY2(answer.contains("\r\n\r\n\x88"), answer.toHex().constData());
        probe.send("4still");
        QCOMPARE(probe.next(), QString("4still"));
        QVERIFY(m_closeReasons.isEmpty());
    }

    // The official suites' "forcefully closes the session": a close packet POSTed while a GET
    // waits ends that GET with a noop (the client closed; it needs no close packet back).
    void clientCloseEndsTheWaitingGetWithANoop()
    {
        auto server = startServer();
        QVERIFY(server);
        const quint16 port = server->serverPort();
        const QString sid = handshake(port);
        QNetworkReply *pending = heldGet(pollUrl(port, sid));
        QVERIFY(pending);
        QCOMPARE(post(m_nam, pollUrl(port, sid), "1").body, QByteArray("ok"));
        const HttpResult released = finish(pending);
        QCOMPARE(released.status, 200);
        QCOMPARE(released.body, QByteArray("6"));
        QCOMPARE(get(m_nam, pollUrl(port, sid)).status, 400);
        QCOMPARE(m_closeReasons, QStringList{"transport close"});
    }

    // A server-side close still sends the close packet to a waiting GET.
    void serverCloseEndsTheWaitingGetWithAClosePacket()
    {
        auto server = startServer();
        QVERIFY(server);
        const quint16 port = server->serverPort();
        const QString sid = handshake(port);
        QNetworkReply *pending = heldGet(pollUrl(port, sid));
        QVERIFY(pending);
        server->session(sid)->close();
        QCOMPARE(finish(pending).body, QByteArray("1"));
    }

    // Engine.IO 3 is refused by default, with engine.io's "Unsupported protocol version".
    void eio3RefusedUnlessAllowed()
    {
        auto server = startServer();
        QVERIFY(server);
        const HttpResult refused
            = get(m_nam, engineUrl(server->serverPort(), QStringLiteral("EIO=3&transport=polling")));
        QCOMPARE(refused.status, 400);
        QCOMPARE(QJsonDocument::fromJson(refused.body).object().value("code").toInt(), 5);
        QCOMPARE(server->sessionCount(), 0);

        caps::ServerOptions options;
        options.allowEio3 = true;
        auto allowing = startServer(options);
        QVERIFY(allowing);
        const HttpResult open
            = get(m_nam, engineUrl(allowing->serverPort(), QStringLiteral("EIO=3&transport=polling&b64=1")));
        QCOMPARE(open.status, 200);
        // "<length>:0{...}", the length in characters.
        const qsizetype colon = open.body.indexOf(':');
        QVERIFY2(colon > 0, open.body.constData());
        QCOMPARE(open.body.left(colon).toInt(), open.body.size() - colon - 1);
        QVERIFY(!sidOf(open.body.mid(colon + 1)).isEmpty());
        // JSONP polling (j=) is not served.
        QCOMPARE(get(m_nam, engineUrl(allowing->serverPort(), QStringLiteral("EIO=3&transport=polling&j=0"))).status,
                 400);
    }

    // An Engine.IO 3 polling session: length-prefixed payloads, the client's pings answered,
    // binary as base64 (b64=1) or in a binary payload, a waiting GET ended by a close.
    void eio3PollingSession()
    {
        caps::ServerOptions options;
        options.allowEio3 = true;
        auto server = startServer(options);
        QVERIFY(server);
        const quint16 port = server->serverPort();
        for (const bool base64 : {true, false}) {
            const HttpResult open = get(m_nam,
                                        engineUrl(port,
                                                  base64 ? QStringLiteral("EIO=3&transport=polling&b64=1")
                                                         : QStringLiteral("EIO=3&transport=polling")));
            const QString sid = sidOf(open.body.mid(open.body.indexOf(':') + 1));
            QVERIFY(!sid.isEmpty());
            const QUrl url = engineUrl(port, QStringLiteral("EIO=3&transport=polling&sid=") + sid);
            QCOMPARE(post(m_nam, url, "1:2").body, QByteArray("ok"));
            QCOMPARE(get(m_nam, url).body, QByteArray("1:3"));
            QCOMPARE(post(m_nam, url, "6:4h\xc3\xa9llo10:b4AQIDBA==").body, QByteArray("ok"));
            const HttpResult echoed = get(m_nam, url);
            if (base64) {
                QCOMPARE(echoed.body, QByteArray("6:4h\xc3\xa9llo10:b4AQIDBA=="));
                QVERIFY(echoed.contentType.startsWith("text/plain"));
            } else {
                QCOMPARE(echoed.body, QByteArray::fromHex("0007ff3468c3a96c6c6f0105ff0401020304"));
                QCOMPARE(echoed.contentType, QByteArray("application/octet-stream"));
            }
            QNetworkReply *pending = heldGet(url);
            QVERIFY(pending);
            QCOMPARE(post(m_nam, url, "1:1").body, QByteArray("ok"));
            QCOMPARE(finish(pending).body, QByteArray("1:6"));
            QCOMPARE(get(m_nam, url).status, 400);
        }
    }

    // A v3 session whose client stops pinging is closed after pingInterval + pingTimeout.
    void eio3ClientThatStopsPingingIsClosed()
    {
        caps::ServerOptions options;
        options.allowEio3 = true;
        options.pingInterval = 100;
        options.pingTimeout = 100;
        auto server = startServer(options);
        QVERIFY(server);
        const HttpResult open
            = get(m_nam, engineUrl(server->serverPort(), QStringLiteral("EIO=3&transport=polling&b64=1")));
        QVERIFY(!sidOf(open.body.mid(open.body.indexOf(':') + 1)).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(m_closeReasons, QStringList{"ping timeout"}, 3000);
    }

    void upgradeWithUnknownSidIsRefused()
    {
        auto server = startServer();
        QVERIFY(server);
        const QByteArray answer
            = rawExchange(server->serverPort(), upgradeHead(server->serverPort(), {}, QStringLiteral("unknown")));
        QVERIFY2(answer.startsWith("HTTP/1.1 400"), answer.constData());
        QVERIFY(answer.contains("Session ID unknown"));
    }

    void failedProbeKeepsPollingSession()
    {
        caps::ServerOptions options;
        options.upgradeTimeout = 400;
        auto server = startServer(options);
        QVERIFY(server);
        const quint16 port = server->serverPort();
        const QString sid = handshake(port);
        WsPeer probe;
        QVERIFY(probe.open(port, sid));
        // Never sends "2probe": the probe is dropped after upgradeTimeout, the session lives on.
        QVERIFY(probe.waitClosed(3000));
        QCOMPARE(post(m_nam, pollUrl(port, sid), "4still").body, QByteArray("ok"));
        QCOMPARE(get(m_nam, pollUrl(port, sid)).body, QByteArray("4still"));
        // And it may be upgraded again.
        WsPeer second;
        QVERIFY(second.open(port, sid));
        second.send("2probe");
        QCOMPARE(second.next(), QString("3probe"));
        second.send("5");
        QTRY_COMPARE(server->session(sid)->transport(), caps::EngineSession::Transport::WebSocket);
    }

    void heartbeatKeepsAnsweringPeerAlive()
    {
        caps::ServerOptions options;
        options.pingInterval = 100;
        options.pingTimeout = 500; // generous: a loaded machine may answer late
        auto server = startServer(options);
        QVERIFY(server);
        WsPeer peer(true);
        QVERIFY(peer.open(server->serverPort()));
        QVERIFY(!peer.waitClosed(700));
        QVERIFY2(peer.pings >= 3, qPrintable(QString::number(peer.pings)));
        QVERIFY(m_closeReasons.isEmpty());
    }

    void heartbeatTimeoutDespiteTraffic()
    {
        caps::ServerOptions options;
        options.pingInterval = 100;
        options.pingTimeout = 100;
        auto server = startServer(options);
        QVERIFY(server);
        WsPeer peer(false);
        QVERIFY(peer.open(server->serverPort()));
        // Messages are not pongs: the session must still die.
        QTimer chatter;
        connect(&chatter, &QTimer::timeout, &peer, [&peer] { peer.send("4chatter"); });
        chatter.start(20);
        QVERIFY(peer.waitClosed(2000));
        QCOMPARE(peer.pings, 1);
        QCOMPARE(m_closeReasons, QStringList{"ping timeout"});
        QCOMPARE(server->sessionCount(), 0);
    }

    void pollingHeartbeat()
    {
        caps::ServerOptions options;
        options.pingInterval = 100;
        options.pingTimeout = 1000;
        auto server = startServer(options);
        QVERIFY(server);
        const quint16 port = server->serverPort();
        const QString sid = handshake(port);
        QCOMPARE(get(m_nam, pollUrl(port, sid)).body, QByteArray("2"));
        QCOMPARE(post(m_nam, pollUrl(port, sid), "3").body, QByteArray("ok"));
        QCOMPARE(get(m_nam, pollUrl(port, sid)).body, QByteArray("2"));
        // No pong this time: closed, and the next GET finds no session.
        QTRY_COMPARE_WITH_TIMEOUT(m_closeReasons, QStringList{"ping timeout"}, 5000);
        QCOMPARE(get(m_nam, pollUrl(port, sid)).status, 400);
    }

    void serverCloseDeliversCloseAndBuffer()
    {
        auto server = startServer();
        QVERIFY(server);
        const quint16 port = server->serverPort();
        const QString sid = handshake(port);
        QVERIFY(!m_sessions.isEmpty());
        caps::OutgoingMessage bye;
        bye.text = "4bye";
        bye.webSocketText = "4bye";
        m_sessions.constLast()->send(bye);
        m_sessions.constLast()->close();
        QCOMPARE(get(m_nam, pollUrl(port, sid)).body,
                 QByteArray("4bye\x1e"
                            "1"));
        QCOMPARE(m_closeReasons, QStringList{"forced close"});

        WsPeer peer;
        QVERIFY(peer.open(port));
        m_sessions.constLast()->close();
        QVERIFY(peer.waitClosed());
    }

    void clientCloseWhileLongPolling()
    {
        auto server = startServer();
        QVERIFY(server);
        const quint16 port = server->serverPort();
        const QString sid = handshake(port);
        QCOMPARE(post(m_nam, pollUrl(port, sid), "1").body, QByteArray("ok"));
        // With no GET waiting, the session gives one sent beside the close packet a moment to
        // arrive (and get its noop), then closes.
        QTRY_COMPARE(m_closeReasons, QStringList{"transport close"});
        QCOMPARE(server->sessionCount(), 0);
        QCOMPARE(get(m_nam, pollUrl(port, sid)).status, 400);
    }

    void malformedHttpGets400AndOthersContinue_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("status");
        QTest::addRow("garbage") << QByteArray("HELLO\r\n\r\n") << QByteArray("400");
        QTest::addRow("binary junk") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15)
                                     << QByteArray("400");
        QTest::addRow("bad version") << QByteArray("GET / HTTP/9.9\r\n\r\n") << QByteArray("400");
        QTest::addRow("bad header") << QByteArray("GET / HTTP/1.1\r\nno colon here\r\n\r\n") << QByteArray("400");
        QTest::addRow("bad length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n") << QByteArray("400");
        QTest::addRow("huge head") << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(20000, 'a') + "\r\n\r\n")
                                   << QByteArray("431");
        QTest::addRow("huge body") << QByteArray(
            "POST /socket.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nContent-Length: 1000001\r\n\r\n")
                                   << QByteArray("413");
        QTest::addRow("upgrade without key") << QByteArray("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                                                           "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
                                             << QByteArray("400");
        QTest::addRow("upgrade, old version")
            << QByteArray("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                          "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n")
            << QByteArray("400");
        QTest::addRow("chunked") << QByteArray(
            "POST /socket.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                                 << QByteArray("501");
    }

    void malformedHttpGets400AndOthersContinue()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, status);
        auto server = startServer();
        QVERIFY(server);
        WsPeer bystander;
        QVERIFY(bystander.open(server->serverPort()));
        const QByteArray answer = rawExchange(server->serverPort(), request);
        QVERIFY2(answer.startsWith("HTTP/1.1 " + status), answer.left(200).constData());
        bystander.send("4fine");
        QCOMPARE(bystander.next(), QString("4fine"));
        QVERIFY(!handshake(server->serverPort()).isEmpty());
    }

    void silentConnectionIsDropped()
    {
        caps::ServerOptions options;
        options.httpIdleTimeout = 150;
        auto server = startServer(options);
        QVERIFY(server);
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server->serverPort());
        QVERIFY(socket.waitForConnected(3000));
        socket.write("GET /socket.io/?EIO=4"); // never finished
        QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::UnconnectedState; }, 3000));
    }

    void malformedPostClosesOnlyThatSession()
    {
        auto server = startServer();
        QVERIFY(server);
        const quint16 port = server->serverPort();
        const QString good = handshake(port);
        const QString bad = handshake(port);
        const HttpResult r = post(m_nam, pollUrl(port, bad), "9nonsense");
        QCOMPARE(r.status, 400);
        QCOMPARE(m_closeReasons, QStringList{"parse error"});
        QCOMPARE(get(m_nam, pollUrl(port, bad)).status, 400);
        QCOMPARE(post(m_nam, pollUrl(port, good), "4alive").body, QByteArray("ok"));
        QCOMPARE(get(m_nam, pollUrl(port, good)).body, QByteArray("4alive"));
    }

    void malformedFrameClosesOnlyThatSession_data()
    {
        QTest::addColumn<QString>("frame");
        QTest::addRow("unknown type") << "9";
        QTest::addRow("empty") << "";
        QTest::addRow("base64 on websocket") << "bAQID";
        QTest::addRow("noop with data") << "6xyz";
        QTest::addRow("ping from client") << "2";
    }

    void malformedFrameClosesOnlyThatSession()
    {
        QFETCH(QString, frame);
        auto server = startServer();
        QVERIFY(server);
        WsPeer good;
        WsPeer bad;
        QVERIFY(good.open(server->serverPort()));
        QVERIFY(bad.open(server->serverPort()));
        bad.send(frame);
        QVERIFY(bad.waitClosed());
        QCOMPARE(m_closeReasons.size(), 1);
        good.send("4alive");
        QCOMPARE(good.next(), QString("4alive"));
        QCOMPARE(server->sessionCount(), 1);
    }

    void oversizedWebSocketMessageClosesSession()
    {
        caps::ServerOptions options;
        options.maxPayload = 1000;
        auto server = startServer(options);
        QVERIFY(server);
        WsPeer peer;
        QVERIFY(peer.open(server->serverPort()));
        peer.send("4" + QString(5000, 'x'));
        QVERIFY(peer.waitClosed());
        QTRY_COMPARE(server->sessionCount(), 0);
    }

    void closedConnectionsLeaveNothingBehind()
    {
        auto server = startServer();
        QVERIFY(server);
        {
            WsPeer direct;
            QVERIFY(direct.open(server->serverPort()));
            const QString sid = handshake(server->serverPort());
            WsPeer upgraded;
            QVERIFY(upgraded.open(server->serverPort(), sid));
            upgraded.send("2probe");
            QCOMPARE(upgraded.next(), QString("3probe"));
            upgraded.send("5");
            QTRY_COMPARE(server->session(sid)->transport(), caps::EngineSession::Transport::WebSocket);
        }
        QTRY_COMPARE(server->sessionCount(), 0);
        // Sockets handed to QWebSocketServer are parented to the server until the handshake;
        // after it they must live and die with their QWebSocket.
        QTRY_COMPARE(server->findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly).size(), 0);
        QTRY_COMPARE(server->findChildren<caps::EngineSession *>().size(), 0);
    }

    // Connections that come and go give their address's slot back: a client that reconnects
    // often is not locked out by the per-address limit.
    void perAddressLimitCountsOnlyOpenConnections()
    {
        caps::ServerOptions options;
        options.maxConnectionsPerIp = 2;
        auto server = startServer(options);
        QVERIFY(server);
        for (int i = 0; i < 6; ++i) {
            {
                WsPeer peer;
                QVERIFY2(peer.open(server->serverPort()), qPrintable(QString::number(i)));
                peer.send("4ping");
                QCOMPARE(peer.next(), QString("4ping"));
            }
            QTRY_COMPARE(server->sessionCount(), 0);
        }
        // The limit itself still holds while connections stay open.
        WsPeer first;
        WsPeer second;
        QVERIFY(first.open(server->serverPort()));
        QVERIFY(second.open(server->serverPort()));
        WsPeer third;
        QVERIFY(!third.open(server->serverPort()));
    }

    void clientThatDoesNotReadIsDropped()
    {
        const caps::ServerOptions options = stallOptions();
        auto server = startServer(options);
        QVERIFY(server);
        const caps::OutgoingMessage chunk = textChunk();

        // Long-polling, over the limit, but it collects: kept.
        const quint16 port = server->serverPort();
        const QString reader = handshake(port);
        for (int i = 0; i < 10; ++i)
            server->session(reader)->send(chunk);
        QCOMPARE(get(m_nam, pollUrl(port, reader)).body.size(), 10 * 10001 + 9);
        // Long-polling, over the limit, and nobody polls: dropped once the stall timeout passes,
        // even though nothing more is sent.
        const QString stalled = handshake(port);
        for (int i = 0; i < 10; ++i)
            server->session(stalled)->send(chunk);
        QVERIFY(server->session(stalled));
        QTRY_VERIFY(!server->session(stalled));
        QVERIFY(server->session(reader));
        QCOMPARE(m_closeReasons, QStringList{"transport error"});

        // WebSocket: a peer that keeps reading survives a burst far over the limit...
        WsPeer fast;
        QVERIFY(fast.open(port));
        for (int i = 0; i < 200; ++i)
            server->session(fast.sid)->send(chunk);
        QTRY_COMPARE(fast.texts.size(), 200);
        QVERIFY(server->session(fast.sid));
        // ... one that stops reading is dropped: the kernel buffers fill, then Qt's, then it goes.
        WsPeer lazy;
        QVERIFY(lazy.open(port));
        lazy.socket.setReadBufferSize(1);
        QVERIFY(QTest::qWaitFor(
            [&] {
                if (caps::EngineSession *session = server->session(lazy.sid))
                    session->send(chunk);
                return !server->session(lazy.sid);
            },
            20000));
        QCOMPARE(m_closeReasons.constLast(), QString("transport error"));
        QVERIFY(server->session(fast.sid));
    }

    // A peer behind a burst for longer than the stall window, but reading all along, stays:
    // what Qt writes from its own buffer counts as taken (the session watches bytesWritten
    // while the peer is behind). The reader takes 64 KiB every 10 ms, through small kernel
    // buffers, so the 4 MB burst backs up in the hub's Qt buffer for about half a second.
    void peerBehindButReadingStays()
    {
        const caps::ServerOptions options = stallOptions();
        auto server = startServer(options);
        QVERIFY(server);
        QTcpSocket reader;
        reader.connectToHost(QHostAddress::LocalHost, server->serverPort());
        QVERIFY(reader.waitForConnected(3000));
        reader.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 16 * 1024);
        reader.setReadBufferSize(qint64(64) * 1024);
        reader.write(upgradeHead(server->serverPort()));
        QTRY_COMPARE(m_sessions.size(), 1);
        const QPointer<caps::EngineSession> session = m_sessions.constFirst();
        QTRY_VERIFY(reader.peek(12) == "HTTP/1.1 101");
        // The hub's side of the connection gets a small send buffer too: the kernel would
        // otherwise take up to 4 MB of the burst off Qt's buffer at once. (Its QTcpSocket is
        // nobody's child, so it is found by its descriptor.)
        const int hubEnd = peerDescriptor(reader);
        QVERIFY(hubEnd >= 0);
        const int sendBuffer = 32 * 1024;
        QCOMPARE(::setsockopt(hubEnd, SOL_SOCKET, SO_SNDBUF, &sendBuffer, sizeof sendBuffer), 0);
        const caps::OutgoingMessage chunk = textChunk();
        constexpr int kChunks = 400;
        for (int i = 0; i < kChunks; ++i)
            session->send(chunk);
        qint64 received = 0;
        QTimer pace;
        pace.setInterval(10);
        connect(&pace, &QTimer::timeout, &reader, [&] { received += reader.read(qint64(64) * 1024).size(); });
        pace.start();
        // Each text frame: 2 header bytes, a 16-bit length, the packet.
        const qint64 burst = qint64(kChunks) * (4 + chunk.text.size());
        QTRY_VERIFY_WITH_TIMEOUT(received >= burst || !session, 30000);
        QVERIFY2(session, qPrintable(m_closeReasons.join(QLatin1Char(','))));
        QVERIFY(m_closeReasons.isEmpty());
    }

    // Sockets handed to QWebSocketServer::handleConnection() get no handshake timer from Qt, so
    // EngineServer keeps a deadline of its own. Qt 6.4 answers a handed-over head in the next
    // event-loop pass (handleConnection() re-emits readyRead() for bytes already buffered, and
    // HttpConnection hands a head over only once its "\r\n\r\n" is in): a client that sends a
    // complete head and then reads nothing already has its session, which the deadline must not
    // cut, and it does not hold up anyone else.
    void webSocketHandshakeIsNotCutByItsDeadline()
    {
        caps::ServerOptions options;
        options.handshakeTimeout = 200;
        auto server = startServer(options);
        QVERIFY(server);
        QTcpSocket silent;
        QSignalSpy dropped(&silent, &QTcpSocket::disconnected);
        silent.connectToHost(QHostAddress::LocalHost, server->serverPort());
        QVERIFY(silent.waitForConnected(3000));
        silent.write(upgradeHead(server->serverPort()));
        WsPeer normal;
        QVERIFY(normal.open(server->serverPort()));
        QTRY_COMPARE(server->sessionCount(), 2);
        QTRY_VERIFY(silent.peek(12) == "HTTP/1.1 101");
        QVERIFY(!dropped.wait(3 * options.handshakeTimeout));
        QCOMPARE(server->sessionCount(), 2);
        normal.send("4still here");
        QCOMPARE(normal.next(), QString("4still here"));
    }

    // Heads QWebSocketServer would close without a word (it takes at most 100 header lines of
    // 8 KiB, and wants a Host) get an HTTP error from us instead, before the hand-over; none of
    // them waits for the handshake deadline, which is out of reach here.
    void webSocketHeadsQtRefusesAreClosedAtOnce_data()
    {
        QTest::addColumn<QByteArray>("extraHeaders");
        QTest::addColumn<bool>("withoutHost");
        QTest::addColumn<QByteArray>("status");
        QByteArray manyLines;
        for (int i = 0; i < 101; ++i)
            manyLines += "X-" + QByteArray::number(i) + ": y\r\n";
        QTest::addRow("101 header lines") << manyLines << false << QByteArray("HTTP/1.1 431");
        QTest::addRow("header line over 8 KiB") << "X-Long: " + QByteArray(9000, 'a') + "\r\n"
                                                << false << QByteArray("HTTP/1.1 431");
        QTest::addRow("no Host") << QByteArray() << true << QByteArray("HTTP/1.1 400");
    }

    void webSocketHeadsQtRefusesAreClosedAtOnce()
    {
        QFETCH(QByteArray, extraHeaders);
        QFETCH(bool, withoutHost);
        QFETCH(QByteArray, status);
        caps::ServerOptions options;
        options.handshakeTimeout = 120000;
        options.httpIdleTimeout = 120000;
        auto server = startServer(options);
        QVERIFY(server);
        QByteArray head = upgradeHead(server->serverPort(), extraHeaders);
        if (withoutHost)
            head.replace("Host: 127.0.0.1:" + QByteArray::number(server->serverPort()) + "\r\n", "");
        QVERIFY(head.size() < options.maxHeaderSize);
        QTcpSocket refused;
        QSignalSpy dropped(&refused, &QTcpSocket::disconnected);
        refused.connectToHost(QHostAddress::LocalHost, server->serverPort());
        QVERIFY(refused.waitForConnected(3000));
        refused.write(head);
        QVERIFY(dropped.wait(5000) || !dropped.isEmpty());
        QVERIFY2(refused.readAll().startsWith(status), status.constData());
        QCOMPARE(server->sessionCount(), 0);
        QTRY_COMPARE(server->findChildren<QTcpSocket *>().size(), 0);
        WsPeer normal;
        QVERIFY(normal.open(server->serverPort()));
        normal.send("4fine");
        QCOMPARE(normal.next(), QString("4fine"));
    }

    void sessionLimit()
    {
        caps::ServerOptions options;
        options.maxSessions = 1;
        auto server = startServer(options);
        QVERIFY(server);
        QVERIFY(!handshake(server->serverPort()).isEmpty());
        const HttpResult refused
            = get(m_nam, engineUrl(server->serverPort(), QStringLiteral("EIO=4&transport=polling")));
        QCOMPARE(refused.status, 403);
    }
};

QTEST_GUILESS_MAIN(TestEngineServer)
#include "tst_engineserver.moc"
