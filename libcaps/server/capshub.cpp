#include "server/capshub.h"

#include "core/logging.h"
#include "queue/messagequeue.h"
#include "security/securitylogging.h"
#include "server/jsinspect.h"
#include "server/namespace.h"
#include "server/serverevent.h"
#include "server/serversocket.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace caps {

namespace {

const QString kPickup = QStringLiteral("pickup");
const QString kInTransit = QStringLiteral("in-transit");
const QString kDelivered = QStringLiteral("delivered");

// JavaScript truthiness, for the Node hub's `payload.store || payload.clientId || ...`.
bool truthy(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool: return v.toBool();
    case QJsonValue::Double: return v.toDouble() != 0 && !std::isnan(v.toDouble());
    case QJsonValue::String: return !v.toString().isEmpty();
    case QJsonValue::Array:
    case QJsonValue::Object: return true;
    case QJsonValue::Null:
    case QJsonValue::Undefined: return false;
    }
    return false;
}

QString idText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return jsinspect::number(v.toDouble());
    return {};
}

} // namespace

CapsHub::CapsHub(Namespace *nsp, QObject *parent) : CapsHub(nsp, Options{}, parent) {}

CapsHub::CapsHub(Namespace *nsp, const Options &options, QObject *parent)
    : QObject(parent)
    , m_nsp(nsp)
    , m_options(options)
    , m_audience(options.policy.isOpen() ? Audience::Mode::Open : Audience::Mode::Tokens)
{
    connect(nsp, &Namespace::connection, this, &CapsHub::onConnection);
    // A zero-timer rather than QAbstractEventDispatcher::aboutToBlock: it fires after the socket
    // notifiers of the current pass on every dispatcher (glib or not) and in nested loops, while
    // aboutToBlock is not emitted as long as posted events keep the loop from sleeping, which
    // under load could hold a batch (and its senders) back for a long time.
    m_commitTimer.setSingleShot(true);
    m_commitTimer.setInterval(0);
    connect(&m_commitTimer, &QTimer::timeout, this, &CapsHub::commitBatch);
}

CapsHub::~CapsHub()
{
    // Keep what was stored; the senders get no answer and re-send, which the queue absorbs
    // (AlreadyQueued).
    if (m_storeBatchOpen && m_options.queue) {
        if (const auto committed = m_options.queue->store().commitBatch(); !committed)
            qCWarning(lcQueue).noquote() << "queue: commit at shutdown failed:" << committed.error();
    }
}

Namespace *CapsHub::nsp() const
{
    return m_nsp;
}

QString CapsHub::roomOf(const QJsonValue &argument)
{
    if (argument.isString())
        return argument.toString();
    if (!argument.isObject())
        return {};
    const QJsonObject o = argument.toObject();
    for (const char *key : {"store", "clientId", "queueId", "roomName"}) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (truthy(v))
            return v.isString() ? v.toString() : QString();
    }
    return {};
}

void CapsHub::onConnection(ServerSocket *socket)
{
    qCDebug(lcHub) << "connected" << socket->id();
    // The connect guard of the namespace let this auth in; this finds who it is.
    const auto principal = m_options.policy.authenticate(socket->auth());
    m_principals.insert(socket, principal ? *principal : std::nullopt);
    // A recovered socket is in them already (its session kept its rooms): join() is a no-op.
    for (const QString &room : m_audience.roleRooms(principal ? *principal : std::nullopt))
        socket->join(room);
    connect(socket, &QObject::destroyed, this, [this, socket] { m_principals.remove(socket); });
    connect(socket, &ServerSocket::eventReceived, this, &CapsHub::onEvent);
}

void CapsHub::onEvent(const ServerEvent &event)
{
    ServerSocket *socket = event.socket();
    if (!socket)
        return;
    const QString name = event.name();
    if (m_options.queue) {
        // The access policy knows only the Phase 2 events; queue requests are checked per queue.
        switch (MessageQueue::classify(name)) {
        case MessageQueue::Request::Received: onReceived(event); return;
        case MessageQueue::Request::GetAll: onGetAll(event); return;
        case MessageQueue::Request::Queued:
        case MessageQueue::Request::Other: break;
        }
    }
    const Decision decision = m_options.policy.checkEvent(m_principals.value(socket), name, event.args());
    if (!decision) {
        refuse(event, decision.error);
        return;
    }
    if (name == kPickup || name == kInTransit || name == kDelivered)
        onCapsEvent(event);
    else
        inOrder([this, event] { onOtherEvent(event); });
}

void CapsHub::onOtherEvent(const ServerEvent &event)
{
    ServerSocket *socket = event.socket();
    if (!socket)
        return; // gone while its event waited for a batch
    const QString name = event.name();
    if (name == QLatin1String("join")) {
        const QString room = roomOf(event.arg(0));
        if (!room.isEmpty() && !socket->isIn(room) && !roomsLeft(socket, 1)) {
            refuse(event, QStringLiteral("Too many rooms"));
            return;
        }
        if (!room.isEmpty())
            socket->join(room);
    } else if (name == QLatin1String("track")) {
        onTrack(event, true);
    } else if (name == QLatin1String("untrack")) {
        onTrack(event, false);
    }
}

void CapsHub::refuse(const ServerEvent &event, const QString &error)
{
    ServerSocket *socket = event.socket();
    qCInfo(lcSecurity).noquote() << "refused" << event.name().left(64) << "from" << describe(m_principals.value(socket))
                                 << socket->id() << ":" << error;
    if (event.wantsAck())
        event.ack({QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), error}}});
    else
        socket->emitEvent(QStringLiteral("error"), {QJsonObject{{QStringLiteral("event"), event.name().left(64)},
                                                                {QStringLiteral("message"), error}}});
}

bool CapsHub::roomsLeft(ServerSocket *socket, qsizetype wanted) const
{
    return m_options.maxRoomsPerSocket <= 0 || socket->rooms().size() + wanted <= m_options.maxRoomsPerSocket;
}

void CapsHub::onCapsEvent(const ServerEvent &event)
{
    if (!m_nsp)
        return;
    HubEvent hubEvent;
    hubEvent.event = event.name();
    hubEvent.time = QDateTime::currentDateTimeUtc();
    hubEvent.payload = event.arg(0);
    if (!hubEvent.payload.isUndefined()) {
        const QByteArray &raw = event.packet().rawData;
        const auto items = jsinspect::splitArray(raw);
        if (items && items->size() > 1) {
            hubEvent.payloadJson = items->at(1).toByteArray();
        } else {
            // A packet built in-process has no raw text.
            const QByteArray wrapped = QJsonDocument(QJsonArray{hubEvent.payload}).toJson(QJsonDocument::Compact);
            hubEvent.payloadJson = wrapped.sliced(1, wrapped.size() - 2);
        }
    }
    hubEvent.readPayloadFields();
    if (!m_options.queue) {
        accept(event, hubEvent, true);
        return;
    }
    if (hubEvent.event != kPickup && hubEvent.store.isEmpty()) {
        // No vendor queue to keep it for (docs/queue.md): live only, and the sender is told.
        // It stores nothing, but waits its turn behind the events stored before it.
        inOrder([this, event, hubEvent] {
            if (event.wantsAck())
                event.ack({QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("queued"), false}}});
            accept(event, hubEvent, true);
        });
        return;
    }
    if (const auto opened = openBatch(); !opened) {
        queueError(event, opened.error());
        return;
    }
    const auto stored = m_options.queue->enqueue(hubEvent.event, hubEvent.payload);
    if (!stored) {
        // This write changed nothing; the rest of the batch stands (or fails at its commit).
        queueError(event, stored.error());
        return;
    }
    // A message every queue has acknowledged was delivered: sending it again would undo `received`.
    const bool relayIt = std::any_of(stored->queues.cbegin(), stored->queues.cend(), [](const MessageQueue::QueueOutcome &q) {
        return q.outcome != EnqueueOutcome::AlreadyAcknowledged;
    });
    qCDebug(lcQueue) << "queued" << hubEvent.event << stored->messageId << "new:" << stored->isNew() << "relay:" << relayIt;
    const QJsonObject reply{{QStringLiteral("ok"), true},
                            {QStringLiteral("queued"), stored->isNew()},
                            {QStringLiteral("messageId"), stored->messageId}};
    defer({[this, event, hubEvent, relayIt, reply] {
               if (event.wantsAck())
                   event.ack({reply});
               accept(event, hubEvent, relayIt);
           },
           [this, event](const QString &error) { queueError(event, error); }});
}

void CapsHub::accept(const ServerEvent &event, const HubEvent &hubEvent, bool relayIt)
{
    emit eventReceived(hubEvent);
    if (!hubEvent.orderId.isEmpty())
        remember(hubEvent);
    if (relayIt)
        relay(event, hubEvent);
}

void CapsHub::relay(const ServerEvent &event, const HubEvent &hubEvent)
{
    if (!m_nsp)
        return;
    const QList<Audience::Clause> clauses = m_audience.clauses(subjectOf(hubEvent));
    if (clauses.isEmpty())
        return;
    QList<Namespace::Target> targets;
    targets.reserve(clauses.size());
    for (const Audience::Clause &clause : clauses)
        targets.append({clause.rooms, clause.exceptRooms, {}});
    // The same name, arguments and attachments as received: rawData keeps the bytes.
    sio::Packet packet = event.packet();
    packet.id = -1;
    m_nsp->broadcast(targets, std::move(packet));
}

Audience::Subject CapsHub::subjectOf(const HubEvent &event)
{
    return {event.event, event.store, event.orderId, event.customer};
}

Result<bool> CapsHub::openBatch()
{
    if (m_storeBatchOpen)
        return true;
    if (auto begun = m_options.queue->store().beginBatch(); !begun)
        return begun;
    m_storeBatchOpen = true;
    // Committed even if no event ends up waiting for it (every write of the pass refused).
    m_commitTimer.start();
    return true;
}

void CapsHub::defer(Deferred deferred)
{
    m_deferred.push_back(std::move(deferred));
    if (!m_commitTimer.isActive())
        m_commitTimer.start();
    if (qsizetype(m_deferred.size()) >= std::max(1, m_options.maxBatchEvents) && !m_committing)
        commitBatch();
}

void CapsHub::inOrder(std::function<void()> action)
{
    if (m_deferred.empty() && !m_committing) {
        action();
        return;
    }
    defer({std::move(action), {}});
}

void CapsHub::commitBatch()
{
    m_commitTimer.stop();
    QString error;
    if (m_storeBatchOpen) {
        m_storeBatchOpen = false;
        if (const auto committed = m_options.queue->store().commitBatch(); !committed) {
            error = committed.error();
            qCWarning(lcQueue).noquote() << "queue: commit of" << m_deferred.size() << "events failed:" << error;
        }
    }
    // Answers may emit signals whose slots feed the hub again: what arrives meanwhile queues
    // behind this batch (m_committing) instead of overtaking it.
    // Swapped, not moved out: both vectors keep their capacity from one batch to the next.
    std::vector<Deferred> batch;
    batch.swap(m_answering);
    batch.swap(m_deferred);
    m_committing = true;
    for (const Deferred &deferred : batch) {
        if (error.isEmpty() || !deferred.failed)
            deferred.committed();
        else
            deferred.failed(error);
    }
    m_committing = false;
    batch.clear();
    m_answering.swap(batch);
    if (!m_deferred.empty() && !m_commitTimer.isActive())
        m_commitTimer.start();
}

void CapsHub::onReceived(const ServerEvent &event)
{
    const auto parsed = MessageQueue::parseReceived(event.arg(0));
    if (!parsed) {
        queueError(event, parsed.error());
        return;
    }
    if (!mayUseQueue(event.socket(), parsed->queueId, parsed->event)) {
        refuse(event, QStringLiteral("Not allowed: received for queue %1").arg(parsed->queueId.left(64)));
        return;
    }
    if (const auto opened = openBatch(); !opened) {
        queueError(event, opened.error());
        return;
    }
    const auto acked = m_options.queue->received(event.arg(0));
    if (!acked) {
        queueError(event, acked.error());
        return;
    }
    qCDebug(lcQueue) << "received" << acked->queueId << acked->event << acked->messageId << "removed:" << acked->removed;
    // `removed: true` promises that the message will not come back: only once that is durable.
    defer({[event, removed = acked->removed] {
               if (event.wantsAck())
                   event.ack({QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("removed"), removed}}});
           },
           [this, event](const QString &error) { queueError(event, error); }});
}

void CapsHub::onGetAll(const ServerEvent &event)
{
    const auto parsed = MessageQueue::parseGetAll(event.arg(0));
    if (!parsed) {
        queueError(event, parsed.error());
        return;
    }
    if (!mayUseQueue(event.socket(), parsed->queueId, parsed->event)) {
        refuse(event, QStringLiteral("Not allowed: getAll for queue %1").arg(parsed->queueId.left(64)));
        return;
    }
    if (const auto opened = openBatch(); !opened) {
        queueError(event, opened.error());
        return;
    }
    // Read inside the batch: the backlog includes this pass's own writes, so it is sent only
    // once they are committed.
    const auto backlog = m_options.queue->getAll(event.arg(0));
    if (!backlog) {
        queueError(event, backlog.error());
        return;
    }
    // A queue may hold what this socket may not hear (a vendor that asked for pickups under its
    // store's name gets every store's): only its share is sent.
    QList<QueuedMessage> messages = backlog->messages;
    if (m_audience.mode() == Audience::Mode::Tokens) {
        const std::optional<Principal> principal = m_principals.value(event.socket());
        messages.removeIf([this, &principal](const QueuedMessage &message) {
            HubEvent queued;
            queued.event = message.event;
            queued.payload = message.payload;
            queued.readPayloadFields();
            return !m_audience.mayHear(principal, subjectOf(queued));
        });
    }
    qCDebug(lcQueue) << "getAll" << backlog->queueId << backlog->event << messages.size() << "of"
                     << backlog->messages.size() << "messages";
    defer({[event, messages = std::move(messages)] {
               ServerSocket *socket = event.socket();
               if (!socket)
                   return;
               for (const QueuedMessage &message : messages)
                   socket->emitEvent(message.event, {message.payload});
               if (event.wantsAck())
                   event.ack({QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("count"), messages.size()}}});
           },
           [this, event](const QString &error) { queueError(event, error); }});
}

bool CapsHub::mayUseQueue(const ServerSocket *socket, const QString &queueId, const QString &event) const
{
    const std::optional<Principal> principal = m_principals.value(socket);
    if (!principal)
        return true; // open mode
    switch (principal->role) {
    case Role::Admin: return true;
    case Role::Vendor: return queueId == principal->store;
    case Role::Driver:
        return event == kPickup || queueId.compare(MessageQueue::kDriverQueue, Qt::CaseInsensitive) == 0;
    case Role::Customer: return false;
    }
    return false;
}

void CapsHub::queueError(const ServerEvent &event, const QString &error)
{
    ServerSocket *socket = event.socket();
    if (!socket)
        return;
    qCWarning(lcQueue).noquote() << "queue:" << event.name().left(64) << "from" << socket->id() << ":" << error;
    if (event.wantsAck())
        event.ack({QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), error}}});
    else
        socket->emitEvent(QStringLiteral("error"), {QJsonObject{{QStringLiteral("event"), event.name().left(64)},
                                                                {QStringLiteral("message"), error}}});
}

void CapsHub::onTrack(const ServerEvent &event, bool track)
{
    ServerSocket *socket = event.socket();
    const QJsonValue argument = event.arg(0);
    QString orderId;
    QString customer;
    if (argument.isString() || argument.isDouble()) {
        orderId = idText(argument);
    } else if (argument.isObject()) {
        const QJsonObject o = argument.toObject();
        orderId = idText(o.value(QLatin1String("orderID")));
        if (orderId.isEmpty())
            orderId = idText(o.value(QLatin1String("orderId")));
        customer = idText(o.value(QLatin1String("customer")));
    }
    if (orderId.isEmpty() && customer.isEmpty()) {
        event.ack({QJsonObject{{QStringLiteral("ok"), false},
                               {QStringLiteral("error"), QStringLiteral("track needs an orderID or a customer")}}});
        return;
    }
    const std::optional<Principal> principal = m_principals.value(socket);
    const QStringList rooms = m_audience.trackRooms(principal, orderId, customer);
    if (!track) {
        for (const QString &room : rooms)
            socket->leave(room);
        event.ack({QJsonObject{{QStringLiteral("ok"), true}}});
        return;
    }
    if (!roomsLeft(socket, 3)) {
        refuse(event, QStringLiteral("Too many rooms"));
        return;
    }
    socket->join(customersRoom());
    for (const QString &room : rooms)
        socket->join(room);
    if (!event.wantsAck())
        return;
    QByteArray reply = QByteArrayLiteral("[{\"ok\":true,\"orders\":[");
    bool first = true;
    for (const HubEvent &known : latestEvents(orderId, customer)) {
        if (!m_audience.mayHear(principal, subjectOf(known)))
            continue;
        if (!first)
            reply.append(',');
        first = false;
        reply.append(known.toJsonObject());
    }
    reply.append("]}]");
    event.ackRaw(reply);
}

void CapsHub::remember(const HubEvent &event)
{
    auto it = m_orders.find(event.orderId);
    if (it != m_orders.end()) {
        m_orderAge.erase(it->sequence);
        m_rememberedBytes -= it->event.payloadJson.size();
    }
    // The parsed payload is not kept: the raw text is all the track ack needs, at half the memory.
    HubEvent kept = event;
    kept.payload = QJsonValue();
    const quint64 sequence = ++m_sequence;
    m_rememberedBytes += kept.payloadJson.size();
    m_orders.insert(event.orderId, Remembered{std::move(kept), sequence});
    m_orderAge.emplace(sequence, event.orderId);
    while (!m_orderAge.empty()
           && (m_orders.size() > std::max(1, m_options.maxRememberedOrders)
               || m_rememberedBytes > m_options.maxRememberedBytes)) {
        const auto oldest = m_orderAge.begin();
        m_rememberedBytes -= m_orders.value(oldest->second).event.payloadJson.size();
        m_orders.remove(oldest->second);
        m_orderAge.erase(oldest);
    }
}

QList<HubEvent> CapsHub::latestEvents(const QString &orderId, const QString &customer) const
{
    QList<const Remembered *> found;
    if (!orderId.isEmpty()) {
        const auto it = m_orders.constFind(orderId);
        if (it != m_orders.constEnd())
            found.append(&it.value());
    }
    if (!customer.isEmpty()) {
        for (const Remembered &r : m_orders) {
            if (r.event.customer == customer && r.event.orderId != orderId)
                found.append(&r);
        }
    }
    std::sort(found.begin(), found.end(), [](const Remembered *a, const Remembered *b) {
        return a->sequence < b->sequence;
    });
    QList<HubEvent> out;
    out.reserve(found.size());
    for (const Remembered *r : found)
        out.append(r->event);
    return out;
}

} // namespace caps
