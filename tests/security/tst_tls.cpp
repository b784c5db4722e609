#include "security/securetcpserver.h"
#include "security/tlsconfig.h"

#include <QCommandLineParser>
#include <QProcess>
#include <QSignalSpy>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace caps;

// A throw-away CA and a server certificate for localhost/127.0.0.1 signed by it, made with the
// openssl command (Debian package "openssl") when the test starts.
class TestTls : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    [[nodiscard]] QString path(const QString &name) const { return m_dir.filePath(name); }

    bool openssl(const QStringList &args)
    {
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(QStringLiteral("openssl"), args);
        if (!p.waitForFinished(30000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            qWarning().noquote() << "openssl" << args.join(' ') << "failed:" << p.readAllStandardError();
            return false;
        }
        return true;
    }

    static void writeFile(const QString &path, const QByteArray &data)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(data);
    }

    // Client handshake against `port`; true once encrypted, false on error.
    static bool handshake(quint16 port, const QString &host, const QSslConfiguration &config, QString *error = nullptr,
                          const QString &peerName = {})
    {
        QSslSocket client;
        client.setSslConfiguration(config);
        QSignalSpy encrypted(&client, &QSslSocket::encrypted);
        QSignalSpy failed(&client, &QSslSocket::errorOccurred);
        client.connectToHostEncrypted(host, port, peerName.isEmpty() ? host : peerName);
        if (!QTest::qWaitFor([&] { return encrypted.size() > 0 || failed.size() > 0; }, 10000))
            return false;
        if (error)
            *error = client.errorString();
        return encrypted.size() > 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty())
            QFAIL("the openssl command is needed to make test certificates: apt-get install -y openssl");
        QVERIFY(QSslSocket::supportsSsl());
        QVERIFY(m_dir.isValid());
        writeFile(path("server.ext"),
                  "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                  "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
        const QStringList ec{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
        QVERIFY(openssl(QStringList{"req", "-x509"} + ec
                        + QStringList{"-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=CAPS Test CA",
                                      "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                                      "keyUsage=critical,keyCertSign,cRLSign"}));
        QVERIFY(openssl(QStringList{"req"} + ec
                        + QStringList{"-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"}));
        QVERIFY(openssl({"x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                         "-out", "server.pem", "-days", "2", "-extfile", "server.ext"}));
        // Keys that do not belong to server.pem: one of the same type, one RSA.
        QVERIFY(openssl(
            {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", "other-ec.key"}));
        QVERIFY(openssl({"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "other-rsa.key"}));
        QVERIFY(openssl(
            {"pkey", "-in", "server.key", "-out", "server-encrypted.key", "-aes256", "-passout", "pass:secret"}));
        // A chain file: the server certificate followed by the CA.
        QFile server(path("server.pem")), ca(path("ca.pem"));
        QVERIFY(server.open(QIODevice::ReadOnly) && ca.open(QIODevice::ReadOnly));
        writeFile(path("chain.pem"), server.readAll() + ca.readAll());
        writeFile(path("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
    }

    void serverConfiguration()
    {
        auto config = serverTlsConfiguration(path("server.pem"), path("server.key"));
        QVERIFY2(config.ok(), qPrintable(config.error()));
        QCOMPARE(config->localCertificate().subjectInfo(QSslCertificate::CommonName), QStringList{"localhost"});
        QVERIFY(!config->privateKey().isNull());
        QCOMPARE(config->protocol(), QSsl::TlsV1_2OrLater);

        auto chain = serverTlsConfiguration(path("chain.pem"), path("server.key"));
        QVERIFY2(chain.ok(), qPrintable(chain.error()));
        QCOMPARE(chain->localCertificateChain().size(), 2);

        auto encrypted = serverTlsConfiguration(path("server.pem"), path("server-encrypted.key"), "secret");
        QVERIFY2(encrypted.ok(), qPrintable(encrypted.error()));
    }

    void serverConfigurationErrors_data()
    {
        QTest::addColumn<QString>("cert");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("error");
        QTest::addRow("no cert file") << "missing.pem"
                                      << "server.key"
                                      << "cannot read certificate file";
        QTest::addRow("cert not pem") << "server.ext"
                                      << "server.key"
                                      << "holds no PEM certificate";
        QTest::addRow("cert garbage") << "garbage.pem"
                                      << "server.key"
                                      << "holds no PEM certificate";
        QTest::addRow("no key file") << "server.pem"
                                     << "missing.key"
                                     << "cannot read key file";
        QTest::addRow("key is a cert") << "server.pem"
                                       << "ca.pem"
                                       << "holds no usable PEM private key";
        QTest::addRow("other key same type") << "server.pem"
                                             << "other-ec.key"
                                             << "does not belong to certificate";
        QTest::addRow("other key rsa") << "server.pem"
                                       << "other-rsa.key"
                                       << "does not belong to certificate";
        QTest::addRow("encrypted no passphrase") << "server.pem"
                                                 << "server-encrypted.key"
                                                 << "is encrypted; a passphrase is needed";
    }
    void serverConfigurationErrors()
    {
        QFETCH(QString, cert);
        QFETCH(QString, key);
        QFETCH(QString, error);
        const auto config = serverTlsConfiguration(path(cert), path(key));
        QVERIFY(!config.ok());
        QVERIFY2(config.error().contains(error), qPrintable(config.error()));
    }

    void handshakeNeedsTheCa()
    {
        auto serverConfig = serverTlsConfiguration(path("server.pem"), path("server.key"));
        QVERIFY(serverConfig.ok());
        SecureTcpServer server;
        server.setSslConfiguration(*serverConfig);
        QVERIFY(server.isSecure());
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        // The server side is driven by the event loop; take its sockets as they come.
        QList<QTcpSocket *> accepted;
        connect(&server, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *s = server.nextPendingConnection())
                accepted.append(s);
        });

        auto trusting = clientTlsConfiguration(path("ca.pem"));
        QVERIFY2(trusting.ok(), qPrintable(trusting.error()));
        QString error;
        QVERIFY2(handshake(server.serverPort(), "localhost", *trusting, &error), qPrintable(error));
        QVERIFY2(handshake(server.serverPort(), "127.0.0.1", *trusting, &error), qPrintable(error));
        // The certificate is for localhost and 127.0.0.1 only.
        QVERIFY(!handshake(server.serverPort(), "127.0.0.1", *trusting, &error, "caps.example.com"));
        // Without the CA the certificate is not trusted.
        QVERIFY(!handshake(server.serverPort(), "localhost", QSslConfiguration::defaultConfiguration(), &error));
        QVERIFY2(error.contains("issuer", Qt::CaseInsensitive) || error.contains("certificate", Qt::CaseInsensitive),
                 qPrintable(error));
        QTRY_COMPARE(accepted.size(), 4);

        // The same configuration works with Qt's own QSslServer.
        QSslServer sslServer;
        sslServer.setSslConfiguration(*serverConfig);
        QVERIFY(sslServer.listen(QHostAddress::LocalHost, 0));
        QVERIFY2(handshake(sslServer.serverPort(), "localhost", *trusting, &error), qPrintable(error));
    }

    void cleartextThroughTheSocket()
    {
        auto serverConfig = serverTlsConfiguration(path("server.pem"), path("server.key"));
        SecureTcpServer server;
        server.setSslConfiguration(*serverConfig);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QSignalSpy newConnection(&server, &QTcpServer::newConnection);

        QSslSocket client;
        client.setSslConfiguration(*clientTlsConfiguration(path("ca.pem")));
        client.connectToHostEncrypted("localhost", server.serverPort());
        QVERIFY(newConnection.wait());
        auto *peer = qobject_cast<QSslSocket *>(server.nextPendingConnection());
        QVERIFY(peer);
        QCOMPARE(peer->mode(), QSslSocket::SslServerMode);
        QTRY_VERIFY(client.isEncrypted());
        const QByteArray request("GET /socket.io/?EIO=4 HTTP/1.1\r\n\r\n");
        client.write(request);
        QByteArray got;
        QTRY_COMPARE((got += peer->readAll()), request);
        peer->write("HTTP/1.1 200 OK\r\n\r\n");
        QByteArray answer;
        QTRY_COMPARE((answer += client.readAll()), QByteArray("HTTP/1.1 200 OK\r\n\r\n"));
    }

    void silentPeerIsPendingAtOnce()
    {
        // A peer that opens a TCP connection and never starts TLS is already the server's
        // socket to time out; with QSslServer it would sit inside the server unseen.
        auto serverConfig = serverTlsConfiguration(path("server.pem"), path("server.key"));
        SecureTcpServer server;
        server.setSslConfiguration(*serverConfig);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QSignalSpy newConnection(&server, &QTcpServer::newConnection);
        QTcpSocket silent;
        silent.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QVERIFY(newConnection.wait());
        auto *peer = qobject_cast<QSslSocket *>(server.nextPendingConnection());
        QVERIFY(peer);
        QVERIFY(!peer->isEncrypted());

        // Plain HTTP to the TLS port ends the connection instead of reaching the reader.
        QTcpSocket plain;
        plain.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QVERIFY(newConnection.wait());
        auto *plainPeer = qobject_cast<QSslSocket *>(server.nextPendingConnection());
        QVERIFY(plainPeer);
        QSignalSpy plainPeerClosed(plainPeer, &QAbstractSocket::disconnected);
        QVERIFY(plain.waitForConnected(5000));
        plain.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(plainPeerClosed.wait());
        QCOMPARE(plainPeer->bytesAvailable(), 0);
    }

    void withoutConfigurationItIsPlainTcp()
    {
        SecureTcpServer server;
        QVERIFY(!server.isSecure());
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QSignalSpy newConnection(&server, &QTcpServer::newConnection);
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QVERIFY(newConnection.wait());
        QTcpSocket *peer = server.nextPendingConnection();
        QVERIFY(peer);
        QVERIFY(!qobject_cast<QSslSocket *>(peer));
    }

    void secureWebSocketThroughHandleConnection()
    {
        // The hub's path: one port, its own TLS socket, then QWebSocketServer in NonSecureMode.
        auto serverConfig = serverTlsConfiguration(path("server.pem"), path("server.key"));
        SecureTcpServer tcp;
        tcp.setSslConfiguration(*serverConfig);
        QVERIFY(tcp.listen(QHostAddress::LocalHost, 0));
        QWebSocketServer ws(QStringLiteral("caps-test"), QWebSocketServer::NonSecureMode);
        connect(&tcp, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *s = tcp.nextPendingConnection())
                ws.handleConnection(s);
        });
        QList<QWebSocket *> serverSockets;
        QStringList received;
        connect(&ws, &QWebSocketServer::newConnection, this, [&] {
            while (QWebSocket *s = ws.nextPendingConnection()) {
                serverSockets.append(s);
                connect(s, &QWebSocket::textMessageReceived, this, [&](const QString &m) { received.append(m); });
            }
        });

        QWebSocket client;
        client.setSslConfiguration(*clientTlsConfiguration(path("ca.pem")));
        QSignalSpy connected(&client, &QWebSocket::connected);
        client.open(
            QUrl(QStringLiteral("wss://localhost:%1/socket.io/?EIO=4&transport=websocket").arg(tcp.serverPort())));
        QVERIFY(connected.wait());
        client.sendTextMessage(QStringLiteral("2probe"));
        QTRY_COMPARE(received, QStringList{"2probe"});

        // Without the CA: refused.
        QWebSocket untrusting;
        QSignalSpy untrustingConnected(&untrusting, &QWebSocket::connected);
        QSignalSpy untrustingError(&untrusting, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error));
        untrusting.open(QUrl(QStringLiteral("wss://localhost:%1/").arg(tcp.serverPort())));
        QVERIFY(untrustingError.wait());
        QCOMPARE(untrustingConnected.size(), 0);

        // --ca for client programs: installs the CA as a default, which a new QWebSocket picks up.
        QCommandLineParser parser;
        addClientTlsOptions(parser);
        QVERIFY(parser.parse({"caps-vendor", "--ca", path("ca.pem")}));
        auto installed = applyClientTlsOptions(parser);
        QVERIFY2(installed.ok(), qPrintable(installed.error()));
        QCOMPARE(installed->size(), 1);
        QWebSocket trustingByDefault;
        QSignalSpy defaultConnected(&trustingByDefault, &QWebSocket::connected);
        trustingByDefault.open(QUrl(QStringLiteral("wss://localhost:%1/").arg(tcp.serverPort())));
        QVERIFY(defaultConnected.wait());

        QCommandLineParser badParser;
        addClientTlsOptions(badParser);
        QVERIFY(badParser.parse({"caps-vendor", "--ca", path("missing.pem")}));
        QVERIFY(!applyClientTlsOptions(badParser).ok());
        QCommandLineParser noCa;
        addClientTlsOptions(noCa);
        QVERIFY(noCa.parse({"caps-vendor"}));
        QVERIFY(applyClientTlsOptions(noCa)->isEmpty());
        // QWebSocketServer hands its sockets over without a parent.
        qDeleteAll(serverSockets);
    }
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
