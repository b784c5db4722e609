// What caps-hub serves to browsers (HubSite on StaticSite): the embedded files with their types
// and security headers, nothing else whatever path is asked for, and which pages may connect
// (CorsPolicy: same-origin by default, --cors-origin, preflights as engine.io answers them).

#include "catalogue/eventcatalogue.h"
#include "hub/hubsite.h"
#include "server/corspolicy.h"
#include "server/engineserver.h"
#include "server/server.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using namespace caps;

namespace {

struct RawReply
{
    int status = 0;
    QHash<QByteArray, QByteArray> headers; // names lower-cased
    QByteArray body;
};

// One request written as is (no client library normalises its path), answered before the
// server closes the connection.
RawReply rawRequest(quint16 port, const QByteArray &method, const QByteArray &target,
                    const QList<QByteArray> &extraHeaders = {})
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {};
    QByteArray request = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
        + "\r\nConnection: close\r\n";
    for (const QByteArray &h : extraHeaders)
        request += h + "\r\n";
    socket.write(request + "\r\n");
    QByteArray all;
    (void)QTest::qWaitFor(
        [&] {
            all += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        5000);
    all += socket.readAll();
    RawReply reply;
    const qsizetype end = all.indexOf("\r\n\r\n");
    if (end < 0)
        return reply;
    const QList<QByteArray> lines = all.left(end).split('\n');
    reply.status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            reply.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
    }
    reply.body = all.mid(end + 4);
    return reply;
}

} // namespace

class TestHubSite : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_site = std::make_unique<HubSite>(EventCatalogue::standard(), HubSite::Options{.adminUi = true});
        ServerOptions sameOrigin;
        sameOrigin.corsOrigins = {}; // caps-hub's default
        startServer(sameOrigin);
    }
    void cleanup()
    {
        m_server.reset();
        m_site.reset();
    }

    void servesEmbeddedFiles_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<QByteArray>("contains");
        QTest::addRow("form") << QByteArray("/") << QByteArray("text/html; charset=utf-8")
                              << QByteArray("action=\"/track\"");
        QTest::addRow("tracking page, query ignored")
            << QByteArray("/track?customer=Ada%20Lovelace") << QByteArray("text/html; charset=utf-8")
            << QByteArray("/socket.io/socket.io.min.js");
        QTest::addRow("script") << QByteArray("/track.js") << QByteArray("text/javascript; charset=utf-8")
                                << QByteArray("'track'");
        QTest::addRow("style") << QByteArray("/caps.css") << QByteArray("text/css; charset=utf-8")
                               << QByteArray("prefers-color-scheme: dark");
        QTest::addRow("socket.io bundle")
            << QByteArray("/socket.io/socket.io.min.js") << QByteArray("text/javascript; charset=utf-8")
            << QByteArray("Socket.IO v4.8.1");
        QTest::addRow("admin ui") << QByteArray("/admin/") << QByteArray("text/html; charset=utf-8")
                                  << QByteArray("Socket.IO Admin UI");
        QTest::addRow("hub config") << QByteArray("/hub.json") << QByteArray("application/json")
                                    << QByteArray("\"namespace\":\"/caps\"");
    }
    void servesEmbeddedFiles()
    {
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, type);
        QFETCH(QByteArray, contains);
        const RawReply r = rawRequest(port(), "GET", path);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.headers.value("content-type"), type);
        QVERIFY2(r.body.contains(contains), r.body.left(200).constData());
        QCOMPARE(r.headers.value("x-content-type-options"), QByteArray("nosniff"));
        QVERIFY(r.headers.value("content-security-policy").contains("script-src 'self'"));
        QVERIFY(!r.headers.value("content-security-policy").contains("unsafe-eval"));
        QVERIFY(!r.headers.value("cache-control").isEmpty());
        QVERIFY(!r.headers.value("etag").isEmpty());
        QCOMPARE(r.headers.value("content-length").toLongLong(), r.body.size());
    }

    void trackingPagesRunNoInlineScript()
    {
        for (const QByteArray path : {"/", "/track"}) {
            const RawReply r = rawRequest(port(), "GET", path);
            QVERIFY(!r.body.contains("<script>"));
            QVERIFY(!r.headers.value("content-security-policy").contains("unsafe-inline"));
        }
    }

    void revalidatesWithTheETag()
    {
        const RawReply first = rawRequest(port(), "GET", "/track.js");
        const RawReply again
            = rawRequest(port(), "GET", "/track.js", {"If-None-Match: " + first.headers.value("etag")});
        QCOMPARE(again.status, 304);
        QVERIFY(again.body.isEmpty());
        const RawReply head = rawRequest(port(), "HEAD", "/track.js");
        QCOMPARE(head.status, 200);
        QVERIFY(head.body.isEmpty());
        QCOMPARE(head.headers.value("content-length"), first.headers.value("content-length"));
    }

    void refusesOtherMethods()
    {
        const RawReply r = rawRequest(port(), "POST", "/track", {"Content-Length: 0"});
        QCOMPARE(r.status, 405);
        QCOMPARE(r.headers.value("allow"), QByteArray("GET, HEAD"));
    }

    void redirectsTheAdminFolder()
    {
        const RawReply r = rawRequest(port(), "GET", "/admin");
        QCOMPARE(r.status, 301);
        QCOMPARE(r.headers.value("location"), QByteArray("/admin/"));
    }

    void readsNothingElse_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<int>("status");
        QTest::addRow("encoded slashes") << QByteArray("/..%2f..%2fetc/passwd") << 400;
        QTest::addRow("dot segments") << QByteArray("/track/../../") << 400;
        QTest::addRow("dot segments to a file") << QByteArray("/track/../../etc/passwd") << 400;
        QTest::addRow("encoded dots") << QByteArray("/%2e%2e/%2e%2e/etc/passwd") << 400;
        QTest::addRow("admin then up") << QByteArray("/admin/../../../etc/passwd") << 400;
        QTest::addRow("encoded null") << QByteArray("/track.js%00.html") << 400;
        QTest::addRow("backslashes") << QByteArray("/..%5c..%5cetc%5cpasswd") << 400;
        QTest::addRow("double slash") << QByteArray("//etc/passwd") << 400;
        QTest::addRow("resource path") << QByteArray("/:/web/site/index.html") << 404;
        QTest::addRow("resource prefix") << QByteArray("/web/site/track.js") << 404;
        QTest::addRow("absolute file") << QByteArray("/etc/passwd") << 404;
        QTest::addRow("source map left out") << QByteArray("/admin/js/app.0d7d7845.js.map") << 404;
        QTest::addRow("overlong utf-8 dot") << QByteArray("/%c0%ae%c0%ae/etc/passwd") << 404;
    }
    void readsNothingElse()
    {
        QFETCH(QByteArray, target);
        QFETCH(int, status);
        const RawReply r = rawRequest(port(), "GET", target);
        QCOMPARE(r.status, status);
        QVERIFY(!r.body.contains("root:"));
        // The server is still there for the next one.
        QCOMPARE(rawRequest(port(), "GET", "/").status, 200);
    }

    void sameOriginOnlyByDefault()
    {
        const QByteArray own = "Origin: http://127.0.0.1:" + QByteArray::number(port());
        const RawReply mine = rawRequest(port(), "GET", "/socket.io/?EIO=4&transport=polling", {own});
        QCOMPARE(mine.status, 200);
        QVERIFY(!mine.headers.contains("access-control-allow-origin"));
        const RawReply foreign
            = rawRequest(port(), "GET", "/socket.io/?EIO=4&transport=polling", {"Origin: https://elsewhere.example"});
        QCOMPARE(foreign.status, 403);
        QVERIFY(!foreign.headers.contains("access-control-allow-origin"));
        // Browsers apply no CORS to WebSocket: the server refuses the foreign page itself.
        const RawReply ws
            = rawRequest(port(), "GET", "/socket.io/?EIO=4&transport=websocket",
                         {"Origin: https://elsewhere.example", "Upgrade: websocket", "Connection: Upgrade",
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"});
        QCOMPARE(ws.status, 403);
        // Programs send no Origin.
        QCOMPARE(rawRequest(port(), "GET", "/socket.io/?EIO=4&transport=polling").status, 200);
    }

    void listedOriginsAndPreflight()
    {
        ServerOptions options;
        options.corsOrigins = {QStringLiteral("https://shop.example")};
        startServer(options);
        const RawReply listed
            = rawRequest(port(), "GET", "/socket.io/?EIO=4&transport=polling", {"Origin: https://shop.example"});
        QCOMPARE(listed.status, 200);
        QCOMPARE(listed.headers.value("access-control-allow-origin"), QByteArray("https://shop.example"));
        QCOMPARE(listed.headers.value("access-control-allow-credentials"), QByteArray("true"));
        QCOMPARE(listed.headers.value("vary"), QByteArray("Origin"));
        const RawReply preflight = rawRequest(port(), "OPTIONS", "/socket.io/?EIO=4&transport=polling",
                                              {"Origin: https://shop.example", "Access-Control-Request-Method: POST",
                                               "Access-Control-Request-Headers: content-type"});
        QCOMPARE(preflight.status, 204);
        QCOMPARE(preflight.headers.value("access-control-allow-origin"), QByteArray("https://shop.example"));
        QCOMPARE(preflight.headers.value("access-control-allow-methods"),
                 QByteArray("GET, HEAD, PUT, PATCH, POST, DELETE"));
        QCOMPARE(preflight.headers.value("access-control-allow-headers"), QByteArray("content-type"));
        const RawReply other = rawRequest(port(), "OPTIONS", "/socket.io/?EIO=4&transport=polling",
                                          {"Origin: https://other.example", "Access-Control-Request-Method: POST"});
        QVERIFY(!other.headers.contains("access-control-allow-origin"));
        QCOMPARE(
            rawRequest(port(), "GET", "/socket.io/?EIO=4&transport=polling", {"Origin: https://other.example"}).status,
            403);
    }

    void originValues_data()
    {
        QTest::addColumn<QString>("origin");
        QTest::addColumn<bool>("valid");
        QTest::addRow("https") << QStringLiteral("https://shop.example") << true;
        QTest::addRow("port") << QStringLiteral("http://localhost:8080") << true;
        QTest::addRow("any") << QStringLiteral("*") << true;
        QTest::addRow("path") << QStringLiteral("https://shop.example/page") << false;
        QTest::addRow("no scheme") << QStringLiteral("shop.example") << false;
        QTest::addRow("ftp") << QStringLiteral("ftp://shop.example") << false;
        QTest::addRow("empty") << QString() << false;
    }
    void originValues()
    {
        QFETCH(QString, origin);
        QFETCH(bool, valid);
        QCOMPARE(CorsPolicy::isValidOrigin(origin), valid);
    }

private:
    void startServer(const ServerOptions &options)
    {
        m_server = std::make_unique<Server>(options);
        m_server->engine()->setHttpHandler([this](HttpConnection *c) { return m_site->handle(c); });
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    }
    [[nodiscard]] quint16 port() const { return m_server->serverPort(); }

    std::unique_ptr<HubSite> m_site;
    std::unique_ptr<Server> m_server;
};

QTEST_GUILESS_MAIN(TestHubSite)
#include "tst_hubsite.moc"
