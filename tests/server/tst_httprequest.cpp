// The HTTP/1.1 request-head parser.

#include "server/httprequest.h"

#include <QtTest>

class TestHttpRequest : public QObject
{
    Q_OBJECT

private slots:
    void parsesEngineRequest()
    {
        const auto r = caps::HttpRequest::parseHead(
            "GET /socket.io/?EIO=4&transport=polling&t=P1a%2Bb&sid=ab-_cd HTTP/1.1\r\n"
            "Host: 127.0.0.1:3000\r\nConnection: keep-alive\r\nContent-Length: 12\r\nX-Empty:\r\n");
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->method, QByteArray("GET"));
        QCOMPARE(r->path, QString("/socket.io/"));
        QCOMPARE(r->queryValue("EIO"), QString("4"));
        QCOMPARE(r->queryValue("transport"), QString("polling"));
        QCOMPARE(r->queryValue("t"), QString("P1a+b"));
        QCOMPARE(r->queryValue("sid"), QString("ab-_cd"));
        QVERIFY(r->hasQueryValue("sid"));
        QVERIFY(!r->hasQueryValue("nope"));
        QCOMPARE(r->header("host"), QByteArray("127.0.0.1:3000"));
        QVERIFY(r->hasHeader("x-empty"));
        QCOMPARE(r->contentLength(), 12);
        QVERIFY(r->keepAlive());
        QVERIFY(!r->isWebSocketUpgrade());
    }

    void keepAlive_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<bool>("keepAlive");
        QTest::addRow("1.1 default") << QByteArray("GET / HTTP/1.1\r\n") << true;
        QTest::addRow("1.1 close") << QByteArray("GET / HTTP/1.1\r\nConnection: Close\r\n") << false;
        QTest::addRow("1.0 default") << QByteArray("GET / HTTP/1.0\r\n") << false;
        QTest::addRow("1.0 keep-alive") << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n") << true;
    }

    void keepAlive()
    {
        QFETCH(QByteArray, head);
        QFETCH(bool, keepAlive);
        const auto r = caps::HttpRequest::parseHead(head);
        QVERIFY(r.ok());
        QCOMPARE(r->keepAlive(), keepAlive);
    }

    void webSocketUpgrade()
    {
        const auto r = caps::HttpRequest::parseHead("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                                                    "Upgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n");
        QVERIFY(r.ok());
        QVERIFY(r->isWebSocketUpgrade());
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addRow("empty") << QByteArray("");
        QTest::addRow("two words") << QByteArray("GET /");
        QTest::addRow("four words") << QByteArray("GET / HTTP/1.1 extra");
        QTest::addRow("not a path") << QByteArray("GET http://x/ HTTP/1.1");
        QTest::addRow("version") << QByteArray("GET / HTTP/2.0");
        QTest::addRow("method with space char") << QByteArray("G(T / HTTP/1.1");
        QTest::addRow("control in target") << QByteArray("GET /a\x01 HTTP/1.1");
        QTest::addRow("header without colon") << QByteArray("GET / HTTP/1.1\r\nHost");
        QTest::addRow("header name with space") << QByteArray("GET / HTTP/1.1\r\nBad Name: x");
        QTest::addRow("negative length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: -1");
        QTest::addRow("text length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: ten");
    }

    void rejects()
    {
        QFETCH(QByteArray, head);
        QVERIFY(!caps::HttpRequest::parseHead(head).ok());
    }
};

QTEST_GUILESS_MAIN(TestHttpRequest)
#include "tst_httprequest.moc"
