// Tokens, roles, limits and TLS as a real caps-hub applies them (docs/security.md). Registered
// once apps/hub/main.cpp uses caps::SecurityOptions.

#include "testsioclient.h"

#include "security/tlsconfig.h"
#include "security/tokenstore.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>

using namespace caps;

namespace {

const QString kStore = QStringLiteral("1-206-flowers");

QJsonObject order(const QString &store, const QString &orderId)
{
    return {{"store", store}, {"orderID", orderId}, {"customer", "Jane Doe"}, {"address", "1 Main St"}};
}

QJsonObject auth(const QString &token)
{
    return {{"token", token}};
}

} // namespace

class TestHubAuth : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_program;
    QString m_tokensPath;
    QHash<QString, QString> m_tokens; // role -> token
    std::vector<std::unique_ptr<QProcess>> m_hubs;

    // Starts caps-hub with `args`; the port it listens on, or 0 (with the output in `output`).
    quint16 startHub(const QStringList &args, QString *output = nullptr)
    {
        auto hub = std::make_unique<QProcess>();
        hub->start(m_program, QStringList{"--port", "0", "--quiet"} + args);
        if (!hub->waitForStarted())
            return 0;
        static const QRegularExpression listening(QStringLiteral("caps-hub listening on https?://[^:]+:(\\d+)/caps"));
        QByteArray out;
        (void)QTest::qWaitFor(
            [&] {
                out += hub->readAllStandardOutput();
                return listening.match(QString::fromUtf8(out)).hasMatch() || hub->state() != QProcess::Running;
            },
            15000);
        if (output)
            *output = QString::fromUtf8(out + hub->readAllStandardError());
        const auto m = listening.match(QString::fromUtf8(out));
        m_hubs.push_back(std::move(hub));
        return m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
    }

    // Runs caps-hub to its end: exit code and everything it printed.
    int runHub(const QStringList &args, QString *output)
    {
        QProcess p;
        p.start(m_program, QStringList{"--port", "0", "--quiet"} + args);
        if (!p.waitForFinished(15000)) {
            p.kill();
            p.waitForFinished();
            return -1;
        }
        *output = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
        return p.exitCode();
    }

    bool openssl(const QStringList &args)
    {
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(QStringLiteral("openssl"), args);
        return p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_program = qEnvironmentVariable("CAPS_BINARY_DIR") + QStringLiteral("/apps/hub/caps-hub");
        QVERIFY2(QFile::exists(m_program), qPrintable(m_program));
        QVERIFY(m_dir.isValid());
        QJsonArray entries;
        const QList<QPair<QString, Principal>> roles{
            {"vendor", Principal{Role::Vendor, kStore, {}, "Flowers"}},
            {"vendor2", Principal{Role::Vendor, "2-acme", {}, "Acme"}},
            {"driver", Principal{Role::Driver, {}, {}, "Van 3"}},
            {"customer", Principal{Role::Customer, {}, "Jane Doe", {}}},
            {"admin", Principal{Role::Admin, {}, {}, "ops"}},
        };
        for (const auto &[name, principal] : roles) {
            const QString token = TokenStore::generateToken();
            m_tokens.insert(name, token);
            entries.append(TokenStore::entry(token, principal));
        }
        m_tokensPath = m_dir.filePath("tokens.json");
        QFile f(m_tokensPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(QJsonObject{{"tokens", entries}}).toJson());
    }

    void cleanupTestCase()
    {
        for (auto &hub : m_hubs) {
            hub->terminate();
            if (!hub->waitForFinished(5000))
                hub->kill();
        }
    }

    void connectNeedsAToken()
    {
        const quint16 port = startHub({"--tokens", m_tokensPath});
        QVERIFY(port);
        SioClient none(port);
        QVERIFY(!none.waitJoined());
        QCOMPARE(none.connectError(), QString("Authentication required"));
        SioClient wrong(port, auth("caps_wrong"));
        QVERIFY(!wrong.waitJoined());
        QCOMPARE(wrong.connectError(), QString("Invalid token"));
        // The hash from the file is not a token.
        SioClient hash(port, auth(QString::fromLatin1(TokenStore::hashHex(m_tokens.value("driver")))));
        QVERIFY(!hash.waitJoined());
        QCOMPARE(hash.connectError(), QString("Invalid token"));
        for (const QString &role : m_tokens.keys()) {
            SioClient ok(port, auth(m_tokens.value(role)));
            QVERIFY2(ok.waitJoined(), qPrintable(role + ": " + ok.connectError()));
        }
    }

    void rolesAreEnforced()
    {
        const quint16 port = startHub({"--tokens", m_tokensPath});
        QVERIFY(port);
        SioClient vendor(port, auth(m_tokens.value("vendor")));
        SioClient driver(port, auth(m_tokens.value("driver")));
        SioClient customer(port, auth(m_tokens.value("customer")));
        QVERIFY(vendor.waitJoined() && driver.waitJoined() && customer.waitJoined());

        auto refused = [](SioClient &c, const QString &event, const QJsonArray &args) -> QString {
            const auto ack = c.waitAck(c.emitWithAck(event, args));
            if (!ack)
                return QStringLiteral("<no ack>");
            const QJsonObject o = ack->first().toObject();
            return o.value("ok").toBool(true) ? QString() : o.value("error").toString();
        };
        // A vendor acts for its own store only.
        QVERIFY(refused(vendor, "join", {"2-acme"}).startsWith("Not allowed"));
        QVERIFY(refused(vendor, "pickup", {order("2-acme", "x-1")}).startsWith("Not allowed"));
        QVERIFY(refused(vendor, "delivered", {order(kStore, "x-2")}).startsWith("Not allowed"));
        // Drivers move parcels, they do not create them.
        QVERIFY(refused(driver, "pickup", {order(kStore, "x-3")}).startsWith("Not allowed"));
        QVERIFY(refused(driver, "join", {kStore}).startsWith("Not allowed"));
        // Customers watch, and only themselves by name.
        QVERIFY(refused(customer, "pickup", {order(kStore, "x-4")}).startsWith("Not allowed"));
        QVERIFY(refused(customer, "track", {QJsonObject{{"customer", "Bob"}}}).startsWith("Not allowed"));
        QVERIFY(refused(customer, "track", {QJsonObject{{"customer", "Jane Doe"}}}).isEmpty());
        // Malformed payloads are refused with the reason.
        QVERIFY(refused(vendor, "pickup", {QJsonObject{{"store", kStore}}}).contains("orderID is missing"));

        // None of the refused pickups reached the driver; the allowed order goes through.
        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        vendor.emitEvent("join", {kStore});
        vendor.emitEvent("pickup", {order(kStore, id)});
        QVERIFY(driver.waitOrderEvent("pickup", id, 10000));
        for (const auto &e : driver.events())
            QVERIFY2(!e.args.first().toObject().value("orderID").toString().startsWith("x-"),
                     "a refused pickup was relayed");
        driver.emitEvent("in-transit", {order(kStore, id)});
        driver.emitEvent("delivered", {order(kStore, id)});
        QVERIFY(vendor.waitOrderEvent("delivered", id, 10000));
        QVERIFY(customer.waitOrderEvent("delivered", id, 10000));
    }

    void openModeStaysOnLoopback()
    {
        QString output;
        QVERIFY(runHub({"--host", "0.0.0.0"}, &output) != 0);
        QVERIFY2(output.contains("--insecure"), qPrintable(output));
        QVERIFY(runHub({"--tokens", m_dir.filePath("missing.json")}, &output) != 0);
        QVERIFY2(output.contains("missing.json"), qPrintable(output));
        QVERIFY(runHub({"--max-payload", "zero"}, &output) != 0);
        QVERIFY2(output.contains("--max-payload"), qPrintable(output));
    }

    void eventRateIsLimited()
    {
        const quint16 port = startHub({"--events-per-second", "5", "--event-burst", "5"});
        QVERIFY(port);
        SioClient flooder(port);
        QVERIFY(flooder.waitJoined());
        QList<qint64> ids;
        for (int i = 0; i < 50; ++i)
            ids.append(flooder.emitWithAck("track", {QStringLiteral("o-%1").arg(i)}));
        int accepted = 0;
        for (qint64 id : ids) {
            const auto ack = flooder.waitAck(id, 2000);
            if (ack && ack->first().toObject().value("ok").toBool())
                ++accepted;
        }
        QVERIFY2(accepted >= 5 && accepted <= 10, qPrintable(QString::number(accepted)));
        // A well-behaved client on the same hub is not affected.
        SioClient other(port);
        QVERIFY(other.waitJoined());
        const auto ack = other.waitAck(other.emitWithAck("track", {"o-x"}));
        QVERIFY(ack && ack->first().toObject().value("ok").toBool());
    }

    void connectionsPerAddressAreLimited()
    {
        const quint16 port = startHub({"--max-connections-per-ip", "5"});
        QVERIFY(port);
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < 10; ++i) {
            auto s = std::make_unique<QTcpSocket>();
            s->bind(QHostAddress("127.0.0.2"), 0);
            s->connectToHost(QHostAddress::LocalHost, port);
            sockets.push_back(std::move(s));
        }
        QVERIFY(QTest::qWaitFor(
            [&] {
                int closed = 0;
                for (auto &s : sockets)
                    closed += s->state() == QAbstractSocket::UnconnectedState ? 1 : 0;
                return closed >= 5;
            },
            10000));
        SioClient fromElsewhere(port);
        QVERIFY(fromElsewhere.waitJoined());
    }

    void unfinishedRequestHeadIsDropped()
    {
        const quint16 port = startHub({"--handshake-timeout", "300"});
        QVERIFY(port);
        QTcpSocket slow;
        slow.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(slow.waitForConnected(3000));
        slow.write("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\n"); // never finished
        QVERIFY(QTest::qWaitFor([&] { return slow.state() == QAbstractSocket::UnconnectedState; }, 5000));
        SioClient meanwhile(port);
        QVERIFY(meanwhile.waitJoined());
    }

    void tls()
    {
        if (QStandardPaths::findExecutable("openssl").isEmpty())
            QFAIL("the openssl command is needed to make test certificates: apt-get install -y openssl");
        const QStringList ec{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
        QFile ext(m_dir.filePath("server.ext"));
        QVERIFY(ext.open(QIODevice::WriteOnly));
        ext.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        ext.close();
        QVERIFY(openssl(QStringList{"req", "-x509"} + ec
                        + QStringList{"-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=CAPS Test CA",
                                      "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                                      "keyUsage=critical,keyCertSign"}));
        QVERIFY(openssl(QStringList{"req"} + ec
                        + QStringList{"-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"}));
        QVERIFY(openssl({"x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                         "-out", "server.pem", "-days", "2", "-extfile", "server.ext"}));

        QString output;
        const quint16 port = startHub(
            {"--tls-cert", m_dir.filePath("server.pem"), "--tls-key", m_dir.filePath("server.key")}, &output);
        QVERIFY2(port, qPrintable(output));
        const auto trusting = clientTlsConfiguration(m_dir.filePath("ca.pem"));
        QVERIFY(trusting.ok());
        SioClient secure(port, {}, "/caps", "wss", *trusting);
        QVERIFY2(secure.waitJoined(), qPrintable(secure.socket().errorString()));
        SioClient untrusting(port, {}, "/caps", "wss", QSslConfiguration::defaultConfiguration());
        QVERIFY(!untrusting.waitOpened(5000));

        // Long-polling over HTTPS on the same port.
        QSslSocket polling;
        polling.setSslConfiguration(*trusting);
        polling.connectToHostEncrypted("localhost", port);
        QVERIFY(polling.waitForEncrypted(10000));
        polling.write("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QByteArray answer;
        QVERIFY(QTest::qWaitFor(
            [&] {
                answer += polling.readAll();
                return answer.contains("\"sid\"");
            },
            10000));
        QVERIFY(answer.startsWith("HTTP/1.1 200"));

        // Plain HTTP to the TLS port gets nowhere.
        SioClient plain(port);
        QVERIFY(!plain.waitOpened(5000));

        QVERIFY(runHub({"--tls-cert", m_dir.filePath("server.pem"), "--tls-key", m_dir.filePath("ca.key")}, &output)
                != 0);
        QVERIFY2(output.contains("does not belong"), qPrintable(output));
    }

    // --handshake-timeout bounds the TLS handshake too: a peer that connects and never says
    // hello, or finishes TLS and then sends no request, is dropped; others are not held up.
    void tlsHandshakeTimeout()
    {
        QVERIFY2(QFile::exists(m_dir.filePath("server.pem")), "tls() makes the certificates first");
        QString output;
        const quint16 port = startHub({"--tls-cert", m_dir.filePath("server.pem"), "--tls-key",
                                       m_dir.filePath("server.key"), "--handshake-timeout", "300"},
                                      &output);
        QVERIFY2(port, qPrintable(output));
        QTcpSocket silent;
        silent.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(silent.waitForConnected(3000));
        const auto trusting = clientTlsConfiguration(m_dir.filePath("ca.pem"));
        QVERIFY(trusting.ok());
        QSslSocket mute; // TLS done, then nothing
        mute.setSslConfiguration(*trusting);
        mute.connectToHostEncrypted("localhost", port);
        QVERIFY(mute.waitForEncrypted(10000));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return silent.state() == QAbstractSocket::UnconnectedState
                    && mute.state() == QAbstractSocket::UnconnectedState;
            },
            5000));
        SioClient secure(port, {}, "/caps", "wss", *trusting);
        QVERIFY2(secure.waitJoined(), qPrintable(secure.socket().errorString()));
    }
};

QTEST_GUILESS_MAIN(TestHubAuth)
#include "tst_hubauth.moc"
