#include "security/tokenstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace caps;

namespace {

QByteArray fileWith(const QJsonArray &tokens)
{
    return QJsonDocument(QJsonObject{{"tokens", tokens}}).toJson(QJsonDocument::Compact);
}

QJsonObject entryJson(const QString &token, const QString &role, const QString &store = {}, const QString &name = {})
{
    QJsonObject o{{"sha256", QString::fromLatin1(TokenStore::hashHex(token))}, {"role", role}};
    if (!store.isEmpty())
        o.insert("store", store);
    if (!name.isEmpty())
        o.insert("name", name);
    return o;
}

} // namespace

class TestTokenStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hashIsSha256Hex()
    {
        // echo -n abc | sha256sum
        QCOMPARE(TokenStore::hashHex(u"abc"),
                 QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    void authenticatesEachRole()
    {
        const QJsonArray tokens{
            entryJson("vendor-token", "vendor", "1-206-flowers", "Flowers"),
            entryJson("driver-token", "driver", {}, "Van 3"),
            QJsonObject{{"sha256", QString::fromLatin1(TokenStore::hashHex(u"customer-token"))},
                        {"role", "customer"},
                        {"customer", "Jane Doe"}},
            entryJson("admin-token", "admin"),
        };
        auto store = TokenStore::fromJson(fileWith(tokens));
        QVERIFY2(store.ok(), qPrintable(store.error()));
        QCOMPARE(store->size(), 4);

        const auto vendor = store->authenticate(u"vendor-token");
        QVERIFY(vendor);
        QCOMPARE(*vendor, (Principal{Role::Vendor, "1-206-flowers", {}, "Flowers"}));
        QCOMPARE(store->authenticate(u"driver-token")->role, Role::Driver);
        QCOMPARE(store->authenticate(u"customer-token")->customer, QString("Jane Doe"));
        QCOMPARE(store->authenticate(u"admin-token")->role, Role::Admin);

        QVERIFY(!store->authenticate(u"vendor-tokeN"));
        QVERIFY(!store->authenticate(u""));
        QVERIFY(!store->authenticate(QString(TokenStore::kMaxTokenLength + 1, 'x')));
    }

    void upperCaseHexAccepted()
    {
        QJsonObject e = entryJson("t", "driver");
        e.insert("sha256", e.value("sha256").toString().toUpper());
        auto store = TokenStore::fromJson(fileWith({e}));
        QVERIFY2(store.ok(), qPrintable(store.error()));
        QVERIFY(store->authenticate(u"t"));
    }

    void emptyStoreLetsNobodyIn()
    {
        auto store = TokenStore::fromJson(R"({"tokens":[]})");
        QVERIFY(store.ok());
        QVERIFY(store->isEmpty());
        QVERIFY(!store->authenticate(u"anything"));
    }

    void rejected_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("errorPart");
        const QString hex = QString::fromLatin1(TokenStore::hashHex(u"x"));
        auto one = [&](const QJsonObject &o) { return fileWith({o}); };
        QTest::addRow("not json") << QByteArray("{tokens:") << "not valid JSON";
        QTest::addRow("array at top") << QByteArray("[]") << "\"tokens\" array";
        QTest::addRow("tokens not array") << QByteArray(R"({"tokens":{}})") << "\"tokens\" array";
        QTest::addRow("entry not object") << QByteArray(R"({"tokens":[1]})") << "tokens[0]: must be an object";
        QTest::addRow("no hash") << one({{"role", "driver"}}) << "64 hex digits";
        QTest::addRow("short hash") << one({{"sha256", "abcd"}, {"role", "driver"}}) << "64 hex digits";
        QTest::addRow("non-hex hash") << one({{"sha256", QString(64, 'g')}, {"role", "driver"}}) << "64 hex digits";
        QTest::addRow("hash is number") << one({{"sha256", 5}, {"role", "driver"}}) << "64 hex digits";
        QTest::addRow("unknown role") << one({{"sha256", hex}, {"role", "root"}}) << "\"role\" must be one of";
        QTest::addRow("role case") << one({{"sha256", hex}, {"role", "Vendor"}, {"store", "s"}})
                                   << "\"role\" must be one of";
        QTest::addRow("vendor without store") << one({{"sha256", hex}, {"role", "vendor"}}) << "needs the \"store\"";
        QTest::addRow("driver with store")
            << one({{"sha256", hex}, {"role", "driver"}, {"store", "s"}}) << "only a vendor";
        QTest::addRow("vendor with customer")
            << one({{"sha256", hex}, {"role", "vendor"}, {"store", "s"}, {"customer", "c"}}) << "only a customer";
        QTest::addRow("store not string")
            << one({{"sha256", hex}, {"role", "vendor"}, {"store", 7}}) << "\"store\" must be a string";
        QTest::addRow("name too long") << one({{"sha256", hex}, {"role", "admin"}, {"name", QString(600, 'n')}})
                                       << "longer than 512";
        QTest::addRow("duplicate") << fileWith({QJsonObject{{"sha256", hex}, {"role", "admin"}},
                                                QJsonObject{{"sha256", hex.toUpper()}, {"role", "driver"}}})
                                   << "tokens[1]: the same token hash appears twice";
    }
    void rejected()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, errorPart);
        const auto store = TokenStore::fromJson(json);
        QVERIFY(!store.ok());
        QVERIFY2(store.error().contains(errorPart), qPrintable(store.error()));
    }

    void loadFromFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("tokens.json");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(fileWith({entryJson("secret", "driver")}));
        }
        auto store = TokenStore::load(path);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        QVERIFY(store->authenticate(u"secret"));

        const auto missing = TokenStore::load(dir.filePath("nope.json"));
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().contains("cannot read token file"), qPrintable(missing.error()));

        const QString big = dir.filePath("big.json");
        {
            QFile f(big);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QVERIFY(f.resize(TokenStore::kMaxFileSize + 1));
        }
        const auto tooBig = TokenStore::load(big);
        QVERIFY(!tooBig.ok());
        QVERIFY2(tooBig.error().contains("larger than"), qPrintable(tooBig.error()));

        const QString bad = dir.filePath("bad.json");
        {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(R"({"tokens":[{"role":"driver"}]})");
        }
        const auto badFile = TokenStore::load(bad);
        QVERIFY(!badFile.ok());
        QVERIFY2(badFile.error().startsWith(bad + ": tokens[0]"), qPrintable(badFile.error()));
    }

    void generatedTokens()
    {
        static const QRegularExpression shape(QStringLiteral("^caps_[A-Za-z0-9_-]{43}$"));
        QSet<QString> seen;
        for (int i = 0; i < 100; ++i) {
            const QString t = TokenStore::generateToken();
            QVERIFY2(shape.match(t).hasMatch(), qPrintable(t));
            QVERIFY(!seen.contains(t));
            seen.insert(t);
        }
    }

    void entryRoundTrip()
    {
        const QString token = TokenStore::generateToken();
        const Principal p{Role::Vendor, "acme", {}, "Acme Inc"};
        auto json = TokenStore::appendEntry({}, TokenStore::entry(token, p));
        QVERIFY2(json.ok(), qPrintable(json.error()));
        const QString other = TokenStore::generateToken();
        json = TokenStore::appendEntry(*json, TokenStore::entry(other, Principal{Role::Customer, {}, "Jo", {}}));
        QVERIFY2(json.ok(), qPrintable(json.error()));
        auto store = TokenStore::fromJson(*json);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        QCOMPARE(store->size(), 2);
        QCOMPARE(*store->authenticate(token), p);
        QCOMPARE(store->authenticate(other)->customer, QString("Jo"));

        // Appending the same token twice, or to a broken file, is refused.
        QVERIFY(!TokenStore::appendEntry(*json, TokenStore::entry(token, p)).ok());
        QVERIFY(!TokenStore::appendEntry("{nope", TokenStore::entry(token, p)).ok());
        // A vendor entry without a store would make a file the hub refuses.
        QVERIFY(!TokenStore::appendEntry({}, TokenStore::entry(token, Principal{Role::Vendor, {}, {}, {}})).ok());
    }

    void constantTimeCompare()
    {
        QVERIFY(constantTimeEquals("abc", "abc"));
        QVERIFY(constantTimeEquals("", ""));
        QVERIFY(!constantTimeEquals("abc", "abd"));
        QVERIFY(!constantTimeEquals("abc", "ab"));
        QVERIFY(!constantTimeEquals(QByteArray("\0a", 2), QByteArray("\0b", 2)));
    }

    void lastAndFirstEntryBothFound()
    {
        // The branch-free selection must find a match wherever it is.
        QJsonArray tokens;
        for (int i = 0; i < 50; ++i)
            tokens.append(entryJson(QStringLiteral("t%1").arg(i), "driver", {}, QString::number(i)));
        auto store = TokenStore::fromJson(fileWith(tokens));
        QVERIFY(store.ok());
        for (int i : {0, 1, 25, 48, 49})
            QCOMPARE(store->authenticate(QStringLiteral("t%1").arg(i))->name, QString::number(i));
    }
};

QTEST_GUILESS_MAIN(TestTokenStore)
#include "tst_tokenstore.moc"
