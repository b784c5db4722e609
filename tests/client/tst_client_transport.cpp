// caps::WebSocketTransport alone, against the scripted server: the Engine.IO session under
// caps::Client (handshake, heartbeat, messages, close reasons), without Socket.IO.
#include "client/websockettransport.h"
#include "fakeserver.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>

using caps::EngineTransport;
using caps::WebSocketTransport;

namespace {

// Opens a transport at `url` and waits for the end of that session: the reason of its one
// closed(), or a description of what went otherwise.
QString onlyCloseReason(const QUrl &url)
{
    WebSocketTransport transport;
    QSignalSpy closed(&transport, &EngineTransport::closed);
    transport.open(url);
    if (!closed.wait())
        return QStringLiteral("(no closed())");
    if (closed.wait(100))
        return QStringLiteral("(closed() twice)");
    return closed.at(0).at(0).toString();
}

// A transport with spies on its signals, and the scripted server it talks to.
struct Session
{
    FakeServer server;
    WebSocketTransport transport;
    QSignalSpy opened{&transport, &EngineTransport::opened};
    QSignalSpy messages{&transport, &EngineTransport::messageReceived};
    QSignalSpy closed{&transport, &EngineTransport::closed};
    QSignalSpy peerConnected{&server, &FakeServer::peerConnected};
    QSignalSpy peerGone{&server, &FakeServer::peerDisconnected};

    // Listens, opens the transport and waits for the server's OPEN (for the connection, when
    // the server is told to send none).
    [[nodiscard]] bool start()
    {
        if (!server.listen())
            return false;
        transport.open(server.url());
        return server.behaviour().sendOpen ? opened.wait() : peerConnected.wait();
    }
};

} // namespace

class TestClientTransport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void endpoint_data();
    void endpoint();
    void opensWithTheHandshake();
    void messagesBothWays();
    void nothingSentBeforeOpen();
    void answersPings();
    void missingPingsCloseIt();
    void closeReasons_data();
    void closeReasons();
    void refusedConnectionClosesOnce();
    void refusedHandshakeIsATransportError();
    void closeAndReopenReportNothing();
};

void TestClientTransport::endpoint_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("expected");
    QTest::addRow("http") << "http://h:1/caps"
                          << "ws://h:1/socket.io/?EIO=4&transport=websocket";
    QTest::addRow("https") << "https://h:1/caps"
                           << "wss://h:1/socket.io/?EIO=4&transport=websocket";
    QTest::addRow("ws") << "ws://h:1/"
                        << "ws://h:1/socket.io/?EIO=4&transport=websocket";
    QTest::addRow("WSS") << "WSS://h:1"
                         << "wss://h:1/socket.io/?EIO=4&transport=websocket";
    QTest::addRow("own query kept") << "http://h:1/caps?token=t#frag"
                                    << "ws://h:1/socket.io/?token=t&EIO=4&transport=websocket";
    QTest::addRow("own EIO replaced") << "http://h:1/?EIO=3&transport=polling&a=b"
                                      << "ws://h:1/socket.io/?a=b&EIO=4&transport=websocket";
}

void TestClientTransport::endpoint()
{
    QFETCH(QString, url);
    QFETCH(QString, expected);
    WebSocketTransport transport;
    QCOMPARE(transport.name(), QStringLiteral("websocket"));
    QCOMPARE(transport.endpoint(QUrl(url)).toString(), expected);
}

void TestClientTransport::opensWithTheHandshake()
{
    Session s;
    s.server.behaviour().pingInterval = 1234;
    s.server.behaviour().pingTimeout = 5678;
    QVERIFY(!s.transport.isOpen());
    QVERIFY(s.start());
    QVERIFY(s.transport.isOpen());
    QCOMPARE(s.transport.handshake().sid, QStringLiteral("eio-1"));
    QCOMPARE(s.transport.handshake().pingInterval, 1234);
    QCOMPARE(s.transport.handshake().pingTimeout, 5678);
    QCOMPARE(s.server.lastRequestUrl().path(), QStringLiteral("/socket.io/"));
    const QUrlQuery query(s.server.lastRequestUrl());
    QCOMPARE(query.queryItemValue(QStringLiteral("EIO")), QStringLiteral("4"));
    QCOMPARE(query.queryItemValue(QStringLiteral("transport")), QStringLiteral("websocket"));
}

void TestClientTransport::messagesBothWays()
{
    Session s;
    QVERIFY(s.start());
    s.server.send(QStringLiteral("4hello"));
    s.server.sendBinary(QByteArray("\x01\x02", 2));
    QTRY_COMPARE(s.messages.count(), 2);
    QCOMPARE(s.messages.at(0).at(0).toByteArray(), QByteArray("hello"));
    QCOMPARE(s.messages.at(0).at(1).toBool(), false);
    QCOMPARE(s.messages.at(1).at(0).toByteArray(), QByteArray("\x01\x02", 2));
    QCOMPARE(s.messages.at(1).at(1).toBool(), true);

    s.transport.sendMessage("42[\"x\"]");
    QTRY_COMPARE(s.server.received(), QStringList{QStringLiteral("442[\"x\"]")});
}

void TestClientTransport::nothingSentBeforeOpen()
{
    Session s;
    s.server.behaviour().sendOpen = false;
    s.transport.sendMessage("early");
    QVERIFY(s.start());
    s.transport.sendMessage("still early");
    QSignalSpy received(&s.server, &FakeServer::textReceived);
    QVERIFY(!received.wait(250));
    QVERIFY(s.server.received().isEmpty());
}

void TestClientTransport::answersPings()
{
    Session s;
    QVERIFY(s.start());
    s.server.send(QStringLiteral("2"));
    s.server.send(QStringLiteral("2probe"));
    QTRY_COMPARE(s.server.received(), (QStringList{QStringLiteral("3"), QStringLiteral("3probe")}));
}

void TestClientTransport::missingPingsCloseIt()
{
    Session s;
    s.server.behaviour().pingInterval = 50;
    s.server.behaviour().pingTimeout = 50;
    QVERIFY(s.start());
    QVERIFY(s.closed.wait());
    QCOMPARE(s.closed.count(), 1);
    QCOMPARE(s.closed.at(0).at(0).toString(), QStringLiteral("ping timeout"));
    QVERIFY(!s.transport.isOpen());
    // The connection is dropped, not left to the server's own timeout.
    QVERIFY(s.peerGone.count() == 1 || s.peerGone.wait());
}

void TestClientTransport::closeReasons_data()
{
    QTest::addColumn<bool>("sendOpen");
    QTest::addColumn<QString>("frame"); // empty: the server closes the WebSocket
    QTest::addColumn<QString>("reason");
    QTest::addRow("close packet") << true << "1"
                                  << "transport close";
    QTest::addRow("WebSocket closed") << true << ""
                                      << "transport close";
    QTest::addRow("not Engine.IO") << true << "x"
                                   << "parse error";
    QTest::addRow("second OPEN") << true << R"(0{"sid":"again","upgrades":[],"pingInterval":25000,"pingTimeout":20000})"
                                 << "parse error";
    QTest::addRow("message before OPEN") << false << "4hello"
                                         << "parse error";
    QTest::addRow("bad handshake") << false << "0{\"sid\":"
                                   << "parse error";
    QTest::addRow("handshake without sid") << false << R"(0{"pingInterval":1})"
                                           << "parse error";
}

void TestClientTransport::closeReasons()
{
    QFETCH(bool, sendOpen);
    QFETCH(QString, frame);
    QFETCH(QString, reason);
    Session s;
    s.server.behaviour().sendOpen = sendOpen;
    QVERIFY(s.start());
    if (frame.isEmpty())
        s.server.closePeer();
    else
        s.server.send(frame);
    QVERIFY(s.closed.wait());
    QCOMPARE(s.closed.at(0).at(0).toString(), reason);
    QVERIFY(!s.transport.isOpen());
    QCOMPARE(s.opened.count(), sendOpen ? 1 : 0);
    QVERIFY(!s.closed.wait(100));
    QCOMPARE(s.closed.count(), 1);
}

void TestClientTransport::refusedConnectionClosesOnce()
{
    FakeServer server;
    QVERIFY(server.listen());
    const QUrl url = server.url();
    server.stop();
    // QWebSocket reports a refused TCP connection as disconnected() before error().
    QCOMPARE(onlyCloseReason(url), QStringLiteral("transport close"));
}

void TestClientTransport::refusedHandshakeIsATransportError()
{
    QTcpServer http;
    QVERIFY(http.listen(QHostAddress::LocalHost, 0));
    connect(&http, &QTcpServer::newConnection, &http, [&http] {
        while (QTcpSocket *socket = http.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, &http, [socket] {
                socket->readAll();
                socket->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            });
        }
    });
    QCOMPARE(onlyCloseReason(QUrl(QStringLiteral("http://127.0.0.1:%1/caps").arg(http.serverPort()))),
             QStringLiteral("transport error"));
}

void TestClientTransport::closeAndReopenReportNothing()
{
    Session s;
    QVERIFY(s.start());
    // A new session drops the current one without a word.
    s.transport.open(s.server.url());
    QVERIFY(s.opened.wait());
    QCOMPARE(s.server.connections(), 2);
    QTRY_COMPARE(s.peerGone.count(), 1);

    // So does close(), and the graceful one still lets the close handshake out.
    s.transport.close(true);
    QVERIFY(!s.transport.isOpen());
    QTRY_COMPARE(s.peerGone.count(), 2);
    QVERIFY(!s.closed.wait(250));
    QCOMPARE(s.closed.count(), 0);
}

QTEST_GUILESS_MAIN(TestClientTransport)
#include "tst_client_transport.moc"
