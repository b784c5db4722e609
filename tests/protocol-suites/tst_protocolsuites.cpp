// The conformance suites the Socket.IO project keeps for server authors, unchanged, run by their
// own `run SUITE PORT` against caps-echo-server: socketio-v5 against the Socket.IO echo server,
// engineio-v4 and engineio-v3 against its raw Engine.IO mode (Engine.IO 3 refused, then served).
// The suites live beside the project (../shared/protocol-suites, or CAPS_PROTOCOL_SUITES); a
// missing suite fails the test rather than skipping it.

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

class TestProtocolSuites : public QObject
{
    Q_OBJECT

private:
    QString m_suites;
    QString m_echoServer;
    QString m_workDir;

private slots:
    void initTestCase()
    {
        const QString source = qEnvironmentVariable("CAPS_SOURCE_DIR");
        const QString binary = qEnvironmentVariable("CAPS_BINARY_DIR");
        QVERIFY2(!source.isEmpty() && !binary.isEmpty(), "run through ctest (CAPS_SOURCE_DIR, CAPS_BINARY_DIR)");
        m_suites = qEnvironmentVariable("CAPS_PROTOCOL_SUITES",
                                        QDir(source).filePath(QStringLiteral("../shared/protocol-suites")));
        QVERIFY2(QFileInfo::exists(QDir(m_suites).filePath(QStringLiteral("run"))),
                 qPrintable(QStringLiteral("no protocol suites at %1 (set CAPS_PROTOCOL_SUITES)").arg(m_suites)));
        m_echoServer = QDir(binary).filePath(QStringLiteral("examples/echo-server/caps-echo-server"));
        QVERIFY2(QFileInfo(m_echoServer).isExecutable(), qPrintable(m_echoServer));
        // Kept between runs so that each suite's `npm ci` happens once per build folder.
        m_workDir = QDir(binary).filePath(QStringLiteral("protocol-suites-work"));
    }

    void suite_data()
    {
        QTest::addColumn<QString>("suite");
        QTest::addColumn<QStringList>("serverArguments");
        QTest::addColumn<int>("expectedPassing");
        // The timings every suite assumes (their headers say so).
        const QStringList timings{"--ping-interval", "300", "--ping-timeout", "200"};
        QTest::addRow("socketio-v5") << "socketio-v5" << timings << 32;
        QTest::addRow("engineio-v4") << "engineio-v4" << (timings + QStringList{"--engine-io"}) << 25;
        // 23 and one pending: the suite itself skips its duplicate-poll case ("FIXME CORS error").
        QTest::addRow("engineio-v3") << "engineio-v3" << (timings + QStringList{"--engine-io", "--allow-eio3"}) << 23;
    }

    void suite()
    {
        QFETCH(QString, suite);
        QFETCH(QStringList, serverArguments);
        QFETCH(int, expectedPassing);

        QProcess server;
        server.setProcessChannelMode(QProcess::MergedChannels);
        server.start(m_echoServer, serverArguments + QStringList{"--port", "0"});
        QVERIFY(server.waitForStarted(5000));
        const QRegularExpression banner(QStringLiteral(R"(listening on http://127\.0\.0\.1:(\d+))"));
        QByteArray serverOutput;
        QString port;
        QVERIFY(QTest::qWaitFor(
            [&] {
                serverOutput += server.readAll();
                port = banner.match(QString::fromUtf8(serverOutput)).captured(1);
                return !port.isEmpty() || server.state() == QProcess::NotRunning;
            },
            10000));
        QVERIFY2(!port.isEmpty(), serverOutput.constData());

        QProcess run;
        run.setProcessChannelMode(QProcess::MergedChannels);
        // The suites connect to "localhost", which Node 17+ resolves in the order of /etc/hosts
        // (::1 first on a fresh Debian), while the echo server binds 127.0.0.1 only, as test
        // servers here do.
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(
            QStringLiteral("NODE_OPTIONS"),
            (environment.value(QStringLiteral("NODE_OPTIONS")) + QStringLiteral(" --dns-result-order=ipv4first"))
                .trimmed());
        run.setProcessEnvironment(environment);
        run.start(QStringLiteral("bash"), {QDir(m_suites).filePath(QStringLiteral("run")), suite, port, m_workDir});
        QVERIFY(run.waitForStarted(5000));
        // npm ci the first time, then a mocha run of some seconds (its heartbeat cases wait).
        const bool finished = QTest::qWaitFor([&run] { return run.state() == QProcess::NotRunning; }, 400000);
        if (!finished)
            run.kill();
        const QString output = QString::fromUtf8(run.readAll());
        server.terminate();
        server.waitForFinished(5000);
        QVERIFY2(finished, qPrintable(output));

        const QRegularExpression summary(QRegularExpression::escape(suite)
                                         + QStringLiteral(R"(: (\d+) passed, (\d+) failed)"));
        const auto m = summary.match(output);
        QVERIFY2(m.hasMatch(), qPrintable(output));
        if (m.captured(2).toInt() != 0 || m.captured(1).toInt() != expectedPassing)
            qWarning().noquote() << output;
        QCOMPARE(m.captured(2).toInt(), 0);
        QCOMPARE(m.captured(1).toInt(), expectedPassing);
    }
};

QTEST_GUILESS_MAIN(TestProtocolSuites)
#include "tst_protocolsuites.moc"
