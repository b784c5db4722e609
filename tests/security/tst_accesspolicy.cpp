#include "security/accesspolicy.h"

#include <QJsonDocument>
#include <QTest>

using namespace caps;

namespace {

QJsonObject order(const QString &store)
{
    return {{"store", store}, {"orderID", "o-1"}, {"customer", "Jane Doe"}, {"address", "1 Main St"}};
}

TokenStore tokens()
{
    QJsonArray list;
    auto add = [&](const QString &token, QJsonObject o) {
        o.insert("sha256", QString::fromLatin1(TokenStore::hashHex(token)));
        list.append(o);
    };
    add("v", {{"role", "vendor"}, {"store", "1-206-flowers"}});
    add("d", {{"role", "driver"}});
    add("c", {{"role", "customer"}});
    add("cj", {{"role", "customer"}, {"customer", "Jane Doe"}});
    add("a", {{"role", "admin"}});
    auto store = TokenStore::fromJson(QJsonDocument(QJsonObject{{"tokens", list}}).toJson());
    Q_ASSERT(store.ok());
    return std::move(store).value();
}

std::optional<Principal> principalFor(const AccessPolicy &policy, const QString &token)
{
    auto p = policy.authenticate(QJsonObject{{"token", token}});
    Q_ASSERT(p.ok());
    return *p;
}

} // namespace

class TestAccessPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void openModeAllowsEverything()
    {
        const AccessPolicy open;
        QVERIFY(open.isOpen());
        const auto none = open.authenticate(QJsonValue(QJsonValue::Undefined));
        QVERIFY(none.ok());
        QVERIFY(!none->has_value());
        // A token given to an open hub is not checked either.
        QVERIFY(open.authenticate(QJsonObject{{"token", "whatever"}}).ok());

        QVERIFY(open.checkEvent(std::nullopt, "pickup", {order("any")}));
        QVERIFY(open.checkEvent(std::nullopt, "delivered", {order("any")}));
        QVERIFY(open.checkEvent(std::nullopt, "join", {"any"}));
        QVERIFY(open.checkEvent(std::nullopt, "track", {"o-1"}));
        QVERIFY(open.checkEvent(std::nullopt, "something-else", {}));
        QVERIFY(open.mayJoin(std::nullopt, "any"));
    }

    void openModeChecksBoundsOnly()
    {
        // Open mode takes what the lab's Node hub takes, within the length limits.
        AccessPolicy open;
        QCOMPARE(open.payloadRules(), PayloadRules::Lab);
        QVERIFY(open.checkEvent(std::nullopt, "pickup", {QJsonObject{{"store", "s"}}}));
        QVERIFY(open.checkEvent(std::nullopt, "pickup", {}));
        QVERIFY(open.checkEvent(std::nullopt, "pickup", {"x"}));
        QVERIFY(open.checkEvent(std::nullopt, "delivered", {QJsonObject{{"orderID", 7}}, 2}));
        QVERIFY(open.checkEvent(std::nullopt, "join", {5}));
        QVERIFY(open.checkEvent(std::nullopt, "track", {QJsonObject{{"orderID", "o"}, {"customer", "c"}}}));
        QCOMPARE(open.checkEvent(std::nullopt, "pickup", {QJsonObject{{"store", QString(129, 's')}}}).error,
                 QString("pickup: store is longer than 128 characters"));
        QCOMPARE(open.checkEvent(std::nullopt, "pickup", {QJsonObject{{"orderId", QString(129, 'o')}}}).error,
                 QString("pickup: orderId is longer than 128 characters"));
        QCOMPARE(open.checkEvent(std::nullopt, "join", {QString(129, 'r')}).error,
                 QString("join: room name is longer than 128 characters"));
        QCOMPARE(open.checkEvent(std::nullopt, "join", {QJsonObject{{"roomName", QString(129, 'r')}}}).error,
                 QString("join: room name is longer than 128 characters"));
        QCOMPARE(open.checkEvent(std::nullopt, "track", {QJsonObject{{"customer", QString(257, 'c')}}}).error,
                 QString("track: customer is longer than 256 characters"));
        QCOMPARE(open.checkEvent(std::nullopt, QString(65, 'x'), {}).error,
                 QString("event name is longer than 64 characters"));

        // The operator may ask for the strict rules without tokens.
        open.setPayloadRules(PayloadRules::Strict);
        QCOMPARE(open.checkEvent(std::nullopt, "pickup", {QJsonObject{{"store", "s"}}}).error,
                 QString("pickup: orderID is missing"));
        QCOMPARE(open.checkEvent(std::nullopt, "join", {5}).error, QString("join: room name must be a string"));
        QCOMPARE(open.checkEvent(std::nullopt, "track", {}).error,
                 QString("track: track needs { orderID } or { customer } or an orderID string"));
    }

    void tokenModeIsStrict()
    {
        const AccessPolicy policy(tokens());
        QCOMPARE(policy.payloadRules(), PayloadRules::Strict);
        QCOMPARE(policy.checkEvent(principalFor(policy, "a"), "pickup", {QJsonObject{{"store", "s"}}}).error,
                 QString("pickup: orderID is missing"));
    }

    void authentication_data()
    {
        QTest::addColumn<QJsonValue>("auth");
        QTest::addColumn<QString>("error");
        QTest::addColumn<int>("role");
        QTest::addRow("no auth") << QJsonValue(QJsonValue::Undefined) << AccessPolicy::kAuthenticationRequired << -1;
        QTest::addRow("empty auth") << QJsonValue(QJsonObject{}) << AccessPolicy::kAuthenticationRequired << -1;
        QTest::addRow("empty token") << QJsonValue(QJsonObject{{"token", ""}}) << AccessPolicy::kAuthenticationRequired
                                     << -1;
        QTest::addRow("token number") << QJsonValue(QJsonObject{{"token", 1}}) << AccessPolicy::kAuthenticationRequired
                                      << -1;
        QTest::addRow("auth string") << QJsonValue("v") << AccessPolicy::kAuthenticationRequired << -1;
        QTest::addRow("wrong token") << QJsonValue(QJsonObject{{"token", "nope"}}) << AccessPolicy::kInvalidToken << -1;
        QTest::addRow("hash as token") << QJsonValue(
            QJsonObject{{"token", QString::fromLatin1(TokenStore::hashHex(u"v"))}})
                                       << AccessPolicy::kInvalidToken << -1;
        QTest::addRow("vendor") << QJsonValue(QJsonObject{{"token", "v"}}) << QString() << int(Role::Vendor);
        QTest::addRow("admin") << QJsonValue(QJsonObject{{"token", "a"}}) << QString() << int(Role::Admin);
    }
    void authentication()
    {
        QFETCH(QJsonValue, auth);
        QFETCH(QString, error);
        QFETCH(int, role);
        const AccessPolicy policy(tokens());
        QVERIFY(!policy.isOpen());
        const auto p = policy.authenticate(auth);
        if (error.isEmpty()) {
            QVERIFY2(p.ok(), qPrintable(p.error()));
            QVERIFY(p->has_value());
            QCOMPARE(int((*p)->role), role);
        } else {
            QVERIFY(!p.ok());
            QCOMPARE(p.error(), error);
        }
    }

    void rights_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<QString>("event");
        QTest::addColumn<QJsonArray>("args");
        QTest::addColumn<QString>("error"); // empty: allowed

        const QJsonArray pickupOwn{order("1-206-flowers")};
        const QJsonArray pickupOther{order("2-acme")};
        QTest::addRow("vendor pickup own store") << "v"
                                                 << "pickup" << pickupOwn << "";
        QTest::addRow("vendor pickup other store")
            << "v"
            << "pickup" << pickupOther << "Not allowed: this vendor may emit pickup only for store 1-206-flowers";
        QTest::addRow("vendor join own") << "v"
                                         << "join" << QJsonArray{"1-206-flowers"} << "";
        QTest::addRow("vendor join own object") << "v"
                                                << "join" << QJsonArray{QJsonObject{{"store", "1-206-flowers"}}} << "";
        QTest::addRow("vendor join other object") << "v"
                                                  << "join" << QJsonArray{QJsonObject{{"roomName", "2-acme"}}}
                                                  << "Not allowed: this vendor may join only room 1-206-flowers";
        QTest::addRow("vendor join other")
            << "v"
            << "join" << QJsonArray{"2-acme"} << "Not allowed: this vendor may join only room 1-206-flowers";
        QTest::addRow("vendor join customers")
            << "v"
            << "join" << QJsonArray{"customers"} << "Not allowed: this vendor may join only room 1-206-flowers";
        QTest::addRow("vendor delivered")
            << "v"
            << "delivered" << pickupOwn
            << "Not allowed: vendors may emit only pickup, cancel, join and orders, not delivered";
        QTest::addRow("vendor in-transit")
            << "v"
            << "in-transit" << pickupOwn
            << "Not allowed: vendors may emit only pickup, cancel, join and orders, not in-transit";
        QTest::addRow("vendor track")
            << "v"
            << "track" << QJsonArray{"o-1"}
            << "Not allowed: vendors may emit only pickup, cancel, join and orders, not track";
        QTest::addRow("vendor custom")
            << "v"
            << "hello" << QJsonArray{}
            << "Not allowed: vendors may emit only pickup, cancel, join and orders, not hello";

        QTest::addRow("driver in-transit") << "d"
                                           << "in-transit" << pickupOther << "";
        QTest::addRow("driver delivered") << "d"
                                          << "delivered" << pickupOwn << "";
        QTest::addRow("driver pickup") << "d"
                                       << "pickup" << pickupOwn
                                       << "Not allowed: drivers may emit only in-transit and delivered, not pickup";
        QTest::addRow("driver join") << "d"
                                     << "join" << QJsonArray{"1-206-flowers"}
                                     << "Not allowed: drivers may emit only in-transit and delivered, not join";
        QTest::addRow("driver track") << "d"
                                      << "track" << QJsonArray{"o-1"}
                                      << "Not allowed: drivers may emit only in-transit and delivered, not track";

        QTest::addRow("customer track id") << "c"
                                           << "track" << QJsonArray{"o-1"} << "";
        QTest::addRow("customer track anyone") << "c"
                                               << "track" << QJsonArray{QJsonObject{{"customer", "Bob"}}} << "";
        QTest::addRow("customer untrack") << "c"
                                          << "untrack" << QJsonArray{QJsonObject{{"orderId", "o-1"}}} << "";
        QTest::addRow("customer pickup") << "c"
                                         << "pickup" << pickupOwn
                                         << "Not allowed: customers may emit only track and untrack, not pickup";
        QTest::addRow("customer delivered")
            << "c"
            << "delivered" << pickupOwn << "Not allowed: customers may emit only track and untrack, not delivered";
        QTest::addRow("customer join") << "c"
                                       << "join" << QJsonArray{"customers"}
                                       << "Not allowed: customers may emit only track and untrack, not join";
        QTest::addRow("bound customer self") << "cj"
                                             << "track" << QJsonArray{QJsonObject{{"customer", "Jane Doe"}}} << "";
        QTest::addRow("bound customer by order") << "cj"
                                                 << "track" << QJsonArray{QJsonObject{{"orderID", "o-9"}}} << "";
        QTest::addRow("bound customer other") << "cj"
                                              << "track" << QJsonArray{QJsonObject{{"customer", "Bob"}}}
                                              << "Not allowed: this customer may track only Jane Doe";

        QTest::addRow("admin pickup any") << "a"
                                          << "pickup" << pickupOther << "";
        QTest::addRow("admin join any") << "a"
                                        << "join" << QJsonArray{"2-acme"} << "";
        QTest::addRow("admin delivered") << "a"
                                         << "delivered" << pickupOther << "";
        QTest::addRow("admin track") << "a"
                                     << "track" << QJsonArray{QJsonObject{{"customer", "Bob"}}} << "";
        QTest::addRow("admin custom") << "a"
                                      << "hello" << QJsonArray{} << "";

        // Validation comes before rights, so a malformed pickup reads as malformed even for its vendor.
        QTest::addRow("vendor pickup no store")
            << "v"
            << "pickup" << QJsonArray{QJsonObject{{"orderID", "o"}}} << "pickup: store is missing";
        QTest::addRow("admin pickup bad")
            << "a"
            << "pickup" << QJsonArray{"x"} << "pickup: payload must be an object { store, orderID, customer, address }";
        QTest::addRow("vendor join long")
            << "v"
            << "join" << QJsonArray{QString(200, 'r')} << "join: room name is longer than 128 characters";
    }
    void rights()
    {
        QFETCH(QString, token);
        QFETCH(QString, event);
        QFETCH(QJsonArray, args);
        QFETCH(QString, error);
        const AccessPolicy policy(tokens());
        const auto principal = principalFor(policy, token);
        const Decision d = policy.checkEvent(principal, event, args);
        if (error.isEmpty()) {
            QVERIFY2(d.allowed, qPrintable(d.error));
        } else {
            QVERIFY(!d.allowed);
            QCOMPARE(d.error, error);
        }
    }

    void joinRights()
    {
        const AccessPolicy policy(tokens());
        QVERIFY(policy.mayJoin(principalFor(policy, "v"), "1-206-flowers"));
        QVERIFY(!policy.mayJoin(principalFor(policy, "v"), "1-206-flowers "));
        QVERIFY(!policy.mayJoin(principalFor(policy, "d"), "1-206-flowers"));
        QVERIFY(!policy.mayJoin(principalFor(policy, "c"), "customers"));
        QVERIFY(policy.mayJoin(principalFor(policy, "a"), "anything"));
    }

    void emptyTokenStoreIsNotOpenMode()
    {
        const AccessPolicy policy{TokenStore()};
        QVERIFY(!policy.isOpen());
        QCOMPARE(policy.authenticate(QJsonObject{{"token", "x"}}).error(), AccessPolicy::kInvalidToken);
    }

    void describesPrincipals()
    {
        QCOMPARE(describe(std::nullopt), QString("anonymous (open mode)"));
        QCOMPARE(describe(Principal{Role::Vendor, "s", {}, "Shop"}), QString("vendor s (Shop)"));
        QCOMPARE(describe(Principal{Role::Driver, {}, {}, {}}), QString("driver"));
    }

    // Who may send an event is the catalogue's: one the catalogue gives to drivers is a driver's.
    void sendersComeFromTheCatalogue()
    {
        static const caps::EventCatalogue catalogue = caps::EventCatalogue::standard().with({QStringLiteral("delayed"),
                                                                                             caps::Sender::Driver,
                                                                                             caps::Listener::Store,
                                                                                             caps::Listener::Store,
                                                                                             caps::QueueFor::Nobody,
                                                                                             true,
                                                                                             {},
                                                                                             caps::OrderStatus::Unknown,
                                                                                             true,
                                                                                             "Delayed"});
        caps::AccessPolicy policy(caps::TokenStore{});
        policy.setCatalogue(&catalogue);
        const QJsonArray args{QJsonObject{{"store", "s1"}, {"orderID", "o-1"}}};
        const caps::Principal driver{caps::Role::Driver, {}, {}, {}};
        const caps::Principal vendor{caps::Role::Vendor, QStringLiteral("s1"), {}, {}};
        QVERIFY(policy.mayEmit(driver, QStringLiteral("delayed"), args));
        const caps::Decision refused = policy.mayEmit(vendor, QStringLiteral("delayed"), args);
        QVERIFY(!refused);
        QCOMPARE(refused.error,
                 QStringLiteral("Not allowed: vendors may emit only pickup, cancel, join and orders, not delayed"));
        QCOMPARE(policy.mayEmit(vendor, QStringLiteral("taken"), args).error,
                 QStringLiteral("Not allowed: only the hub sends taken"));
        QCOMPARE(policy.mayEmit(driver, QStringLiteral("pickup"), args).error,
                 QStringLiteral("Not allowed: drivers may emit only in-transit, delivered and delayed, not pickup"));
        // No client sends the hub's own events, in open mode neither.
        QVERIFY(!caps::AccessPolicy().mayEmit(std::nullopt, QStringLiteral("taken"), args));
    }
};

QTEST_GUILESS_MAIN(TestAccessPolicy)
#include "tst_accesspolicy.moc"
