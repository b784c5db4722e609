#include "security/bindpolicy.h"
#include "security/connectionlimiter.h"
#include "security/ratelimiter.h"
#include "security/securityoptions.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace caps;

namespace {

Result<SecurityOptions> parse(const QStringList &args)
{
    QCommandLineParser parser;
    SecurityOptions::addTo(parser);
    if (!parser.parse(QStringList{"caps-hub"} + args))
        return Result<SecurityOptions>::failure(parser.errorText());
    return SecurityOptions::fromParser(parser);
}

} // namespace

class TestLimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bucketAllowsBurstThenRate()
    {
        RateLimiter limiter(10, 5); // 10/s, burst 5
        qint64 now = 1000;
        for (int i = 0; i < 5; ++i)
            QVERIFY(limiter.tryAcquire(now));
        QVERIFY(!limiter.tryAcquire(now));
        QVERIFY(!limiter.tryAcquire(now));
        QCOMPARE(limiter.rejectedInARow(), 2);
        now += 99; // 0.99 token
        QVERIFY(!limiter.tryAcquire(now));
        now += 1; // 1 token (the refused call consumed nothing)
        QVERIFY(limiter.tryAcquire(now));
        QCOMPARE(limiter.rejectedInARow(), 0);
        QVERIFY(!limiter.tryAcquire(now));
        // A long pause refills to the burst, no further.
        now += 60'000;
        QCOMPARE(limiter.available(now), 5.0);
        for (int i = 0; i < 5; ++i)
            QVERIFY(limiter.tryAcquire(now));
        QVERIFY(!limiter.tryAcquire(now));
    }

    void bucketSustainedRate()
    {
        // 20/s for 10 simulated seconds, one attempt per millisecond: burst + rate * time.
        RateLimiter limiter(20, 40);
        int granted = 0;
        for (qint64 t = 0; t < 10'000; ++t)
            granted += limiter.tryAcquire(t) ? 1 : 0;
        QVERIFY2(granted >= 40 + 199 && granted <= 40 + 200, qPrintable(QString::number(granted)));
    }

    void bucketClockBackwards()
    {
        RateLimiter limiter(1000, 1);
        QVERIFY(limiter.tryAcquire(5000));
        QVERIFY(!limiter.tryAcquire(4000)); // the clock went back: no refill
        QVERIFY(!limiter.tryAcquire(5000)); // and no credit for the way back up
        QVERIFY(limiter.tryAcquire(5001));
    }

    void bucketCostAndUnlimited()
    {
        RateLimiter limiter(1, 3);
        QVERIFY(limiter.tryAcquire(0, 3));
        QVERIFY(!limiter.tryAcquire(0, 0.5));
        RateLimiter unlimited(0, 1);
        QVERIFY(unlimited.isUnlimited());
        for (int i = 0; i < 10000; ++i)
            QVERIFY(unlimited.tryAcquire(0));
    }

    void connectionsPerAddress()
    {
        ConnectionLimiter limiter(2);
        const QHostAddress a("10.0.0.1"), b("10.0.0.2");
        QVERIFY(limiter.tryAcquire(a));
        QVERIFY(limiter.tryAcquire(a));
        QVERIFY(!limiter.tryAcquire(a));
        // The IPv4-mapped form is the same peer.
        QVERIFY(!limiter.tryAcquire(QHostAddress("::ffff:10.0.0.1")));
        QVERIFY(limiter.tryAcquire(b));
        QCOMPARE(limiter.count(a), 2);
        QCOMPARE(limiter.total(), 3);
        limiter.release(QHostAddress("::ffff:10.0.0.1"));
        QCOMPARE(limiter.count(a), 1);
        QVERIFY(limiter.tryAcquire(a));
        limiter.release(a);
        limiter.release(a);
        limiter.release(b);
        QCOMPARE(limiter.total(), 0);
        QCOMPARE(limiter.count(a), 0);
        // Releasing what was never acquired changes nothing.
        limiter.release(QHostAddress("10.9.9.9"));
        QCOMPARE(limiter.total(), 0);

        ConnectionLimiter v6(1);
        QVERIFY(v6.tryAcquire(QHostAddress("fe80::1%1")));
        QVERIFY(!v6.tryAcquire(QHostAddress("fe80::1%2")));
        QVERIFY(v6.tryAcquire(QHostAddress("::1")));

        ConnectionLimiter unlimited(0);
        for (int i = 0; i < 1000; ++i)
            QVERIFY(unlimited.tryAcquire(a));
        QCOMPARE(unlimited.count(a), 1000);
    }

    void loopback_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<bool>("loopback");
        QTest::addRow("127.0.0.1") << "127.0.0.1" << true;
        QTest::addRow("127.1.2.3") << "127.1.2.3" << true;
        QTest::addRow("::1") << "::1" << true;
        QTest::addRow("mapped") << "::ffff:127.0.0.1" << true;
        QTest::addRow("0.0.0.0") << "0.0.0.0" << false;
        QTest::addRow("::") << "::" << false;
        QTest::addRow("lan") << "192.168.1.10" << false;
        QTest::addRow("mapped lan") << "::ffff:192.168.1.10" << false;
        QTest::addRow("128.0.0.1") << "128.0.0.1" << false;
    }
    void loopback()
    {
        QFETCH(QString, address);
        QFETCH(bool, loopback);
        QCOMPARE(isLoopback(QHostAddress(address)), loopback);
    }

    void bindDecisions()
    {
        QVERIFY(isLoopback(QHostAddress(QHostAddress::LocalHost)));
        QVERIFY(!isLoopback(QHostAddress(QHostAddress::Any)));
        QVERIFY(!isLoopback(QHostAddress(QHostAddress::AnyIPv6)));

        const Decision local = checkBindAddress(QHostAddress::LocalHost, false, false, false);
        QVERIFY(local);
        QVERIFY(local.warning.isEmpty());

        const Decision open = checkBindAddress(QHostAddress::Any, false, false, false);
        QVERIFY(!open);
        QVERIFY2(open.error.contains("--tokens") && open.error.contains("--insecure"), qPrintable(open.error));

        const Decision insecure = checkBindAddress(QHostAddress::Any, false, false, true);
        QVERIFY(insecure);
        QVERIFY(insecure.warning.contains("no authentication"));

        const Decision clearText = checkBindAddress(QHostAddress::Any, true, false, false);
        QVERIFY(clearText);
        QVERIFY(clearText.warning.contains("without TLS"));

        const Decision good = checkBindAddress(QHostAddress::Any, true, true, false);
        QVERIFY(good);
        QVERIFY(good.warning.isEmpty());
    }

    void optionsTableCoversEveryField()
    {
        // Each option names a different field, and setting each changes only that one.
        const auto &options = SecurityLimits::options();
        QSet<QString> names;
        for (const auto &option : options) {
            QVERIFY(!names.contains(option.name));
            names.insert(option.name);
            QVERIFY(!option.help.isEmpty());
            SecurityLimits limits;
            QVERIFY(limits.value(option) >= option.minimum && limits.value(option) <= option.maximum);
            limits.setValue(option, option.minimum + 1);
            QVERIFY(limits != SecurityLimits());
            QCOMPARE(limits.value(option), option.minimum + 1);
        }
        QCOMPARE(options.size(), 16);
        // Distinct values through the table read back distinct: no two options share a field.
        SecurityLimits all;
        for (qsizetype i = 0; i < options.size(); ++i)
            all.setValue(options.at(i), options.at(i).minimum + 1 + i);
        for (qsizetype i = 0; i < options.size(); ++i)
            QCOMPARE(all.value(options.at(i)), options.at(i).minimum + 1 + i);
    }

    void defaults()
    {
        const auto o = parse({});
        QVERIFY2(o.ok(), qPrintable(o.error()));
        QCOMPARE(o->limits, SecurityLimits());
        QCOMPARE(o->limits.maxPayload, 1000000);
        QCOMPARE(o->limits.sioLimits().maxNestingDepth, 32);
        QCOMPARE(o->limits.sioLimits().maxAttachments, 10);
        QVERIFY(o->tokensPath.isEmpty());
        QVERIFY(!o->insecure);
        QVERIFY(!o->tlsEnabled());
    }

    void parsesEveryOption()
    {
        const auto o = parse({"--max-payload",
                              "5000",
                              "--max-header-bytes=4096",
                              "--handshake-timeout",
                              "2500",
                              "--max-connections-per-ip",
                              "7",
                              "--events-per-second",
                              "3",
                              "--event-burst",
                              "9",
                              "--max-unsent-bytes",
                              "65536",
                              "--max-rooms-per-socket",
                              "4",
                              "--max-room-name-length",
                              "20",
                              "--max-event-name-length",
                              "10",
                              "--max-json-depth",
                              "8",
                              "--max-attachments",
                              "2",
                              "--max-store-length",
                              "11",
                              "--max-order-id-length",
                              "12",
                              "--max-customer-length",
                              "13",
                              "--max-address-length",
                              "14",
                              "--tokens",
                              "/x/tokens.json",
                              "--insecure"});
        QVERIFY2(o.ok(), qPrintable(o.error()));
        const SecurityLimits &l = o->limits;
        QCOMPARE(l.maxPayload, 5000);
        QCOMPARE(l.maxHeaderBytes, 4096);
        QCOMPARE(l.handshakeTimeoutMs, 2500);
        QCOMPARE(l.maxConnectionsPerIp, 7);
        QCOMPARE(l.eventsPerSecond, 3);
        QCOMPARE(l.eventBurst, 9);
        QCOMPARE(l.maxUnsentBytes, 65536);
        QCOMPARE(l.maxRoomsPerSocket, 4);
        QCOMPARE(l.maxRoomNameLength, 20);
        QCOMPARE(l.maxEventNameLength, 10);
        QCOMPARE(l.maxJsonDepth, 8);
        QCOMPARE(l.maxAttachments, 2);
        QCOMPARE(l.maxStoreLength, 11);
        QCOMPARE(l.maxOrderIdLength, 12);
        QCOMPARE(l.maxCustomerLength, 13);
        QCOMPARE(l.maxAddressLength, 14);
        QCOMPARE(o->tokensPath, QString("/x/tokens.json"));
        QVERIFY(o->insecure);
    }

    void badValues_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("error");
        QTest::addRow("not a number") << QStringList{"--max-payload", "lots"}
                                      << "--max-payload: expected a whole number from 1 to 4294967296, got \"lots\"";
        QTest::addRow("zero payload") << QStringList{"--max-payload", "0"} << "--max-payload: expected";
        QTest::addRow("negative") << QStringList{"--events-per-second", "-1"} << "--events-per-second: expected";
        QTest::addRow("too deep") << QStringList{"--max-json-depth", "100000"} << "--max-json-depth: expected";
        QTest::addRow("int overflow") << QStringList{"--event-burst", "99999999999"} << "--event-burst: expected";
        QTest::addRow("fraction") << QStringList{"--event-burst", "1.5"} << "--event-burst: expected";
        QTest::addRow("cert without key")
            << QStringList{"--tls-cert", "c.pem"} << "--tls-cert and --tls-key go together";
        QTest::addRow("key without cert")
            << QStringList{"--tls-key", "k.pem"} << "--tls-cert and --tls-key go together";
    }
    void badValues()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, error);
        const auto o = parse(args);
        QVERIFY(!o.ok());
        QVERIFY2(o.error().startsWith(error), qPrintable(o.error()));
    }

    void setUpOpenAndTokenMode()
    {
        // Open mode on loopback; refused on any address without --insecure.
        auto open = parse({"--events-per-second", "3"});
        QVERIFY(open.ok());
        auto setup = open->setUp(QHostAddress::LocalHost);
        QVERIFY2(setup.ok(), qPrintable(setup.error()));
        QVERIFY(setup->policy.isOpen());
        QCOMPARE(setup->policy.limits().eventsPerSecond, 3);
        QVERIFY(!setup->tls);
        QVERIFY(setup->warnings.isEmpty());
        const auto refused = open->setUp(QHostAddress::Any);
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().contains("--insecure"));

        QTemporaryDir dir;
        const QString path = dir.filePath("tokens.json");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(
                QJsonDocument(
                    QJsonObject{{"tokens", QJsonArray{TokenStore::entry(u"t", Principal{Role::Driver, {}, {}, {}})}}})
                    .toJson());
        }
        auto withTokens = parse({"--tokens", path});
        QVERIFY(withTokens.ok());
        setup = withTokens->setUp(QHostAddress::Any);
        QVERIFY2(setup.ok(), qPrintable(setup.error()));
        QVERIFY(!setup->policy.isOpen());
        QCOMPARE(setup->warnings.size(), 1); // clear text on a non-loopback address
        QCOMPARE((*setup->policy.authenticate(QJsonObject{{"token", "t"}}))->role, Role::Driver);

        auto missing = parse({"--tokens", dir.filePath("missing.json")});
        QVERIFY(missing.ok());
        QVERIFY(!missing->setUp(QHostAddress::LocalHost).ok());

        auto badTls = parse({"--tls-cert", dir.filePath("c.pem"), "--tls-key", dir.filePath("k.pem")});
        QVERIFY(badTls.ok());
        const auto tlsError = badTls->setUp(QHostAddress::LocalHost);
        QVERIFY(!tlsError.ok());
        QVERIFY2(tlsError.error().contains("cannot read certificate file"), qPrintable(tlsError.error()));
    }

    void helpListsEveryOption()
    {
        QCommandLineParser parser;
        SecurityOptions::addTo(parser);
        const QString help = parser.helpText();
        for (const auto &option : SecurityLimits::options())
            QVERIFY2(help.contains("--" + option.name), qPrintable(option.name));
        QVERIFY(help.contains("--tokens"));
        QVERIFY(help.contains("--tls-cert"));
        QVERIFY(help.contains("Default: 1000000."));
    }
};

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
