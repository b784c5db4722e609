// MessageQueue: the Phase 3 rules, every spelling and payload shape, over a store.

#include "queue/memorymessagestore.h"
#include "queue/messagequeue.h"
#include "queue/sqlitemessagestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace caps;

Q_DECLARE_METATYPE(caps::MessageQueue::Request)

namespace {

QJsonValue json(const char *text)
{
    // Rows are written as JSON text, the way a Node client would send them.
    const QByteArray wrapped = QByteArray("[") + text + "]";
    const QJsonDocument doc = QJsonDocument::fromJson(wrapped);
    Q_ASSERT_X(doc.isArray(), "json", text);
    return doc.array().first();
}

const QJsonValue kUndefined(QJsonValue::Undefined);

QStringList idsOf(const QList<QueuedMessage> &messages)
{
    QStringList ids;
    for (const QueuedMessage &m : messages)
        ids.append(m.messageId);
    return ids;
}

QStringList eventsOf(const QList<QueuedMessage> &messages)
{
    QStringList events;
    for (const QueuedMessage &m : messages)
        events.append(m.event);
    return events;
}

// Fails every call, as a broken disk would: the queue must pass the error on.
class BrokenStore final : public MessageStore
{
public:
    template <typename T> static Result<T> broken() { return Result<T>::failure(QStringLiteral("disk I/O error")); }
    Result<EnqueueOutcome> enqueue(const QString &, const QString &, const QString &, const QJsonValue &) override
    {
        return broken<EnqueueOutcome>();
    }
    Result<QList<EnqueueOutcome>> enqueueMany(const QStringList &, const QString &, const QString &,
                                              const QJsonValue &) override
    {
        return broken<QList<EnqueueOutcome>>();
    }
    Result<bool> acknowledge(const QString &, const QString &, const QString &) override { return broken<bool>(); }
    [[nodiscard]] Result<QList<QueuedMessage>> pending(const QString &, const QString &) const override
    {
        return broken<QList<QueuedMessage>>();
    }
    [[nodiscard]] Result<qint64> count(const QString &, const QString &) const override { return broken<qint64>(); }
    [[nodiscard]] Result<QStringList> queueIds() const override { return broken<QStringList>(); }
    [[nodiscard]] Result<bool> isAcknowledged(const QString &, const QString &, const QString &) const override
    {
        return broken<bool>();
    }
    Result<bool> subscribe(const QString &, const QString &) override { return broken<bool>(); }
    Result<bool> unsubscribe(const QString &, const QString &) override { return broken<bool>(); }
    [[nodiscard]] Result<QStringList> subscribers(const QString &) const override { return broken<QStringList>(); }
    Result<qint64> pruneTombstones(const QDateTime &) override { return broken<qint64>(); }
    Result<PendingPruned> prunePending(const QDateTime &) override { return broken<PendingPruned>(); }
    Result<bool> saveOrder(const OrderRecord &) override { return broken<bool>(); }
    [[nodiscard]] Result<QList<OrderRecord>> loadOrders(qint64) const override { return broken<QList<OrderRecord>>(); }
    Result<bool> beginBatch() override { return broken<bool>(); }
    Result<bool> commitBatch() override { return broken<bool>(); }
    void rollbackBatch() override { }
    [[nodiscard]] bool inBatch() const override { return false; }
    Result<bool> beginUnit() override { return broken<bool>(); }
    Result<bool> commitUnit() override { return broken<bool>(); }
    void rollbackUnit() override { }
};

} // namespace

class TestQueuePolicy : public QObject
{
    Q_OBJECT

private slots:
    void classify_data()
    {
        QTest::addColumn<QString>("event");
        QTest::addColumn<MessageQueue::Request>("expected");
        using R = MessageQueue::Request;
        QTest::addRow("pickup") << "pickup" << R::Queued;
        QTest::addRow("in-transit") << "in-transit" << R::Queued;
        QTest::addRow("delivered") << "delivered" << R::Queued;
        QTest::addRow("received") << "received" << R::Received;
        QTest::addRow("recieved") << "recieved" << R::Received;
        QTest::addRow("Received") << "Received" << R::Received;
        QTest::addRow("getAll") << "getAll" << R::GetAll;
        QTest::addRow("getall") << "getall" << R::GetAll;
        QTest::addRow("get-all") << "get-all" << R::GetAll;
        QTest::addRow("GetAll") << "GetAll" << R::GetAll;
        QTest::addRow("join") << "join" << R::Other;
        QTest::addRow("track") << "track" << R::Other;
        QTest::addRow("Pickup is not pickup") << "Pickup" << R::Other;
        QTest::addRow("get_all") << "get_all" << R::Other;
        QTest::addRow("receive") << "receive" << R::Other;
        QTest::addRow("empty") << "" << R::Other;
    }
    void classify()
    {
        QFETCH(QString, event);
        QFETCH(MessageQueue::Request, expected);
        QCOMPARE(MessageQueue::classify(event), expected);
    }

    void enqueue_data()
    {
        QTest::addColumn<QString>("event");
        QTest::addColumn<QJsonValue>("payload");
        QTest::addColumn<QString>("error"); // empty: success expected
        QTest::addColumn<QString>("messageId"); // "*": generated
        QTest::addColumn<QStringList>("queues");
        const QStringList driver{QStringLiteral("driver")};
        const QStringList acme{QStringLiteral("acme")};
        QTest::addRow("pickup orderID") << "pickup"
                                        << json(R"({"store":"acme","orderID":"o1","customer":"C","address":"A"})") << ""
                                        << "o1" << driver;
        QTest::addRow("pickup orderId") << "pickup" << json(R"({"store":"acme","orderId":"o1"})") << ""
                                        << "o1" << driver;
        QTest::addRow("messageId wins") << "pickup" << json(R"({"orderID":"o1","messageId":"m1"})") << ""
                                        << "m1" << driver;
        QTest::addRow("messageID") << "pickup" << json(R"({"orderID":"o1","messageID":"m1"})") << ""
                                   << "m1" << driver;
        QTest::addRow("numeric orderID") << "pickup" << json(R"({"orderID":12345})") << ""
                                         << "12345" << driver;
        QTest::addRow("null orderID skipped") << "pickup" << json(R"({"orderID":null,"orderId":"o2"})") << ""
                                              << "o2" << driver;
        QTest::addRow("lab envelope") << "pickup"
                                      << json(R"({"messageID":"m9","payload":{"orderID":"o9","store":"acme"}})") << ""
                                      << "m9" << driver;
        QTest::addRow("envelope without id") << "pickup" << json(R"({"payload":{"orderID":"o9"}})") << ""
                                             << "o9" << driver;
        QTest::addRow("pickup without id") << "pickup" << json(R"({"store":"acme"})") << ""
                                           << "*" << driver;
        QTest::addRow("pickup string") << "pickup" << json(R"("just text")") << ""
                                       << "*" << driver;
        QTest::addRow("pickup null") << "pickup" << json("null") << ""
                                     << "*" << driver;
        QTest::addRow("pickup nothing") << "pickup" << kUndefined << ""
                                        << "*" << driver;
        QTest::addRow("pickup array") << "pickup" << json(R"([{"orderID":"o1"}])") << ""
                                      << "*" << driver;
        QTest::addRow("in-transit") << "in-transit" << json(R"({"store":"acme","orderID":"o1"})") << ""
                                    << "o1" << acme;
        QTest::addRow("delivered") << "delivered" << json(R"({"store":"acme","orderID":"o1"})") << ""
                                   << "o1" << acme;
        QTest::addRow("delivered envelope")
            << "delivered" << json(R"({"messageID":"m","payload":{"store":"acme","orderID":"o1"}})") << ""
            << "m" << acme;
        QTest::addRow("delivered without id") << "delivered" << json(R"({"store":"acme"})") << ""
                                              << "*" << acme;
        QTest::addRow("delivered no store") << "delivered" << json(R"({"orderID":"o1"})") << "names no store"
                                            << "" << QStringList();
        QTest::addRow("delivered empty store")
            << "delivered" << json(R"({"store":"","orderID":"o1"})") << "store is empty"
            << "" << QStringList();
        QTest::addRow("delivered store object")
            << "delivered" << json(R"({"store":{},"orderID":"o1"})") << "store must be a string"
            << "" << QStringList();
        QTest::addRow("delivered string") << "delivered" << json(R"("o1")") << "names no store"
                                          << "" << QStringList();
        QTest::addRow("in-transit null") << "in-transit" << json("null") << "names no store"
                                         << "" << QStringList();
        QTest::addRow("orderID boolean") << "pickup" << json(R"({"orderID":true})") << "orderID must be a string"
                                         << "" << QStringList();
        QTest::addRow("orderID fraction") << "pickup" << json(R"({"orderID":1.5})") << "integer"
                                          << "" << QStringList();
        QTest::addRow("orderID empty") << "pickup" << json(R"({"orderID":""})") << "orderID is empty"
                                       << "" << QStringList();
        QTest::addRow("orderID too long")
            << "pickup" << QJsonValue(QJsonObject{{QStringLiteral("orderID"), QString(300, QLatin1Char('x'))}})
            << "longer than"
            << "" << QStringList();
        QTest::addRow("not a queued event") << "join" << json(R"("acme")") << "not a queued event"
                                            << "" << QStringList();
        QTest::addRow("request is not queued") << "received" << json(R"({"clientId":"driver"})") << "not a queued event"
                                               << "" << QStringList();
    }
    void enqueue()
    {
        QFETCH(QString, event);
        QFETCH(QJsonValue, payload);
        QFETCH(QString, error);
        QFETCH(QString, messageId);
        QFETCH(QStringList, queues);
        MemoryMessageStore store;
        MessageQueue queue(store);
        const auto result = queue.enqueue(event, payload);
        if (!error.isEmpty()) {
            QVERIFY(!result.ok());
            QVERIFY2(result.error().contains(error), qPrintable(result.error()));
            QCOMPARE(store.count().value(), 0);
            return;
        }
        QVERIFY2(result.ok(), qPrintable(result.error()));
        QCOMPARE(result->event, event);
        if (messageId == QLatin1String("*")) {
            QVERIFY(result->generatedId);
            QVERIFY(!QUuid::fromString(result->messageId).isNull());
        } else {
            QVERIFY(!result->generatedId);
            QCOMPARE(result->messageId, messageId);
        }
        QVERIFY(result->isNew());
        QStringList got;
        for (const auto &q : result->queues) {
            got.append(q.queueId);
            QCOMPARE(q.outcome, EnqueueOutcome::Stored);
            const auto pending = store.pending(q.queueId).value();
            QCOMPARE(pending.size(), 1);
            QCOMPARE(pending.first().messageId, result->messageId);
            QCOMPARE(pending.first().event, event);
            // Kept as sent: getAll replays the original payload.
            QCOMPARE(pending.first().payload, payload.isUndefined() ? QJsonValue(QJsonValue::Null) : payload);
        }
        QCOMPARE(got, queues);
        QCOMPARE(store.count().value(), queues.size());

        // Sent again: nothing new.
        const auto again = queue.enqueue(event, payload);
        QVERIFY(again.ok());
        if (!result->generatedId) {
            QVERIFY(!again->isNew());
            QCOMPARE(again->queues.first().outcome, EnqueueOutcome::AlreadyQueued);
            QCOMPARE(store.count().value(), queues.size());
        }
    }

    void pickupFansOutToDrivers()
    {
        MemoryMessageStore store;
        MessageQueue queue(store);
        QVERIFY(store.subscribe(QStringLiteral("driver-b"), EventCatalogue::kPickup).value());
        QVERIFY(store.subscribe(QStringLiteral("driver-a"), EventCatalogue::kPickup).value());
        QVERIFY(store.subscribe(QStringLiteral("acme"), EventCatalogue::kDelivered).value()); // not a driver
        const auto result = queue.enqueue(EventCatalogue::kPickup, json(R"({"store":"acme","orderID":"o1"})"));
        QVERIFY(result.ok());
        QCOMPARE(result->queues,
                 (QList<MessageQueue::QueueOutcome>{{QStringLiteral("driver"), EnqueueOutcome::Stored},
                                                    {QStringLiteral("driver-a"), EnqueueOutcome::Stored},
                                                    {QStringLiteral("driver-b"), EnqueueOutcome::Stored}}));
        QCOMPARE(store.count(QStringLiteral("acme")).value(), 0);
        // One driver acknowledged: a re-sent pickup reaches only those who have not.
        QVERIFY(store.acknowledge(QStringLiteral("driver-a"), EventCatalogue::kPickup, QStringLiteral("o1")).value());
        const auto again = queue.enqueue(EventCatalogue::kPickup, json(R"({"store":"acme","orderID":"o1"})"));
        QVERIFY(again.ok());
        QVERIFY(!again->isNew());
        QCOMPARE(again->queues.at(0).outcome, EnqueueOutcome::AlreadyQueued);
        QCOMPARE(again->queues.at(1).outcome, EnqueueOutcome::AlreadyAcknowledged);
        QCOMPARE(again->queues.at(2).outcome, EnqueueOutcome::AlreadyQueued);
        // A delivered never goes to driver queues.
        const auto delivered = queue.enqueue(EventCatalogue::kDelivered, json(R"({"store":"acme","orderID":"o1"})"));
        QVERIFY(delivered.ok());
        QCOMPARE(delivered->queues.size(), 1);
        QCOMPARE(delivered->queues.first().queueId, QStringLiteral("acme"));
    }

    void received_data()
    {
        QTest::addColumn<QJsonValue>("payload");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("queueId");
        QTest::addColumn<QString>("event");
        QTest::addColumn<QString>("messageId");
        QTest::addColumn<bool>("removed");
        QTest::addColumn<int>("remaining"); // of the 4 pending messages set up below

        QTest::addRow("clientId") << json(R"({"clientId":"driver","event":"pickup","messageId":"o1"})") << ""
                                  << "driver"
                                  << "pickup"
                                  << "o1" << true << 3;
        QTest::addRow("queueId") << json(R"({"queueId":"driver","event":"pickup","messageId":"o1"})") << ""
                                 << "driver"
                                 << "pickup"
                                 << "o1" << true << 3;
        QTest::addRow("clientID messageID") << json(R"({"clientID":"driver","event":"pickup","messageID":"o1"})") << ""
                                            << "driver"
                                            << "pickup"
                                            << "o1" << true << 3;
        QTest::addRow("DRIVER") << json(R"({"clientId":"DRIVER","event":"pickup","messageId":"o1"})") << ""
                                << "driver"
                                << "pickup"
                                << "o1" << true << 3;
        QTest::addRow("null clientId skipped")
            << json(R"({"clientId":null,"queueId":"driver","event":"pickup","messageId":"o1"})") << ""
            << "driver"
            << "pickup"
            << "o1" << true << 3;
        QTest::addRow("own driver queue") << json(R"({"clientId":"driver-7","event":"pickup","messageId":"o1"})") << ""
                                          << "driver-7"
                                          << "pickup"
                                          << "o1" << true << 3;
        QTest::addRow("no client, pickup") << json(R"({"event":"pickup","messageId":"o1"})") << ""
                                           << "driver"
                                           << "pickup"
                                           << "o1" << true << 3;
        QTest::addRow("no client, order payload")
            << json(R"({"event":"delivered","store":"acme","orderID":"o1"})") << ""
            << "acme"
            << "delivered"
            << "o1" << true << 3;
        QTest::addRow("no event: every event") << json(R"({"clientId":"acme","messageId":"o1"})") << ""
                                               << "acme"
                                               << ""
                                               << "o1" << true << 2;
        QTest::addRow("store as client") << json(R"({"store":"acme","messageId":"o1"})") << ""
                                         << "acme"
                                         << ""
                                         << "o1" << true << 2;
        QTest::addRow("lab envelope") << json(
            R"({"clientId":"acme","event":"delivered","messageID":"o1","payload":{"orderID":"zzz"}})")
                                      << ""
                                      << "acme"
                                      << "delivered"
                                      << "o1" << true << 3;
        QTest::addRow("id inside envelope")
            << json(R"({"clientId":"acme","event":"in-transit","payload":{"store":"acme","orderID":"o1"}})") << ""
            << "acme"
            << "in-transit"
            << "o1" << true << 3;
        QTest::addRow("unknown message") << json(R"({"clientId":"driver","event":"pickup","messageId":"nope"})") << ""
                                         << "driver"
                                         << "pickup"
                                         << "nope" << false << 4;
        QTest::addRow("numeric id") << json(R"({"clientId":"driver","event":"pickup","messageId":7})") << ""
                                    << "driver"
                                    << "pickup"
                                    << "7" << false << 4;
        QTest::addRow("wrong event") << json(R"({"clientId":"driver","event":"delivered","messageId":"o1"})") << ""
                                     << "driver"
                                     << "delivered"
                                     << "o1" << false << 4;
        QTest::addRow("unknown client") << json(R"({"clientId":"ghost","event":"pickup","messageId":"o1"})") << ""
                                        << "ghost"
                                        << "pickup"
                                        << "o1" << false << 4;

        QTest::addRow("string") << json(R"("o1")") << "expected an object"
                                << ""
                                << ""
                                << "" << false << 4;
        QTest::addRow("null") << json("null") << "got null"
                              << ""
                              << ""
                              << "" << false << 4;
        QTest::addRow("nothing") << kUndefined << "got nothing"
                                 << ""
                                 << ""
                                 << "" << false << 4;
        QTest::addRow("array") << json(R"([{"clientId":"driver","event":"pickup","messageId":"o1"}])") << "got an array"
                               << ""
                               << ""
                               << "" << false << 4;
        QTest::addRow("number") << json("5") << "got a number"
                                << ""
                                << ""
                                << "" << false << 4;
        QTest::addRow("empty object") << json("{}") << "names no client"
                                      << ""
                                      << ""
                                      << "" << false << 4;
        QTest::addRow("no message id") << json(R"({"clientId":"driver","event":"pickup"})") << "no messageId"
                                       << ""
                                       << ""
                                       << "" << false << 4;
        QTest::addRow("no client") << json(R"({"messageId":"o1"})") << "names no client"
                                   << ""
                                   << ""
                                   << "" << false << 4;
        QTest::addRow("delivered without store")
            << json(R"({"event":"delivered","messageId":"o1"})") << "names no client"
            << ""
            << ""
            << "" << false << 4;
        QTest::addRow("empty clientId") << json(R"({"clientId":"","event":"pickup","messageId":"o1"})")
                                        << "clientId is empty"
                                        << ""
                                        << ""
                                        << "" << false << 4;
        QTest::addRow("clientId object") << json(R"({"clientId":{},"event":"pickup","messageId":"o1"})")
                                         << "clientId must be a string"
                                         << ""
                                         << ""
                                         << "" << false << 4;
        QTest::addRow("clientId fraction") << json(R"({"clientId":5.5,"event":"pickup","messageId":"o1"})") << "integer"
                                           << ""
                                           << ""
                                           << "" << false << 4;
        QTest::addRow("event number") << json(R"({"clientId":"driver","event":3,"messageId":"o1"})")
                                      << "event must be a string"
                                      << ""
                                      << ""
                                      << "" << false << 4;
        QTest::addRow("messageId array") << json(R"({"clientId":"driver","event":"pickup","messageId":["o1"]})")
                                         << "messageId must be a string"
                                         << ""
                                         << ""
                                         << "" << false << 4;
    }
    void received()
    {
        QFETCH(QJsonValue, payload);
        QFETCH(QString, error);
        QFETCH(QString, queueId);
        QFETCH(QString, event);
        QFETCH(QString, messageId);
        QFETCH(bool, removed);
        QFETCH(int, remaining);
        MemoryMessageStore store;
        MessageQueue queue(store);
        const QJsonValue order = json(R"({"store":"acme","orderID":"o1"})");
        QVERIFY(store.subscribe(QStringLiteral("driver-7"), EventCatalogue::kPickup).value());
        QVERIFY(queue.enqueue(EventCatalogue::kPickup, order).ok()); // driver, driver-7
        QVERIFY(queue.enqueue(EventCatalogue::kInTransit, order).ok()); // acme
        QVERIFY(queue.enqueue(EventCatalogue::kDelivered, order).ok()); // acme
        QCOMPARE(store.count().value(), 4);

        const auto ack = queue.received(payload);
        QCOMPARE(store.count().value(), remaining);
        if (!error.isEmpty()) {
            QVERIFY(!ack.ok());
            QVERIFY2(ack.error().contains(error), qPrintable(ack.error()));
            QVERIFY(ack.error().startsWith(QLatin1String("received: ")));
            return;
        }
        QVERIFY2(ack.ok(), qPrintable(ack.error()));
        QCOMPARE(ack->queueId, queueId);
        QCOMPARE(ack->event, event);
        QCOMPARE(ack->messageId, messageId);
        QCOMPARE(ack->removed, removed);
        if (removed) {
            // Only that client's copy goes; and acknowledged, it does not come back.
            QCOMPARE(store.count(queueId).value(), queueId == QLatin1String("acme") ? 2 - (4 - remaining) : 0);
            QVERIFY(!queue.enqueue(event.isEmpty() ? EventCatalogue::kDelivered : event, order)->isNew());
            QCOMPARE(store.count().value(), remaining);
        }
    }

    void getAll_data()
    {
        QTest::addColumn<QJsonValue>("payload");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("queueId");
        QTest::addColumn<QString>("event");
        QTest::addColumn<QStringList>("expected"); // "event:id" in order
        QTest::addColumn<bool>("subscribed");
        const QStringList driverPickups{QStringLiteral("pickup:o1"), QStringLiteral("pickup:o3")};
        const QStringList acmeAll{QStringLiteral("in-transit:o1"), QStringLiteral("delivered:o1"),
                                  QStringLiteral("delivered:o3")};
        const QStringList acmeDelivered{QStringLiteral("delivered:o1"), QStringLiteral("delivered:o3")};

        QTest::addRow("clientId + event") << json(R"({"clientId":"driver","event":"pickup"})") << ""
                                          << "driver"
                                          << "pickup" << driverPickups << false;
        QTest::addRow("queueId + event") << json(R"({"queueId":"driver","event":"pickup"})") << ""
                                         << "driver"
                                         << "pickup" << driverPickups << false;
        QTest::addRow("clientID, all events") << json(R"({"clientID":"driver"})") << ""
                                              << "driver"
                                              << "" << driverPickups << false;
        QTest::addRow("string") << json(R"("driver")") << ""
                                << "driver"
                                << "" << driverPickups << false;
        QTest::addRow("string DRIVER") << json(R"("DRIVER")") << ""
                                       << "driver"
                                       << "" << driverPickups << false;
        QTest::addRow("vendor, all events in order") << json(R"({"clientId":"acme"})") << ""
                                                     << "acme"
                                                     << "" << acmeAll << false;
        QTest::addRow("vendor string") << json(R"("acme")") << ""
                                       << "acme"
                                       << "" << acmeAll << false;
        QTest::addRow("vendor delivered") << json(R"({"clientId":"acme","event":"delivered"})") << ""
                                          << "acme"
                                          << "delivered" << acmeDelivered << false;
        QTest::addRow("vendor by store") << json(R"({"store":"acme","event":"delivered"})") << ""
                                         << "acme"
                                         << "delivered" << acmeDelivered << false;
        QTest::addRow("event null") << json(R"({"clientId":"acme","event":null})") << ""
                                    << "acme"
                                    << "" << acmeAll << false;
        QTest::addRow("event only: pickup") << json(R"({"event":"pickup"})") << ""
                                            << "driver"
                                            << "pickup" << driverPickups << false;
        QTest::addRow("unknown client") << json(R"({"clientId":"nobody"})") << ""
                                        << "nobody"
                                        << "" << QStringList() << false;
        QTest::addRow("unknown event") << json(R"({"clientId":"driver","event":"pick-up"})") << ""
                                       << "driver"
                                       << "pick-up" << QStringList() << false;
        QTest::addRow("new driver subscribes") << json(R"({"clientId":"driver-9","event":"pickup"})") << ""
                                               << "driver-9"
                                               << "pickup" << QStringList() << true;

        QTest::addRow("null") << json("null") << "got null"
                              << ""
                              << "" << QStringList() << false;
        QTest::addRow("nothing") << kUndefined << "got nothing"
                                 << ""
                                 << "" << QStringList() << false;
        QTest::addRow("number") << json("42") << "got a number"
                                << ""
                                << "" << QStringList() << false;
        QTest::addRow("array") << json(R"(["driver"])") << "got an array"
                               << ""
                               << "" << QStringList() << false;
        QTest::addRow("empty string") << json(R"("")") << "client id is empty"
                                      << ""
                                      << "" << QStringList() << false;
        QTest::addRow("empty object") << json("{}") << "names no client"
                                      << ""
                                      << "" << QStringList() << false;
        QTest::addRow("delivered without client") << json(R"({"event":"delivered"})") << "names no client"
                                                  << ""
                                                  << "" << QStringList() << false;
        QTest::addRow("clientId boolean") << json(R"({"clientId":true})") << "clientId must be a string"
                                          << ""
                                          << "" << QStringList() << false;
        QTest::addRow("event number") << json(R"({"clientId":"driver","event":5})") << "event must be a string"
                                      << ""
                                      << "" << QStringList() << false;
    }
    void getAll()
    {
        QFETCH(QJsonValue, payload);
        QFETCH(QString, error);
        QFETCH(QString, queueId);
        QFETCH(QString, event);
        QFETCH(QStringList, expected);
        QFETCH(bool, subscribed);
        MemoryMessageStore store;
        MessageQueue queue(store);
        for (const char *id : {"o1", "o2", "o3"}) {
            const QJsonValue order(QJsonObject{{QStringLiteral("store"), QStringLiteral("acme")},
                                               {QStringLiteral("orderID"), QLatin1String(id)}});
            QVERIFY(queue.enqueue(EventCatalogue::kPickup, order).ok());
            if (qstrcmp(id, "o2") != 0) {
                if (qstrcmp(id, "o1") == 0)
                    QVERIFY(queue.enqueue(EventCatalogue::kInTransit, order).ok());
                QVERIFY(queue.enqueue(EventCatalogue::kDelivered, order).ok());
            }
        }
        QVERIFY(queue.received(json(R"({"clientId":"driver","event":"pickup","messageId":"o2"})"))->removed);
        const qint64 before = store.count().value();

        const auto backlog = queue.getAll(payload);
        QCOMPARE(store.count().value(), before); // getAll removes nothing
        if (!error.isEmpty()) {
            QVERIFY(!backlog.ok());
            QVERIFY2(backlog.error().contains(error), qPrintable(backlog.error()));
            QVERIFY(backlog.error().startsWith(QLatin1String("getAll: ")));
            QCOMPARE(store.subscribers(EventCatalogue::kPickup).value(), QStringList());
            return;
        }
        QVERIFY2(backlog.ok(), qPrintable(backlog.error()));
        QCOMPARE(backlog->queueId, queueId);
        QCOMPARE(backlog->event, event);
        QCOMPARE(backlog->subscribed, subscribed);
        QStringList got;
        for (const QueuedMessage &m : backlog->messages) {
            got.append(m.event + QLatin1Char(':') + m.messageId);
            QCOMPARE(m.payload.toObject().value(QStringLiteral("orderID")).toString(), m.messageId);
        }
        QCOMPARE(got, expected);
        if (subscribed) {
            QCOMPARE(store.subscribers(EventCatalogue::kPickup).value(), QStringList{queueId});
            const auto next = queue.enqueue(EventCatalogue::kPickup, json(R"({"orderID":"o4"})"));
            QVERIFY(next.ok());
            QCOMPARE(next->queues.size(), 2);
            QCOMPARE(idsOf(queue.getAll(payload)->messages), QStringList{QStringLiteral("o4")});
            QVERIFY(!queue.getAll(payload)->subscribed); // only the first time
        }
    }

    void storeErrorsArePassedOn()
    {
        BrokenStore store;
        MessageQueue queue(store);
        for (const auto &[event, payload] :
             {std::pair{EventCatalogue::kPickup, json(R"({"orderID":"o1"})")},
              std::pair{EventCatalogue::kDelivered, json(R"({"store":"a","orderID":"o1"})")}}) {
            const auto r = queue.enqueue(event, payload);
            QVERIFY(!r.ok());
            QCOMPARE(r.error(), QStringLiteral("disk I/O error"));
        }
        QCOMPARE(queue.received(json(R"({"clientId":"a","messageId":"1"})")).error(), QStringLiteral("disk I/O error"));
        QCOMPARE(queue.getAll(json(R"("a")")).error(), QStringLiteral("disk I/O error"));
        QCOMPARE(queue.getAll(json(R"({"clientId":"d1","event":"pickup"})")).error(), QStringLiteral("disk I/O error"));
    }

    // The lab's story end to end, on a file, with a hub restart in the middle.
    void labScenarioSurvivesRestart()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("hub.sqlite"));
        const QJsonValue o1 = json(R"({"store":"1-206-flowers","orderID":"o1","customer":"Ann","address":"Seattle"})");
        const QJsonValue o2 = json(R"({"store":"1-206-flowers","orderID":"o2","customer":"Bo","address":"Tacoma"})");
        {
            auto store = SqliteMessageStore::open(path);
            QVERIFY2(store.ok(), qPrintable(store.error()));
            MessageQueue queue(**store);
            QVERIFY(queue.enqueue(EventCatalogue::kPickup, o1)->isNew()); // no driver connected yet
            const auto first = queue.getAll(json(R"({"clientId":"driver-7","event":"pickup"})"));
            QVERIFY(first.ok() && first->subscribed && first->messages.isEmpty()); // its own queue starts now
            const auto shared = queue.getAll(json(R"({"clientId":"driver","event":"pickup"})"));
            QCOMPARE(idsOf(shared->messages), QStringList{QStringLiteral("o1")});
            QVERIFY(queue.received(json(R"({"clientId":"driver","event":"pickup","messageId":"o1"})"))->removed);
            QCOMPARE(queue.enqueue(EventCatalogue::kPickup, o2)->queues.size(), 2);
            QVERIFY(queue.enqueue(EventCatalogue::kInTransit, o1)->isNew());
            QVERIFY(queue.enqueue(EventCatalogue::kDelivered, o1)->isNew());
        } // hub stops
        auto store = SqliteMessageStore::open(path);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        MessageQueue queue(**store);
        // The vendor catches up on everything it missed, in order, under the original names.
        const auto vendor = queue.getAll(json(R"("1-206-flowers")"));
        QCOMPARE(eventsOf(vendor->messages), (QStringList{QStringLiteral("in-transit"), QStringLiteral("delivered")}));
        QCOMPARE(vendor->messages.last().payload, o1);
        QVERIFY(queue.received(json(R"({"clientId":"1-206-flowers","event":"delivered","messageId":"o1"})"))->removed);
        QVERIFY(queue.received(json(R"({"clientId":"1-206-flowers","event":"in-transit","messageId":"o1"})"))->removed);
        QCOMPARE(queue.getAll(json(R"("1-206-flowers")"))->messages.size(), 0);
        // The subscription survived: driver-7 and the shared queue both still hold o2.
        QCOMPARE(idsOf(queue.getAll(json(R"({"clientId":"driver-7","event":"pickup"})"))->messages),
                 QStringList{QStringLiteral("o2")});
        QCOMPARE(idsOf(queue.getAll(json(R"("driver")"))->messages), QStringList{QStringLiteral("o2")});
        // A vendor re-sending the finished order does not resurrect it anywhere.
        const auto resent = queue.enqueue(EventCatalogue::kDelivered, o1);
        QVERIFY(resent.ok());
        QCOMPARE(resent->queues.first().outcome, EnqueueOutcome::AlreadyAcknowledged);
        QCOMPARE(queue.enqueue(EventCatalogue::kPickup, o1)->queues.first().outcome,
                 EnqueueOutcome::AlreadyAcknowledged);
    }

    // prunePending on the queue: counted, logged, and due again only once what was stored since
    // passes the limit by a 64th.
    void pruneDueAndCounted()
    {
        MemoryMessageStore store;
        store.setPendingRetention({std::chrono::hours(1), 128});
        MessageQueue queue(store);
        QVERIFY(queue.pruneDue()); // nothing known yet
        QCOMPARE(queue.prunePending()->total(), 0);
        QVERIFY(!queue.pruneDue());
        for (int i = 0; i < 130; ++i)
            QVERIFY(queue
                        .enqueue(EventCatalogue::kPickup,
                                 json(QStringLiteral(R"({"orderID":"o%1"})").arg(i).toUtf8().constData()))
                        ->isNew());
        QVERIFY(!queue.pruneDue()); // 130 <= 128 + 128 / 64
        // A re-sent message stores nothing and counts nothing.
        QVERIFY(!queue.enqueue(EventCatalogue::kPickup, json(R"({"orderID":"o0"})"))->isNew());
        QVERIFY(!queue.pruneDue());
        QVERIFY(queue.enqueue(EventCatalogue::kPickup, json(R"({"orderID":"o130"})"))->isNew());
        QVERIFY(queue.pruneDue());
        QTest::ignoreMessage(QtInfoMsg,
                             "queue: dropped 3 pending messages (3 over 128 messages), 128 left, 3 dropped in all");
        QCOMPARE(queue.prunePending()->byCount, 3);
        QCOMPARE(queue.droppedPending(), 3);
        QVERIFY(!queue.pruneDue());
        QTest::ignoreMessage(QtInfoMsg,
                             "queue: dropped 128 pending messages (128 older than 1 hour), 0 left, 131 dropped in all");
        QCOMPARE(queue.prunePending(QDateTime::currentDateTimeUtc().addSecs(7200))->byAge, 128);
        QCOMPARE(queue.droppedPending(), 131);
        QCOMPARE(store.count().value(), 0);
    }
};

QTEST_GUILESS_MAIN(TestQueuePolicy)
#include "tst_queue_policy.moc"
