#include "chaosrun.h"
#include "hubprocess.h"

#include "agents/driveragent.h"
#include "agents/vendoragent.h"
#include "client/client.h"
#include "orders/eventlogmodel.h"
#include "orders/orderfaker.h"
#include "queue/memorymessagestore.h"
#include "queue/messagequeue.h"
#include "queue/sqlitemessagestore.h"
#include "security/accesspolicy.h"
#include "security/tokenstore.h"
#include "server/namespace.h"
#include "hub/capshub.h"
#include "server/server.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

namespace {

// A store whose writes fail, as on a full disk.
class FailingStore final : public caps::MessageStore
{
public:
    caps::Result<caps::EnqueueOutcome> enqueue(const QString &, const QString &, const QString &,
                                               const QJsonValue &) override
    {
        return caps::Result<caps::EnqueueOutcome>::failure(QStringLiteral("database or disk is full"));
    }
    caps::Result<QList<caps::EnqueueOutcome>> enqueueMany(const QStringList &, const QString &, const QString &,
                                                          const QJsonValue &) override
    {
        return caps::Result<QList<caps::EnqueueOutcome>>::failure(QStringLiteral("database or disk is full"));
    }
    caps::Result<bool> acknowledge(const QString &q, const QString &e, const QString &m) override
    {
        return m_inner.acknowledge(q, e, m);
    }
    [[nodiscard]] caps::Result<QList<caps::QueuedMessage>> pending(const QString &q, const QString &e) const override
    {
        return m_inner.pending(q, e);
    }
    [[nodiscard]] caps::Result<qint64> count(const QString &q, const QString &e) const override
    {
        return m_inner.count(q, e);
    }
    [[nodiscard]] caps::Result<QStringList> queueIds() const override { return m_inner.queueIds(); }
    [[nodiscard]] caps::Result<bool> isAcknowledged(const QString &q, const QString &e, const QString &m) const override
    {
        return m_inner.isAcknowledged(q, e, m);
    }
    caps::Result<bool> subscribe(const QString &q, const QString &e) override { return m_inner.subscribe(q, e); }
    caps::Result<bool> unsubscribe(const QString &q, const QString &e) override { return m_inner.unsubscribe(q, e); }
    [[nodiscard]] caps::Result<QStringList> subscribers(const QString &e) const override
    {
        return m_inner.subscribers(e);
    }
    caps::Result<qint64> pruneTombstones(const QDateTime &now) override { return m_inner.pruneTombstones(now); }
    caps::Result<caps::PendingPruned> prunePending(const QDateTime &now) override { return m_inner.prunePending(now); }
    caps::Result<bool> saveOrder(const caps::OrderRecord &record) override { return m_inner.saveOrder(record); }
    caps::Result<QList<caps::OrderRecord>> loadOrders(qint64 limit) const override { return m_inner.loadOrders(limit); }
    caps::Result<bool> beginBatch() override { return m_inner.beginBatch(); }
    caps::Result<bool> commitBatch() override { return m_inner.commitBatch(); }
    void rollbackBatch() override { m_inner.rollbackBatch(); }
    [[nodiscard]] bool inBatch() const override { return m_inner.inBatch(); }
    caps::Result<bool> beginUnit() override { return m_inner.beginUnit(); }
    caps::Result<bool> commitUnit() override { return m_inner.commitUnit(); }
    void rollbackUnit() override { m_inner.rollbackUnit(); }

private:
    caps::MemoryMessageStore m_inner;
};

caps::Client::Options fastReconnect()
{
    caps::Client::Options options;
    options.reconnectionDelayMs = 50;
    options.reconnectionDelayMaxMs = 200;
    return options;
}

QJsonObject order(const QString &store, const QString &orderId)
{
    return {{QStringLiteral("store"), store},
            {QStringLiteral("orderID"), orderId},
            {QStringLiteral("customer"), QStringLiteral("Ada Lovelace")},
            {QStringLiteral("address"), QStringLiteral("1 Analytical Way")}};
}

// A raw client that records the order events it receives.
struct Peer
{
    explicit Peer(const QUrl &url)
        : client(url, fastReconnect())
    {
        QObject::connect(&client, &caps::Client::eventReceived, &client,
                         [this](const QString &event, const QJsonArray &args, qint64) {
                             if (event == u"pickup" || event == u"in-transit" || event == u"delivered")
                                 events.append(event + QLatin1Char(' ')
                                               + args.at(0).toObject().value(QLatin1String("orderID")).toString());
                         });
    }
    bool connect()
    {
        QSignalSpy connected(&client, &caps::Client::connected);
        client.connectToHub();
        return connected.wait(5000);
    }
    // The ack's first argument, {} on timeout. Events sent before the ack are in `events`.
    QJsonObject call(const QString &event, const QJsonValue &argument)
    {
        auto reply = std::make_shared<std::optional<QJsonObject>>();
        client.emitWithAck(
            event, {argument}, [reply](const QJsonArray &args) { *reply = args.at(0).toObject(); }, 5000,
            [reply] { *reply = QJsonObject(); });
        if (!QTest::qWaitFor([reply] { return reply->has_value(); }, 6000))
            return {};
        return **reply;
    }

    caps::Client client;
    QStringList events;
};

} // namespace

class TestQueueHub : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void driverOfflineCatchesUp();
    void vendorAwayIsThankedOnReturn();
    void acknowledgedNeverSentAgain();
    void getAllInOrder();
    void storeFailureIsRefused();
    void queueAccessInTokenMode();
    void hubKilledMidStream();
    void hubKilledWhileClientsDrop();
    void labClientsThenPhase3Driver();

private:
    QTemporaryDir m_dir;
};

void TestQueueHub::initTestCase()
{
    QVERIFY(qEnvironmentVariableIsSet("CAPS_BINARY_DIR"));
    QVERIFY(m_dir.isValid());
}

void TestQueueHub::driverOfflineCatchesUp()
{
    HubProcess hub(HubProcess::defaultProgram(), m_dir.filePath(QStringLiteral("offline.sqlite")));
    QVERIFY2(hub.start(), qPrintable(hub.errorString()));

    std::vector<std::unique_ptr<caps::Client>> clients;
    std::vector<std::unique_ptr<caps::VendorAgent>> vendors;
    std::vector<std::unique_ptr<QSignalSpy>> deliveredSpies;
    caps::OrderFaker faker(7);
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<caps::Client>(hub.url(), fastReconnect()));
        vendors.push_back(std::make_unique<caps::VendorAgent>(clients.back().get(), QStringLiteral("store-%1").arg(i)));
        deliveredSpies.push_back(
            std::make_unique<QSignalSpy>(vendors.back().get(), &caps::VendorAgent::orderDelivered));
        clients.back()->connectToHub();
        vendors.back()->placeOrder(faker.order(vendors.back()->store()));
        vendors.back()->placeOrder(faker.order(vendors.back()->store()));
    }
    // Confirmed by the hub: stored, with no driver anywhere.
    for (const auto &vendor : vendors)
        QTRY_COMPARE_WITH_TIMEOUT(vendor->unconfirmedCount(), 0, 5000);

    caps::Client driverClient(hub.url(), fastReconnect());
    caps::DriverAgent driver(&driverClient);
    driver.setPickupDelayMs(0);
    driver.setDeliverDelayMs(0);
    driver.setAutoDrive(true);
    QSignalSpy queued(&driver, &caps::DriverAgent::orderQueued);
    driverClient.connectToHub();
    QTRY_COMPARE_WITH_TIMEOUT(queued.count(), 6, 5000);
    for (size_t i = 0; i < vendors.size(); ++i) {
        QTRY_COMPARE_WITH_TIMEOUT(vendors[i]->orders()->countWithStatus(caps::Order::Status::Delivered), 2, 5000);
        QCOMPARE(deliveredSpies[i]->count(), 2);
    }
    QTRY_COMPARE(driver.unconfirmedCount(), 0);

    // Everything handled was acknowledged: a new driver and a vendor that comes back get nothing.
    Peer late(hub.url());
    QVERIFY(late.connect());
    QTRY_COMPARE(late.call(QStringLiteral("getAll"),
                           QJsonObject{{QStringLiteral("clientId"), QStringLiteral("driver")},
                                       {QStringLiteral("event"), QStringLiteral("pickup")}})
                     .value(QLatin1String("count"))
                     .toInt(-1),
                 0);
    QTRY_COMPARE(late.call(QStringLiteral("getAll"), QStringLiteral("store-0")).value(QLatin1String("count")).toInt(-1),
                 0);
    QVERIFY(late.events.isEmpty());
}

// A vendor away while its order is delivered hears of it when it comes back, from its queue, as
// news: once, with the thanks and orderDelivered (not as history, which thanks nobody).
void TestQueueHub::vendorAwayIsThankedOnReturn()
{
    HubProcess hub(HubProcess::defaultProgram(), m_dir.filePath(QStringLiteral("away.sqlite")));
    QVERIFY2(hub.start(), qPrintable(hub.errorString()));
    caps::Client vendorClient(hub.url(), fastReconnect());
    caps::VendorAgent vendor(&vendorClient, QStringLiteral("away-store"));
    QSignalSpy thanked(&vendor, &caps::VendorAgent::orderDelivered);
    QSignalSpy vendorConnected(&vendorClient, &caps::Client::connected);
    vendorClient.connectToHub();
    QVERIFY(vendorConnected.wait());
    const caps::Order placed = vendor.placeOrder(caps::OrderFaker(3).order(vendor.store()));
    QTRY_COMPARE_WITH_TIMEOUT(vendor.unconfirmedCount(), 0, 5000);
    vendorClient.disconnectFromHub();

    caps::Client driverClient(hub.url(), fastReconnect());
    caps::DriverAgent driver(&driverClient);
    driver.setPickupDelayMs(0);
    driver.setDeliverDelayMs(0);
    driver.setAutoDrive(true);
    QSignalSpy delivered(&driver, &caps::DriverAgent::delivered);
    driverClient.connectToHub();
    QVERIFY(delivered.wait());
    QTRY_COMPARE(driver.unconfirmedCount(), 0);
    QCOMPARE(thanked.count(), 0);

    vendorClient.connectToHub();
    QTRY_COMPARE_WITH_TIMEOUT(thanked.count(), 1, 5000);
    QCOMPARE(thanked.first().first().toString(), placed.orderId);
    QCOMPARE(vendor.orders()->order(placed.orderId).status, caps::Order::Status::Delivered);
    const auto entries = vendor.log()->entries();
    QCOMPARE(std::count_if(entries.cbegin(), entries.cend(),
                           [&placed](const caps::EventLogModel::Entry &e) {
                               return e.details == caps::VendorAgent::thankYouText(placed.orderId);
                           }),
             1);
}

void TestQueueHub::acknowledgedNeverSentAgain()
{
    const QString db = m_dir.filePath(QStringLiteral("acked.sqlite"));
    HubProcess hub(HubProcess::defaultProgram(), db);
    QVERIFY2(hub.start(), qPrintable(hub.errorString()));
    const QJsonObject getPickups{{QStringLiteral("clientId"), QStringLiteral("driver")},
                                 {QStringLiteral("event"), QStringLiteral("pickup")}};

    Peer vendor(hub.url());
    vendor.client.joinRoom(QStringLiteral("s1"));
    QVERIFY(vendor.connect());
    QJsonObject reply = vendor.call(QStringLiteral("pickup"), order(QStringLiteral("s1"), QStringLiteral("A-1")));
    QCOMPARE(reply.value(QLatin1String("ok")), QJsonValue(true));
    QCOMPARE(reply.value(QLatin1String("queued")), QJsonValue(true));

    Peer driver(hub.url());
    QVERIFY(driver.connect());
    QCOMPARE(driver.call(QStringLiteral("getAll"), getPickups).value(QLatin1String("count")).toInt(), 1);
    QCOMPARE(driver.events, QStringList{QStringLiteral("pickup A-1")});
    reply = driver.call(QStringLiteral("received"),
                        QJsonObject{{QStringLiteral("clientId"), QStringLiteral("driver")},
                                    {QStringLiteral("event"), QStringLiteral("pickup")},
                                    {QStringLiteral("messageId"), QStringLiteral("A-1")}});
    QCOMPARE(reply.value(QLatin1String("removed")), QJsonValue(true));
    driver.events.clear();
    QCOMPARE(driver.call(QStringLiteral("getAll"), getPickups).value(QLatin1String("count")).toInt(-1), 0);

    // Re-sent by the vendor: confirmed, not queued, not relayed to the connected driver.
    reply = vendor.call(QStringLiteral("pickup"), order(QStringLiteral("s1"), QStringLiteral("A-1")));
    QCOMPARE(reply.value(QLatin1String("ok")), QJsonValue(true));
    QCOMPARE(reply.value(QLatin1String("queued")), QJsonValue(false));

    // The vendor's side: delivered, acknowledged, then re-sent.
    vendor.events.clear();
    QCOMPARE(driver.call(QStringLiteral("in-transit"), order(QStringLiteral("s1"), QStringLiteral("A-1")))
                 .value(QLatin1String("ok")),
             QJsonValue(true));
    QTRY_COMPARE(vendor.events, QStringList{QStringLiteral("in-transit A-1")});
    vendor.events.clear();
    QCOMPARE(driver.call(QStringLiteral("delivered"), order(QStringLiteral("s1"), QStringLiteral("A-1")))
                 .value(QLatin1String("ok")),
             QJsonValue(true));
    QTRY_COMPARE(vendor.events, QStringList{QStringLiteral("delivered A-1")});
    reply = vendor.call(QStringLiteral("recieved"),
                        QJsonObject{{QStringLiteral("clientId"), QStringLiteral("s1")},
                                    {QStringLiteral("event"), QStringLiteral("delivered")},
                                    {QStringLiteral("messageId"), QStringLiteral("A-1")}});
    QCOMPARE(reply.value(QLatin1String("removed")), QJsonValue(true));
    QCOMPARE(driver.call(QStringLiteral("delivered"), order(QStringLiteral("s1"), QStringLiteral("A-1")))
                 .value(QLatin1String("queued")),
             QJsonValue(false));
    // A round trip on each connection: a relay sent before it would have arrived.
    QCOMPARE(vendor.call(QStringLiteral("getAll"), QStringLiteral("s1")).value(QLatin1String("count")).toInt(-1), 0);
    QCOMPARE(vendor.events, QStringList{QStringLiteral("delivered A-1")});
    QCOMPARE(driver.events, QStringList{});

    // Still true after a crash: the acknowledgements are durable.
    hub.kill();
    QVERIFY2(hub.start(), qPrintable(hub.errorString()));
    Peer again(hub.url());
    QVERIFY(again.connect());
    QCOMPARE(again.call(QStringLiteral("get-all"), getPickups).value(QLatin1String("count")).toInt(-1), 0);
    QCOMPARE(again.call(QStringLiteral("getall"), QStringLiteral("s1")).value(QLatin1String("count")).toInt(-1), 0);
    QVERIFY(again.events.isEmpty());
}

void TestQueueHub::getAllInOrder()
{
    HubProcess hub(HubProcess::defaultProgram(), m_dir.filePath(QStringLiteral("order.sqlite")));
    QVERIFY2(hub.start(), qPrintable(hub.errorString()));
    Peer sender(hub.url());
    QVERIFY(sender.connect());
    for (const char *id : {"O-3", "O-1", "O-2"})
        QCOMPARE(sender.call(QStringLiteral("pickup"), order(QStringLiteral("s2"), QLatin1String(id)))
                     .value(QLatin1String("ok")),
                 QJsonValue(true));
    QCOMPARE(sender.call(QStringLiteral("in-transit"), order(QStringLiteral("s2"), QStringLiteral("O-1")))
                 .value(QLatin1String("ok")),
             QJsonValue(true));
    QCOMPARE(sender.call(QStringLiteral("delivered"), order(QStringLiteral("s2"), QStringLiteral("O-1")))
                 .value(QLatin1String("ok")),
             QJsonValue(true));
    QCOMPARE(sender.call(QStringLiteral("in-transit"), order(QStringLiteral("s2"), QStringLiteral("O-3")))
                 .value(QLatin1String("ok")),
             QJsonValue(true));

    Peer driver(hub.url());
    QVERIFY(driver.connect());
    // The queue follows the lifecycle: O-1 and O-3 were taken, so only O-2 waits for a driver;
    // O-1's in-transit means nothing once it is delivered.
    QCOMPARE(driver
                 .call(QStringLiteral("getAll"),
                       QJsonObject{{QStringLiteral("clientId"), QStringLiteral("driver")},
                                   {QStringLiteral("event"), QStringLiteral("pickup")}})
                 .value(QLatin1String("count"))
                 .toInt(),
             1);
    QCOMPARE(driver.events, (QStringList{QStringLiteral("pickup O-2")}));
    Peer vendor(hub.url());
    QVERIFY(vendor.connect());
    QCOMPARE(vendor.call(QStringLiteral("getAll"), QStringLiteral("s2")).value(QLatin1String("count")).toInt(), 2);
    QCOMPARE(vendor.events, (QStringList{QStringLiteral("delivered O-1"), QStringLiteral("in-transit O-3")}));
    // A request of the wrong shape is answered with an error and changes nothing.
    const QJsonObject bad = vendor.call(QStringLiteral("getAll"), QJsonArray{1, 2});
    QCOMPARE(bad.value(QLatin1String("ok")), QJsonValue(false));
    QVERIFY(bad.value(QLatin1String("error")).toString().startsWith(QLatin1String("getAll")));
}

void TestQueueHub::storeFailureIsRefused()
{
    FailingStore store;
    caps::MessageQueue queue(store);
    caps::Server server;
    caps::CapsHub::Options options;
    options.queue = &queue;
    caps::CapsHub hub(server.of(QStringLiteral("/caps")), options);
    QSignalSpy logged(&hub, &caps::CapsHub::eventReceived);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/caps").arg(server.serverPort()));

    Peer driver(url);
    QVERIFY(driver.connect());
    Peer vendor(url);
    QVERIFY(vendor.connect());
    const QJsonObject reply = vendor.call(QStringLiteral("pickup"), order(QStringLiteral("s1"), QStringLiteral("F-1")));
    QCOMPARE(reply.value(QLatin1String("ok")), QJsonValue(false));
    QVERIFY2(reply.value(QLatin1String("error")).toString().contains(QLatin1String("disk is full")),
             qPrintable(reply.value(QLatin1String("error")).toString()));
    // A round trip on the driver's connection: had the pickup been relayed, it would be there.
    QVERIFY(driver.call(QStringLiteral("getAll"), QStringLiteral("driver")).value(QLatin1String("ok")).toBool());
    QVERIFY(driver.events.isEmpty());
    QCOMPARE(logged.count(), 0);
}

void TestQueueHub::queueAccessInTokenMode()
{
    using caps::Principal;
    using caps::Role;
    QHash<QString, QString> tokens;
    QJsonArray entries;
    const QList<QPair<QString, Principal>> roles{
        {QStringLiteral("vendor"), Principal{Role::Vendor, QStringLiteral("s1"), {}, {}}},
        {QStringLiteral("driver"), Principal{Role::Driver, {}, {}, {}}},
        {QStringLiteral("customer"), Principal{Role::Customer, {}, {}, {}}}};
    for (const auto &[name, principal] : roles) {
        tokens.insert(name, caps::TokenStore::generateToken());
        entries.append(caps::TokenStore::entry(tokens.value(name), principal));
    }
    auto store = caps::TokenStore::fromJson(QJsonDocument(QJsonObject{{QStringLiteral("tokens"), entries}}).toJson());
    QVERIFY2(store, qPrintable(store.error()));
    caps::MemoryMessageStore messages;
    caps::MessageQueue queue(messages);
    caps::Server server;
    caps::CapsHub::Options options;
    options.policy = caps::AccessPolicy(std::move(*store));
    options.queue = &queue;
    caps::Namespace *nsp = server.of(QStringLiteral("/caps"));
    const caps::AccessPolicy &policy = options.policy;
    nsp->setConnectGuard([&policy](const QJsonObject &auth) {
        const auto principal = policy.authenticate(auth);
        return principal ? QString() : principal.error();
    });
    caps::CapsHub hub(nsp, options);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/caps").arg(server.serverPort()));
    const auto peer = [&](const QString &role) {
        auto p = std::make_unique<Peer>(url);
        p->client.setAuth({{QStringLiteral("token"), tokens.value(role)}});
        return p;
    };
    const auto ok = [](const QJsonObject &reply) { return reply.value(QLatin1String("ok")).toBool(); };
    const QJsonObject driverQueue{{QStringLiteral("clientId"), QStringLiteral("driver")},
                                  {QStringLiteral("event"), QStringLiteral("pickup")}};

    auto vendor = peer(QStringLiteral("vendor"));
    QVERIFY(vendor->connect());
    QVERIFY(ok(vendor->call(QStringLiteral("pickup"), order(QStringLiteral("s1"), QStringLiteral("T-1")))));
    QVERIFY(ok(vendor->call(QStringLiteral("getAll"), QStringLiteral("s1"))));
    QVERIFY(!ok(vendor->call(QStringLiteral("getAll"), QStringLiteral("s2"))));
    QVERIFY(!ok(vendor->call(QStringLiteral("getAll"), driverQueue)));
    QVERIFY(!ok(vendor->call(QStringLiteral("received"),
                             QJsonObject{{QStringLiteral("clientId"), QStringLiteral("driver")},
                                         {QStringLiteral("messageId"), QStringLiteral("T-1")}})));
    auto driver = peer(QStringLiteral("driver"));
    QVERIFY(driver->connect());
    QVERIFY(!ok(driver->call(QStringLiteral("getAll"), QStringLiteral("s1"))));
    QVERIFY(ok(driver->call(QStringLiteral("getAll"), driverQueue)));
    QCOMPARE(driver->events, QStringList{QStringLiteral("pickup T-1")});
    auto customer = peer(QStringLiteral("customer"));
    QVERIFY(customer->connect());
    QVERIFY(!ok(customer->call(QStringLiteral("getAll"), driverQueue)));
    // The refused `received` above removed nothing.
    QCOMPARE(*messages.count(QStringLiteral("driver")), 1);
}

void TestQueueHub::hubKilledMidStream()
{
    ChaosRun::Options options;
    options.hubProgram = HubProcess::defaultProgram();
    options.dbPath = m_dir.filePath(QStringLiteral("killed.sqlite"));
    options.orders = 200;
    options.vendors = 3;
    options.drivers = 1;
    options.hubKills = 2;
    options.orderIntervalMs = 2;
    options.timeoutMs = 60000;
    ChaosRun run(options);
    const ChaosRun::Summary summary = run.run();
    QVERIFY2(summary.ok(), qPrintable(summary.text()));
    QCOMPARE(summary.hubKills, 2);
    QCOMPARE(summary.delivered, 200);
    QCOMPARE(summary.pendingInHub, 0);
}

void TestQueueHub::hubKilledWhileClientsDrop()
{
    ChaosRun::Options options;
    options.hubProgram = HubProcess::defaultProgram();
    options.dbPath = m_dir.filePath(QStringLiteral("chaos.sqlite"));
    options.orders = 300;
    options.drivers = 2;
    options.hubKills = 2;
    options.clientDropMs = 40;
    options.orderIntervalMs = 2;
    options.timeoutMs = 60000;
    options.seed = 4;
    ChaosRun run(options);
    const ChaosRun::Summary summary = run.run();
    QVERIFY2(summary.ok(), qPrintable(summary.text()));
    QVERIFY(summary.clientDrops > 0);
    QCOMPARE(summary.pendingInHub, 0);
}

// Issue #12's run: the lab's Phase 2 vendors and drivers, which never send `received`, complete
// orders against the durable hub; then a Phase 3 driver asks for its backlog. It must get only
// the orders still waiting (no order already taken: the queue follows the lifecycle), and the
// queue must stay within --queue-max-messages (+ what one batch stores before the prune that
// follows its commit).
void TestQueueHub::labClientsThenPhase3Driver()
{
    constexpr int kLimit = 50;
    constexpr int kBatch = 256; // CapsHub::Options::maxBatchEvents, one message each (no subscribed drivers)
    constexpr int kOrdersPerVendor = 200;
    constexpr int kWaiting = 5;
    const QString db = m_dir.filePath(QStringLiteral("lab.sqlite"));
    HubProcess hub(HubProcess::defaultProgram(), db);
    hub.setExtraArguments({QStringLiteral("--queue-max-messages"), QString::number(kLimit),
                           QStringLiteral("--events-per-second"), QStringLiteral("0")});
    QVERIFY2(hub.start(), qPrintable(hub.errorString()));
    // A second connection to the hub's file, as any process may have: the committed count.
    auto reader = caps::SqliteMessageStore::open(db);
    QVERIFY2(reader.ok(), qPrintable(reader.error()));
    qint64 highest = 0;
    const auto sample = [&] {
        highest = std::max(highest, (*reader)->count().value());
        return highest;
    };

    const QStringList stores{QStringLiteral("lab-1"), QStringLiteral("lab-2")};
    std::vector<std::unique_ptr<Peer>> vendors;
    for (const QString &store : stores) {
        vendors.push_back(std::make_unique<Peer>(hub.url()));
        vendors.back()->client.joinRoom(store);
        QVERIFY(vendors.back()->connect());
    }
    // The lab's driver: in-transit then delivered for every pickup it hears, no ack asked, no
    // `received`. Two of them: the second is refused each order the first took.
    std::vector<std::unique_ptr<Peer>> drivers;
    for (int i = 0; i < 2; ++i) {
        drivers.push_back(std::make_unique<Peer>(hub.url()));
        caps::Client *client = &drivers.back()->client;
        QObject::connect(client, &caps::Client::eventReceived, client,
                         [client](const QString &event, const QJsonArray &args, qint64) {
                             if (event != u"pickup")
                                 return;
                             client->emitEvent(QStringLiteral("in-transit"), {args.at(0)});
                             client->emitEvent(QStringLiteral("delivered"), {args.at(0)});
                         });
        QVERIFY(drivers.back()->connect());
    }
    const auto delivered = [&] {
        qsizetype n = 0;
        for (const auto &vendor : vendors)
            n += vendor->events.filter(QStringLiteral("delivered ")).size();
        return n;
    };
    // Paced as the lab's vendor is (a few orders on the way at a time), so that pickups,
    // in-transits and delivereds of different orders interleave in the queue, as in a real run.
    constexpr int kInFlight = 4;
    std::vector<int> sent(stores.size(), 0);
    const auto sendNext = [&](size_t v) {
        if (sent[v] < kOrdersPerVendor) {
            const QString &store = stores.at(qsizetype(v));
            vendors[v]->client.emitEvent(QStringLiteral("pickup"),
                                         {order(store, QStringLiteral("%1-%2").arg(store).arg(sent[v]))});
            ++sent[v];
        }
    };
    QList<QMetaObject::Connection> pacers;
    for (size_t v = 0; v < vendors.size(); ++v) {
        caps::Client *client = &vendors[v]->client;
        pacers << QObject::connect(client, &caps::Client::eventReceived, client,
                                   [&sendNext, v](const QString &event, const QJsonArray &, qint64) {
                                       if (event == u"delivered")
                                           sendNext(v);
                                   });
        for (int i = 0; i < kInFlight; ++i)
            sendNext(v);
    }
    QVERIFY(QTest::qWaitFor(
        [&] {
            sample();
            return delivered() >= kOrdersPerVendor * stores.size();
        },
        60000));
    QCOMPARE(delivered(), kOrdersPerVendor * stores.size());
    QVERIFY2(highest <= kLimit + kBatch, qPrintable(QStringLiteral("%1 pending at most").arg(highest)));

    // The drivers leave; a few orders come that nobody takes.
    drivers.clear();
    for (const QMetaObject::Connection &pacing : std::as_const(pacers))
        QObject::disconnect(pacing);
    for (int i = 0; i < kWaiting; ++i)
        vendors[0]->client.emitEvent(QStringLiteral("pickup"), {order(stores[0], QStringLiteral("waiting-%1").arg(i))});
    QVERIFY(QTest::qWaitFor(
        [&] { return vendors[0]->events.filter(QStringLiteral("pickup waiting-")).size() == kWaiting; }, 10000));

    Peer phase3(hub.url());
    QVERIFY(phase3.connect());
    const QJsonObject reply = phase3.call(QStringLiteral("getAll"),
                                          QJsonObject{{QStringLiteral("clientId"), QStringLiteral("driver")},
                                                      {QStringLiteral("event"), QStringLiteral("pickup")}});
    QStringList waiting;
    for (int i = 0; i < kWaiting; ++i)
        waiting.append(QStringLiteral("pickup waiting-%1").arg(i));
    QCOMPARE(phase3.events, waiting);
    QCOMPARE(reply.value(QLatin1String("count")).toInt(-1), kWaiting);
    // Once the hub is quiet its last prune has run: within the limit itself.
    QVERIFY2(sample() <= kLimit + kBatch, qPrintable(QStringLiteral("%1 pending at most").arg(highest)));
    QCOMPARE((*reader)->count().value(), kLimit);
}

QTEST_GUILESS_MAIN(TestQueueHub)
#include "tst_queuehub.moc"
