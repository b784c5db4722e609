// CapsHub's routing: join variants, pickup to everyone but customers, in-transit/delivered to
// the store's room, customer tracking, verbatim relay, and the log it feeds.

#include "server/capshub.h"
#include "server/namespace.h"
#include "server/server.h"

#include "testpeers.h"

#include <QJsonArray>
#include <QtTest>

using namespace testpeers;

namespace {

const QString kPayload = QStringLiteral(R"({"store":"1-206-flowers","orderID":"o-1","customer":"Jamal Braun","address":"Schmittfort, LA"})");

QString frame(const QString &name, const QString &payload = kPayload)
{
    return QStringLiteral(R"(42/caps,["%1",%2])").arg(name, payload);
}

} // namespace

class TestCapsHub : public QObject
{
    Q_OBJECT

private:
    struct Hub
    {
        caps::Server server;
        std::unique_ptr<caps::CapsHub> hub;
        QList<caps::HubEvent> logged;
    };

    std::unique_ptr<Hub> startHub(caps::CapsHub::Options options = {})
    {
        auto hub = std::make_unique<Hub>();
        hub->hub = std::make_unique<caps::CapsHub>(hub->server.of("/caps"), options);
        Hub *raw = hub.get();
        connect(hub->hub.get(), &caps::CapsHub::eventReceived, this, [raw](const caps::HubEvent &e) { raw->logged.append(e); });
        if (!hub->server.listen(QHostAddress::LocalHost, 0))
            return nullptr;
        return hub;
    }

    static bool join(WsPeer &peer, quint16 port)
    {
        return peer.open(port) && peer.connectNamespace("/caps").startsWith("40/caps,");
    }

    // Lets the hub process what was sent, then checks nothing else arrived.
    static bool quiet(std::initializer_list<WsPeer *> peers, int ms = 200)
    {
        return !QTest::qWaitFor([&] {
            for (WsPeer *p : peers) {
                if (!p->texts.isEmpty())
                    return true;
            }
            return false;
        }, ms);
    }

    // Sends an event with an ack id and returns the ack's JSON argument text.
    static QString ackOf(WsPeer &peer, const QString &name, const QString &arg, int id)
    {
        peer.send(QStringLiteral(R"(42/caps,%1["%2",%3])").arg(id).arg(name, arg));
        const QString reply = peer.next();
        const QString prefix = QStringLiteral("43/caps,%1").arg(id);
        return reply.startsWith(prefix) ? reply.mid(prefix.size()) : QStringLiteral("unexpected: ") + reply;
    }

private slots:
    void roomOf_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("room");
        QTest::addRow("string") << R"("1-206-flowers")" << "1-206-flowers";
        QTest::addRow("store") << R"({"store":"s1"})" << "s1";
        QTest::addRow("clientId") << R"({"clientId":"c1"})" << "c1";
        QTest::addRow("queueId") << R"({"queueId":"q1"})" << "q1";
        QTest::addRow("roomName") << R"({"roomName":"r1"})" << "r1";
        QTest::addRow("first truthy wins") << R"({"store":"","clientId":"c2","roomName":"r2"})" << "c2";
        QTest::addRow("number store") << R"({"store":5})" << "";
        QTest::addRow("nothing") << R"({"other":"x"})" << "";
        QTest::addRow("number") << R"(42)" << "";
        QTest::addRow("null") << R"(null)" << "";
    }

    void roomOf()
    {
        QFETCH(QString, json);
        QFETCH(QString, room);
        const QJsonValue v = QJsonDocument::fromJson(("[" + json + "]").toUtf8()).array().at(0);
        QCOMPARE(caps::CapsHub::roomOf(v), room);
    }

    void joinVariantsAndRouting()
    {
        auto hub = startHub();
        QVERIFY(hub);
        const quint16 port = hub->server.serverPort();
        WsPeer vendor, otherVendor, driver, byClientId;
        for (WsPeer *p : {&vendor, &otherVendor, &driver, &byClientId})
            QVERIFY(join(*p, port));
        vendor.send(R"(42/caps,["join","1-206-flowers"])");
        otherVendor.send(R"(42/caps,["join",{"store":"acme"}])");
        byClientId.send(R"(42/caps,["join",{"clientId":"1-206-flowers"}])");
        QVERIFY(quiet({&vendor, &otherVendor, &driver, &byClientId}, 100));

        // pickup: everyone on the namespace, the sender included, payload verbatim.
        vendor.send(frame("pickup"));
        for (WsPeer *p : {&vendor, &otherVendor, &driver, &byClientId})
            QCOMPARE(p->next(), frame("pickup"));

        // in-transit / delivered: the store's room only.
        driver.send(frame("in-transit"));
        QCOMPARE(vendor.next(), frame("in-transit"));
        QCOMPARE(byClientId.next(), frame("in-transit"));
        driver.send(frame("delivered"));
        QCOMPARE(vendor.next(), frame("delivered"));
        QCOMPARE(byClientId.next(), frame("delivered"));
        QVERIFY(quiet({&vendor, &otherVendor, &driver, &byClientId}));

        // No store: nobody (as the Node hub) unless someone tracks the order.
        driver.send(frame("delivered", R"({"orderID":"x"})"));
        QVERIFY(quiet({&vendor, &otherVendor, &driver, &byClientId}));

        QCOMPARE(hub->logged.size(), 4);
        QCOMPARE(hub->logged.at(0).event, QString("pickup"));
        QCOMPARE(hub->logged.at(0).payloadJson, kPayload.toUtf8());
        QCOMPARE(hub->logged.at(0).store, QString("1-206-flowers"));
        QCOMPARE(hub->logged.at(0).orderId, QString("o-1"));
        QCOMPARE(hub->logged.at(2).event, QString("delivered"));
        QVERIFY(hub->logged.at(0).toLogLine().startsWith("EVENT { event: 'pickup', time: "));
    }

    void relayKeepsBytesAndAttachments()
    {
        auto hub = startHub();
        QVERIFY(hub);
        WsPeer vendor, driver;
        QVERIFY(join(vendor, hub->server.serverPort()));
        QVERIFY(join(driver, hub->server.serverPort()));
        // Odd spacing, key order and a number the JSON round trip would rewrite all survive.
        const QString payload = R"({ "store" : "s", "orderId": 12, "z": 1.50, "a": [ ] })";
        vendor.send(QStringLiteral(R"(42/caps,7["pickup",%1,"extra"])").arg(payload));
        QCOMPARE(driver.next(), QStringLiteral(R"(42/caps,["pickup",%1,"extra"])").arg(payload));
        QCOMPARE(hub->logged.constLast().orderId, QString("12"));
        QVERIFY(hub->logged.constLast().toLogLine().endsWith("payload: { store: 's', orderId: 12, z: 1.5, a: [] } }"));

        vendor.send(R"(451-/caps,["pickup",{"store":"s","label":{"_placeholder":true,"num":0}}])");
        vendor.sendBinary("PNG");
        QCOMPARE(driver.next(), QString(R"(451-/caps,["pickup",{"store":"s","label":{"_placeholder":true,"num":0}}])"));
        QCOMPARE(driver.nextBinary(), QByteArray("PNG"));
    }

    void customerTracking()
    {
        auto hub = startHub();
        QVERIFY(hub);
        const quint16 port = hub->server.serverPort();
        WsPeer vendor, driver, byOrder, byCustomer, byString, other;
        for (WsPeer *p : {&vendor, &driver, &byOrder, &byCustomer, &byString, &other})
            QVERIFY(join(*p, port));
        vendor.send(R"(42/caps,["join","1-206-flowers"])");

        // An order seen before anyone tracks it is remembered.
        vendor.send(frame("pickup"));
        QCOMPARE(driver.next(), frame("pickup"));
        QCOMPARE(vendor.next(), frame("pickup"));
        for (WsPeer *p : {&byOrder, &byCustomer, &byString, &other})
            QCOMPARE(p->next(), frame("pickup"));   // nobody is a customer yet

        const QString orderAck = ackOf(byOrder, "track", R"({"orderID":"o-1"})", 1);
        const QJsonObject ack = QJsonDocument::fromJson(orderAck.toUtf8()).array().at(0).toObject();
        QCOMPARE(ack.value("ok"), QJsonValue(true));
        const QJsonArray orders = ack.value("orders").toArray();
        QCOMPARE(orders.size(), 1);
        QCOMPARE(orders.at(0)["event"].toString(), QString("pickup"));
        QVERIFY(orders.at(0)["time"].toString().endsWith('Z'));
        QCOMPARE(orders.at(0)["payload"]["customer"].toString(), QString("Jamal Braun"));
        // The payload in the ack is verbatim too.
        QVERIFY(orderAck.contains(kPayload));

        QVERIFY(ackOf(byCustomer, "track", R"({"customer":"Jamal Braun"})", 2).startsWith(R"([{"ok":true,"orders":[{"event":"pickup")"));
        QCOMPARE(ackOf(byString, "track", R"("o-2")", 3), QString(R"([{"ok":true,"orders":[]}])"));
        QCOMPARE(ackOf(other, "track", R"({"nothing":1})", 4),
                 QString(R"([{"error":"track needs an orderID or a customer","ok":false}])"));

        // o-1 progresses: the store, o-1's tracker and Jamal's tracker hear it; not the others.
        driver.send(frame("in-transit"));
        QCOMPARE(vendor.next(), frame("in-transit"));
        QCOMPARE(byOrder.next(), frame("in-transit"));
        QCOMPARE(byCustomer.next(), frame("in-transit"));
        QVERIFY(quiet({&driver, &byString, &other}));

        // A new pickup for o-2 (another customer): everyone but customers, plus o-2's tracker.
        const QString o2 = R"({"store":"1-206-flowers","orderID":"o-2","customer":"Someone Else","address":"x"})";
        vendor.send(frame("pickup", o2));
        QCOMPARE(vendor.next(), frame("pickup", o2));
        QCOMPARE(driver.next(), frame("pickup", o2));
        QCOMPARE(byString.next(), frame("pickup", o2));
        QCOMPARE(other.next(), frame("pickup", o2));   // a failed track makes no customer
        QVERIFY(quiet({&byOrder, &byCustomer, &other}));

        // untrack leaves the room.
        QCOMPARE(ackOf(byOrder, "untrack", R"({"orderID":"o-1"})", 5), QString(R"([{"ok":true}])"));
        driver.send(frame("delivered"));
        QCOMPARE(vendor.next(), frame("delivered"));
        QCOMPARE(byCustomer.next(), frame("delivered"));
        QVERIFY(quiet({&byOrder, &byString, &other}));

        // The latest event per order is what a late tracker sees.
        const QList<caps::HubEvent> latest = hub->hub->latestEvents("o-1", "Someone Else");
        QCOMPARE(latest.size(), 2);
        QCOMPARE(latest.at(0).event, QString("pickup"));     // o-2, older
        QCOMPARE(latest.at(0).orderId, QString("o-2"));
        QCOMPARE(latest.at(1).event, QString("delivered"));  // o-1, newest
    }

    void socketInSeveralRoomsGetsEventOnce()
    {
        auto hub = startHub();
        QVERIFY(hub);
        WsPeer vendor, driver;
        QVERIFY(join(vendor, hub->server.serverPort()));
        QVERIFY(join(driver, hub->server.serverPort()));
        vendor.send(R"(42/caps,["join","1-206-flowers"])");
        // The vendor also tracks its order and its customer: store room + order + customer rooms.
        QCOMPARE(ackOf(vendor, "track", R"({"orderID":"o-1","customer":"Jamal Braun"})", 1),
                 QString(R"([{"ok":true,"orders":[]}])"));
        driver.send(frame("pickup"));
        QCOMPARE(vendor.next(), frame("pickup"));   // as a tracker, though it is now a customer
        QCOMPARE(driver.next(), frame("pickup"));
        driver.send(frame("in-transit"));
        QCOMPARE(vendor.next(), frame("in-transit"));
        QVERIFY(quiet({&vendor, &driver}));
    }

    void rememberedOrdersAreBounded()
    {
        caps::CapsHub::Options options;
        options.maxRememberedOrders = 3;
        auto hub = startHub(options);
        QVERIFY(hub);
        WsPeer vendor;
        QVERIFY(join(vendor, hub->server.serverPort()));
        for (int i = 0; i < 5; ++i)
            vendor.send(frame("pickup", QStringLiteral(R"({"store":"s","orderID":"o%1"})").arg(i)));
        QTRY_COMPARE(hub->logged.size(), 5);
        QCOMPARE(hub->hub->rememberedOrderCount(), 3);
        QVERIFY(hub->hub->latestEvents("o0", {}).isEmpty());
        QCOMPARE(hub->hub->latestEvents("o4", {}).size(), 1);
    }

    void rememberedBytesAreBounded()
    {
        caps::CapsHub::Options options;
        options.maxRememberedBytes = 1000;
        auto hub = startHub(options);
        QVERIFY(hub);
        WsPeer vendor;
        QVERIFY(join(vendor, hub->server.serverPort()));
        const QString filler(300, 'x');
        for (int i = 0; i < 6; ++i)
            vendor.send(frame("pickup", QStringLiteral(R"({"store":"s","orderID":"o%1","note":"%2"})").arg(i).arg(filler)));
        QTRY_COMPARE(hub->logged.size(), 6);
        QVERIFY(hub->hub->rememberedBytes() <= 1000);
        QCOMPARE(hub->hub->rememberedOrderCount(), 2);
        QCOMPARE(hub->hub->latestEvents("o5", {}).size(), 1);
        QVERIFY(hub->hub->latestEvents("o3", {}).isEmpty());
    }

    void otherEventsAndNamespacesAreIgnored()
    {
        auto hub = startHub();
        QVERIFY(hub);
        WsPeer a, b, onRoot;
        QVERIFY(join(a, hub->server.serverPort()));
        QVERIFY(join(b, hub->server.serverPort()));
        QVERIFY(onRoot.open(hub->server.serverPort()));
        QVERIFY(onRoot.connectNamespace("/").startsWith("40"));
        a.send(R"(42/caps,["chat","hello"])");
        a.send(R"(42/caps,["pickup"])");   // no payload: relayed, logged as undefined
        QCOMPARE(a.next(), QString(R"(42/caps,["pickup"])"));
        QCOMPARE(b.next(), QString(R"(42/caps,["pickup"])"));
        onRoot.send(frame("pickup").replace("/caps,", ""));
        QVERIFY(quiet({&a, &b, &onRoot}));
        QCOMPARE(hub->logged.size(), 1);
        QVERIFY(hub->logged.at(0).toLogLine().endsWith("payload: undefined }"));
    }
};

QTEST_GUILESS_MAIN(TestCapsHub)
#include "tst_capshub.moc"
