#include "orders/order.h"
#include "orders/orderfaker.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using caps::Order;

class TestOrder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fromJson_data();
    void fromJson();
    void toJsonWritesOrderID();
    void roundTrip();
    void statusForEvent();
    void durations();
    void fakerIsPlausible();
    void fakerIsReproducible();
};

void TestOrder::fromJson_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("orderId");
    QTest::addColumn<QString>("store");

    QTest::addRow("orderID") << QByteArray(
        R"({"store":"1-206-flowers","orderID":"a1","customer":"Ada","address":"1 Main St"})")
                             << true << "a1"
                             << "1-206-flowers";
    QTest::addRow("orderId") << QByteArray(R"({"store":"s","orderId":"b2"})") << true << "b2"
                             << "s";
    QTest::addRow("orderID wins") << QByteArray(R"({"orderID":"c3","orderId":"zz"})") << true << "c3"
                                  << "";
    QTest::addRow("empty orderID falls back") << QByteArray(R"({"orderID":"","orderId":"d4"})") << true << "d4"
                                              << "";
    QTest::addRow("numeric id") << QByteArray(R"({"orderID":42})") << true << "42"
                                << "";
    QTest::addRow("no id") << QByteArray(R"({"store":"s","customer":"x"})") << false << ""
                           << "";
    QTest::addRow("id not a string") << QByteArray(R"({"orderID":{"x":1}})") << false << ""
                                     << "";
    QTest::addRow("array") << QByteArray(R"(["a"])") << false << ""
                           << "";
}

void TestOrder::fromJson()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, ok);
    QFETCH(QString, orderId);
    QFETCH(QString, store);

    const QJsonDocument doc = QJsonDocument::fromJson(json);
    const QJsonValue value = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
    const auto order = Order::fromJson(value);
    QCOMPARE(order.ok(), ok);
    if (!ok) {
        QVERIFY(!order.error().isEmpty());
        return;
    }
    QCOMPARE(order->orderId, orderId);
    QCOMPARE(order->store, store);
    QCOMPARE(order->status, Order::Status::Unknown);
}

void TestOrder::toJsonWritesOrderID()
{
    Order order;
    order.store = QStringLiteral("s");
    order.orderId = QStringLiteral("x1");
    order.customer = QStringLiteral("Grace Hopper");
    order.address = QStringLiteral("1 Navy Way");
    const QJsonObject json = order.toJson();
    QCOMPARE(json.value("orderID").toString(), QStringLiteral("x1"));
    QVERIFY(!json.contains("orderId"));
    QCOMPARE(json.keys(), (QStringList{"address", "customer", "orderID", "store"}));
}

void TestOrder::roundTrip()
{
    caps::OrderFaker faker(7);
    const Order order = faker.order(QStringLiteral("1-206-flowers"));
    const auto back = Order::fromJson(order.toJson());
    QVERIFY(back.ok());
    QCOMPARE(*back, order);
}

void TestOrder::statusForEvent()
{
    QCOMPARE(Order::statusForEvent("pickup"), Order::Status::Ordered);
    QCOMPARE(Order::statusForEvent("in-transit"), Order::Status::InTransit);
    QCOMPARE(Order::statusForEvent("delivered"), Order::Status::Delivered);
    QCOMPARE(Order::statusForEvent("join"), Order::Status::Unknown);
    for (auto s : {Order::Status::Ordered, Order::Status::InTransit, Order::Status::Delivered})
        QCOMPARE(Order::statusForEvent(Order::eventForStatus(s)), s);
    QVERIFY(Order::eventForStatus(Order::Status::Unknown).isEmpty());
}

void TestOrder::durations()
{
    Order order;
    const QDateTime t0 = QDateTime::fromString("2026-11-26T10:00:00.000Z", Qt::ISODateWithMs);
    order.setTimeOf(Order::Status::Ordered, t0);
    QCOMPARE(order.msBetween(Order::Status::Ordered, Order::Status::Delivered), -1);
    order.setTimeOf(Order::Status::Delivered, t0.addMSecs(4200));
    QCOMPARE(order.msBetween(Order::Status::Ordered, Order::Status::Delivered), 4200);
    QCOMPARE(order.timeOf(Order::Status::Delivered), t0.addMSecs(4200));
}

void TestOrder::fakerIsPlausible()
{
    caps::OrderFaker faker;
    const Order a = faker.order(QStringLiteral("store"));
    const Order b = faker.order(QStringLiteral("store"));
    static const QRegularExpression uuid(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
    QVERIFY2(uuid.match(a.orderId).hasMatch(), qPrintable(a.orderId));
    QVERIFY(a.orderId != b.orderId);
    QVERIFY(a.customer.contains(QLatin1Char(' ')));
    QVERIFY(a.address.contains(QLatin1Char(',')));
    QCOMPARE(a.store, QStringLiteral("store"));
}

void TestOrder::fakerIsReproducible()
{
    caps::OrderFaker one(42);
    caps::OrderFaker two(42);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(one.customerName(), two.customerName());
        QCOMPARE(one.address(), two.address());
    }
}

QTEST_GUILESS_MAIN(TestOrder)
#include "tst_order.moc"
