// Real socket.io-client programs (tests/interop/*.js, Node) and python-socketio ones
// (tests/interop/*.py, Debian's /usr/bin/python3) against the real caps-hub and
// caps-echo-server processes: connection, upgrade, namespace, rooms, events, acks, binary,
// heartbeats, disconnect, recovery; and who hears what, with and without tokens. Needs node and
// npm (`npm ci` runs first when node_modules is missing) and python3-socketio, python3-websocket
// and python3-requests.

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
        (void)QTest::qWaitFor(
            [&] {
                output += process.readAllStandardOutput();
                const auto m = re.match(QString::fromUtf8(output));
                if (m.hasMatch())
                    port = quint16(m.captured(1).toUInt());
                return port != 0 || process.state() == QProcess::NotRunning;
            },
            10000);
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
        process.terminate(); // SIGTERM: the programs shut down cleanly
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
        QVERIFY2(!m_binaryDir.isEmpty() && !sourceDir.isEmpty(),
                 "run through ctest (CAPS_BINARY_DIR, CAPS_SOURCE_DIR)");
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
        QTest::addColumn<QString>("client");
        QTest::addRow("polling then upgrade") << "default"
                                              << "4";
        QTest::addRow("websocket only") << "websocket"
                                        << "4";
        QTest::addRow("long-polling only") << "polling"
                                           << "4";
        // socket.io-client 2.5.0 (Engine.IO 3), as the 2020 labs, against the default hub.
        QTest::addRow("socket.io-client 2, polling then upgrade") << "default"
                                                                  << "2";
        QTest::addRow("socket.io-client 2, websocket only") << "websocket"
                                                            << "2";
        QTest::addRow("socket.io-client 2, long-polling only") << "polling"
                                                               << "2";
    }

    void hubOrders()
    {
        QFETCH(QString, transport);
        QFETCH(QString, client);
        QProcess hub;
        // Short heartbeats, so that pings and pongs run alongside the orders.
        const quint16 port = startServer(hub, m_binaryDir + "/apps/hub/caps-hub",
                                         {"--ping-interval", "200", "--ping-timeout", "1000"}, "caps-hub listening");
        QVERIFY2(port != 0, m_banner.constData());
        QVERIFY(m_banner.contains(QStringLiteral("http://127.0.0.1:%1/caps").arg(port).toUtf8()));

        QByteArray output;
        const int code = runNode("hub-orders.js",
                                 {"--url", QStringLiteral("http://127.0.0.1:%1").arg(port), "--transport", transport,
                                  "--orders", "5", "--client", client},
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

    // The lab's vendor and driver written with Debian's python-socketio 5.7, against the
    // default caps-hub (recovery on): two vendors of two stores and one driver. Their handlers
    // take exactly the payload (`def on_pickup(payload)`), so an extra argument makes them
    // raise TypeError and the order is lost; each vendor also fails on a delivery that is not
    // its own or comes twice.
    void pythonLabClients_data()
    {
        QTest::addColumn<QStringList>("transports");
        QTest::addRow("polling then upgrade") << QStringList{};
        QTest::addRow("websocket only") << QStringList{"--transports", "websocket"};
    }

    void pythonLabClients()
    {
        QFETCH(QStringList, transports);
        // Debian's interpreter: python3-socketio is a Debian package, not in a pyenv or venv.
        const QString python = QStringLiteral("/usr/bin/python3");
        {
            QProcess probe;
            probe.setProcessChannelMode(QProcess::MergedChannels);
            probe.start(python, {"-c", "import socketio, websocket, requests"});
            QVERIFY2(probe.waitForFinished(10000) && probe.exitCode() == 0,
                     qPrintable("/usr/bin/python3 lacks python3-socketio, python3-websocket or python3-requests: "
                                + QString::fromUtf8(probe.readAll())));
        }
        QProcess hub;
        const quint16 port = startServer(hub, m_binaryDir + "/apps/hub/caps-hub", {}, "caps-hub listening");
        QVERIFY2(port != 0, m_banner.constData());
        const QStringList url{"--url", QStringLiteral("http://127.0.0.1:%1").arg(port)};
        const bool upgrade = transports.isEmpty();
        const QByteArray transport = upgrade ? "transport websocket, upgraded from polling" : "transport websocket";

        QProcess driver;
        driver.setProcessChannelMode(QProcess::MergedChannels);
        driver.start(python, QStringList{m_interopDir.filePath("lab-driver.py")} + url + transports);
        QByteArray driverOut;
        // Pickups are live: the vendors start once the driver listens.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         driverOut += driver.readAll();
                         return driverOut.contains("DRIVER: transport") || driver.state() == QProcess::NotRunning;
                     },
                     20000),
                 driverOut.constData());
        QVERIFY2(driverOut.contains("DRIVER: " + transport), driverOut.constData());

        const int orders = 5;
        const QStringList stores{"1-206-flowers", "2-512-books"};
        QProcess vendors[2];
        QByteArray vendorOut[2];
        for (int i = 0; i < 2; ++i) {
            vendors[i].setProcessChannelMode(QProcess::MergedChannels);
            vendors[i].start(python,
                             QStringList{m_interopDir.filePath("lab-vendor.py")} + url + transports
                                 + QStringList{"--store", stores.at(i), "--count", QString::number(orders)});
        }
        // Until both vendors are done, or the driver has failed.
        const bool finished = QTest::qWaitFor(
            [&] {
                driverOut += driver.readAll();
                for (int i = 0; i < 2; ++i)
                    vendorOut[i] += vendors[i].readAll();
                return (vendors[0].state() == QProcess::NotRunning && vendors[1].state() == QProcess::NotRunning)
                    || driver.state() == QProcess::NotRunning;
            },
            60000);
        if (driver.state() != QProcess::NotRunning) {
            driver.terminate(); // SIGTERM: the driver disconnects and exits 0 unless something failed
            QVERIFY(driver.waitForFinished(10000));
        }
        driverOut += driver.readAll();
        for (QProcess &vendor : vendors) {
            if (vendor.state() != QProcess::NotRunning) {
                vendor.kill();
                vendor.waitForFinished(3000);
            }
        }
        for (int i = 0; i < 2; ++i)
            vendorOut[i] += vendors[i].readAll();
        const QByteArray all
            = "driver:\n" + driverOut + "\nvendor 1:\n" + vendorOut[0] + "\nvendor 2:\n" + vendorOut[1];
        QVERIFY2(finished, all.constData());
        QVERIFY2(driver.exitStatus() == QProcess::NormalExit && driver.exitCode() == 0, all.constData());
        QVERIFY2(driverOut.contains(QByteArray("DRIVER: stopped after ") + QByteArray::number(2 * orders) + " orders"),
                 all.constData());

        // Every order reached its own store, once: each vendor saw exactly its own (it fails on
        // another store's or a second delivery while it runs), and the hub handled each once.
        const QRegularExpression sentLine(R"(^VENDOR: pickup (\S+)$)", QRegularExpression::MultilineOption);
        const QRegularExpression thanksLine(R"(^VENDOR: Thank you for delivering (\S+)$)",
                                            QRegularExpression::MultilineOption);
        for (int i = 0; i < 2; ++i) {
            QVERIFY2(vendors[i].exitStatus() == QProcess::NormalExit && vendors[i].exitCode() == 0, all.constData());
            QVERIFY2(vendorOut[i].contains("VENDOR: " + transport), all.constData());
            QStringList sent;
            QStringList thanked;
            for (auto it = sentLine.globalMatch(QString::fromUtf8(vendorOut[i])); it.hasNext();)
                sent.append(it.next().captured(1));
            for (auto it = thanksLine.globalMatch(QString::fromUtf8(vendorOut[i])); it.hasNext();)
                thanked.append(it.next().captured(1));
            QCOMPARE(sent.size(), orders);
            sent.sort();
            thanked.sort();
            QCOMPARE(thanked, sent);
        }
        QVERIFY(stop(hub));
        const QByteArray log = m_banner + hub.readAllStandardOutput();
        QCOMPARE(log.count("event: 'pickup'"), 2 * orders);
        QCOMPARE(log.count("event: 'delivered'"), 2 * orders);
    }

    // Connection state recovery as an unmodified socket.io-client sees it, asking for it with
    // `auth: { recovery: true }`, and what a client that does not ask gets. The same script
    // runs against Node's socket.io (the lab hub with connectionStateRecovery), so what it
    // expects is what socket.io does.
    void connectionStateRecovery_data()
    {
        QTest::addColumn<QString>("server");
        QTest::addColumn<QString>("transport");
        QTest::addRow("caps-hub, polling then upgrade") << "caps-hub"
                                                        << "default";
        QTest::addRow("caps-hub, websocket only") << "caps-hub"
                                                  << "websocket";
        QTest::addRow("caps-hub, long-polling only") << "caps-hub"
                                                     << "polling";
        QTest::addRow("node socket.io reference") << "node"
                                                  << "default";
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
            hub.setArguments(
                {sourceDir + "/bench/node-hub/hub.js", "--port", "0", "--quiet", "--recovery-window", "120000"});
            hub.start();
            QVERIFY(hub.waitForStarted(5000));
            const QRegularExpression re(R"(node-hub listening on 127\.0\.0\.1:(\d+)/caps)");
            QByteArray output;
            QVERIFY2(QTest::qWaitFor(
                         [&] {
                             output += hub.readAllStandardOutput();
                             const auto m = re.match(QString::fromUtf8(output));
                             if (m.hasMatch())
                                 port = quint16(m.captured(1).toUInt());
                             return port != 0 || hub.state() == QProcess::NotRunning;
                         },
                         10000),
                     output.constData());
            m_banner = output;
        }
        QVERIFY2(port != 0, m_banner.constData());

        QByteArray output;
        // socket.io gives offsets to every client, caps-hub only to those that ask for them.
        const QString plain = server == QLatin1String("caps-hub") ? QStringLiteral("exact") : QStringLiteral("offset");
        const int code = runNode(
            "recovery.js",
            {"--url", QStringLiteral("http://127.0.0.1:%1").arg(port), "--transport", transport, "--plain", plain},
            &output);
        QVERIFY2(code == 0, output.constData());
        QVERIFY2(output.contains("OK recovered"), output.constData());
        stop(hub);
    }

    void connectionStateRecoveryCanBeTurnedOff()
    {
        QProcess hub;
        const quint16 port = startServer(hub, m_binaryDir + "/apps/hub/caps-hub",
                                         {"--db", ":memory:", "--recovery-window", "0"}, "caps-hub listening");
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
        QTest::addColumn<QString>("lastStep");
        for (const bool tokens : {true, false}) {
            for (const QString &path : {audiencetable::kLive, audiencetable::kRecovery, audiencetable::kTrack})
                QTest::addRow("%s, %s", tokens ? "tokens" : "open", qPrintable(path))
                    << tokens << path << QStringLiteral("delivered");
            for (const char *step : {"pickup", "in-transit", "delivered"})
                QTest::addRow("%s, getAll up to %s", tokens ? "tokens" : "open", step)
                    << tokens << audiencetable::kGetAll << QString(step);
        }
    }

    void whoHears()
    {
        using namespace audiencetable;
        QFETCH(bool, tokens);
        QFETCH(QString, path);
        QFETCH(QString, lastStep);
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
            QJsonObject peer{{"name", spec.name},
                             {"role", caps::roleName(spec.principal.role)},
                             {"store", spec.principal.store},
                             {"customer", spec.principal.customer},
                             {"tracks", spec.tracks}};
            if (const QString token = tokenFor(spec.principal); !token.isEmpty())
                peer.insert("token", token);
            peers.append(peer);
        }
        const QJsonObject senders{{"vendor", tokenFor(sendingVendor().principal)},
                                  {"driver", tokenFor(sendingDriver().principal)}};
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

        const auto json
            = [](const auto &value) { return QString::fromUtf8(QJsonDocument(value).toJson(QJsonDocument::Compact)); };
        QByteArray output;
        const int code
            = runNode("audience.js",
                      {"--url", QStringLiteral("http://127.0.0.1:%1").arg(port), "--path", path, "--last-step",
                       lastStep, "--peers", json(peers), "--senders", json(senders), "--order", json(bobsOrder())},
                      &output);
        QVERIFY2(code == 0, output.constData());
        const QRegularExpression heardLine(QStringLiteral("^HEARD (.*)$"), QRegularExpression::MultilineOption);
        const auto m = heardLine.match(QString::fromUtf8(output));
        QVERIFY2(m.hasMatch(), output.constData());
        const QJsonObject heard = QJsonDocument::fromJson(m.captured(1).toUtf8()).object();
        int checked = 0;
        for (const Row &row : rows()) {
            if (row.tokens != tokens || row.path != path || audiencetable::lastStep(row.path, row.event) != lastStep)
                continue;
            QStringList got;
            for (const PeerSpec &spec : audiencetable::receivers(tokens)) {
                if (heard.value(spec.name).toArray().contains(row.event))
                    got.append(spec.name);
            }
            QVERIFY2(got == row.hearers,
                     qPrintable(QStringLiteral("%1 heard by: %2; expected: %3")
                                    .arg(row.event, got.join(", "), row.hearers.join(", "))));
            ++checked;
        }
        QVERIFY(checked > 0);
        QVERIFY(stop(hub));
    }

    void echoFeatures_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("transport");
        QTest::addColumn<bool>("reference");
        QTest::addRow("polling then upgrade") << "echo-features.js"
                                              << "default" << false;
        QTest::addRow("websocket only") << "echo-features.js"
                                        << "websocket" << false;
        QTest::addRow("long-polling only") << "echo-features.js"
                                           << "polling" << false;
        // The same script against Node's socket.io (node-echo-server.js): it expects what a
        // real socket.io server does, not merely what ours does.
        QTest::addRow("node reference") << "echo-features.js"
                                        << "default" << true;
        // socket.io-client 2.5.0 against the echo server with Engine.IO 3 allowed, and against
        // Node's socket.io with allowEIO3 as the reference.
        QTest::addRow("socket.io-client 2, polling then upgrade") << "echo-features-v2.js"
                                                                  << "default" << false;
        QTest::addRow("socket.io-client 2, websocket only") << "echo-features-v2.js"
                                                            << "websocket" << false;
        QTest::addRow("socket.io-client 2, long-polling only") << "echo-features-v2.js"
                                                               << "polling" << false;
        QTest::addRow("socket.io-client 2, node reference") << "echo-features-v2.js"
                                                            << "default" << true;
    }

    void echoFeatures()
    {
        QFETCH(QString, script);
        QFETCH(QString, transport);
        QFETCH(bool, reference);
        QProcess echo;
        QStringList heartbeat{"--ping-interval", "200", "--ping-timeout", "1000"};
        if (script == QLatin1String("echo-features-v2.js"))
            heartbeat << "--allow-eio3";
        const quint16 port = reference
            ? startServer(echo, m_node, QStringList{m_interopDir.filePath("node-echo-server.js")} + heartbeat,
                          "node-echo-server listening")
            : startServer(echo, m_binaryDir + "/examples/echo-server/caps-echo-server", heartbeat,
                          "caps-echo-server listening");
        QVERIFY2(port != 0, m_banner.constData());
        QByteArray output;
        const int code = runNode(script,
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
        node.start(m_node,
                   {m_interopDir.filePath("hub-orders.js"), "--url", QStringLiteral("http://127.0.0.1:%1").arg(port),
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
            QVERIFY(QTest::qWaitFor(
                [&raw] { return raw.bytesAvailable() > 0 || raw.state() == QAbstractSocket::UnconnectedState; }, 3000));
            if (raw.bytesAvailable() > 0)
                QVERIFY2(raw.peek(12).startsWith("HTTP/1.1 4"), raw.peek(100).constData());
        }
        for (const QString &frame :
             {QStringLiteral("9"), QStringLiteral("4zz"), QStringLiteral("42/caps,[\"pickup\",")}) {
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

    // The order lifecycle with two drivers, as socket.io-client peers see it: acknowledged steps
    // (refusals, `taken`, a repeat) and lab-style drivers that both take every order, whose
    // vendor still hears each step once. Against the default hub.
    void lifecycleWithTwoDrivers_data()
    {
        QTest::addColumn<QString>("client");
        QTest::addRow("socket.io-client 4") << "4";
        QTest::addRow("socket.io-client 2") << "2";
    }

    void lifecycleWithTwoDrivers()
    {
        QFETCH(QString, client);
        QProcess hub;
        const quint16 port
            = startServer(hub, m_binaryDir + "/apps/hub/caps-hub", {"--db", ":memory:"}, "caps-hub listening");
        QVERIFY2(port != 0, m_banner.constData());
        QByteArray output;
        const int code = runNode(
            "lifecycle.js",
            {"--url", QStringLiteral("http://127.0.0.1:%1").arg(port), "--orders", "20", "--client", client}, &output);
        QVERIFY2(code == 0, output.constData());
        QVERIFY(output.contains("OK lifecycle held"));
        QVERIFY(stop(hub));
    }

    // The hub serves socket.io 2.x (Engine.IO 3) by default; --no-eio3 refuses it as socket.io does.
    void noEio3RefusesEngineIo3()
    {
        for (const bool refuse : {false, true}) {
            QProcess hub;
            const QStringList arguments
                = refuse ? QStringList{"--no-eio3", "--db", ":memory:"} : QStringList{"--db", ":memory:"};
            const quint16 port = startServer(hub, m_binaryDir + "/apps/hub/caps-hub", arguments, "caps-hub listening");
            QVERIFY2(port != 0, m_banner.constData());
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            QVERIFY(socket.waitForConnected(5000));
            socket.write("GET /socket.io/?EIO=3&transport=polling&b64=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            QByteArray answer;
            QVERIFY(QTest::qWaitFor(
                [&] {
                    answer += socket.readAll();
                    return answer.contains("\r\n\r\n") && (answer.contains("}") || answer.contains("]"));
                },
                5000));
            if (refuse) {
                QVERIFY2(answer.startsWith("HTTP/1.1 400"), answer.constData());
                QVERIFY(answer.contains("Unsupported protocol version"));
            } else {
                QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
                QVERIFY(answer.contains(":0{"));
            }
            QVERIFY(stop(hub));
        }
    }

    void hubJsonLog()
    {
        QProcess hub;
        const quint16 port
            = startServer(hub, m_binaryDir + "/apps/hub/caps-hub", {"--log-format", "json"}, "caps-hub listening");
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
