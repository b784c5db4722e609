#include "agents/connectionstatus.h"
#include "agents/customeragent.h"
#include "agents/driveragent.h"
#include "agents/queuehubprobe.h"
#include "agents/vendoragent.h"
#include "client/client.h"
#include "hub/capshub.h"
#include "server/clientconnection.h"
#include "server/namespace.h"
#include "server/serverevent.h"
#include "server/server.h"
#include "server/serversocket.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using caps::Client;
using caps::Order;

namespace {
QJsonObject payload(const QString &id, const QString &store, const QString &customer = QStringLiteral("Ada Lovelace"))
{
    return QJsonObject{{"store", store}, {"orderID", id}, {"customer", customer}, {"address", "1 Main St"}};
}

// Feeds an agent as if the hub had sent the event, without a network.
void deliver(Client &client, const QString &event, const QJsonValue &value)
{
    Q_EMIT client.eventReceived(event, QJsonArray{value}, -1);
}
} // namespace

class TestAgents : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void vendorKeepsItsOwnStore();
    void vendorThanksOncePerOrder();
    void driverStepsInOrder();
    void driverAutoDrive();
    void secondDriverLosesATakenOrder();
    void customerFiltersWhatItTracks();
    void customerTrackAckFillsCurrentStep();
    void customerTracksAgainAfterReconnect();
    void connectionStatusText();
    void vendorResendsWhenTheQueueAnswerIsCutOff();
    void vendorForgetsOnAHubWithoutQueue();

private:
    [[nodiscard]] QUrl url(quint16 port) const { return QUrl(QStringLiteral("http://127.0.0.1:%1/caps").arg(port)); }
    std::unique_ptr<caps::Server> m_server;
    std::unique_ptr<caps::CapsHub> m_hub;
};

namespace {

// A hub that answers nothing: it records every event and can cut a client off. With it the
// agents' handling of unconfirmed emits can be tested whatever a real hub would have answered.
struct SilentHub
{
    SilentHub()
    {
        QObject::connect(
            server.of(QStringLiteral("/caps")), &caps::Namespace::connection, &server,
            [this](caps::ServerSocket *socket) {
                last = socket;
                QObject::connect(
                    socket, &caps::ServerSocket::eventReceived, &server, [this](const caps::ServerEvent &event) {
                        const QJsonValue orderId = event.arg(0).toObject().value(QLatin1String("orderID"));
                        events.append(event.name()
                                      + (orderId.isString() ? QLatin1Char(' ') + orderId.toString() : QString()));
                    });
            });
    }
    void cutOff()
    {
        if (last)
            last->client()->close();
    }
    caps::Server server;
    QPointer<caps::ServerSocket> last;
    QStringList events;
};

Client::Options fast()
{
    Client::Options o;
    o.reconnectionDelayMs = 20;
    o.reconnectionDelayMaxMs = 50;
    return o;
}

} // namespace

void TestAgents::initTestCase()
{
    m_server = std::make_unique<caps::Server>();
    m_hub = std::make_unique<caps::CapsHub>(m_server->of(QStringLiteral("/caps")));
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0), qPrintable(m_server->errorString()));
}

void TestAgents::vendorKeepsItsOwnStore()
{
    Client client(url(1));
    caps::VendorAgent vendor(&client, QStringLiteral("mine"));
    QCOMPARE(client.rooms(), QStringList{QStringLiteral("mine")});
    deliver(client, "pickup", payload("o1", "other"));
    deliver(client, "delivered", payload("o2", "other"));
    QCOMPARE(vendor.orders()->rowCount(), 0);
    deliver(client, "pickup", payload("o3", "mine"));
    QCOMPARE(vendor.orders()->rowCount(), 1);

    const Order placed = vendor.placeOrder(Order{});
    QCOMPARE(placed.store, QStringLiteral("mine"));
    QCOMPARE(placed.orderId.size(), 36);
    QCOMPARE(placed.status, Order::Status::Ordered);
    // Offline: buffered by the client, not lost.
    QCOMPARE(client.bufferedCount(), 1);
}

void TestAgents::vendorThanksOncePerOrder()
{
    Client client(url(1));
    caps::VendorAgent vendor(&client, QStringLiteral("mine"));
    QSignalSpy thanked(&vendor, &caps::VendorAgent::orderDelivered);
    const Order placed = vendor.placeOrder(Order{});
    deliver(client, "in-transit", placed.toJson());
    deliver(client, "delivered", placed.toJson());
    deliver(client, "delivered", placed.toJson());
    deliver(client, "in-transit", placed.toJson());
    QCOMPARE(thanked.count(), 1);
    QCOMPARE(thanked.first().first().toString(), placed.orderId);
    QCOMPARE(vendor.orders()->order(placed.orderId).status, Order::Status::Delivered);
    QCOMPARE(caps::VendorAgent::thankYouText("X"), QStringLiteral("Thank you for delivering X"));
}

void TestAgents::driverStepsInOrder()
{
    Client client(url(1));
    caps::DriverAgent driver(&client);
    QJsonObject sent = payload("o1", "s");
    sent.insert("note", "kept");
    deliver(client, "pickup", sent);
    deliver(client, "pickup", sent);
    QCOMPARE(driver.orders()->rowCount(), 1);
    QVERIFY(!driver.markDelivered("o1"));
    QVERIFY(!driver.confirmPickup("unknown"));
    QVERIFY(driver.confirmPickup("o1"));
    QVERIFY(!driver.confirmPickup("o1"));
    QVERIFY(driver.markDelivered("o1"));
    QVERIFY(!driver.markDelivered("o1"));
    QCOMPARE(client.bufferedCount(), 2);
    // The log shows what went out: the vendor's payload, extra fields and all.
    const auto &entries = driver.log()->entries();
    const auto sentIt = std::find_if(entries.cbegin(), entries.cend(), [](const auto &e) {
        return e.direction == caps::EventLogModel::Direction::Sent && e.event == QLatin1String("in-transit");
    });
    QVERIFY(sentIt != entries.cend());
    QVERIFY(sentIt->details.contains(QLatin1String("\"note\":\"kept\"")));
}

void TestAgents::driverAutoDrive()
{
    Client vendorClient(url(m_server->serverPort()));
    Client driverClient(url(m_server->serverPort()));
    caps::VendorAgent vendor(&vendorClient, QStringLiteral("auto-store"));
    caps::DriverAgent driver(&driverClient);
    driver.setPickupDelayMs(50);
    driver.setDeliverDelayMs(150);
    driver.setAutoDrive(true);
    QSignalSpy pickedUp(&driver, &caps::DriverAgent::pickedUp);
    QSignalSpy delivered(&driver, &caps::DriverAgent::delivered);
    QSignalSpy thanked(&vendor, &caps::VendorAgent::orderDelivered);
    QSignalSpy connected(&driverClient, &Client::connected);
    vendorClient.connectToHub();
    driverClient.connectToHub();
    QVERIFY(connected.wait());
    QTRY_VERIFY(vendorClient.isConnected());

    const Order placed = vendor.placeOrder(Order{});
    QVERIFY(thanked.wait());
    QCOMPARE(pickedUp.count(), 1);
    QCOMPARE(delivered.count(), 1);
    QCOMPARE(thanked.first().first().toString(), placed.orderId);
    const Order seen = vendor.orders()->order(placed.orderId);
    QVERIFY(seen.inTransitAt <= seen.deliveredAt);

    // Off: the next order waits for a person.
    driver.setAutoDrive(false);
    const Order second = vendor.placeOrder(Order{});
    QTRY_VERIFY(driver.orders()->contains(second.orderId));
    QVERIFY(!pickedUp.wait(400));
    QVERIFY(driver.canConfirmPickup(second.orderId));
}

// Two drivers see the same pickup; once one takes it the hub tells the other (`taken`) and the
// order leaves its list: it can neither confirm nor deliver it. The first delivers as usual.
void TestAgents::secondDriverLosesATakenOrder()
{
    Client vendorClient(url(m_server->serverPort()));
    Client firstClient(url(m_server->serverPort()));
    Client secondClient(url(m_server->serverPort()));
    caps::VendorAgent vendor(&vendorClient, QStringLiteral("two-drivers"));
    caps::DriverAgent first(&firstClient);
    caps::DriverAgent second(&secondClient);
    QSignalSpy thanked(&vendor, &caps::VendorAgent::orderDelivered);
    for (Client *c : {&vendorClient, &firstClient, &secondClient}) {
        QSignalSpy connected(c, &Client::connected);
        c->connectToHub();
        QVERIFY(connected.wait());
    }
    const Order placed = vendor.placeOrder(Order{});
    QTRY_VERIFY(first.canConfirmPickup(placed.orderId));
    QTRY_VERIFY(second.canConfirmPickup(placed.orderId));

    QVERIFY(first.confirmPickup(placed.orderId));
    QTRY_VERIFY(!second.orders()->contains(placed.orderId));
    QVERIFY(!second.confirmPickup(placed.orderId));
    QVERIFY(!second.markDelivered(placed.orderId));
    QVERIFY(first.markDelivered(placed.orderId));
    QVERIFY(thanked.wait());
    QCOMPARE(thanked.count(), 1);
    QVERIFY(!second.orders()->contains(placed.orderId));
}

void TestAgents::customerFiltersWhatItTracks()
{
    Client client(url(1));
    caps::CustomerAgent customer(&client);
    QVERIFY(customer.trackOrder("o1"));
    QVERIFY(!customer.trackOrder("o1"));
    QVERIFY(!customer.trackOrder("  "));
    QVERIFY(customer.trackCustomer("Grace Hopper"));
    QCOMPARE(customer.orders()->rowCount(), 1);
    QCOMPARE(customer.orders()->order("o1").status, Order::Status::Unknown);

    QSignalSpy changed(&customer, &caps::CustomerAgent::statusChanged);
    deliver(client, "pickup", payload("o2", "s")); // neither the id nor the name
    deliver(client, "pickup", payload("o3", "s", "Grace Hopper")); // the name
    deliver(client, "in-transit", payload("o1", "s")); // the id
    deliver(client, "in-transit", payload("o1", "s"));
    QCOMPARE(customer.orders()->rowCount(), 2);
    QVERIFY(!customer.orders()->contains("o2"));
    QCOMPARE(changed.count(), 2);

    customer.untrackCustomer("Grace Hopper");
    QVERIFY(!customer.orders()->contains("o3"));
    customer.untrackOrder("o1");
    QCOMPARE(customer.orders()->rowCount(), 0);
}

void TestAgents::customerTrackAckFillsCurrentStep()
{
    Client vendorClient(url(m_server->serverPort()));
    caps::VendorAgent vendor(&vendorClient, QStringLiteral("ack-store"));
    QSignalSpy vendorUp(&vendorClient, &Client::connected);
    vendorClient.connectToHub();
    QVERIFY(vendorUp.wait());
    Order draft;
    draft.customer = QStringLiteral("Late Larry");
    const Order placed = vendor.placeOrder(draft);
    QTRY_COMPARE(m_hub->latestEvents(placed.orderId, QString()).size(), 1);

    Client client(url(m_server->serverPort()));
    caps::CustomerAgent customer(&client);
    customer.trackCustomer(QStringLiteral("Late Larry"));
    QSignalSpy answered(&customer, &caps::CustomerAgent::trackAnswered);
    client.connectToHub();
    QVERIFY(answered.wait());
    QCOMPARE(answered.first().at(1).toBool(), true);
    QCOMPARE(customer.orders()->order(placed.orderId).status, Order::Status::Ordered);
}

void TestAgents::customerTracksAgainAfterReconnect()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();

    auto server = std::make_unique<caps::Server>();
    auto hub = std::make_unique<caps::CapsHub>(server->of(QStringLiteral("/caps")));
    QVERIFY(server->listen(QHostAddress::LocalHost, port));

    Client::Options fast;
    fast.reconnectionDelayMs = 100;
    fast.reconnectionDelayMaxMs = 200;
    Client client(url(port), fast);
    caps::CustomerAgent customer(&client);
    customer.trackOrder(QStringLiteral("again-1"));
    QSignalSpy answered(&customer, &caps::CustomerAgent::trackAnswered);
    client.connectToHub();
    QVERIFY(answered.wait());

    // The hub goes away and comes back empty: the customer must ask again.
    hub.reset();
    server.reset();
    QTRY_COMPARE(client.state(), Client::State::Reconnecting);
    server = std::make_unique<caps::Server>();
    hub = std::make_unique<caps::CapsHub>(server->of(QStringLiteral("/caps")));
    QVERIFY(server->listen(QHostAddress::LocalHost, port));
    QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 2, 10000);

    Client vendorClient(url(port));
    QSignalSpy vendorUp(&vendorClient, &Client::connected);
    vendorClient.connectToHub();
    QVERIFY(vendorUp.wait());
    vendorClient.emitEvent(QStringLiteral("pickup"), QJsonArray{payload("again-1", "s")});
    QTRY_COMPARE(customer.orders()->order(QStringLiteral("again-1")).status, Order::Status::Ordered);
}

void TestAgents::connectionStatusText()
{
    QCOMPARE(caps::ConnectionStatus::stateText(Client::State::Connected, -1), QStringLiteral("Connected"));
    QCOMPARE(caps::ConnectionStatus::stateText(Client::State::Reconnecting, 3), QStringLiteral("Reconnecting in 3 s"));
    QCOMPARE(caps::ConnectionStatus::stateText(Client::State::Disconnected, -1), QStringLiteral("Offline"));

    Client client(url(1));
    caps::ConnectionStatus status(&client);
    QCOMPARE(status.text(), QStringLiteral("Offline"));
    QSignalSpy changed(&status, &caps::ConnectionStatus::changed);
    client.connectToHub();
    // Port 1 refuses: connecting, then a countdown to the next attempt.
    QTRY_VERIFY(status.text().startsWith(QStringLiteral("Reconnecting")));
    QVERIFY(status.secondsToRetry() >= 0);
    QVERIFY(changed.count() >= 1);
    client.disconnectFromHub();
    QTRY_COMPARE(status.text(), QStringLiteral("Offline"));
}

// A hub that keeps a queue but whose answer to getAll was lost with the connection: the pickup
// it never confirmed must go out again, or the order is lost (it was, under load, before).
void TestAgents::vendorResendsWhenTheQueueAnswerIsCutOff()
{
    SilentHub hub;
    QVERIFY(hub.server.listen(QHostAddress::LocalHost, 0));
    Client client(url(hub.server.serverPort()), fast());
    caps::VendorAgent vendor(&client, QStringLiteral("s"));
    client.connectToHub();
    QTRY_VERIFY(client.isConnected());
    vendor.placeOrder(Order::fromJson(payload(QStringLiteral("cut-1"), QStringLiteral("s"))).value());
    QTRY_VERIFY(hub.events.contains(QStringLiteral("pickup cut-1")));
    QCOMPARE(vendor.queueProbe()->answer(), caps::QueueHubProbe::Answer::Unknown);

    hub.cutOff();
    QTRY_COMPARE(hub.events.count(QStringLiteral("pickup cut-1")), 2);
    QCOMPARE(vendor.unconfirmedCount(), 1);
}

// A hub that never answers getAll keeps no queue (the lab's Phase 2 hub): once that is known,
// what an earlier connection sent is not sent again on every reconnection.
void TestAgents::vendorForgetsOnAHubWithoutQueue()
{
    SilentHub hub;
    QVERIFY(hub.server.listen(QHostAddress::LocalHost, 0));
    Client client(url(hub.server.serverPort()), fast());
    caps::VendorAgent vendor(&client, QStringLiteral("s"));
    vendor.queueProbe()->setTimeoutMs(100);
    QSignalSpy noQueue(vendor.queueProbe(), &caps::QueueHubProbe::noQueue);
    client.connectToHub();
    QTRY_VERIFY(client.isConnected());
    vendor.placeOrder(Order::fromJson(payload(QStringLiteral("lab-1"), QStringLiteral("s"))).value());
    QVERIFY(noQueue.wait());
    QCOMPARE(vendor.queueProbe()->answer(), caps::QueueHubProbe::Answer::NoQueue);

    QSignalSpy connected(&client, &Client::connected);
    hub.cutOff();
    QVERIFY(connected.wait());
    // The hub reads one client's packets in order: had lab-1 gone out again, it would come first.
    vendor.placeOrder(Order::fromJson(payload(QStringLiteral("lab-2"), QStringLiteral("s"))).value());
    QTRY_VERIFY(hub.events.contains(QStringLiteral("pickup lab-2")));
    QCOMPARE(hub.events.count(QStringLiteral("pickup lab-1")), 1);
    QCOMPARE(vendor.unconfirmedCount(), 1); // lab-2, on this connection
}

QTEST_GUILESS_MAIN(TestAgents)
#include "tst_agents.moc"
