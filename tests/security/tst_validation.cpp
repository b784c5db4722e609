#include "security/validation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace caps;

namespace {

QJsonObject order(QJsonObject overrides = {}, const QStringList &remove = {})
{
    QJsonObject o{{"store", "1-206-flowers"},
                  {"orderID", "e3669048-7313-427b-b6cc-74010ca1f8f0"},
                  {"customer", "Jamal Braun"},
                  {"address", "Schmittfurt, LA"}};
    for (auto it = overrides.begin(); it != overrides.end(); ++it)
        o.insert(it.key(), it.value());
    for (const QString &k : remove)
        o.remove(k);
    return o;
}

} // namespace

class TestValidation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void orderAccepted()
    {
        auto f = validateOrderPayload(order({{"extra", QJsonArray{1, 2}}}));
        QVERIFY2(f.ok(), qPrintable(f.error()));
        QCOMPARE(
            *f,
            (OrderFields{"1-206-flowers", "e3669048-7313-427b-b6cc-74010ca1f8f0", "Jamal Braun", "Schmittfurt, LA"}));

        auto lower = validateOrderPayload(order({{"orderId", "abc"}}, {"orderID"}));
        QVERIFY2(lower.ok(), qPrintable(lower.error()));
        QCOMPARE(lower->orderId, QString("abc"));

        auto both = validateOrderPayload(order({{"orderID", "abc"}, {"orderId", "abc"}}));
        QVERIFY2(both.ok(), qPrintable(both.error()));

        // Exactly at the limits, and non-ASCII text.
        auto edge = validateOrderPayload(order({{"store", QString(128, 's')},
                                                {"orderID", QString(128, 'o')},
                                                {"customer", QString(256, u'é')},
                                                {"address", QString(512, 'a')}}));
        QVERIFY2(edge.ok(), qPrintable(edge.error()));
    }

    void orderRejected_data()
    {
        QTest::addColumn<QJsonValue>("payload");
        QTest::addColumn<QString>("error");
        QTest::addRow("undefined") << QJsonValue(QJsonValue::Undefined) << "payload must be an object";
        QTest::addRow("string") << QJsonValue("pickup") << "payload must be an object";
        QTest::addRow("array") << QJsonValue(QJsonArray{order()}) << "payload must be an object";
        QTest::addRow("null") << QJsonValue(QJsonValue::Null) << "payload must be an object";
        QTest::addRow("no store") << QJsonValue(order({}, {"store"})) << "store is missing";
        QTest::addRow("store number") << QJsonValue(order({{"store", 1}})) << "store must be a string";
        QTest::addRow("store null") << QJsonValue(order({{"store", QJsonValue::Null}})) << "store must be a string";
        QTest::addRow("store object") << QJsonValue(order({{"store", QJsonObject{}}})) << "store must be a string";
        QTest::addRow("store empty") << QJsonValue(order({{"store", ""}})) << "store must not be empty";
        QTest::addRow("store long") << QJsonValue(order({{"store", QString(129, 's')}}))
                                    << "store is longer than 128 characters";
        QTest::addRow("store newline") << QJsonValue(order({{"store", "a\nEVENT { forged }"}}))
                                       << "store contains control characters";
        QTest::addRow("no order id") << QJsonValue(order({}, {"orderID"})) << "orderID is missing";
        QTest::addRow("order id number") << QJsonValue(order({{"orderID", 5}})) << "orderID must be a string";
        QTest::addRow("orderId number") << QJsonValue(order({{"orderId", 5}}, {"orderID"}))
                                        << "orderId must be a string";
        QTest::addRow("ids differ") << QJsonValue(order({{"orderId", "other"}})) << "orderID and orderId differ";
        QTest::addRow("order id long") << QJsonValue(order({{"orderID", QString(129, 'o')}}))
                                       << "orderID is longer than 128";
        QTest::addRow("order id nul") << QJsonValue(order({{"orderID", QString::fromLatin1("a\0b", 3)}}))
                                      << "orderID contains control characters";
        QTest::addRow("no customer") << QJsonValue(order({}, {"customer"})) << "customer is missing";
        QTest::addRow("customer long") << QJsonValue(order({{"customer", QString(257, 'c')}}))
                                       << "customer is longer than 256";
        QTest::addRow("customer line separator")
            << QJsonValue(order({{"customer", QString("a") + QChar(0x2028)}})) << "customer contains control";
        QTest::addRow("no address") << QJsonValue(order({}, {"address"})) << "address is missing";
        QTest::addRow("address long") << QJsonValue(order({{"address", QString(513, 'a')}}))
                                      << "address is longer than 512";
        QTest::addRow("address bool") << QJsonValue(order({{"address", true}})) << "address must be a string";
        QTest::addRow("address tab") << QJsonValue(order({{"address", "a\tb"}})) << "address contains control";
        QTest::addRow("address DEL") << QJsonValue(order({{"address", "a\x7f"}})) << "address contains control";
    }
    void orderRejected()
    {
        QFETCH(QJsonValue, payload);
        QFETCH(QString, error);
        const auto f = validateOrderPayload(payload);
        QVERIFY(!f.ok());
        QVERIFY2(f.error().startsWith(error), qPrintable(f.error()));
    }

    void orderLimitsConfigurable()
    {
        SecurityLimits limits;
        limits.maxStoreLength = 3;
        limits.maxAddressLength = 2000;
        QVERIFY(!validateOrderPayload(order({{"store", "abcd"}}), limits).ok());
        QVERIFY(validateOrderPayload(order({{"store", "abc"}, {"address", QString(2000, 'a')}}), limits).ok());
    }

    void labRules_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QJsonValue>("argument");
        QTest::addColumn<QString>("error"); // empty: accepted
        QTest::addRow("order empty object") << "order" << QJsonValue(QJsonObject{}) << "";
        QTest::addRow("order not object") << "order" << QJsonValue("x") << "";
        QTest::addRow("order missing") << "order" << QJsonValue(QJsonValue::Undefined) << "";
        QTest::addRow("order numeric id") << "order" << QJsonValue(QJsonObject{{"orderId", 12}}) << "";
        QTest::addRow("order store object") << "order" << QJsonValue(QJsonObject{{"store", QJsonObject{}}}) << "";
        QTest::addRow("order control chars") << "order" << QJsonValue(QJsonObject{{"customer", "a\nb"}}) << "";
        QTest::addRow("order long store")
            << "order" << QJsonValue(QJsonObject{{"store", QString(129, 's')}}) << "store is longer than 128";
        QTest::addRow("order long address")
            << "order" << QJsonValue(QJsonObject{{"address", QString(513, 'a')}}) << "address is longer than 512";
        QTest::addRow("join number") << "join" << QJsonValue(5) << "";
        QTest::addRow("join object number") << "join" << QJsonValue(QJsonObject{{"store", 5}}) << "";
        QTest::addRow("join long") << "join" << QJsonValue(QString(129, 'r')) << "room name is longer than 128";
        QTest::addRow("join long clientId")
            << "join" << QJsonValue(QJsonObject{{"clientId", QString(129, 'r')}}) << "room name is longer than 128";
        QTest::addRow("track both") << "track" << QJsonValue(QJsonObject{{"orderID", "o"}, {"customer", "c"}}) << "";
        QTest::addRow("track number") << "track" << QJsonValue(42) << "";
        QTest::addRow("track nothing") << "track" << QJsonValue(QJsonObject{}) << "";
        QTest::addRow("track long id") << "track" << QJsonValue(QString(129, 'o')) << "orderID is longer than 128";
        QTest::addRow("track long customer")
            << "track" << QJsonValue(QJsonObject{{"customer", QString(257, 'c')}}) << "customer is longer than 256";
    }
    void labRules()
    {
        QFETCH(QString, kind);
        QFETCH(QJsonValue, argument);
        QFETCH(QString, error);
        QString got;
        if (kind == "order") {
            const auto r = validateOrderPayload(argument, {}, PayloadRules::Lab);
            got = r ? QString() : r.error();
        } else if (kind == "join") {
            const auto r = validateJoinArgument(argument, {}, PayloadRules::Lab);
            got = r ? QString() : r.error();
        } else {
            const auto r = validateTrackRequest(argument, {}, PayloadRules::Lab);
            got = r ? QString() : r.error();
        }
        if (error.isEmpty())
            QVERIFY2(got.isEmpty(), qPrintable(got));
        else
            QVERIFY2(got.startsWith(error), qPrintable(got));
    }

    void labFieldsAreReported()
    {
        const auto f = validateOrderPayload(QJsonObject{{"store", "s"}, {"orderId", 12}, {"customer", "c"}}, {},
                                            PayloadRules::Lab);
        QVERIFY(f.ok());
        QCOMPARE(*f, (OrderFields{"s", "12", "c", {}}));
        const auto t = validateTrackRequest(QJsonObject{{"orderID", "o-1"}, {"customer", "c"}}, {}, PayloadRules::Lab);
        QCOMPARE(t->room(), QString("order:o-1"));
    }

    void roomNames()
    {
        QCOMPARE(*validateRoomName(QJsonValue("1-206-flowers")), QString("1-206-flowers"));
        QVERIFY(validateRoomName(QJsonValue(QString(128, 'r'))).ok());
        QCOMPARE(validateRoomName(QJsonValue(QString(129, 'r'))).error(),
                 QString("room name is longer than 128 characters"));
        QCOMPARE(validateRoomName(QJsonValue("")).error(), QString("room name must not be empty"));
        QCOMPARE(validateRoomName(QJsonValue(3)).error(), QString("room name must be a string"));
        QCOMPARE(validateRoomName(QJsonValue(QJsonValue::Undefined)).error(), QString("room name is missing"));
        QCOMPARE(validateRoomName(QJsonValue("a\rb")).error(), QString("room name contains control characters"));
        SecurityLimits limits;
        limits.maxRoomNameLength = 4;
        QVERIFY(!validateRoomName(QJsonValue("abcde"), limits).ok());
    }

    void joinArguments_data()
    {
        QTest::addColumn<QJsonValue>("argument");
        QTest::addColumn<QString>("room");
        QTest::addColumn<QString>("error");
        QTest::addRow("string") << QJsonValue("s1") << "s1"
                                << "";
        QTest::addRow("store") << QJsonValue(QJsonObject{{"store", "s1"}}) << "s1"
                               << "";
        QTest::addRow("clientId") << QJsonValue(QJsonObject{{"clientId", "c"}}) << "c"
                                  << "";
        QTest::addRow("queueId") << QJsonValue(QJsonObject{{"queueId", "q"}}) << "q"
                                 << "";
        QTest::addRow("roomName") << QJsonValue(QJsonObject{{"roomName", "r"}}) << "r"
                                  << "";
        QTest::addRow("empty store skipped") << QJsonValue(QJsonObject{{"store", ""}, {"roomName", "r"}}) << "r"
                                             << "";
        QTest::addRow("store wins") << QJsonValue(QJsonObject{{"roomName", "r"}, {"store", "s"}}) << "s"
                                    << "";
        QTest::addRow("truthy number") << QJsonValue(QJsonObject{{"store", 5}}) << ""
                                       << "room name must be a string";
        QTest::addRow("none") << QJsonValue(QJsonObject{{"x", "y"}}) << ""
                              << "room name is missing";
        QTest::addRow("number") << QJsonValue(3) << ""
                                << "room name must be a string";
        QTest::addRow("long") << QJsonValue(QJsonObject{{"store", QString(200, 's')}}) << ""
                              << "room name is longer than 128";
    }
    void joinArguments()
    {
        QFETCH(QJsonValue, argument);
        QFETCH(QString, room);
        QFETCH(QString, error);
        const auto r = validateJoinArgument(argument);
        if (error.isEmpty()) {
            QVERIFY2(r.ok(), qPrintable(r.error()));
            QCOMPARE(*r, room);
        } else {
            QVERIFY(!r.ok());
            QVERIFY2(r.error().startsWith(error), qPrintable(r.error()));
        }
    }

    void eventNames()
    {
        QVERIFY(validateEventName(u"pickup"));
        QVERIFY(validateEventName(QString(64, 'e')));
        QCOMPARE(validateEventName(QString(65, 'e')).error, QString("event name is longer than 64 characters"));
        QCOMPARE(validateEventName(u"").error, QString("event name must not be empty"));
        QCOMPARE(validateEventName(u"a\x01").error, QString("event name contains control characters"));
    }

    void trackRequests_data()
    {
        QTest::addColumn<QJsonValue>("argument");
        QTest::addColumn<QString>("room");
        QTest::addColumn<QString>("error");
        QTest::addRow("bare id") << QJsonValue("o-1") << "order:o-1"
                                 << "";
        QTest::addRow("orderID") << QJsonValue(QJsonObject{{"orderID", "o-1"}}) << "order:o-1"
                                 << "";
        QTest::addRow("orderId") << QJsonValue(QJsonObject{{"orderId", "o-1"}}) << "order:o-1"
                                 << "";
        QTest::addRow("customer") << QJsonValue(QJsonObject{{"customer", "Jane Doe"}}) << "customer:Jane Doe"
                                  << "";
        QTest::addRow("both kinds") << QJsonValue(QJsonObject{{"orderID", "o"}, {"customer", "c"}}) << ""
                                    << "track needs exactly one";
        QTest::addRow("neither") << QJsonValue(QJsonObject{{"x", 1}}) << ""
                                 << "track needs exactly one";
        QTest::addRow("ids differ") << QJsonValue(QJsonObject{{"orderID", "a"}, {"orderId", "b"}}) << ""
                                    << "orderID and orderId differ";
        QTest::addRow("number") << QJsonValue(42) << ""
                                << "track needs { orderID }";
        QTest::addRow("missing") << QJsonValue(QJsonValue::Undefined) << ""
                                 << "track needs { orderID }";
        QTest::addRow("empty id") << QJsonValue("") << ""
                                  << "orderID must not be empty";
        QTest::addRow("long customer") << QJsonValue(QJsonObject{{"customer", QString(257, 'c')}}) << ""
                                       << "customer is longer";
        QTest::addRow("customer array") << QJsonValue(QJsonObject{{"customer", QJsonArray{}}}) << ""
                                        << "customer must be a string";
    }
    void trackRequests()
    {
        QFETCH(QJsonValue, argument);
        QFETCH(QString, room);
        QFETCH(QString, error);
        const auto t = validateTrackRequest(argument);
        if (error.isEmpty()) {
            QVERIFY2(t.ok(), qPrintable(t.error()));
            QCOMPARE(t->room(), room);
        } else {
            QVERIFY(!t.ok());
            QVERIFY2(t.error().startsWith(error), qPrintable(t.error()));
        }
    }

    void orderEvents()
    {
        QVERIFY(isOrderEvent(u"pickup"));
        QVERIFY(isOrderEvent(u"in-transit"));
        QVERIFY(isOrderEvent(u"delivered"));
        QVERIFY(!isOrderEvent(u"join"));
        QVERIFY(!isOrderEvent(u"Pickup"));
    }
};

QTEST_GUILESS_MAIN(TestValidation)
#include "tst_validation.moc"
