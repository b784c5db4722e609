// CapsHub's routing: join variants, pickup to everyone but customers, in-transit/delivered to
// the store's room, customer tracking, verbatim relay, and the log it feeds; with a message
// queue, group commit (acks and relays only after the batch's commit, in arrival order).

#include "queue/memorymessagestore.h"
#include "queue/messagequeue.h"
#include "queue/sqlitemessagestore.h"
#include "hub/capshub.h"
#include "server/namespace.h"
#include "server/server.h"
#include "support/forwardingstore.h"

#include "testpeers.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace testpeers;

namespace {

const QString kPayload = QStringLiteral(
    R"({"store":"1-206-flowers","orderID":"o-1","customer":"Jamal Braun","address":"Schmittfort, LA"})");

QString frame(const QString &name, const QString &payload = kPayload)
{
    return QStringLiteral(R"(42/caps,["%1",%2])").arg(name, payload);
}

// Frames as short text: "ack 3 ok queued", "ack 4 error: <message>", "pickup o-1".
QString describe(const QString &frame)
{
    static const QRegularExpression ackFrame(QStringLiteral(R"(^43/caps,(\d+)(.*)$)"));
    if (const auto m = ackFrame.match(frame); m.hasMatch()) {
        const QJsonObject o = QJsonDocument::fromJson(m.captured(2).toUtf8()).array().at(0).toObject();
        QString text = QStringLiteral("ack ") + m.captured(1);
        if (!o.value(QLatin1String("ok")).toBool())
            return text + QStringLiteral(" error: ") + o.value(QLatin1String("error")).toString();
        text += QStringLiteral(" ok");
        if (o.contains(QLatin1String("queued")))
            text += o.value(QLatin1String("queued")).toBool() ? QStringLiteral(" queued") : QStringLiteral(" live");
        if (o.contains(QLatin1String("removed")))
            text += o.value(QLatin1String("removed")).toBool() ? QStringLiteral(" removed") : QStringLiteral(" kept");
        if (o.contains(QLatin1String("count")))
            text += QStringLiteral(" count=%1").arg(o.value(QLatin1String("count")).toInt());
        if (o.value(QLatin1String("repeat")).toBool())
            text += QStringLiteral(" repeat");
        return text;
    }
    if (frame.startsWith(QLatin1String("42/caps,"))) {
        const QJsonArray a = QJsonDocument::fromJson(frame.mid(8).toUtf8()).array();
        return a.at(0).toString() + QLatin1Char(' ') + a.at(1).toObject().value(QLatin1String("orderID")).toString();
    }
    return QStringLiteral("other ") + frame;
}

QString order(const QString &id, const QString &store = QStringLiteral("s1"))
{
    QJsonObject o{{QStringLiteral("orderID"), id}, {QStringLiteral("customer"), QStringLiteral("Jamal Braun")}};
    if (!store.isEmpty())
        o.insert(QStringLiteral("store"), store);
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QStringList idsOf(const QList<caps::QueuedMessage> &messages)
{
    QStringList ids;
    for (const caps::QueuedMessage &m : messages)
        ids.append(m.messageId);
    return ids;
}

QString withAck(int id, const QString &name, const QString &arg)
{
    return QStringLiteral(R"(42/caps,%1["%2",%3])").arg(id).arg(name, arg);
}

// A store that logs the hub's store calls (and can fail commits, as a broken disk would),
// over a real store.
class RecordingStore final : public caps::test::ForwardingStore
{
public:
    using ForwardingStore::ForwardingStore;

    mutable QStringList log;
    QString failCommit; // not empty: commitBatch() rolls back and fails with this error
    QString failEnqueueOf; // not empty: enqueueing this event fails (as a deadlock between hubs did)
    int enqueueFailuresLeft = -1; // how many times it fails; -1: every time
    bool failuresAreConflicts = false; // as a conflict with another hub's batch (lastFailureWasConflict)
    bool lastWasConflict = false;

    [[nodiscard]] bool lastFailureWasConflict() const override { return lastWasConflict; }

    caps::Result<caps::EnqueueOutcome> enqueue(const QString &q, const QString &e, const QString &m,
                                               const QJsonValue &p) override
    {
        log.append(QStringLiteral("enqueue %1 %2").arg(e, m));
        if (failsNow(e))
            return caps::Result<caps::EnqueueOutcome>::failure(QStringLiteral("deadlock detected (test)"));
        return ForwardingStore::enqueue(q, e, m, p);
    }
    caps::Result<QList<caps::EnqueueOutcome>> enqueueMany(const QStringList &q, const QString &e, const QString &m,
                                                          const QJsonValue &p) override
    {
        log.append(QStringLiteral("enqueue %1 %2").arg(e, m));
        if (failsNow(e))
            return caps::Result<QList<caps::EnqueueOutcome>>::failure(QStringLiteral("deadlock detected (test)"));
        return ForwardingStore::enqueueMany(q, e, m, p);
    }
    bool failsNow(const QString &event)
    {
        if (event != failEnqueueOf || enqueueFailuresLeft == 0)
            return false;
        if (enqueueFailuresLeft > 0)
            --enqueueFailuresLeft;
        lastWasConflict = failuresAreConflicts;
        return true;
    }
    caps::Result<bool> acknowledge(const QString &q, const QString &e, const QString &m) override
    {
        log.append(QStringLiteral("ack %1 %2").arg(q, m));
        return ForwardingStore::acknowledge(q, e, m);
    }
    caps::Result<bool> discard(const QString &q, const QString &e, const QString &m) override
    {
        log.append(QStringLiteral("discard %1 %2").arg(q, m));
        return ForwardingStore::discard(q, e, m);
    }
    caps::Result<QList<caps::QueuedMessage>> pending(const QString &q, const QString &e) const override
    {
        log.append(QStringLiteral("read ") + q);
        return ForwardingStore::pending(q, e);
    }
    // Logged when it drops something, with whether a batch was open.
    caps::Result<caps::PendingPruned> prunePending(const QDateTime &now) override
    {
        auto pruned = ForwardingStore::prunePending(now);
        if (pruned && pruned->total() > 0)
            log.append(QStringLiteral("prune %1%2")
                           .arg(pruned->total())
                           .arg(inBatch() ? QStringLiteral(" in a batch") : QString()));
        return pruned;
    }
    caps::Result<bool> beginBatch() override
    {
        log.append(QStringLiteral("begin"));
        return ForwardingStore::beginBatch();
    }
    caps::Result<bool> commitBatch() override
    {
        if (!failCommit.isEmpty()) {
            log.append(QStringLiteral("commit failed"));
            inner().rollbackBatch();
            return caps::Result<bool>::failure(failCommit);
        }
        log.append(QStringLiteral("commit"));
        return ForwardingStore::commitBatch();
    }
    void rollbackBatch() override
    {
        log.append(QStringLiteral("rollback"));
        ForwardingStore::rollbackBatch();
    }
};

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

    std::unique_ptr<Hub> startHub(const caps::CapsHub::Options &options = {})
    {
        auto hub = std::make_unique<Hub>();
        hub->hub = std::make_unique<caps::CapsHub>(hub->server.of("/caps"), options);
        Hub *raw = hub.get();
        connect(hub->hub.get(), &caps::CapsHub::eventReceived, this,
                [raw](const caps::HubEvent &e) { raw->logged.append(e); });
        if (!hub->server.listen(QHostAddress::LocalHost, 0))
            return nullptr;
        return hub;
    }

    // A hub over a RecordingStore of `backend` ("memory" or "sqlite", a file in `dir`); the
    // hub's eventReceived() is logged into the store's log, so that the log shows what came
    // before and after each commit.
    struct QueueHub
    {
        std::unique_ptr<RecordingStore> store;
        std::unique_ptr<caps::MessageQueue> queue;
        std::unique_ptr<Hub> hub;
    };
    std::unique_ptr<QueueHub> startQueueHub(const QString &backend, const QTemporaryDir &dir,
                                            caps::CapsHub::Options options = {},
                                            const caps::PendingRetention &retention = {})
    {
        std::unique_ptr<caps::MessageStore> inner;
        if (backend == QLatin1String("sqlite")) {
            auto opened = caps::SqliteMessageStore::open(dir.filePath(QStringLiteral("hub.sqlite")));
            if (!opened)
                return nullptr;
            inner = std::move(opened).value();
        } else {
            inner = std::make_unique<caps::MemoryMessageStore>();
        }
        auto q = std::make_unique<QueueHub>();
        q->store = std::make_unique<RecordingStore>(std::move(inner));
        q->store->setPendingRetention(retention);
        q->queue = std::make_unique<caps::MessageQueue>(*q->store, options.catalogue);
        options.queue = q->queue.get();
        q->hub = startHub(options);
        if (!q->hub)
            return nullptr;
        RecordingStore *store = q->store.get();
        connect(q->hub->hub.get(), &caps::CapsHub::eventReceived, this, [store](const caps::HubEvent &e) {
            store->log.append(QStringLiteral("event %1 %2").arg(e.event, e.orderId));
        });
        return q;
    }

    static QStringList framesOf(WsPeer &peer, int n)
    {
        QStringList frames;
        for (int i = 0; i < n; ++i)
            frames.append(describe(peer.next()));
        return frames;
    }

    // As the Qt agents connect: asking for the hub's notices (`taken`), unless `auth` says
    // otherwise (a lab client sends none).
    static bool join(WsPeer &peer, quint16 port, const QByteArray &auth = R"({"notices":["taken"]})")
    {
        return peer.open(port) && peer.connectNamespace("/caps", auth).startsWith("40/caps,");
    }

    // Lets the hub process what was sent, then checks nothing else arrived.
    static bool quiet(std::initializer_list<WsPeer *> peers, int ms = 200)
    {
        return !QTest::qWaitFor(
            [&] {
                for (WsPeer *p : peers) {
                    if (!p->texts.isEmpty())
                        return true;
                }
                return false;
            },
            ms);
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
        QTest::addRow("string") << R"("1-206-flowers")"
                                << "1-206-flowers";
        QTest::addRow("store") << R"({"store":"s1"})"
                               << "s1";
        QTest::addRow("clientId") << R"({"clientId":"c1"})"
                                  << "c1";
        QTest::addRow("queueId") << R"({"queueId":"q1"})"
                                 << "q1";
        QTest::addRow("roomName") << R"({"roomName":"r1"})"
                                  << "r1";
        QTest::addRow("first truthy wins") << R"({"store":"","clientId":"c2","roomName":"r2"})"
                                           << "c2";
        QTest::addRow("number store") << R"({"store":5})"
                                      << "";
        QTest::addRow("nothing") << R"({"other":"x"})"
                                 << "";
        QTest::addRow("number") << R"(42)"
                                << "";
        QTest::addRow("null") << R"(null)"
                              << "";
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

        // in-transit / delivered: the store's room only. The hub's `taken` goes to those who heard
        // the pickup but vendors (all four here joined a store's room), customers and the taker.
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

    // The hub's `taken` goes only to sockets that asked for it when they connected: the lab's
    // clients know no such event, and the notice would be one more frame per order to each of
    // them. What is not a notice, or not this hub's, is passed over; the request is in a v5
    // client's auth (a v4 client's handshake query is tst_hubinterop's, socket.io-client 2).
    void takenGoesOnlyToThoseWhoAsk()
    {
        auto hub = startHub();
        QVERIFY(hub);
        const quint16 port = hub->server.serverPort();
        WsPeer vendor, taker, asking, asString, lab, wrongAsk;
        QVERIFY(join(vendor, port, {}));
        QVERIFY(join(taker, port, {}));
        QVERIFY(join(asking, port));
        QVERIFY(join(asString, port, R"({"notices":"pickup, taken"})"));
        QVERIFY(join(lab, port, {}));
        QVERIFY(join(wrongAsk, port, R"({"notices":["pickup","in-transit","no-such-notice",7]})"));
        vendor.send(R"(42/caps,["join","1-206-flowers"])");
        QVERIFY(quiet({&vendor}, 100));
        const QList<WsPeer *> all{&vendor, &taker, &asking, &asString, &lab, &wrongAsk};
        vendor.send(frame("pickup"));
        for (WsPeer *p : all)
            QCOMPARE(p->next(), frame("pickup"));
        taker.send(frame("in-transit"));
        QCOMPARE(vendor.next(), frame("in-transit"));
        QCOMPARE(describe(asking.next()), QStringLiteral("taken o-1"));
        QCOMPARE(describe(asString.next()), QStringLiteral("taken o-1"));
        QVERIFY(quiet({&vendor, &taker, &asking, &asString, &lab, &wrongAsk}));
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
            QCOMPARE(p->next(), frame("pickup")); // nobody is a customer yet

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

        QVERIFY(ackOf(byCustomer, "track", R"({"customer":"Jamal Braun"})", 2)
                    .startsWith(R"([{"ok":true,"orders":[{"event":"pickup")"));
        QCOMPARE(ackOf(byString, "track", R"("o-2")", 3), QString(R"([{"ok":true,"orders":[]}])"));
        QCOMPARE(ackOf(other, "track", R"({"nothing":1})", 4),
                 QString(R"([{"error":"track needs an orderID or a customer","ok":false}])"));

        // o-1 progresses: the store, o-1's tracker and Jamal's tracker hear it; not the others.
        driver.send(frame("in-transit"));
        QCOMPARE(vendor.next(), frame("in-transit"));
        QCOMPARE(byOrder.next(), frame("in-transit"));
        QCOMPARE(byCustomer.next(), frame("in-transit"));
        // `other` tracks nothing (its track was refused), so it is told the order was taken.
        QCOMPARE(describe(other.next()), QStringLiteral("taken o-1"));
        QVERIFY(quiet({&driver, &byString, &other}));

        // A new pickup for o-2 (another customer): everyone but customers, plus o-2's tracker.
        const QString o2 = R"({"store":"1-206-flowers","orderID":"o-2","customer":"Someone Else","address":"x"})";
        vendor.send(frame("pickup", o2));
        QCOMPARE(vendor.next(), frame("pickup", o2));
        QCOMPARE(driver.next(), frame("pickup", o2));
        QCOMPARE(byString.next(), frame("pickup", o2));
        QCOMPARE(other.next(), frame("pickup", o2)); // a failed track makes no customer
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
        QCOMPARE(latest.at(0).event, QString("pickup")); // o-2, older
        QCOMPARE(latest.at(0).orderId, QString("o-2"));
        QCOMPARE(latest.at(1).event, QString("delivered")); // o-1, newest
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
        QCOMPARE(vendor.next(), frame("pickup")); // as a tracker, though it is now a customer
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
            vendor.send(
                frame("pickup", QStringLiteral(R"({"store":"s","orderID":"o%1","note":"%2"})").arg(i).arg(filler)));
        QTRY_COMPARE(hub->logged.size(), 6);
        QVERIFY(hub->hub->rememberedBytes() <= 1000);
        QCOMPARE(hub->hub->rememberedOrderCount(), 2);
        QCOMPARE(hub->hub->latestEvents("o5", {}).size(), 1);
        QVERIFY(hub->hub->latestEvents("o3", {}).isEmpty());
    }

    void groupCommit_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addRow("memory") << QStringLiteral("memory");
        QTest::addRow("sqlite") << QStringLiteral("sqlite");
    }

    // The events of one pass share one commit; every answer, relay and log line comes after it,
    // in arrival order. A refusal is answered at once; a live-only event keeps its place.
    void groupCommit()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto q = startQueueHub(backend, dir);
        QVERIFY(q);
        const quint16 port = q->hub->server.serverPort();
        WsPeer vendor, driver, customer;
        for (WsPeer *p : {&vendor, &driver, &customer})
            QVERIFY(join(*p, port));
        QCOMPARE(ackOf(customer, "track", R"({"orderID":"o-1"})", 9), QString(R"([{"ok":true,"orders":[]}])"));
        q->store->log.clear();

        // Sent in one go, read by the hub in one pass.
        vendor.send(withAck(1, "pickup", order("o-1")));
        vendor.send(withAck(6, "received", R"("nonsense")")); // refused by validation
        vendor.send(withAck(2, "pickup", order("o-2")));
        vendor.send(withAck(3, "in-transit", order("o-1", {}))); // no store: live only
        vendor.send(withAck(4, "getAll", R"("driver")")); // reads the batch's own writes
        vendor.send(withAck(5, "received", R"({"clientId":"driver","event":"pickup","messageId":"o-2"})"));

        // o-1 was taken (3): it left the drivers' queue, so the backlog (4) holds o-2 only.
        QCOMPARE(framesOf(vendor, 9),
                 (QStringList{"ack 6 error: received: expected an object { clientId, event, messageId }, got a string",
                              "ack 1 ok queued", "pickup o-1", "ack 2 ok queued", "pickup o-2", "ack 3 ok live",
                              "pickup o-2", "ack 4 ok count=1", "ack 5 ok removed"}));
        QCOMPARE(framesOf(driver, 3), (QStringList{"pickup o-1", "pickup o-2", "taken o-1"}));
        QCOMPARE(framesOf(customer, 2), (QStringList{"pickup o-1", "in-transit o-1"}));
        QVERIFY(quiet({&vendor, &driver, &customer}, 100));
        QCOMPARE(
            q->store->log,
            (QStringList{"begin", "enqueue pickup o-1", "enqueue pickup o-2", "discard driver o-1", "read driver",
                         "ack driver o-2", "commit", "event pickup o-1", "event pickup o-2", "event in-transit o-1"}));
        QCOMPARE(q->hub->hub->pendingEvents(), 0);
        QVERIFY(!q->store->inBatch());
        QCOMPARE(q->store->count(QStringLiteral("driver"), {}).value(), 0);
    }

    // An event that only the catalogue defines (nothing else in the hub names it) is checked,
    // routed, queued and logged by its row.
    void routesAnEventDefinedOnlyInTheCatalogue()
    {
        using caps::Listener;
        static const caps::EventCatalogue catalogue
            = caps::EventCatalogue::standard().with({QStringLiteral("delayed"),
                                                     caps::Sender::Driver,
                                                     Listener::Store | Listener::Trackers,
                                                     Listener::Store | Listener::Trackers | Listener::Admins,
                                                     caps::QueueFor::Store,
                                                     true,
                                                     {},
                                                     caps::OrderStatus::Unknown,
                                                     true,
                                                     "Delayed"});
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        caps::CapsHub::Options options;
        options.catalogue = &catalogue;
        auto q = startQueueHub(QStringLiteral("memory"), dir, options);
        QVERIFY(q);
        const quint16 port = q->hub->server.serverPort();
        WsPeer vendor, otherVendor, driver, tracker;
        for (WsPeer *p : {&vendor, &otherVendor, &driver, &tracker})
            QVERIFY(join(*p, port));
        vendor.send(R"(42/caps,["join","s1"])");
        otherVendor.send(R"(42/caps,["join","acme"])");
        QCOMPARE(ackOf(tracker, "track", R"({"orderID":"o-1"})", 9), QString(R"([{"ok":true,"orders":[]}])"));

        driver.send(withAck(1, "delayed", order("o-1")));
        QCOMPARE(describe(driver.next()), QStringLiteral("ack 1 ok queued"));
        QCOMPARE(describe(vendor.next()), QStringLiteral("delayed o-1"));
        QCOMPARE(describe(tracker.next()), QStringLiteral("delayed o-1"));
        QVERIFY(quiet({&otherVendor, &driver}));
        QCOMPARE(q->store->count(QStringLiteral("s1"), QStringLiteral("delayed")).value(), 1);
        QCOMPARE(q->hub->logged.constLast().event, QStringLiteral("delayed"));
        // Its payload is an order (carriesOrder), validated as one: here, an address over the limit.
        driver.send(withAck(
            2, "delayed", QStringLiteral(R"({"store":"s1","orderID":"o-2","address":"%1"})").arg(QString(600, u'x'))));
        QVERIFY(describe(driver.next()).startsWith(QStringLiteral("ack 2 error: delayed: ")));
        // It changes no status: the order may still be picked up and go its way.
        vendor.send(withAck(3, "pickup", order("o-1")));
        QCOMPARE(describe(vendor.next()), QStringLiteral("ack 3 ok queued"));
    }

    void failedCommit_data() { groupCommit_data(); }

    // A commit that fails refuses every event of the batch: { ok: false, error }, no relay, no
    // log line, nothing left in the store. Even an order event that settles nothing and has no
    // queue is part of the batch: its step is written to the durable order book.
    void failedCommit()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto q = startQueueHub(backend, dir);
        QVERIFY(q);
        QVERIFY(
            q->queue->enqueue(QStringLiteral("pickup"), QJsonDocument::fromJson(order("o-0").toUtf8()).object()).ok());
        const quint16 port = q->hub->server.serverPort();
        WsPeer vendor, driver, customer;
        for (WsPeer *p : {&vendor, &driver, &customer})
            QVERIFY(join(*p, port));
        QCOMPARE(ackOf(customer, "track", R"({"orderID":"o-1"})", 9), QString(R"([{"ok":true,"orders":[]}])"));
        q->store->log.clear();
        q->store->failCommit = QStringLiteral("disk I/O error (test)");

        vendor.send(withAck(1, "pickup", order("o-1")));
        vendor.send(withAck(2, "in-transit", order("o-1")));
        vendor.send(withAck(3, "received", R"({"clientId":"driver","event":"pickup","messageId":"o-0"})"));
        vendor.send(withAck(4, "delivered", order("o-9", {}))); // never seen, no store: only the order book
        vendor.send(withAck(5, "getAll", R"("driver")"));

        const QString error = QStringLiteral("error: disk I/O error (test)");
        QCOMPARE(
            framesOf(vendor, 5),
            (QStringList{"ack 1 " + error, "ack 2 " + error, "ack 3 " + error, "ack 4 " + error, "ack 5 " + error}));
        QVERIFY(quiet({&vendor, &driver, &customer}));
        QCOMPARE(q->store->log,
                 (QStringList{"begin", "enqueue pickup o-1", "discard driver o-1", "enqueue in-transit o-1",
                              "ack driver o-0", "discard driver o-9", "read driver", "commit failed"}));
        QCOMPARE(q->hub->logged.size(), 0);
        QCOMPARE(q->store->loadOrders(10).value().size(), 0);
        // Rolled back: o-0 is still pending and not acknowledged, o-1 is not there.
        QCOMPARE(q->store->count({}, {}).value(), 1);
        QCOMPARE(
            q->store->isAcknowledged(QStringLiteral("driver"), QStringLiteral("pickup"), QStringLiteral("o-0")).value(),
            false);

        // The sender retries once the disk is back.
        q->store->failCommit.clear();
        vendor.send(withAck(6, "pickup", order("o-1")));
        QCOMPARE(framesOf(vendor, 2), (QStringList{"ack 6 ok queued", "pickup o-1"}));
        QCOMPARE(framesOf(driver, 1), QStringList{"pickup o-1"});
        QCOMPARE(q->store->count({}, {}).value(), 2);
    }

    // An event whose later write fails leaves nothing of its own in the batch, its claim of the
    // order either: the store still has the order where it was, and the driver's retry is
    // relayed as a new step (it was a repeat that reached no vendor when the claim stayed). One
    // that failed on a conflict with another hub is written again by the hub.
    void failedWriteTakesBackTheClaim_data() { groupCommit_data(); }
    void failedWriteTakesBackTheClaim()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto q = startQueueHub(backend, dir);
        QVERIFY(q);
        const quint16 port = q->hub->server.serverPort();
        WsPeer vendor, driver;
        QVERIFY(join(vendor, port, {}));
        QVERIFY(join(driver, port, {}));
        vendor.send(QStringLiteral(R"(42/caps,["join","s1"])"));
        vendor.send(withAck(1, "pickup", order("f-1")));
        QCOMPARE(framesOf(vendor, 2), (QStringList{"ack 1 ok queued", "pickup f-1"}));
        QCOMPARE(framesOf(driver, 1), QStringList{"pickup f-1"});
        driver.send(withAck(2, "in-transit", order("f-1")));
        QCOMPARE(framesOf(driver, 1), QStringList{"ack 2 ok queued"});
        QCOMPARE(framesOf(vendor, 1), QStringList{"in-transit f-1"});

        q->store->failEnqueueOf = QStringLiteral("delivered");
        q->store->log.clear();
        driver.send(withAck(3, "delivered", order("f-1")));
        QCOMPARE(framesOf(driver, 1), QStringList{"ack 3 error: deadlock detected (test)"});
        QVERIFY(quiet({&vendor, &driver}));
        QCOMPARE(q->store->log,
                 (QStringList{"begin", "discard driver f-1", "discard s1 f-1", "enqueue delivered f-1", "commit"}));
        const QList<caps::OrderRecord> records = q->store->loadOrders(10).value();
        QCOMPARE(records.size(), 1);
        QCOMPARE(records.first().status, caps::OrderStatus::InTransit);
        QCOMPARE(q->hub->hub->orders().status(QStringLiteral("f-1")), caps::OrderStatus::InTransit);
        // What the failed event settled is back too: the in-transit still waits for the vendor.
        QCOMPARE(idsOf(q->store->pending(QStringLiteral("s1"), QStringLiteral("in-transit")).value()),
                 QStringList{QStringLiteral("f-1")});

        q->store->failEnqueueOf.clear();
        driver.send(withAck(4, "delivered", order("f-1")));
        QCOMPARE(framesOf(driver, 1), QStringList{"ack 4 ok queued"});
        QCOMPARE(framesOf(vendor, 1), QStringList{"delivered f-1"});
        QCOMPARE(q->store->loadOrders(10).value().first().status, caps::OrderStatus::Delivered);

        // A conflict with another hub's batch: this hub commits its batch and writes the event
        // again, once, in a new one; the sender hears only the outcome.
        for (const char *id : {"f-2", "f-3"}) {
            vendor.send(withAck(5, "pickup", order(id)));
            QCOMPARE(framesOf(vendor, 2), (QStringList{"ack 5 ok queued", QStringLiteral("pickup ") + id}));
            QCOMPARE(framesOf(driver, 1), QStringList{QStringLiteral("pickup ") + id});
            driver.send(withAck(6, "in-transit", order(id)));
            QCOMPARE(framesOf(driver, 1), QStringList{"ack 6 ok queued"});
            QCOMPARE(framesOf(vendor, 1), QStringList{QStringLiteral("in-transit ") + id});
        }
        q->store->failEnqueueOf = QStringLiteral("delivered");
        q->store->failuresAreConflicts = true;
        q->store->enqueueFailuresLeft = 1;
        q->store->log.clear();
        driver.send(withAck(7, "delivered", order("f-2")));
        QCOMPARE(framesOf(driver, 1), QStringList{"ack 7 ok queued"});
        QCOMPARE(framesOf(vendor, 1), QStringList{"delivered f-2"});
        const QStringList attempt{"discard driver f-2", "discard s1 f-2", "enqueue delivered f-2"};
        const QStringList twice = QStringList{"begin"} + attempt + QStringList{"commit", "begin"} + attempt
            + QStringList{"commit", "event delivered f-2"};
        QCOMPARE(q->store->log.join(QStringLiteral(" | ")), twice.join(QStringLiteral(" | ")));
        // Only once: a second conflict refuses the event, as any other failure does.
        q->store->enqueueFailuresLeft = 2;
        driver.send(withAck(8, "delivered", order("f-3")));
        QCOMPARE(framesOf(driver, 1), QStringList{"ack 8 error: deadlock detected (test)"});
        QVERIFY(quiet({&vendor, &driver}));
        QCOMPARE(q->store->enqueueFailuresLeft, 0);
    }

    // A batch holds at most maxBatchEvents events: more in one pass commit in several batches.
    void batchIsBounded()
    {
        QTemporaryDir dir;
        caps::CapsHub::Options options;
        options.maxBatchEvents = 2;
        auto q = startQueueHub(QStringLiteral("memory"), dir, options);
        QVERIFY(q);
        WsPeer vendor, driver;
        for (WsPeer *p : {&vendor, &driver})
            QVERIFY(join(*p, q->hub->server.serverPort()));
        for (int i = 1; i <= 5; ++i)
            vendor.send(withAck(i, "pickup", order(QStringLiteral("p%1").arg(i))));
        QStringList expected;
        for (int i = 1; i <= 5; ++i)
            expected << QStringLiteral("ack %1 ok queued").arg(i) << QStringLiteral("pickup p%1").arg(i);
        QCOMPARE(framesOf(vendor, 10), expected);
        QCOMPARE(framesOf(driver, 5), (QStringList{"pickup p1", "pickup p2", "pickup p3", "pickup p4", "pickup p5"}));
        QCOMPARE(q->store->log,
                 (QStringList{"begin", "enqueue pickup p1", "enqueue pickup p2", "commit", "event pickup p1",
                              "event pickup p2", "begin", "enqueue pickup p3", "enqueue pickup p4", "commit",
                              "event pickup p3", "event pickup p4", "begin", "enqueue pickup p5", "commit",
                              "event pickup p5"}));
    }

    // Over maxCount, the hub drops the oldest pending messages once the batch is committed and
    // answered, outside any batch; it logs and counts them.
    void pendingRetentionByCount_data() { groupCommit_data(); }
    void pendingRetentionByCount()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto q = startQueueHub(backend, dir, {}, {std::chrono::hours(1), 3});
        QVERIFY(q);
        WsPeer vendor;
        QVERIFY(join(vendor, q->hub->server.serverPort()));
        q->store->log.clear();
        QTest::ignoreMessage(
            QtInfoMsg,
            QRegularExpression(QStringLiteral(
                R"(^queue: dropped 3 pending messages \(3 over 3 messages\), 3 left, 3 dropped in all$)")));
        for (int i = 1; i <= 6; ++i)
            vendor.send(withAck(i, "pickup", order(QStringLiteral("p%1").arg(i))));
        QStringList expected;
        for (int i = 1; i <= 6; ++i)
            expected << QStringLiteral("ack %1 ok queued").arg(i) << QStringLiteral("pickup p%1").arg(i);
        QCOMPARE(framesOf(vendor, 12), expected);
        QTRY_COMPARE(q->queue->droppedPending(), 3);
        QCOMPARE(q->store->log.mid(q->store->log.indexOf(QStringLiteral("commit"))),
                 (QStringList{"commit", "event pickup p1", "event pickup p2", "event pickup p3", "event pickup p4",
                              "event pickup p5", "event pickup p6", "prune 3"}));
        QCOMPARE(idsOf(q->store->pending(QStringLiteral("driver"), {}).value()), (QStringList{"p4", "p5", "p6"}));
        // Under the limit, commits prune nothing (no store call).
        q->store->log.clear();
        QVERIFY(ackOf(vendor, "received", R"({"clientId":"driver","event":"pickup","messageId":"p4"})", 7)
                    .contains("true"));
        QCOMPARE(q->store->log, (QStringList{"begin", "ack driver p4", "commit"}));
        QCOMPARE(q->queue->droppedPending(), 3);
    }

    // Older than maxAge, dropped by the hub's timer (an eighth of the age, at least 100 ms).
    void pendingRetentionByAge()
    {
        QTemporaryDir dir;
        auto q = startQueueHub(QStringLiteral("memory"), dir, {}, {std::chrono::milliseconds(300), 1000});
        QVERIFY(q);
        WsPeer vendor;
        QVERIFY(join(vendor, q->hub->server.serverPort()));
        QTest::ignoreMessage(
            QtInfoMsg,
            QRegularExpression(QStringLiteral(R"(^queue: dropped 1 pending messages \(1 older than 300 ms\))")));
        QCOMPARE(ackOf(vendor, "pickup", order(QStringLiteral("old")), 1),
                 QString(R"([{"messageId":"old","ok":true,"queued":true}])"));
        const QDateTime stored = QDateTime::currentDateTimeUtc();
        QTRY_COMPARE_WITH_TIMEOUT(q->queue->droppedPending(), 1, 5000);
        QVERIFY(stored.msecsTo(QDateTime::currentDateTimeUtc()) >= 300);
        QCOMPARE(q->store->count({}, {}).value(), 0);
        QVERIFY(q->store->log.contains(QStringLiteral("prune 1")));
    }

    // `cancel` (the catalogue's): the vendor withdraws an order no driver has taken. Drivers and
    // its trackers hear it, its pickup leaves the drivers' queue; once a driver has it, or once
    // cancelled, the lifecycle refuses what does not follow.
    void cancelBeforePickupOnly()
    {
        QTemporaryDir dir;
        auto q = startQueueHub(QStringLiteral("memory"), dir);
        QVERIFY(q);
        const quint16 port = q->hub->server.serverPort();
        WsPeer vendor, driver, customer;
        for (WsPeer *p : {&vendor, &driver, &customer})
            QVERIFY(join(*p, port));
        vendor.send(R"(42/caps,["join","s1"])");
        QCOMPARE(ackOf(customer, "track", R"({"customer":"Jamal Braun"})", 1), R"([{"ok":true,"orders":[]}])");
        vendor.send(QStringLiteral(R"(42/caps,2["pickup",%1])").arg(order("c-1")));
        // Open mode: every socket but the customers' hears pickups, the vendor too.
        QCOMPARE(framesOf(vendor, 2), (QStringList{"ack 2 ok queued", "pickup c-1"}));
        QCOMPARE(describe(driver.next()), QStringLiteral("pickup c-1"));
        QCOMPARE(describe(customer.next()), QStringLiteral("pickup c-1"));
        QCOMPARE(q->store->count(QStringLiteral("driver"), QStringLiteral("pickup")).value(), 1);

        vendor.send(QStringLiteral(R"(42/caps,3["cancel",%1])").arg(order("c-1")));
        QCOMPARE(framesOf(vendor, 2), (QStringList{"ack 3 ok live", "cancel c-1"}));
        QCOMPARE(describe(driver.next()), QStringLiteral("cancel c-1"));
        QCOMPARE(describe(customer.next()), QStringLiteral("cancel c-1"));
        QCOMPARE(q->store->count(QStringLiteral("driver"), QStringLiteral("pickup")).value(), 0);
        QCOMPARE(q->hub->hub->orders().status(QStringLiteral("c-1")), caps::OrderStatus::Cancelled);

        // Cancelled is final: no driver takes it, a second cancel is a repeat.
        driver.send(QStringLiteral(R"(42/caps,4["in-transit",%1])").arg(order("c-1")));
        QCOMPARE(describe(driver.next()), QStringLiteral("ack 4 error: in-transit: order c-1 is cancelled"));
        vendor.send(QStringLiteral(R"(42/caps,5["cancel",%1])").arg(order("c-1")));
        QCOMPARE(describe(vendor.next()), QStringLiteral("ack 5 ok live repeat"));

        // Taken: too late to cancel.
        vendor.send(QStringLiteral(R"(42/caps,6["pickup",%1])").arg(order("c-2")));
        QCOMPARE(framesOf(vendor, 2), (QStringList{"ack 6 ok queued", "pickup c-2"}));
        QCOMPARE(describe(driver.next()), QStringLiteral("pickup c-2"));
        QCOMPARE(describe(customer.next()), QStringLiteral("pickup c-2"));
        driver.send(QStringLiteral(R"(42/caps,7["in-transit",%1])").arg(order("c-2")));
        QCOMPARE(describe(driver.next()), QStringLiteral("ack 7 ok queued"));
        vendor.send(QStringLiteral(R"(42/caps,8["cancel",%1])").arg(order("c-2")));
        QStringList vendorFrames = framesOf(vendor, 2);
        vendorFrames.sort();
        QCOMPARE(vendorFrames,
                 (QStringList{QStringLiteral("ack 8 error: cancel: order c-2 is in transit"), "in-transit c-2"}));
        // An order the hub never saw cannot be cancelled.
        vendor.send(QStringLiteral(R"(42/caps,9["cancel",%1])").arg(order("c-3")));
        QCOMPARE(describe(vendor.next()), QStringLiteral("ack 9 error: cancel: order c-3 is unknown"));
    }

    // The order book is in the store: a hub restarted on the same file still knows each order's
    // step and who took it, and answers `track` and `orders` with them.
    void orderBookSurvivesARestart()
    {
        QTemporaryDir dir;
        {
            auto q = startQueueHub(QStringLiteral("sqlite"), dir);
            QVERIFY(q);
            WsPeer vendor, driver;
            QVERIFY(join(vendor, q->hub->server.serverPort()));
            QVERIFY(join(driver, q->hub->server.serverPort()));
            vendor.send(QStringLiteral(R"(42/caps,1["pickup",%1])").arg(order("r-1")));
            QCOMPARE(framesOf(vendor, 2), (QStringList{"ack 1 ok queued", "pickup r-1"}));
            QCOMPARE(describe(driver.next()), QStringLiteral("pickup r-1"));
            driver.send(QStringLiteral(R"(42/caps,2["in-transit",%1])").arg(order("r-1")));
            QCOMPARE(describe(driver.next()), QStringLiteral("ack 2 ok queued"));
            vendor.send(QStringLiteral(R"(42/caps,3["pickup",%1])").arg(order("r-2", "s2")));
            // This vendor joined no store: it hears what drivers do, `taken` too.
            QCOMPARE(framesOf(vendor, 3), (QStringList{"taken r-1", "ack 3 ok queued", "pickup r-2"}));
        }
        auto q = startQueueHub(QStringLiteral("sqlite"), dir);
        QVERIFY(q);
        QCOMPARE(q->hub->hub->orders().status(QStringLiteral("r-1")), caps::OrderStatus::InTransit);
        WsPeer vendor, customer, otherDriver;
        QVERIFY(join(vendor, q->hub->server.serverPort()));
        QVERIFY(join(customer, q->hub->server.serverPort()));
        QVERIFY(join(otherDriver, q->hub->server.serverPort()));
        const QJsonArray tracked
            = QJsonDocument::fromJson(ackOf(customer, "track", R"({"customer":"Jamal Braun"})", 4).toUtf8()).array();
        const QJsonArray known = tracked.at(0).toObject().value(QLatin1String("orders")).toArray();
        QCOMPARE(known.size(), 2);
        QCOMPARE(known.at(0).toObject().value(QLatin1String("event")).toString(), QStringLiteral("in-transit"));
        const QJsonArray history
            = QJsonDocument::fromJson(ackOf(vendor, "orders", R"({"store":"s1"})", 5).toUtf8()).array();
        const QJsonArray ofStore = history.at(0).toObject().value(QLatin1String("orders")).toArray();
        QCOMPARE(ofStore.size(), 1);
        QCOMPARE(ofStore.at(0).toObject().value(QLatin1String("payload")).toObject().value(QLatin1String("orderID")),
                 QJsonValue(QStringLiteral("r-1")));
        // Its step is remembered: the vendor's pickup sent again is a repeat, which no driver
        // hears as a new order (a hub that forgot would take it as one).
        vendor.send(QStringLiteral(R"(42/caps,6["pickup",%1])").arg(order("r-1")));
        QCOMPARE(describe(vendor.next()), QStringLiteral("ack 6 ok live repeat"));
        QVERIFY(quiet({&otherDriver, &customer}));
    }

    // A driver that comes to a hub is offered only orders still waiting for one (#13: a newcomer
    // greeted with "28 waiting for pickup"): pickups that an earlier hub left in the store for
    // orders since taken, delivered or cancelled, or for orders its book does not know, go when
    // the hub starts, from the shared queue and the subscribed drivers' own.
    void staleDriverPickupsAreDiscardedAtStart()
    {
        QTemporaryDir dir;
        {
            auto opened = caps::SqliteMessageStore::open(dir.filePath(QStringLiteral("hub.sqlite")));
            QVERIFY(opened);
            caps::MessageStore &store = *opened.value();
            const auto pickup = [](const QString &id) { return QJsonDocument::fromJson(order(id).toUtf8()).object(); };
            for (const QString id : {"w-1", "t-1", "d-1", "c-1", "gone-1"})
                QVERIFY(store.enqueue(QStringLiteral("driver"), QStringLiteral("pickup"), id, pickup(id)).ok());
            QVERIFY(store.subscribe(QStringLiteral("driver-7"), QStringLiteral("pickup")).ok());
            for (const QString id : {"w-1", "gone-2"})
                QVERIFY(store.enqueue(QStringLiteral("driver-7"), QStringLiteral("pickup"), id, pickup(id)).ok());
            const QList<std::pair<QString, caps::OrderStatus>> book{{"w-1", caps::OrderStatus::Ordered},
                                                                    {"t-1", caps::OrderStatus::InTransit},
                                                                    {"d-1", caps::OrderStatus::Delivered},
                                                                    {"c-1", caps::OrderStatus::Cancelled}};
            for (const auto &[id, status] : book) {
                caps::OrderRecord record;
                record.orderId = id;
                record.status = status;
                record.event = QStringLiteral("pickup");
                record.time = QDateTime::currentDateTimeUtc();
                record.payloadJson = order(id).toUtf8();
                QVERIFY(store.saveOrder(record).ok());
            }
        }
        auto q = startQueueHub(QStringLiteral("sqlite"), dir);
        QVERIFY(q);
        QCOMPARE(idsOf(q->store->pending(QStringLiteral("driver"), QStringLiteral("pickup")).value()),
                 QStringList{QStringLiteral("w-1")});
        QCOMPARE(idsOf(q->store->pending(QStringLiteral("driver-7"), QStringLiteral("pickup")).value()),
                 QStringList{QStringLiteral("w-1")});

        WsPeer driver;
        QVERIFY(join(driver, q->hub->server.serverPort()));
        driver.send(withAck(1, "getAll", R"({"clientId":"driver","event":"pickup"})"));
        QCOMPARE(framesOf(driver, 2), (QStringList{"pickup w-1", "ack 1 ok count=1"}));
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
        a.send(R"(42/caps,["pickup"])"); // no payload: relayed, logged as undefined
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
