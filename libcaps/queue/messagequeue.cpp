#include "queue/messagequeue.h"

#include "core/logging.h"

#include <QJsonObject>
#include <QUuid>

#include <algorithm>
#include <cmath>

namespace caps {

namespace {

// "7 days", "90 minutes", "1500 ms": the largest unit that divides the age.
QString ageText(std::chrono::milliseconds age)
{
    const qint64 ms = age.count();
    struct Unit
    {
        qint64 size;
        const char *one;
        const char *many;
    };
    for (const Unit &unit : {Unit{86400000, "day", "days"}, Unit{3600000, "hour", "hours"},
                             Unit{60000, "minute", "minutes"}, Unit{1000, "s", "s"}}) {
        if (ms >= unit.size && ms % unit.size == 0)
            return QStringLiteral("%1 %2")
                .arg(ms / unit.size)
                .arg(QLatin1String(ms == unit.size ? unit.one : unit.many));
    }
    return QStringLiteral("%1 ms").arg(ms);
}

const QStringList kMessageIdKeys
    = {QStringLiteral("messageId"), QStringLiteral("messageID"), QStringLiteral("orderID"), QStringLiteral("orderId")};
const QStringList kClientIdKeys = {QStringLiteral("clientId"), QStringLiteral("queueId"), QStringLiteral("clientID")};
const QString kStoreKey = QStringLiteral("store");
const QString kEventKey = QStringLiteral("event");
const QString kPayloadKey = QStringLiteral("payload");

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

// An id from the network: a non-empty string, or an integer (lab clients send numeric order
// ids; JSON numbers above 2^53 are not exact, so those are refused).
Result<QString> idFrom(const QString &key, const QJsonValue &value)
{
    QString id;
    if (value.isString()) {
        id = value.toString();
    } else if (value.isDouble()) {
        const double number = value.toDouble();
        if (std::trunc(number) != number || std::fabs(number) > 9007199254740992.0)
            return Result<QString>::failure(QStringLiteral("%1 must be a string or an integer").arg(key));
        id = QString::number(qint64(number));
    } else {
        return Result<QString>::failure(QStringLiteral("%1 must be a string, got %2").arg(key, typeName(value)));
    }
    if (id.isEmpty())
        return Result<QString>::failure(QStringLiteral("%1 is empty").arg(key));
    if (id.size() > MessageQueue::kMaxIdLength)
        return Result<QString>::failure(
            QStringLiteral("%1 is longer than %2 characters").arg(key).arg(MessageQueue::kMaxIdLength));
    return id;
}

// The first of `keys` present (not null) in `object`, or in object.payload (the lab's
// { messageID, payload } envelope) when the top level has none. Empty string: none present.
Result<QString> lookup(const QJsonObject &object, const QStringList &keys, bool searchEnvelope = true)
{
    for (const QString &key : keys) {
        const QJsonValue value = object.value(key);
        if (!value.isUndefined() && !value.isNull())
            return idFrom(key, value);
    }
    if (searchEnvelope && object.value(kPayloadKey).isObject())
        return lookup(object.value(kPayloadKey).toObject(), keys, false);
    return QString();
}

QString normaliseQueueId(const QString &queueId)
{
    // Lab clients spell the shared driver queue "driver", "DRIVER" or "Driver".
    if (queueId.compare(MessageQueue::kDriverQueue, Qt::CaseInsensitive) == 0)
        return MessageQueue::kDriverQueue;
    return queueId;
}

Result<QString> eventOf(const QJsonObject &object)
{
    const QJsonValue value = object.value(kEventKey);
    if (value.isUndefined() || value.isNull())
        return QString();
    if (!value.isString())
        return Result<QString>::failure(QStringLiteral("event must be a string, got %1").arg(typeName(value)));
    if (value.toString().size() > MessageQueue::kMaxIdLength)
        return Result<QString>::failure(QStringLiteral("event name is too long"));
    return value.toString();
}

// The queue an event goes to by default: "driver" for the drivers' events, the order's store for
// the store's (the standard catalogue's `queue`). Empty when the payload does not say.
Result<QString> defaultQueueFor(const QString &event, const QJsonObject &payload)
{
    const CapsEvent *e = EventCatalogue::standard().find(event);
    switch (e ? e->queue : QueueFor::Nobody) {
    case QueueFor::Drivers:
        return MessageQueue::kDriverQueue;
    case QueueFor::Store:
        return lookup(payload, {kStoreKey});
    case QueueFor::Nobody:
        break;
    }
    return QString();
}

Result<QString> clientQueueOf(const QJsonObject &object, const QString &event, const QString &request)
{
    auto queueId = lookup(object, kClientIdKeys, false);
    if (!queueId)
        return Result<QString>::failure(QStringLiteral("%1: %2").arg(request, queueId.error()));
    if (queueId->isEmpty()) {
        queueId = defaultQueueFor(event, object);
        if (!queueId)
            return Result<QString>::failure(QStringLiteral("%1: %2").arg(request, queueId.error()));
    }
    if (queueId->isEmpty() && !object.value(kStoreKey).isUndefined()) {
        // A vendor asking by store name: vendor queues are named after the store.
        queueId = lookup(object, {kStoreKey}, false);
        if (!queueId)
            return Result<QString>::failure(QStringLiteral("%1: %2").arg(request, queueId.error()));
    }
    if (queueId->isEmpty())
        return Result<QString>::failure(
            QStringLiteral("%1: the payload names no client (clientId or queueId)").arg(request));
    return normaliseQueueId(*queueId);
}

} // namespace

bool MessageQueue::Enqueued::isNew() const
{
    return std::any_of(queues.cbegin(), queues.cend(),
                       [](const QueueOutcome &q) { return q.outcome == EnqueueOutcome::Stored; });
}

MessageQueue::MessageQueue(MessageStore &store, const EventCatalogue *catalogue)
    : m_store(store)
    , m_catalogue(catalogue)
{ }

MessageQueue::Request MessageQueue::classify(const EventCatalogue &catalogue, const QString &event)
{
    if (const CapsEvent *e = catalogue.find(event); e && e->queue != QueueFor::Nobody)
        return Request::Queued;
    const QString folded = event.toLower();
    if (folded == QLatin1String("received") || folded == QLatin1String("recieved"))
        return Request::Received;
    if (folded == QLatin1String("getall") || folded == QLatin1String("get-all"))
        return Request::GetAll;
    return Request::Other;
}

Result<QString> MessageQueue::messageIdOf(const QJsonValue &payload)
{
    if (!payload.isObject())
        return QString();
    return lookup(payload.toObject(), kMessageIdKeys);
}

Result<MessageQueue::Enqueued> MessageQueue::enqueue(const QString &event, const QJsonValue &payload)
{
    using R = Result<Enqueued>;
    const CapsEvent *caps = m_catalogue->find(event);
    if (!caps || caps->queue == QueueFor::Nobody)
        return R::failure(QStringLiteral("%1 is not a queued event").arg(event));

    Enqueued result;
    result.event = event;
    auto messageId = messageIdOf(payload);
    if (!messageId)
        return R::failure(QStringLiteral("%1: %2").arg(event, messageId.error()));
    result.messageId = *messageId;
    if (result.messageId.isEmpty()) {
        result.messageId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        result.generatedId = true;
    }

    QStringList queueIds;
    if (caps->queue == QueueFor::Drivers) {
        queueIds.append(kDriverQueue);
        auto drivers = m_store.subscribers(event);
        if (!drivers)
            return R::failure(drivers.error());
        for (const QString &driver : std::as_const(*drivers)) {
            if (!queueIds.contains(driver))
                queueIds.append(driver);
        }
    } else {
        auto store = payload.isObject() ? lookup(payload.toObject(), {kStoreKey}) : Result<QString>(QString());
        if (!store)
            return R::failure(QStringLiteral("%1: %2").arg(event, store.error()));
        if (store->isEmpty())
            return R::failure(
                QStringLiteral("%1: the payload names no store, so no vendor queue to keep it for").arg(event));
        queueIds.append(*store);
    }

    auto outcomes = m_store.enqueueMany(queueIds, event, result.messageId, payload);
    if (!outcomes)
        return R::failure(outcomes.error());
    for (qsizetype i = 0; i < queueIds.size(); ++i) {
        result.queues.append({queueIds.at(i), outcomes->at(i)});
        if (outcomes->at(i) == EnqueueOutcome::Stored)
            ++m_storedSincePrune;
    }
    qCDebug(lcQueue) << "queued" << event << result.messageId << "for" << queueIds;
    return result;
}

Result<MessageQueue::Acknowledgement> MessageQueue::parseReceived(const QJsonValue &payload)
{
    using R = Result<Acknowledgement>;
    if (!payload.isObject())
        return R::failure(QStringLiteral("received: expected an object { clientId, event, messageId }, got %1")
                              .arg(typeName(payload)));
    const QJsonObject object = payload.toObject();
    Acknowledgement ack;
    auto event = eventOf(object);
    if (!event)
        return R::failure(QStringLiteral("received: %1").arg(event.error()));
    ack.event = *event;
    auto queueId = clientQueueOf(object, ack.event, QStringLiteral("received"));
    if (!queueId)
        return R::failure(queueId.error());
    ack.queueId = *queueId;
    auto messageId = lookup(object, kMessageIdKeys);
    if (!messageId)
        return R::failure(QStringLiteral("received: %1").arg(messageId.error()));
    if (messageId->isEmpty())
        return R::failure(QStringLiteral("received: the payload names no messageId"));
    ack.messageId = *messageId;
    return ack;
}

Result<qint64> MessageQueue::settle(const QString &event, const QJsonValue &payload)
{
    using R = Result<qint64>;
    const CapsEvent *caps = m_catalogue->find(event);
    if (!caps || !caps->changesStatus())
        return qint64(0);
    auto messageId = messageIdOf(payload);
    if (!messageId)
        return R::failure(messageId.error());
    if (messageId->isEmpty())
        return qint64(0);
    qint64 removed = 0;
    for (const CapsEvent &earlier : m_catalogue->events()) {
        if (!earlier.changesStatus() || earlier.to >= caps->to || earlier.queue == QueueFor::Nobody)
            continue;
        QStringList queueIds;
        if (earlier.queue == QueueFor::Drivers) {
            queueIds.append(kDriverQueue);
            auto drivers = m_store.subscribers(earlier.name);
            if (!drivers)
                return R::failure(drivers.error());
            queueIds.append(*drivers);
        } else if (payload.isObject()) {
            auto store = lookup(payload.toObject(), {kStoreKey});
            if (!store)
                return R::failure(store.error());
            if (!store->isEmpty())
                queueIds.append(*store);
        }
        for (const QString &queueId : std::as_const(queueIds)) {
            if (queueId.isEmpty())
                continue;
            auto discarded = m_store.discard(queueId, earlier.name, *messageId);
            if (!discarded)
                return R::failure(discarded.error());
            removed += *discarded ? 1 : 0;
        }
    }
    if (removed > 0)
        qCDebug(lcQueue) << event << *messageId << "settled" << removed << "pending messages of earlier steps";
    return removed;
}

Result<MessageQueue::Acknowledgement> MessageQueue::received(const QJsonValue &payload)
{
    auto ack = parseReceived(payload);
    if (!ack)
        return ack;
    auto removed = m_store.acknowledge(ack->queueId, ack->event, ack->messageId);
    if (!removed)
        return Result<Acknowledgement>::failure(removed.error());
    ack->removed = *removed;
    return ack;
}

Result<MessageQueue::Backlog> MessageQueue::parseGetAll(const QJsonValue &payload)
{
    using R = Result<Backlog>;
    Backlog backlog;
    if (payload.isString()) {
        // The lab's `queue.trigger('getall', ...)` style: the bare client id.
        auto queueId = idFrom(QStringLiteral("client id"), payload);
        if (!queueId)
            return R::failure(QStringLiteral("getAll: %1").arg(queueId.error()));
        backlog.queueId = normaliseQueueId(*queueId);
        return backlog;
    }
    if (!payload.isObject())
        return R::failure(QStringLiteral("getAll: expected an object { clientId, event } or a client id, got %1")
                              .arg(typeName(payload)));
    const QJsonObject object = payload.toObject();
    auto event = eventOf(object);
    if (!event)
        return R::failure(QStringLiteral("getAll: %1").arg(event.error()));
    backlog.event = *event;
    auto queueId = clientQueueOf(object, backlog.event, QStringLiteral("getAll"));
    if (!queueId)
        return R::failure(queueId.error());
    backlog.queueId = *queueId;
    return backlog;
}

Result<MessageQueue::Backlog> MessageQueue::getAll(const QJsonValue &payload)
{
    auto backlog = parseGetAll(payload);
    if (!backlog)
        return backlog;
    // A driver asking for pickups under its own id gets its own queue from now on.
    const CapsEvent *caps = m_catalogue->find(backlog->event);
    if (caps && caps->queue == QueueFor::Drivers && backlog->queueId != kDriverQueue) {
        auto added = m_store.subscribe(backlog->queueId, backlog->event);
        if (!added)
            return Result<Backlog>::failure(added.error());
        backlog->subscribed = *added;
    }
    auto messages = m_store.pending(backlog->queueId, backlog->event);
    if (!messages)
        return Result<Backlog>::failure(messages.error());
    backlog->messages = std::move(*messages);
    return backlog;
}

bool MessageQueue::pruneDue() const
{
    if (m_pendingAfterPrune < 0)
        return true;
    const qint64 maxCount = m_store.pendingRetention().maxCount;
    return m_pendingAfterPrune + m_storedSincePrune > maxCount + maxCount / kPruneSlack;
}

Result<PendingPruned> MessageQueue::prunePending(const QDateTime &now)
{
    auto pruned = m_store.prunePending(now);
    if (!pruned) {
        qCWarning(lcQueue).noquote() << "queue: dropping old pending messages failed:" << pruned.error();
        return pruned;
    }
    m_pendingAfterPrune = pruned->remaining;
    m_storedSincePrune = 0;
    if (pruned->total() == 0)
        return pruned;
    m_droppedPending += pruned->total();
    const PendingRetention &retention = m_store.pendingRetention();
    QStringList why;
    if (pruned->byAge > 0)
        why.append(QStringLiteral("%1 older than %2").arg(pruned->byAge).arg(ageText(retention.maxAge)));
    if (pruned->byCount > 0)
        why.append(QStringLiteral("%1 over %2 messages").arg(pruned->byCount).arg(retention.maxCount));
    qCInfo(lcQueue).noquote() << QStringLiteral("queue: dropped %1 pending messages (%2), %3 left, %4 dropped in all")
                                     .arg(pruned->total())
                                     .arg(why.join(QLatin1String(", ")))
                                     .arg(pruned->remaining)
                                     .arg(m_droppedPending);
    return pruned;
}

} // namespace caps
