// Real socket.io-client programs (tests/interop/*.js, Node) against the real caps-hub and
// caps-echo-server processes: connection, upgrade, namespace, rooms, events, acks, binary,
// heartbeats, disconnect; and who hears what, with and without tokens. Needs node and npm;
// `npm ci` runs first when node_modules is missing.

#include "../security/audiencetable.h"
#include "security/tokenstore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>

class TestHubInterop : public QObject
{
    Q_OBJECT

private:
    QString m_node;
    QDir m_interopDir;
    QString m_binaryDir;

    // Starts `program` with --port 0 and returns the port it prints, 0 on failure.
    quint16 startServer(QProcess &process, const QString &program, const QStringList &arguments, const QString &banner)
    {
        process.setProgram(program);
        process.setArguments(arguments + QStringList{"--port", "0"});
        process.start();
        if (!process.waitForStarted(5000))
            return 0;
        const QRegularExpression re(QRegularExpression::escape(banner) + R"( on http://127\.0\.0\.1:(\d+))");
        QByteArray output;
        quint16 port = 0;
        (void)QTest::qWaitFor([&] {
            output += process.readAllStandardOutput();
            const auto m = re.match(QString::fromUtf8(output));
            if (m.hasMatch())
                port = quint16(m.captured(1).toUInt());
            return port != 0 || process.state() == QProcess::NotRunning;
        }, 10000);
        m_banner = output;
        return port;
    }

    // Runs a Node script; returns its exit code (-1 when it did not finish in time).
    int runNode(const QString &script, const QStringList &arguments, QByteArray *output)
    {
        QProcess node;
        node.setWorkingDirectory(m_interopDir.absolutePath());
        node.setProcessChannelMode(QProcess::MergedChannels);
        node.start(m_node, QStringList{m_interopDir.filePath(script)} + arguments);
        if (!node.waitForStarted(5000))
            return -1;
        (void)QTest::qWaitFor([&node] { return node.state() == QProcess::NotRunning; }, 90000);
        if (node.state() != QProcess::NotRunning) {
            node.kill();
            node.waitForFinished(3000);
            *output = node.readAll();
            return -1;
        }
        *output = node.readAll();
        return node.exitStatus() == QProcess::NormalExit ? node.exitCode() : -1;
    }

    static bool stop(QProcess &process)
    {
        process.terminate();   // SIGTERM: the programs shut down cleanly
        if (!process.waitForFinished(5000)) {
            process.kill();
            process.waitForFinished(3000);
            return false;
        }
        return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    }

    QByteArray m_banner;

private slots:
    void initTestCase()
    {
        m_binaryDir = qEnvironmentVariable("CAPS_BINARY_DIR");
        const QString sourceDir = qEnvironmentVariable("CAPS_SOURCE_DIR");
        QVERIFY2(!m_binaryDir.isEmpty() && !sourceDir.isEmpty(), "run through ctest (CAPS_BINARY_DIR, CAPS_SOURCE_DIR)");
        m_interopDir = QDir(sourceDir + QStringLiteral("/tests/interop"));
        m_node = QStandardPaths::findExecutable(QStringLiteral("node"));
        QVERIFY2(!m_node.isEmpty(), "node is not installed: these tests need Node.js 18+ and npm");
        if (!m_interopDir.exists(QStringLiteral("node_modules/socket.io-client"))) {
            const QString npm = QStandardPaths::findExecutable(QStringLiteral("npm"));
            QVERIFY2(!npm.isEmpty(), "tests/interop/node_modules is missing and npm is not installed to fetch it");
            QProcess ci;
            ci.setWorkingDirectory(m_interopDir.absolutePath());
            ci.setProcessChannelMode(QProcess::MergedChannels);
            ci.start(npm, {QStringLiteral("ci"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund")});
            QVERIFY(ci.waitForFinished(240000));
            QVERIFY2(ci.exitCode() == 0, ci.readAll().constData());
        }
    }

    void hubOrders_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addRow("polling then upgrade") << "default";
        QTest::addRow("websocket only") << "websocket";
        QTest::addRow("long-polling only") << "polling";
    }

    void hubOrders()
    {
        QFETCH(QString, transport);
        QProcess hub;
        // Short heartbeats, so that pings and pongs run alongside the orders.
        const quint16 port = startServer(hub, m_binaryDir + "/apps/hub/caps-hub",
                                         {"--ping-interval", "200", "--ping-timeout", "1000"}, "caps-hub listening");
        QVERIFY2(port != 0, m_banner.constData());
        QVERIFY(m_banner.contains(QStringLiteral("http://127.0.0.1:%1/caps").arg(port).toUtf8()));

        QByteArray output;
        const int code = runNode("hub-orders.js",
                                 {"--url", QStringLiteral("http://127.0.0.1:%1").arg(port), "--transport", transport, "--orders", "5"},
                                 &output);
        QVERIFY2(code == 0, output.constData());
        QVERIFY(output.contains("OK 5 orders delivered"));

        QVERIFY(stop(hub));
        const QByteArray log = m_banner + hub.readAllStandardOutput();
        const QRegularExpression line(
            R"(^EVENT \{ event: '(pickup|in-transit|delivered)', time: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z, )"
            R"(payload: \{ store: '1-206-flowers', orderID: 'order-\d+-\d', customer: 'Jamal Braun', address: 'Schmittfort, LA' \} \}$)",
            QRegularExpression::MultilineOption);
        int events = 0;
        for (auto it = line.globalMatch(QString::fromUtf8(log)); it.hasNext(); it.next())
            ++events;
        QVERIFY2(events == 15, log.constData());
    }

    // Connection state recovery as an unmodified socket.io-client sees it. The same script runs
    // against Node's socket.io (the lab hub with connectionStateRecovery), so what it expects
    // is what socket.io does.
    void connectionStateRecovery_data()
    {
        QTest::addColumn<QString>("server");
        QTest::addColumn<QString>("transport");
        QTest::addRow("caps-hub, polling then upgrade") << "caps-hub" << "default";
        QTest::addRow("caps-hub, websocket only") << "caps-hub" << "websocket";
        QTest::addRow("caps-hub, long-polling only") << "caps-hub" << "polling";
        QTest::addRow("node socket.io reference") << "node" << "default";
    }

    void connectionStateRecovery()
    {
        QFETCH(QString, server);
        QFETCH(QString, transport);
        QProcess hub;
        quint16 port = 0;
        if (server == QLatin1String("caps-hub")) {
            // The default window (120 s) is on without being asked for.
            port = startServer(hub, m_binaryDir + "/apps/hub/caps-hub", {"--db", ":memory:"}, "caps-hub listening");
        } else {
            const QString sourceDir = qEnvironmentVariable("CAPS_SOURCE_DIR");
            QVERIFY2(QFileInfo::exists(sourceDir + "/bench/node-hub/node_modules/socket.io"),
                     "bench/node-hub/node_modules is missing: run `npm ci` there (scripts/test does)");
            hub.setProgram(m_node);
            hub.setArguments({sourceDir + "/bench/node-hub/hub.js", "--port", "0", "--quiet", "--recovery-window", "120000"});
            hub.start();
            QVERIFY(hub.waitForStarted(5000));
            const QRegularExpression re(R"(node-hub listening on 127\.0\.0\.1:(\d+)/caps)");
            QByteArray output;
            QVERIFY2(QTest::qWaitFor([&] {
                output += hub.readAllStandardOutput();
                const auto m = re.match(QString::fromUtf8(output));
                if (m.hasMatch())
                    port = quint16(m.captured(1).toUInt());
                return port != 0 || hub.state() == QProcess::NotRunning;
            }, 10000), output.constData());
            m_banner = output;
        }
        QVERIFY2(port != 0, m_banner.constData());

        QByteArray output;
        const int code = runNode("recovery.js", {"--url", QStringLiteral("http://127.0.0.1:%1").arg(port), "--transport", transport},
                                 &output);
        QVERIFY2(code == 0, output.constData());
        QVERIFY2(output.contains("OK recovered"), output.constData());
        stop(hub);
    }

    void connectionStateRecoveryCanBeTurnedOff()
    {
        QProcess hub;
        const quint16 port = startServer(hub, m_binaryDir + "/apps/hub/caps-hub", {"--db", ":memory:", "--recovery-window", "0"},
                                         "caps-hub listening");
        QVERIFY2(port != 0, m_banner.constData());
        QByteArray output;
        const int code = runNode("recovery.js", {"--url", QStringLiteral("http://127.0.0.1:%1").arg(port)}, &output);
        QCOMPARE(code, 1);
        QVERIFY2(output.contains("FAIL a first connection reports recovered=undefined"), output.constData());
        QVERIFY(stop(hub));
    }

    // The table of tests/security/audiencetable.h (tst_audience checks it in-process) with
    // unmodified socket.io-client peers (audience.js) against caps-hub with and without tokens.
    void whoHears_data()
    {
        QTest::addColumn<bool>("tokens");
        QTest::addColumn<QString>("path");
        for (const bool tokens : {true, false}) {
            for (const QString &path : {audiencetable::kLive, audiencetable::kRecovery, audiencetable::kGetAll, audiencetable::kTrack})
                QTest::addRow("%s, %s", tokens ? "tokens" : "open", qPrintable(path)) << tokens << path;
        }
    }

    void whoHears()
    {
        using namespace audiencetable;
        QFETCH(bool, tokens);
        QFETCH(QString, path);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QJsonArray entries;
        const auto tokenFor = [&](const caps::Principal &principal) {
            const QString token = caps::TokenStore::generateToken();
            entries.append(caps::TokenStore::entry(token, principal));
            return tokens ? token : QString();
        };
        QJsonArray peers;
        for (const PeerSpec &spec : audiencetable::receivers(tokens)) {
            QJsonObject peer{{"name", spec.name}, {"role", caps::roleName(spec.principal.role)}, {"store", spec.principal.store},
                             {"customer", spec.principal.customer}, {"tracks", spec.tracks}};
            if (const QString token = tokenFor(spec.principal); !token.isEmpty())
                peer.insert("token", token);
            peers.append(peer);
        }
        const QJsonObject senders{{"vendor", tokenFor(sendingVendor().principal)}, {"driver", tokenFor(sendingDriver().principal)}};
        QStringList hubArguments{"--db", ":memory:"};
        if (tokens) {
            QFile file(dir.filePath("tokens.json"));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QJsonDocument(QJsonObject{{"tokens", entries}}).toJson());
            file.close();
            hubArguments << "--tokens" << file.fileName();
        }
        QProcess hub;
        const quint16 port = startServer(hub, m_binaryDir + "/apps/hub/caps-hub", hubArguments, "caps-hub listening");
        QVERIFY2(port != 0, m_banner.constData());

        const auto json = [](const auto &value) { return QString::fromUtf8(QJsonDocument(value).toJson(QJsonDocument::Compact)); };
        QByteArray output;
        const int code = runNode("audience.js", {"--url", QStringLiteral("http://127.0.0.1:%1").arg(port), "--path", path,
                                                 "--peers", json(peers), "--senders", json(senders), "--order", json(bobsOrder())},
                                 &output);
        QVERIFY2(code == 0, output.constData());
        const QRegularExpression heardLine(QStringLiteral("^HEARD (.*)$"), QRegularExpression::MultilineOption);
        const auto m = heardLine.match(QString::fromUtf8(output));
        QVERIFY2(m.hasMatch(), output.constData());
        const QJsonObject heard = QJsonDocument::fromJson(m.captured(1).toUtf8()).object();
        int checked = 0;
        for (const Row &row : rows()) {
            if (row.tokens != tokens || row.path != path)
                continue;
            QStringList got;
            for (const PeerSpec &spec : audiencetable::receivers(tokens)) {
                if (heard.value(spec.name).toArray().contains(row.event))
                    got.append(spec.name);
            }
            QVERIFY2(got == row.hearers, qPrintable(QStringLiteral("%1 heard by: %2; expected: %3")
                                                      .arg(row.event, got.join(", "), row.hearers.join(", "))));
            ++checked;
        }
        QVERIFY(checked > 0);
        QVERIFY(stop(hub));
    }

    void echoFeatures_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<bool>("reference");
        QTest::addRow("polling then upgrade") << "default" << false;
        QTest::addRow("websocket only") << "websocket" << false;
        QTest::addRow("long-polling only") << "polling" << false;
        // The same script against Node's socket.io (node-echo-server.js): it expects what a
        // real socket.io server does, not merely what ours does.
        QTest::addRow("node reference") << "default" << true;
    }

    void echoFeatures()
    {
        QFETCH(QString, transport);
        QFETCH(bool, reference);
        QProcess echo;
        const QStringList heartbeat{"--ping-interval", "200", "--ping-timeout", "1000"};
        const quint16 port = reference
            ? startServer(echo, m_node, QStringList{m_interopDir.filePath("node-echo-server.js")} + heartbeat,
                          "node-echo-server listening")
            : startServer(echo, m_binaryDir + "/examples/echo-server/caps-echo-server", heartbeat, "caps-echo-server listening");
        QVERIFY2(port != 0, m_banner.constData());
        QByteArray output;
        const int code = runNode("echo-features.js",
                                 {"--url", QStringLiteral("http://127.0.0.1:%1").arg(port), "--transport", transport,
                                  "--heartbeat-ms", "1200"},
                                 &output);
        QVERIFY2(code == 0, output.constData());
        QVERIFY(output.contains("OK "));
        QVERIFY(stop(echo));
    }

    void hubSurvivesHostileInput()
    {
        QProcess hub;
        const quint16 port = startServer(hub, m_binaryDir + "/apps/hub/caps-hub", {}, "caps-hub listening");
        QVERIFY2(port != 0, m_banner.constData());
        QProcess node;
        node.setWorkingDirectory(m_interopDir.absolutePath());
        node.setProcessChannelMode(QProcess::MergedChannels);
        node.start(m_node, {m_interopDir.filePath("hub-orders.js"), "--url", QStringLiteral("http://127.0.0.1:%1").arg(port),
                            "--orders", "20"});
        QVERIFY(node.waitForStarted(5000));

        // While the orders run: garbage HTTP, an oversized head, a bad Engine.IO frame and a
        // bad Socket.IO packet on WebSocket sessions of their own.
        const QList<QByteArray> junk{
            "HELLO\r\n\r\n",
            "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nX: " + QByteArray(40000, 'x') + "\r\n\r\n",
            "POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nContent-Length: 3\r\n\r\n4ab",
            QByteArray("\x00\xff\x13\x37\r\n\r\n", 8),
        };
        for (const QByteArray &bytes : junk) {
            QTcpSocket raw;
            raw.connectToHost(QHostAddress::LocalHost, port);
            QVERIFY(raw.waitForConnected(3000));
            raw.write(bytes);
            QVERIFY(QTest::qWaitFor([&raw] {
                return raw.bytesAvailable() > 0 || raw.state() == QAbstractSocket::UnconnectedState;
            }, 3000));
            if (raw.bytesAvailable() > 0)
                QVERIFY2(raw.peek(12).startsWith("HTTP/1.1 4"), raw.peek(100).constData());
        }
        for (const QString &frame : {QStringLiteral("9"), QStringLiteral("4zz"), QStringLiteral("42/caps,[\"pickup\",")}) {
            QWebSocket ws;
            bool closed = false;
            connect(&ws, &QWebSocket::disconnected, this, [&closed] { closed = true; });
            ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/socket.io/?EIO=4&transport=websocket").arg(port)));
            QVERIFY(QTest::qWaitFor([&ws] { return ws.state() == QAbstractSocket::ConnectedState; }, 3000));
            ws.sendTextMessage(QStringLiteral("40/caps,"));
            ws.sendTextMessage(frame);
            QVERIFY(QTest::qWaitFor([&closed] { return closed; }, 3000));
        }

        QVERIFY(QTest::qWaitFor([&node] { return node.state() == QProcess::NotRunning; }, 60000));
        const QByteArray output = node.readAll();
        QVERIFY2(node.exitCode() == 0, output.constData());
        QCOMPARE(hub.state(), QProcess::Running);
        QVERIFY(stop(hub));
    }

    void hubJsonLog()
    {
        QProcess hub;
        const quint16 port = startServer(hub, m_binaryDir + "/apps/hub/caps-hub", {"--log-format", "json"}, "caps-hub listening");
        QVERIFY2(port != 0, m_banner.constData());
        QByteArray output;
        const int code = runNode("hub-orders.js",
                                 {"--url", QStringLiteral("http://127.0.0.1:%1").arg(port), "--orders", "1"}, &output);
        QVERIFY2(code == 0, output.constData());
        QVERIFY(stop(hub));
        const QList<QByteArray> lines = hub.readAllStandardOutput().split('\n');
        int events = 0;
        for (const QByteArray &l : lines) {
            if (l.isEmpty())
                continue;
            QJsonParseError error;
            const QJsonObject o = QJsonDocument::fromJson(l, &error).object();
            QVERIFY2(error.error == QJsonParseError::NoError, l.constData());
            QVERIFY(o.value("time").toString().endsWith('Z'));
            QCOMPARE(o.value("payload").toObject().value("store").toString(), QString("1-206-flowers"));
            ++events;
        }
        QCOMPARE(events, 3);
    }
};

QTEST_GUILESS_MAIN(TestHubInterop)
#include "tst_hubinterop.moc"
