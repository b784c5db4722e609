// Hostile clients against a real caps-hub process: garbage bytes, malformed and truncated HTTP,
// Engine.IO and Socket.IO, oversized messages, thousands of half-open connections, a flood from
// one client and a client that never reads. Throughout, well-behaved clients must keep completing
// orders (pickup -> in-transit -> delivered), the process must stay up and its RSS bounded.
//
// Hostile connections come from 127.0.0.2 where the system allows it (Linux routes all of
// 127/8 to lo), so a per-IP limit on the hub protects the good clients on 127.0.0.1.
// Extra hub arguments: CAPS_HOSTILE_HUB_ARGS="--max-connections-per-ip 50 ...".

#include "testsioclient.h"

#include "protocol/engineio.h"
#include "protocol/socketio.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QUuid>
#include <QWebSocket>

#include <memory>

namespace {

const QString kNsp = QStringLiteral("/caps");
const QString kStore = QStringLiteral("hostile-test-store");

// A raw TCP connection, from 127.0.0.2 when it can.
std::unique_ptr<QTcpSocket> rawConnection(quint16 port, QObject *parent = nullptr)
{
    auto socket = std::make_unique<QTcpSocket>(parent);
    static const bool canBind = [] {
        QTcpSocket probe;
        return probe.bind(QHostAddress(QStringLiteral("127.0.0.2")), 0);
    }();
    if (canBind)
        socket->bind(QHostAddress(QStringLiteral("127.0.0.2")), 0);
    socket->connectToHost(QHostAddress::LocalHost, port);
    return socket;
}

// One masked client WebSocket frame (mask key 0: the payload goes as it is).
QByteArray wsFrame(quint8 opcode, const QByteArray &payload, bool fin = true)
{
    QByteArray f;
    f.append(char((fin ? 0x80 : 0) | opcode));
    if (payload.size() < 126) {
        f.append(char(0x80 | payload.size()));
    } else if (payload.size() < 65536) {
        f.append(char(0x80 | 126));
        f.append(char(payload.size() >> 8)).append(char(payload.size() & 0xff));
    } else {
        f.append(char(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            f.append(char((quint64(payload.size()) >> (8 * i)) & 0xff));
    }
    f.append(QByteArray(4, '\0'));
    f.append(payload);
    return f;
}

QByteArray upgradeRequest(quint16 port)
{
    return QStringLiteral("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:%1\r\n"
                          "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n")
        .arg(port)
        .toLatin1();
}

qint64 rssKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    static const QRegularExpression vmRss(QStringLiteral("VmRSS:\\s+(\\d+)"));
    const auto m = vmRss.match(QString::fromLatin1(status.readAll()));
    return m.hasMatch() ? m.captured(1).toLongLong() : -1;
}

QJsonObject order(const QString &orderId, const QString &extra = {})
{
    QJsonObject o{{"store", kStore}, {"orderID", orderId}, {"customer", "Jane Doe"}, {"address", "1 Main St"}};
    if (!extra.isEmpty())
        o.insert("note", extra);
    return o;
}

} // namespace

class TestHostile : public QObject
{
    Q_OBJECT

private:
    QProcess m_hub;
    quint16 m_port = 0;
    qint64 m_baselineRssKb = 0;
    qint64 m_peakRssKb = 0;
    QTimer m_rssSampler;
    std::unique_ptr<SioClient> m_vendor;
    std::unique_ptr<SioClient> m_driver;
    int m_ordersCompleted = 0;

    // The allowed growth of the hub's RSS over its size after start-up. Built with
    // AddressSanitizer (CAPS_SANITIZE), freed memory sits in quarantine and every allocation
    // has red zones: the bound is looser there, and the quarantine is made small (below).
#if defined(__SANITIZE_ADDRESS__)
    static constexpr qint64 kRssHeadroomKb = qint64(4) * 128 * 1024;
#else
    static constexpr qint64 kRssHeadroomKb = qint64(128) * 1024;
#endif

    [[nodiscard]] bool hubAlive() const
    {
        return m_hub.state() == QProcess::Running;
    }

    // A complete order between the good clients, within `ms`.
    bool completeOrder(int ms, QString *why)
    {
        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        m_vendor->emitEvent(QStringLiteral("pickup"), {order(id)});
        if (!m_driver->waitOrderEvent(QStringLiteral("pickup"), id, ms)) {
            *why = QStringLiteral("driver got no pickup for %1").arg(id);
            return false;
        }
        m_driver->emitEvent(QStringLiteral("in-transit"), {order(id)});
        m_driver->emitEvent(QStringLiteral("delivered"), {order(id)});
        if (!m_vendor->waitOrderEvent(QStringLiteral("delivered"), id, ms)) {
            *why = QStringLiteral("vendor got no delivered for %1").arg(id);
            return false;
        }
        m_vendor->clearEvents();
        m_driver->clearEvents();
        ++m_ordersCompleted;
        return true;
    }

    void startGoodClients()
    {
        m_vendor = std::make_unique<SioClient>(m_port);
        m_driver = std::make_unique<SioClient>(m_port);
        QVERIFY2(m_vendor->waitJoined(), qPrintable(m_vendor->connectError()));
        QVERIFY2(m_driver->waitJoined(), qPrintable(m_driver->connectError()));
        m_vendor->emitEvent(QStringLiteral("join"), {kStore});
    }

    QString hubOutput()
    {
        return QString::fromLocal8Bit(m_hub.readAllStandardError().right(4000));
    }

    // Either an HTTP 4xx/5xx answer or a closed connection within `ms`.
    static bool refusedOrClosed(QTcpSocket *socket, int ms, QByteArray *answer)
    {
        (void)QTest::qWaitFor(
            [&] {
                answer->append(socket->readAll());
                return socket->state() == QAbstractSocket::UnconnectedState || answer->startsWith("HTTP/1.1 4")
                    || answer->startsWith("HTTP/1.1 5") || answer->startsWith("HTTP/1.0 4");
            },
            ms);
        answer->append(socket->readAll());
        return socket->state() == QAbstractSocket::UnconnectedState || answer->startsWith("HTTP/1.1 4")
            || answer->startsWith("HTTP/1.1 5") || answer->startsWith("HTTP/1.0 4");
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString program = qEnvironmentVariable("CAPS_BINARY_DIR") + QStringLiteral("/apps/hub/caps-hub");
        QVERIFY2(QFile::exists(program), qPrintable(program));
        // The events kept for connection state recovery are bounded by --recovery-max-bytes
        // (64 MiB by default, tested in tst_recoverylog); a smaller bound here keeps this test's
        // RSS headroom about everything else the hub holds.
        QStringList args{QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--quiet"),
                         QStringLiteral("--recovery-max-bytes"), QString::number(8 * 1024 * 1024)};
        args += QProcess::splitCommand(qEnvironmentVariable("CAPS_HOSTILE_HUB_ARGS"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("ASAN_OPTIONS"),
                   env.value(QStringLiteral("ASAN_OPTIONS")) + QStringLiteral(":quarantine_size_mb=16"));
        m_hub.setProcessEnvironment(env);
        m_hub.start(program, args);
        QVERIFY(m_hub.waitForStarted());
        static const QRegularExpression listening(
            QStringLiteral("caps-hub listening on http://127\\.0\\.0\\.1:(\\d+)/caps"));
        QByteArray out;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         out += m_hub.readAllStandardOutput();
                         return listening.match(QString::fromUtf8(out)).hasMatch()
                             || m_hub.state() != QProcess::Running;
                     },
                     15000),
                 out.constData());
        const auto m = listening.match(QString::fromUtf8(out));
        QVERIFY2(m.hasMatch(), qPrintable(QString::fromUtf8(out) + hubOutput()));
        m_port = quint16(m.captured(1).toUInt());

        startGoodClients();
        QString why;
        QVERIFY2(completeOrder(10000, &why), qPrintable(why));
        m_baselineRssKb = rssKb(m_hub.processId());
        m_peakRssKb = m_baselineRssKb;
        connect(&m_rssSampler, &QTimer::timeout, this,
                [this] { m_peakRssKb = std::max(m_peakRssKb, rssKb(m_hub.processId())); });
        m_rssSampler.start(50);
        qInfo("hub on port %u, RSS after start-up %lld kB", m_port, m_baselineRssKb);
    }

    // After every hostile test: the hub is up, good clients complete an order, memory is bounded.
    void cleanup()
    {
        QVERIFY2(hubAlive(),
                 qPrintable(QStringLiteral("caps-hub died (exit %1): %2").arg(m_hub.exitCode()).arg(hubOutput())));
        if (m_vendor->isClosed() || m_driver->isClosed()) {
            qWarning("a good client was disconnected; reconnecting it");
            startGoodClients();
        }
        QString why;
        QVERIFY2(completeOrder(15000, &why), qPrintable(why));
        const qint64 rss = rssKb(m_hub.processId());
        m_peakRssKb = std::max(m_peakRssKb, rss);
        qInfo("RSS now %lld kB, peak %lld kB (baseline %lld kB)", rss, m_peakRssKb, m_baselineRssKb);
        QVERIFY2(
            m_peakRssKb - m_baselineRssKb < kRssHeadroomKb,
            qPrintable(QStringLiteral("RSS peak %1 kB over baseline %2 kB").arg(m_peakRssKb).arg(m_baselineRssKb)));
    }

    void cleanupTestCase()
    {
        m_rssSampler.stop();
        qInfo("orders completed: %d, RSS peak %lld kB (baseline %lld kB)", m_ordersCompleted, m_peakRssKb,
              m_baselineRssKb);
        m_vendor.reset();
        m_driver.reset();
        if (m_hub.state() == QProcess::Running) {
            m_hub.terminate();
            if (!m_hub.waitForFinished(5000))
                m_hub.kill();
        }
    }

    void garbageBytes()
    {
        // Random bytes, then the end of a request head so that a reader waiting for one reacts.
        QRandomGenerator random(20261126);
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < 50; ++i) {
            auto s = rawConnection(m_port);
            QByteArray bytes(1 + random.bounded(4096), Qt::Uninitialized);
            for (char &c : bytes)
                c = char(random.bounded(256));
            s->write(bytes + "\r\n\r\n");
            sockets.push_back(std::move(s));
        }
        for (auto &s : sockets) {
            QByteArray answer;
            QVERIFY2(refusedOrClosed(s.get(), 10000, &answer), answer.left(200).constData());
        }
    }

    void malformedHttp_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addRow("no path") << QByteArray("GET\r\n\r\n");
        QTest::addRow("bad version") << QByteArray("GET /socket.io/?EIO=4&transport=polling HTTP/9.9\r\n\r\n");
        QTest::addRow("empty head") << QByteArray("\r\n\r\n");
        static constexpr char nulInPath[] = "GET /socket.io/\0?EIO=4 HTTP/1.1\r\n\r\n";
        QTest::addRow("nul in path") << QByteArray(nulInPath, sizeof nulInPath - 1);
        QTest::addRow("header without colon")
            << QByteArray("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost\r\n\r\n");
        QTest::addRow("unknown sid") << QByteArray(
            "POST /socket.io/?EIO=4&transport=polling&sid=nope HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
        QTest::addRow("negative length") << QByteArray(
            "POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nContent-Length: -1\r\n\r\n");
        QTest::addRow("huge length") << QByteArray(
            "POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n");
        QTest::addRow("two lengths") << QByteArray(
            "POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab");
        QTest::addRow("chunked garbage") << QByteArray(
            "POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        // (EIO=3 is socket.io 2.x, which the hub serves by default; EIO=2 is nobody's.)
        QTest::addRow("EIO 2") << QByteArray("GET /socket.io/?EIO=2&transport=polling HTTP/1.1\r\n\r\n");
        QTest::addRow("unknown transport") << QByteArray("GET /socket.io/?EIO=4&transport=pigeon HTTP/1.1\r\n\r\n");
        QTest::addRow("upgrade without key") << QByteArray(
            "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        QTest::addRow("upgrade bad version")
            << QByteArray("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nUpgrade: websocket\r\nConnection: "
                          "Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 99\r\n\r\n");
        QTest::addRow("percent garbage") << QByteArray("GET /socket.io/%zz%?EIO=%ff&transport=%00 HTTP/1.1\r\n\r\n");
        QTest::addRow("head too large") << (QByteArray("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nX-Fill: ")
                                            + QByteArray(qsizetype(100) * 1024, 'a'));
        QTest::addRow("many headers") << (QByteArray("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\n")
                                          + QByteArray("A: b\r\n").repeated(20000));
    }
    void malformedHttp()
    {
        QFETCH(QByteArray, request);
        auto s = rawConnection(m_port);
        s->write(request);
        QByteArray answer;
        QVERIFY2(refusedOrClosed(s.get(), 10000, &answer), answer.left(300).constData());
    }

    void malformedPolling()
    {
        // A real polling session, then bodies that are no Engine.IO payload.
        const QList<QByteArray> bodies{
            "",
            "x",
            "9",
            "b!!!!",
            "4\x1e",
            "\x1e\x1e",
            "40/caps,{",
            "42/caps,[\"pickup\",",
            "1x",
            "6data",
            QByteArray("4") + QByteArray(5000, '\x1e'),
        };
        for (const QByteArray &body : bodies) {
            auto s = rawConnection(m_port);
            s->write("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n");
            QByteArray open;
            QVERIFY(QTest::qWaitFor(
                [&] {
                    open += s->readAll();
                    return open.contains("\"sid\":\"");
                },
                10000));
            static const QRegularExpression sidRe(QStringLiteral("\"sid\":\"([^\"]+)\""));
            const QString sid = sidRe.match(QString::fromLatin1(open)).captured(1);
            QVERIFY(!sid.isEmpty());
            auto post = rawConnection(m_port);
            post->write(QStringLiteral("POST /socket.io/?EIO=4&transport=polling&sid=%1 HTTP/1.1\r\nHost: x\r\n"
                                       "Content-Type: text/plain\r\nContent-Length: %2\r\n\r\n")
                            .arg(sid)
                            .arg(body.size())
                            .toLatin1()
                        + body);
            QByteArray answer;
            const QString what = QString::fromLatin1(body.left(40).toPercentEncoding());
            (void)QTest::qWaitFor(
                [&] {
                    answer += post->readAll();
                    return answer.contains("\r\n\r\n") || post->state() == QAbstractSocket::UnconnectedState;
                },
                10000);
            if (post->state() == QAbstractSocket::UnconnectedState || answer.startsWith("HTTP/1.1 4"))
                continue;
            // Valid Engine.IO around an invalid Socket.IO packet: the POST is fine ("ok"), the
            // session must end (parse error), so the next poll is refused or gets CLOSE.
            QVERIFY2(
                answer.startsWith("HTTP/1.1 200"),
                qPrintable(QStringLiteral("body %1 answered %2").arg(what, QString::fromLatin1(answer.left(200)))));
            auto poll = rawConnection(m_port);
            poll->write(QStringLiteral("GET /socket.io/?EIO=4&transport=polling&sid=%1 HTTP/1.1\r\nHost: x\r\n\r\n")
                            .arg(sid)
                            .toLatin1());
            QByteArray polled;
            const bool ended = QTest::qWaitFor(
                [&] {
                    polled += poll->readAll();
                    const qsizetype bodyStart = polled.indexOf("\r\n\r\n");
                    return polled.startsWith("HTTP/1.1 4") || poll->state() == QAbstractSocket::UnconnectedState
                        || (bodyStart > 0 && polled.mid(bodyStart + 4).split('\x1e').contains("1"));
                },
                10000);
            QVERIFY2(ended,
                     qPrintable(QStringLiteral("body %1: the session lives on; poll got %2")
                                    .arg(what, QString::fromLatin1(polled.left(200)))));
        }
    }

    void malformedSocketIoOverWebSocket_data()
    {
        // Each must make the hub close that connection (socket.io's "parse error").
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<bool>("binary");
        QTest::addRow("eio type 9") << QByteArray("9") << false;
        QTest::addRow("eio empty") << QByteArray("") << false;
        QTest::addRow("eio base64 on ws") << QByteArray("bAAAA") << false;
        QTest::addRow("sio type 9") << QByteArray("49") << false;
        QTest::addRow("sio bad json") << QByteArray("42/caps,[\"pickup\",{") << false;
        QTest::addRow("sio trailing garbage") << QByteArray("42/caps,[\"pickup\"]]]") << false;
        QTest::addRow("sio event not array") << QByteArray("42/caps,{\"a\":1}") << false;
        QTest::addRow("sio empty event") << QByteArray("42/caps,[]") << false;
        QTest::addRow("sio reserved name") << QByteArray("42/caps,[\"disconnect\"]") << false;
        QTest::addRow("sio ack without id") << QByteArray("43/caps,[1]") << false;
        QTest::addRow("sio deep nesting")
            << (QByteArray("42/caps,[\"x\",") + QByteArray(100000, '[') + QByteArray(100000, ']') + "]") << false;
        QTest::addRow("sio too many attachments") << QByteArray("451000-/caps,[\"x\"]") << false;
        QTest::addRow("sio bad placeholder")
            << QByteArray("451-/caps,[\"x\",{\"_placeholder\":true,\"num\":7}]") << false;
        QTest::addRow("sio attachments overflow") << QByteArray("459999999999-/caps,[\"x\"]") << false;
        QTest::addRow("sio huge ack id") << QByteArray("42/caps,99999999999999999999[\"x\"]") << false;
        QTest::addRow("binary without header") << QByteArray("\x01\x02\x03", 3) << true;
    }
    void malformedSocketIoOverWebSocket()
    {
        QFETCH(QByteArray, frame);
        QFETCH(bool, binary);
        SioClient hostile(m_port);
        QVERIFY(hostile.waitJoined());
        if (binary)
            hostile.socket().sendBinaryMessage(frame);
        else
            hostile.sendRaw(frame);
        QVERIFY2(hostile.waitClosed(10000), "the hub kept a connection that sent an undecodable packet");
    }

    void wellFormedButWrongEvents()
    {
        // Decodable packets the hub must refuse or ignore, not crash on; the connection may stay.
        SioClient hostile(m_port);
        QVERIFY(hostile.waitJoined());
        const QList<QJsonArray> events{
            {"pickup"},
            {"pickup", "a string"},
            {"pickup", QJsonValue::Null},
            {"pickup", QJsonArray{1, 2}},
            {"pickup", QJsonObject{{"store", QJsonObject{{"x", 1}}}}},
            {"in-transit", QJsonObject{{"store", 5}}},
            {"delivered", QJsonObject{{"store", QString(100000, 's')}, {"orderID", "x"}}},
            {"join"},
            {"join", QJsonValue::Null},
            {"join", 42},
            {"join", QJsonObject{{"store", QJsonArray{}}}},
            {"join", QString(100000, 'r')},
            {"track"},
            {"track", QJsonObject{}},
            {"track", QJsonArray{}},
            {"untrack", 5},
            {QString(10000, 'e'), 1},
            {"pickup", QJsonObject{{"store", kStore}, {"orderID", QJsonObject{}}}},
        };
        for (const QJsonArray &e : events) {
            QJsonArray args = e;
            const QString name = args.takeAt(0).toString();
            hostile.emitEvent(name, args);
        }
        // Thousands of rooms for one socket.
        for (int i = 0; i < 5000; ++i)
            hostile.emitEvent(QStringLiteral("join"), {QStringLiteral("room-%1").arg(i)});
        // An ack for nothing, a CONNECT to unknown namespaces, a DISCONNECT of one never joined.
        hostile.sendRaw("43/caps,7[1]");
        for (int i = 0; i < 200; ++i)
            hostile.sendRaw(QStringLiteral("40/nsp-%1,").arg(i).toUtf8());
        hostile.sendRaw("41/never,");
        QString why;
        QVERIFY2(completeOrder(15000, &why), qPrintable(why));
    }

    void oversizedMessages()
    {
        // One byte over the default maxPayload (1e6), on both transports.
        SioClient big(m_port);
        QVERIFY(big.waitJoined());
        big.sendRaw("42/caps,[\"pickup\",\"" + QByteArray(1000001, 'a') + "\"]");
        QVERIFY2(big.waitClosed(15000), "the hub kept a WebSocket that sent more than maxPayload");

        auto s = rawConnection(m_port);
        s->write("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n");
        QByteArray open;
        QVERIFY(QTest::qWaitFor(
            [&] {
                open += s->readAll();
                return open.contains("\"sid\":\"");
            },
            10000));
        static const QRegularExpression sidRe(QStringLiteral("\"sid\":\"([^\"]+)\""));
        const QString sid = sidRe.match(QString::fromLatin1(open)).captured(1);
        auto post = rawConnection(m_port);
        post->write(QStringLiteral("POST /socket.io/?EIO=4&transport=polling&sid=%1 HTTP/1.1\r\nHost: x\r\n"
                                   "Content-Length: 50000000\r\n\r\n")
                        .arg(sid)
                        .toLatin1());
        post->write(QByteArray(2000000, '4'));
        QByteArray answer;
        QVERIFY2(refusedOrClosed(post.get(), 10000, &answer), answer.left(200).constData());
    }

    void truncatedAndBrokenFrames()
    {
        // A WebSocket frame header announcing 2^63 bytes; a frame cut off; an unmasked client
        // frame; a reserved opcode; a fragmented message that never ends.
        const QList<QByteArray> tails{
            QByteArray("\x81\xff\x7f\xff\xff\xff\xff\xff\xff\xff\0\0\0\0", 14),
            QByteArray("\x81\xfe\x01\x00\0\0\0\0", 8) + QByteArray(10, 'x'),
            QByteArray("\x81\x05hello"),
            wsFrame(0x3, "x"),
            wsFrame(0x1, "4", false) + wsFrame(0x0, QByteArray(60000, 'x'), false),
        };
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (const QByteArray &tail : tails) {
            auto s = rawConnection(m_port);
            s->write(upgradeRequest(m_port));
            QByteArray head;
            QVERIFY(QTest::qWaitFor(
                [&] {
                    head += s->readAll();
                    return head.contains("\r\n\r\n");
                },
                10000));
            QVERIFY2(head.startsWith("HTTP/1.1 101"), head.constData());
            s->write(tail);
            sockets.push_back(std::move(s));
        }
        // 0, 2 and 3 are protocol errors the hub must answer by closing; 1 and 4 are still
        // arriving (the ping timeout ends them) and are ours to drop.
        for (int i = 0; i < 4; ++i) {
            if (i == 1)
                continue; // a frame still arriving: nothing to act on yet
            QVERIFY2(QTest::qWaitFor(
                         [&] {
                             sockets.at(i)->readAll();
                             return sockets.at(i)->state() == QAbstractSocket::UnconnectedState;
                         },
                         10000),
                     qPrintable(QStringLiteral("broken frame %1 left open").arg(i)));
        }
        sockets.clear();
    }

    void halfOpenConnections()
    {
        // Thousands of connections that never finish a request head, while orders go on.
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < 3000; ++i) {
            auto s = rawConnection(m_port);
            if (i % 2)
                s->write("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n");
            sockets.push_back(std::move(s));
            if (i % 200 == 0)
                QCoreApplication::processEvents();
        }
        QString why;
        QVERIFY2(completeOrder(20000, &why), qPrintable(why));
        // The hub must get rid of them on its own (request-head / idle timeouts).
        const bool allClosed = QTest::qWaitFor(
            [&] {
                for (auto &s : sockets) {
                    if (s->state() != QAbstractSocket::UnconnectedState)
                        return false;
                }
                return true;
            },
            60000);
        int open = 0;
        for (auto &s : sockets)
            open += s->state() != QAbstractSocket::UnconnectedState ? 1 : 0;
        QVERIFY2(allClosed,
                 qPrintable(QStringLiteral("%1 of 3000 half-open connections still open after 60 s").arg(open)));
    }

    void floodFromOneClient()
    {
        SioClient flooder(m_port);
        QVERIFY(flooder.waitJoined());
        // 20000 events at once, a tenth of them pickups that the hub relays to everyone.
        for (int i = 0; i < 20000; ++i) {
            if (i % 10 == 0)
                flooder.emitEvent(QStringLiteral("pickup"), {order(QStringLiteral("flood-%1").arg(i))});
            else
                flooder.emitEvent(QStringLiteral("noise"), {i});
        }
        QString why;
        QVERIFY2(completeOrder(20000, &why), qPrintable(why));
        qInfo("flooder %s", flooder.isClosed() ? "was disconnected by the hub" : "is still connected");
    }

    void clientThatNeverReads()
    {
        // Joins /caps over a raw WebSocket and then reads nothing, while large pickups that the
        // hub relays to everyone pile up for it.
        auto lazy = rawConnection(m_port);
        lazy->write(upgradeRequest(m_port));
        QByteArray head;
        QVERIFY(QTest::qWaitFor(
            [&] {
                head += lazy->readAll();
                return head.contains("\r\n\r\n");
            },
            10000));
        QVERIFY2(head.startsWith("HTTP/1.1 101"), head.constData());
        lazy->write(wsFrame(0x1, "40/caps,"));
        QVERIFY(lazy->waitForBytesWritten(5000));
        // From now on Qt stops reading once one byte is buffered; the kernel buffers fill up next.
        lazy->setReadBufferSize(1);

        // Sixteen senders, each within the default event burst (40), so that an event rate
        // limit does not stop the flood before it reaches the lazy client. They track an order,
        // which puts them in room `customers`, which pickups skip: only the good clients and
        // the lazy one get the flood.
        std::vector<std::unique_ptr<SioClient>> senders;
        for (int i = 0; i < 16; ++i) {
            senders.push_back(std::make_unique<SioClient>(m_port));
            QVERIFY(senders.back()->waitJoined());
            senders.back()->emitEvent(QStringLiteral("track"), {QStringLiteral("no-such-order")});
        }
        const qint64 driverBytesBefore = m_driver->receivedBytes;
        const QString big(qsizetype(100) * 1000, 'n');
        // In batches that the good clients read before the next one: they keep up, as a
        // well-behaved client does; only the lazy client falls behind.
        const int total = 38 * 16;
        for (int i = 0; i < total; ++i) {
            // Few order IDs: the hub remembers each order's latest event, and this test is
            // about the outgoing queue (rememberedOrdersStayBounded is about that memory).
            senders.at(i % 16)->emitEvent(QStringLiteral("pickup"), {order(QStringLiteral("big-%1").arg(i % 8), big)});
            if (i % 16 == 15 || i == total - 1) {
                const qint64 expected = qint64(i + 1) * big.size();
                QVERIFY2(
                    QTest::qWaitFor(
                        [&] { return m_driver->receivedBytes - driverBytesBefore >= expected || m_driver->isClosed(); },
                        20000),
                    qPrintable(QStringLiteral("the driver got %1 of %2 bytes")
                                   .arg(m_driver->receivedBytes - driverBytesBefore)
                                   .arg(expected)));
                QVERIFY2(!m_driver->isClosed(), "the hub dropped a client that reads everything");
                m_vendor->clearEvents();
                m_driver->clearEvents();
            }
        }
        QVERIFY(QTest::qWaitFor(
            [&] {
                for (auto &sender : senders) {
                    if (sender->socket().bytesToWrite() > 0 && !sender->isClosed())
                        return false;
                }
                return true;
            },
            30000));
        m_vendor->clearEvents();
        m_driver->clearEvents();
        // The lazy client stays lazy for a while (a hub may give a stalled peer a grace time
        // before it gives up on it), and the good clients go on completing orders meanwhile.
        QElapsedTimer lazyFor;
        lazyFor.start();
        QString why;
        while (lazyFor.elapsed() < 5000) {
            QVERIFY2(completeOrder(30000, &why), qPrintable(why));
            // At a well-behaved client's pace: a few events a second, under the hub's rate limit.
            QTest::qWait(250);
        }
        // What the hub relayed to the (reading) driver it also owed the lazy client. A hub with
        // an event rate limit may have cut the sender off long before that amounted to much.
        const qint64 relayed = m_driver->receivedBytes - driverBytesBefore;
        qInfo("the hub relayed %lld bytes of the flood", relayed);
        // ~60 MB went to a peer that reads nothing: the hub must have dropped it rather than
        // buffer it all (cleanup() checks the RSS). Reading again shows which: a dropped
        // connection ends early; a kept one delivers everything and stays open.
        lazy->setReadBufferSize(0);
        qint64 received = 0;
        const bool dropped = QTest::qWaitFor(
            [&] {
                received += lazy->readAll().size();
                return lazy->state() == QAbstractSocket::UnconnectedState;
            },
            15000);
        qInfo("the non-reading client received %lld bytes once it read again", received);
        qInfo("the non-reading client %s", dropped ? "was disconnected" : "is still connected");
        // Past 16 MB, more than any socket buffers hold, it must have been dropped.
        if (relayed > qint64(16) * 1024 * 1024)
            QVERIFY2(
                dropped,
                qPrintable(QStringLiteral("the hub kept a client that reads nothing while %1 bytes were queued for it")
                               .arg(relayed)));
    }

    void rememberedOrdersStayBounded()
    {
        // The hub keeps the latest event of every order it has seen (for `track`), up to a
        // number of orders. Distinct large orders must not make that memory grow without bound.
        std::vector<std::unique_ptr<SioClient>> senders;
        for (int i = 0; i < 16; ++i) {
            senders.push_back(std::make_unique<SioClient>(m_port));
            QVERIFY(senders.back()->waitJoined());
            senders.back()->emitEvent(QStringLiteral("track"), {QStringLiteral("no-such-order")});
        }
        const qint64 driverBytesBefore = m_driver->receivedBytes;
        const qint64 rssBefore = rssKb(m_hub.processId());
        const QString big(qsizetype(100) * 1000, 'm');
        const int total = 38 * 16;
        for (int i = 0; i < total; ++i) {
            senders.at(i % 16)->emitEvent(
                QStringLiteral("pickup"),
                {order(QStringLiteral("mem-%1-%2").arg(QUuid::createUuid().toString(QUuid::WithoutBraces)).arg(i),
                       big)});
            if (i % 16 == 15 || i == total - 1) {
                const qint64 expected = qint64(i + 1) * big.size();
                QVERIFY(QTest::qWaitFor(
                    [&] { return m_driver->receivedBytes - driverBytesBefore >= expected || m_driver->isClosed(); },
                    20000));
                QVERIFY2(!m_driver->isClosed(), "the hub dropped a client that reads everything");
                m_vendor->clearEvents();
                m_driver->clearEvents();
            }
        }
        const qint64 rss = rssKb(m_hub.processId());
        qInfo("after %d distinct 100 kB orders the hub's RSS is %lld kB (baseline %lld kB)", total, rss,
              m_baselineRssKb);
        // 60 MB of distinct orders went through. A hub that remembers whole payloads for its
        // up to 10000 orders (CapsHub) keeps most of it (measured: +138 MB before the hub got a
        // byte budget), and could be made to keep gigabytes; one with a budget stays small.
        const qint64 growthKb = rss - rssBefore;
        qInfo("the hub grew by %lld kB while 608 distinct 100 kB orders went through", growthKb);
#if defined(__SANITIZE_ADDRESS__)
        const qint64 allowedKb = qint64(4) * 64 * 1024;
#else
        const qint64 allowedKb = qint64(64) * 1024;
#endif
        QVERIFY2(growthKb < allowedKb,
                 qPrintable(QStringLiteral("the hub kept %1 kB of 60 MB of orders").arg(growthKb)));
        // cleanup() holds the peak against the headroom.
    }
};

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
