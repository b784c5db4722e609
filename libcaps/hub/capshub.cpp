#include "hub/capshub.h"

#include "core/jstruthy.h"
#include "core/logging.h"
#include "hub/groupcommit.h"
#include "hub/jsinspect.h"
#include "hub/queuepruner.h"
#include "queue/messagequeue.h"
#include "security/securitylogging.h"
#include "server/clientconnection.h"
#include "server/namespace.h"
#include "server/serverevent.h"
#include "server/serversocket.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace caps {

namespace {

QString idText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return jsinspect::number(v.toDouble());
    return {};
}

// The writes of one event in the open batch, as one unit of the store (MessageStore::beginUnit()):
// taken back together when the event fails part-way, unless kept. Without it a claim of the
// order stayed in the batch after a later write of the same event failed (a deadlock between
// hubs on the queue's rows): the store had the order delivered, the driver was told to send
// again, and its retry was then a repeat that reached no vendor.
class EventWrites
{
public:
    explicit EventWrites(MessageStore &store)
        : m_store(store)
    { }
    ~EventWrites() { m_store.rollbackUnit(); } // nothing to do once kept (or the batch ended)
    EventWrites(const EventWrites &) = delete;
    EventWrites &operator=(const EventWrites &) = delete;

    [[nodiscard]] Result<bool> begin() { return m_store.beginUnit(); }
    [[nodiscard]] Result<bool> keep() { return m_store.commitUnit(); }
    void takeBack() { m_store.rollbackUnit(); }

private:
    MessageStore &m_store;
};

} // namespace

CapsHub::CapsHub(Namespace *nsp, QObject *parent)
    : CapsHub(nsp, Options{}, parent)
{ }

CapsHub::CapsHub(Namespace *nsp, const Options &options, QObject *parent)
    : QObject(parent)
    , m_nsp(nsp)
    , m_options(options)
    , m_audience(options.policy.isOpen() ? Audience::Mode::Open : Audience::Mode::Tokens, options.catalogue)
    , m_book({options.maxRememberedOrders, options.maxRememberedBytes}, options.catalogue)
    , m_commit(new GroupCommit(options.queue ? &options.queue->store() : nullptr, options.maxBatchEvents, this))
{
    m_options.policy.setCatalogue(options.catalogue);
    if (options.queue) {
        new QueuePruner(*options.queue, m_commit, this); // pending retention, docs/queue.md
        restoreOrders();
        discardStalePickups();
    }
    connect(nsp, &Namespace::connection, this, &CapsHub::onConnection);
    nsp->setEventHandler(this, [this](const ServerEvent &event) { onEvent(event); });
}

CapsHub::~CapsHub() = default;

void CapsHub::restoreOrders()
{
    m_options.queue->store().setOrderRecordLimit(std::max(1, m_options.maxRememberedOrders));
    const auto records = m_options.queue->store().loadOrders(std::max(1, m_options.maxRememberedOrders));
    if (!records) {
        // The queue still works; only what the hub knew of earlier orders is missing.
        qCWarning(lcHub).noquote() << "could not read the order book from the store:" << records.error();
        return;
    }
    for (const OrderRecord &record : *records) {
        restoreOrder(record);
        if (!m_options.serverId.isEmpty())
            learnTaker(record);
    }
    if (!records->isEmpty())
        qCInfo(lcHub) << "order book: restored" << records->size() << "orders from the store";
}

// The queue settles a taken or cancelled order's pickup out of every driver queue as it happens
// (MessageQueue::settle). What a store can still hold from before, a new driver would be
// greeted with as "waiting for pickup": pickups left by a hub that did not settle them (or kept
// no order book), and those of orders the bounded book has forgotten. Any pickup a hub queues
// is in the store's order book (the same batch), so a pickup of an order neither this hub's
// book nor the store (MessageStore::loadOrder) knows as waiting is one nobody is waiting on:
// it goes, once, when the hub starts.
void CapsHub::discardStalePickups()
{
    MessageStore &store = m_options.queue->store();
    QList<QueuedMessage> stale;
    for (const CapsEvent &event : m_options.catalogue->events()) {
        if (event.queue != QueueFor::Drivers)
            continue;
        QStringList queues{MessageQueue::kDriverQueue};
        if (const auto subscribed = store.subscribers(event.name))
            queues += *subscribed;
        for (const QString &queueId : std::as_const(queues)) {
            if (const auto count = store.count(queueId, event.name); !count || *count == 0)
                continue; // the usual case: nothing to read
            const auto pending = store.pending(queueId, event.name);
            if (!pending)
                continue;
            for (const QueuedMessage &message : *pending) {
                HubEvent queued;
                queued.event = message.event;
                queued.payload = message.payload;
                queued.readPayloadFields();
                const QString orderId = queued.orderId.isEmpty() ? message.messageId : queued.orderId;
                if (m_book.status(orderId) == event.to)
                    continue;
                // A store other hubs share may have it waiting all the same: another hub queued
                // it (with its order, in one transaction) after this one read its book, before
                // it read the queue. Read after the queue, the store's record has it; and a
                // store we cannot ask now keeps what it has.
                const auto known = store.loadOrder(orderId);
                if (!known)
                    continue;
                if (known->has_value() && (**known).status == event.to) {
                    restoreOrder(**known);
                    continue;
                }
                stale.append(message);
            }
        }
    }
    if (stale.isEmpty())
        return;
    // One transaction (one fsync) for them all.
    const bool batch = !store.inBatch() && store.beginBatch().ok();
    for (const QueuedMessage &message : std::as_const(stale))
        (void)store.discard(message.queueId, message.event, message.messageId);
    if (batch && !store.commitBatch().ok()) {
        qCWarning(lcQueue) << "queue: could not discard stale pickups; they stay";
        return;
    }
    qCInfo(lcQueue).noquote()
        << QStringLiteral("queue: discarded %1 pickups of orders no longer waiting for a driver").arg(stale.size());
}

qsizetype CapsHub::pendingEvents() const
{
    return m_commit->pending();
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
        if (isTruthy(v))
            return v.isString() ? v.toString() : QString();
    }
    return {};
}

void CapsHub::onConnection(ServerSocket *socket)
{
    qCDebug(lcHub) << "connected" << socket->id();
    // The connect guard of the namespace let this auth in; this finds who it is.
    const QJsonObject auth = socket->auth(); // parsed on each call: once here
    const auto principal = m_options.policy.authenticate(auth);
    const std::optional<Principal> who = principal ? *principal : std::nullopt;
    if (who) {
        m_principals.insert(socket, *who);
        connect(socket, &QObject::destroyed, this, [this, socket] { m_principals.remove(socket); });
    }
    // A recovered socket is in them already (its session kept its rooms): join() is a no-op.
    for (const QString &room : m_audience.roleRooms(who))
        socket->join(room);
    for (const QString &room : m_audience.noticeRooms(who, auth.value(QLatin1String("notices"))))
        socket->join(room);
    // A client whose session could not be taken back (its hub died and this one lacks events
    // it missed) is still the driver of what its earlier socket took: once that socket is known
    // to be gone, its orders are this connection's to finish, as on one hub. Without this a
    // claim it sends again, its answer lost with the dead hub, would be another driver's until
    // that hub is judged gone, and refused for good.
    // (With a token the driver is its token, on any connection.)
    if (const QString previous = socket->previousId(); !previous.isEmpty() && !who) {
        const QString taker = kSocketActorPrefix + previous;
        takerLeft(taker);
        if (m_options.announceTakerLeft)
            m_options.announceTakerLeft(taker);
    }
    // Its events come through the namespace's event handler (the constructor's).
}

std::optional<Principal> CapsHub::principalOf(const ServerSocket *socket) const
{
    const auto it = m_principals.constFind(socket);
    return it == m_principals.cend() ? std::nullopt : std::optional<Principal>(*it);
}

void CapsHub::onEvent(const ServerEvent &event)
{
    ServerSocket *socket = event.socket();
    if (!socket)
        return;
    const QString name = event.name();
    if (m_options.queue) {
        // The access policy knows only the Phase 2 events; queue requests are checked per queue.
        switch (m_options.queue->classifyHere(name)) {
        case MessageQueue::Request::Received:
            onReceived(event);
            return;
        case MessageQueue::Request::GetAll:
            onGetAll(event);
            return;
        case MessageQueue::Request::Queued:
        case MessageQueue::Request::Other:
            break;
        }
    }
    const Decision decision = m_options.policy.checkEvent(principalOf(socket), name, event.args());
    if (!decision) {
        refuse(event, decision.error);
        return;
    }
    if (const CapsEvent *caps = m_options.catalogue->find(name))
        onCapsEvent(event, *caps);
    else
        m_commit->inOrder([this, event] { onOtherEvent(event); });
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
        if (!room.isEmpty()) {
            socket->join(room);
            if (m_audience.mode() == Audience::Mode::Open)
                socket->join(Audience::vendorsRoom());
        }
    } else if (name == QLatin1String("track")) {
        onTrack(event, true);
    } else if (name == QLatin1String("untrack")) {
        onTrack(event, false);
    } else if (name == kOrdersRequest) {
        onOrders(event);
    }
}

void CapsHub::onOrders(const ServerEvent &event)
{
    if (!event.wantsAck())
        return;
    const QString store = event.arg(0).toObject().value(QLatin1String("store")).toString();
    if (store.isEmpty()) {
        event.ack({QJsonObject{{QStringLiteral("ok"), false},
                               {QStringLiteral("error"), QStringLiteral("orders needs a store")},
                               {QStringLiteral("retry"), false}}});
        return;
    }
    event.ackRaw(ordersAnswer(principalOf(event.socket()), m_book.latestEventsOfStore(store)));
}

QByteArray CapsHub::ordersAnswer(const std::optional<Principal> &principal, const QList<HubEvent> &known) const
{
    QByteArray reply = QByteArrayLiteral("[{\"ok\":true,\"orders\":[");
    bool first = true;
    for (const HubEvent &latest : known) {
        if (!m_audience.mayHear(principal, subjectOf(latest)))
            continue;
        if (!first)
            reply.append(',');
        first = false;
        reply.append(latest.toJsonObject(m_book.steps(latest.orderId)));
    }
    reply.append("]}]");
    return reply;
}

namespace {

// A step the order has made already (a client's retry): answered, not relayed.
void ackRepeat(const ServerEvent &event)
{
    if (event.wantsAck())
        event.ack({QJsonObject{
            {QStringLiteral("ok"), true}, {QStringLiteral("queued"), false}, {QStringLiteral("repeat"), true}}});
}

enum class Retry { Helps, Useless };

// { ok: false, error } as the ack when the sender asked for one, else an `error` event. A
// refusal that the same event would meet again says so with retry: false (clients that confirm
// their emits then stop sending it); a failure of the store may pass.
void replyError(const ServerEvent &event, const QString &error, Retry retry)
{
    ServerSocket *socket = event.socket();
    if (!socket)
        return;
    QJsonObject answer{{QStringLiteral("ok"), false}, {QStringLiteral("error"), error}};
    if (retry == Retry::Useless)
        answer.insert(QStringLiteral("retry"), false);
    if (event.wantsAck())
        event.ack({answer});
    else
        socket->emitEvent(
            QStringLiteral("error"),
            {QJsonObject{{QStringLiteral("event"), event.name().left(64)}, {QStringLiteral("message"), error}}});
}

} // namespace

void CapsHub::refuse(const ServerEvent &event, const QString &error)
{
    ServerSocket *socket = event.socket();
    if (!socket)
        return;
    qCInfo(lcSecurity).noquote() << "refused" << event.name().left(64) << "from" << describe(principalOf(socket))
                                 << socket->id() << ":" << error;
    replyError(event, error, Retry::Useless);
}

bool CapsHub::roomsLeft(ServerSocket *socket, qsizetype wanted) const
{
    return m_options.maxRoomsPerSocket <= 0 || socket->rooms().size() + wanted <= m_options.maxRoomsPerSocket;
}

HubEvent CapsHub::hubEventOf(const ServerEvent &event)
{
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
    return hubEvent;
}

QString CapsHub::actorOf(const ServerSocket *socket) const
{
    const std::optional<Principal> principal = principalOf(socket);
    return principal ? QLatin1String("token:") + principal->id : socketActor(socket);
}

void CapsHub::restoreOrder(const OrderRecord &record)
{
    HubEvent latest;
    latest.event = record.event;
    latest.time = record.time;
    latest.payloadJson = record.payloadJson;
    const QJsonDocument doc = QJsonDocument::fromJson('[' + record.payloadJson + ']');
    latest.payload = doc.isArray() ? doc.array().first() : QJsonValue();
    latest.readPayloadFields();
    if (latest.orderId.isEmpty())
        latest.orderId = record.orderId;
    m_book.restore(record.orderId, record.status, record.taker, latest, record.steps);
}

QString CapsHub::socketActor(const ServerSocket *socket)
{
    return kSocketActorPrefix + socket->id();
}

bool CapsHub::isSocketActor(const QString &actor)
{
    return actor.startsWith(kSocketActorPrefix);
}

bool CapsHub::connectedHere(const QString &actor) const
{
    return isSocketActor(actor) && m_nsp->socket(actor.sliced(kSocketActorPrefix.size()));
}

void CapsHub::learnTaker(const OrderRecord &record)
{
    const QString &taker = record.taker;
    if (!isSocketActor(taker) || connectedHere(taker) || m_leftTakers.contains(taker))
        return;
    if (!record.takerServer.isEmpty() && record.takerServer == m_options.serverId)
        return; // one of ours that disconnected
    // Bounded as the book is; past that, an old remote taker may be judged gone again.
    if (m_remoteTakers.size() >= 10000)
        m_remoteTakers.clear();
    m_remoteTakers.insert(taker, record.takerServer);
}

bool CapsHub::takerGone(const QString &taker) const
{
    if (!isSocketActor(taker) || connectedHere(taker))
        return false;
    if (m_leftTakers.contains(taker))
        return true;
    const auto remote = m_remoteTakers.constFind(taker);
    if (remote == m_remoteTakers.constEnd())
        return true;
    // A store that does not say where the taker is: another hub's, never judged gone.
    return !remote->isEmpty() && m_options.serverAlive && !m_options.serverAlive(*remote);
}

void CapsHub::notYet(const ServerEvent &event, const HubEvent &hubEvent)
{
    // The driver who took it was connected through another hub, which may have died a moment
    // ago: until the heartbeats tell (PostgresBus::Heartbeat::timeout), nobody can tell that
    // driver, come back through this hub as a new connection, from another one. Worth sending
    // again: once that hub is judged gone the step is accepted from here.
    const QString serverId = m_remoteTakers.value(m_book.taker(hubEvent.orderId));
    const QString error = QStringLiteral("%1: order %2 was taken by another driver, connected through hub %3; if "
                                         "that was you, send it again: once that hub is known to be gone, this "
                                         "hub accepts it")
                              .arg(hubEvent.event, hubEvent.orderId, serverId);
    // Debug, not info: a driver sends it again every few hundred ms until that hub is judged
    // gone, and after a hub with many drivers dies that is thousands of lines saying one thing
    // (the hub's going is logged by the bus, once).
    qCDebug(lcHub).noquote() << "not yet:" << error;
    replyError(event, error, Retry::Helps);
}

bool CapsHub::takenThroughUnsureHub(const CapsEvent &caps, const QString &orderId, const QString &actor,
                                    const ServerSocket *sender) const
{
    if (m_options.serverId.isEmpty())
        return false;
    const QString taker = m_book.taker(orderId);
    const std::optional<OrderStatus> status = m_book.status(orderId);
    if (taker.isEmpty() || taker == actor || !status)
        return false;
    const auto remote = m_remoteTakers.constFind(taker);
    if (remote == m_remoteTakers.cend() || remote->isEmpty() || takerGone(taker))
        return false;
    // A step the taker could make now (a delivered after in-transit).
    if (caps.allowedFrom(*status))
        return true;
    // The step the order is at (an in-transit of an order in transit) is a second driver's
    // claim, refused for good as on one hub; unless it may be the taker's own, sent again after
    // its answer died with its hub, from a client that cannot prove who it was (no recovery:
    // the lab's). That is a connection made since the order was taken (a second driver heard
    // the pickup before: its connection is older) and since that hub was last heard from. A
    // second driver who connected after the order was taken and within a heartbeat (5 s) gets
    // "send it again" until that hub speaks. The taking hub's clock dates the take: one ahead
    // of ours makes the rule stricter, not looser.
    // The connection's age is its Engine.IO session's: a socket joined later only looks older,
    // which again makes the rule stricter.
    const ClientConnection *connection = sender ? sender->client() : nullptr;
    if (caps.to != *status || !connection || !m_options.serverQuietMs)
        return false;
    const QList<HubEvent> latest = m_book.latestEvents(orderId, {});
    if (latest.isEmpty() || !latest.first().time.isValid())
        return false;
    const qint64 connectedMs = connection->connectedMs();
    return latest.first().time.msecsTo(QDateTime::currentDateTimeUtc()) > connectedMs
        && m_options.serverQuietMs(*remote) > connectedMs;
}

QString CapsHub::takerServerOf(const QString &taker, const QString &actor) const
{
    if (m_options.serverId.isEmpty() || taker.isEmpty())
        return {};
    if (taker == actor || connectedHere(taker))
        return m_options.serverId;
    return m_remoteTakers.value(taker);
}

void CapsHub::watchTaker(ServerSocket *socket)
{
    // Only sockets that took an order pay for this: one connection, made once.
    if (!socket || m_localTakers.contains(socket))
        return;
    m_localTakers.insert(socket);
    connect(socket, &ServerSocket::disconnected, this, [this, socket] {
        m_localTakers.remove(socket);
        m_options.announceTakerLeft(socketActor(socket));
    });
}

void CapsHub::takerLeft(const QString &taker)
{
    if (!isSocketActor(taker))
        return;
    // Bounded as m_remoteTakers is; socket ids are never reused, so forgetting one only makes
    // its orders wait for its hub's heartbeat again.
    if (m_leftTakers.size() >= 10000)
        m_leftTakers.clear();
    m_leftTakers.insert(taker);
    m_remoteTakers.remove(taker);
}

void CapsHub::forgetServer(const QString &serverId)
{
    const qsizetype before = m_remoteTakers.size();
    m_remoteTakers.removeIf([&serverId](const auto &entry) { return entry.value() == serverId; });
    if (const qsizetype forgotten = before - m_remoteTakers.size(); forgotten > 0)
        qCInfo(lcHub).noquote() << "forgot" << forgotten << "drivers of server" << serverId
                                << "(gone); their orders may be finished through this hub";
}

void CapsHub::onCapsEvent(const ServerEvent &event, const CapsEvent &caps)
{
    if (!m_nsp)
        return;
    const HubEvent hubEvent = hubEventOf(event);
    // The lifecycle is decided as the event arrives, in arrival order, so that of two drivers
    // in one pass only the first takes the order; undone if its batch fails to commit.
    const QString actor = actorOf(event.socket());
    // A taker that another hub's claim named is that hub's socket, not a gone one of ours,
    // until that hub is gone.
    const auto gone = [this](const QString &taker) { return takerGone(taker); };
    // The order as the store has it now, into the book; false when the event was answered.
    const auto learn = [this, &event, &hubEvent] {
        const auto known = m_options.queue->store().loadOrder(hubEvent.orderId);
        if (!known) {
            queueError(event, known.error());
            return false;
        }
        if (known->has_value()) {
            restoreOrder(**known);
            learnTaker(**known);
        }
        return true;
    };
    const bool mayBeStale = caps.changesStatus() && m_options.queue && !hubEvent.orderId.isEmpty();
    // An order this hub has not seen may be another's, on a store they share: learn it first.
    const bool unseen = mayBeStale && !m_book.status(hubEvent.orderId);
    if (unseen && !learn())
        return;
    OrderBook::Check check = m_book.check(caps, hubEvent.orderId, actor, gone);
    // In a cluster the book may be behind the store (another hub moved the order on: a driver
    // there took it): what it refuses or calls a repeat is decided again on the store's record.
    if (check.verdict != OrderBook::Verdict::Apply && mayBeStale && !unseen && !m_options.serverId.isEmpty()) {
        if (!learn())
            return;
        check = m_book.check(caps, hubEvent.orderId, actor, gone);
    }
    if (check.verdict == OrderBook::Verdict::Refuse
        && takenThroughUnsureHub(caps, hubEvent.orderId, actor, event.socket())) {
        notYet(event, hubEvent);
        return;
    }
    if (check.verdict == OrderBook::Verdict::Refuse) {
        refuse(event, check.reason);
        return;
    }
    if (check.verdict == OrderBook::Verdict::Repeat) {
        m_commit->inOrder([event] { ackRepeat(event); });
        return;
    }
    const QString previousTaker = m_book.taker(hubEvent.orderId);
    const OrderBook::Undo undo = m_book.apply(caps, hubEvent.orderId, actor);
    if (m_options.announceTakerLeft && caps.to == OrderStatus::InTransit && isSocketActor(actor))
        watchTaker(event.socket());
    const auto failed = [this, event, undo](const QString &error) {
        m_book.undo(undo);
        queueError(event, error);
    };
    // Accepted without a queue message: the sender is told so (it need not send it again).
    const auto live = [this, event, &caps, hubEvent] {
        if (event.wantsAck())
            event.ack({QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("queued"), false}}});
        accept(event, caps, hubEvent, true);
    };
    if (!m_options.queue || (caps.queue == QueueFor::Nobody && !caps.changesStatus())) {
        m_commit->inOrder(live);
        return;
    }
    if (const auto opened = m_commit->open(); !opened) {
        failed(opened.error());
        return;
    }
    EventWrites writes(m_options.queue->store());
    if (const auto begun = writes.begin(); !begun) {
        failed(begun.error());
        return;
    }
    // A write that failed on a conflict with another hub's batch (a deadlock PostgreSQL broke by
    // failing ours): the unit goes, this hub's batch is committed, which lets go of what the
    // other one waits for, and the event is written again, once, in a new batch. A client that
    // emits without an ack (the lab's) could not send it again itself.
    const auto writeAgain = [this, &writes](int attempt) {
        if (attempt > 0 || !m_options.queue->store().lastFailureWasConflict())
            return false;
        writes.takeBack();
        if (!m_commit->commitNow())
            return false;
        auto reopened = m_commit->open();
        if (reopened)
            reopened = writes.begin();
        return reopened.ok();
    };
    for (int attempt = 0;; ++attempt) {
        // The order book is durable with the queue, in the same batch: a restarted hub knows every
        // order's step and who took it, and answers `track` and `orders` with them. With hubs
        // sharing the store, the store has the last word (claimOrder()): another hub's driver may
        // have taken the order first. Claimed before anything else is written, so that a lost claim
        // leaves nothing in the batch.
        bool savedOrder = false;
        if (caps.changesStatus() && !hubEvent.orderId.isEmpty()) {
            const QString taker = m_book.taker(hubEvent.orderId);
            // The book notes this step's time once the event is stored (remember()); the record
            // has it now.
            StepTimes steps = m_book.stepTimes(hubEvent.orderId);
            steps.note(caps.to, hubEvent.time.toMSecsSinceEpoch());
            const OrderRecord record{hubEvent.orderId,
                                     m_book.status(hubEvent.orderId).value_or(OrderStatus::Unknown),
                                     taker,
                                     hubEvent.event,
                                     hubEvent.time,
                                     hubEvent.payloadJson,
                                     0,
                                     takerServerOf(taker, actor),
                                     steps};
            auto claim = m_options.queue->store().claimOrder(record, caps.from, previousTaker);
            // Another hub's batch holds the order: commit ours (its claims go to the other hubs)
            // before waiting, so that two hubs never wait for each other.
            if (claim && claim->wouldWait && m_commit->commitNow()) {
                // The commit ended the unit too (it held nothing yet): a new one in the new batch.
                auto reopened = m_commit->open();
                if (reopened)
                    reopened = writes.begin();
                if (!reopened) {
                    failed(reopened.error());
                    return;
                }
                claim = m_options.queue->store().claimOrder(record, caps.from, previousTaker);
            }
            if (claim && claim->wouldWait) {
                failed(QStringLiteral("%1: order %2 is busy on another hub; send it again")
                           .arg(hubEvent.event, hubEvent.orderId));
                return;
            }
            if (!claim) {
                if (writeAgain(attempt))
                    continue;
                failed(claim.error());
                return;
            }
            if (!claim->saved) {
                // As if this hub had known: its book takes the store's record, and decides again.
                m_book.undo(undo);
                restoreOrder(claim->current);
                learnTaker(claim->current);
                const OrderBook::Check again = m_book.check(caps, hubEvent.orderId, actor, gone);
                if (again.verdict == OrderBook::Verdict::Repeat) {
                    m_commit->inOrder([event] { ackRepeat(event); });
                } else if (takenThroughUnsureHub(caps, hubEvent.orderId, actor, event.socket())) {
                    notYet(event, hubEvent);
                } else {
                    refuse(event,
                           again.verdict == OrderBook::Verdict::Refuse
                               ? again.reason
                               : QStringLiteral("%1: order %2 was taken by another driver")
                                     .arg(hubEvent.event, hubEvent.orderId));
                }
                return;
            }
            savedOrder = true;
        }
        // The queue follows the lifecycle: a taken order leaves the drivers' queues, a delivered one
        // leaves no in-transit behind, a cancelled one no pickup. Part of the same batch: undone
        // with it if the commit fails.
        const auto settled = m_options.queue->settle(hubEvent.event, hubEvent.payload);
        if (!settled) {
            if (writeAgain(attempt))
                continue;
            failed(settled.error());
            return;
        }
        if (caps.queue == QueueFor::Nobody || (caps.queue == QueueFor::Store && hubEvent.store.isEmpty())) {
            // No queue keeps it (a cancel), or no vendor queue to keep it for (docs/queue.md): live
            // only, and the sender is told. What it settled or saved is part of the batch and fails
            // with it; if nothing, it stored nothing and goes out regardless, in its turn.
            if (const auto kept = writes.keep(); !kept) {
                failed(kept.error());
                return;
            }
            if (*settled > 0 || savedOrder)
                m_commit->defer({live, failed});
            else
                m_commit->inOrder(live);
            return;
        }
        const auto stored = m_options.queue->enqueue(hubEvent.event, hubEvent.payload);
        if (!stored) {
            if (writeAgain(attempt))
                continue;
            // Nothing of this event stays (`writes` takes back its claim and what it settled); the
            // rest of the batch stands (or fails at its commit).
            failed(stored.error());
            return;
        }
        if (const auto kept = writes.keep(); !kept) {
            failed(kept.error());
            return;
        }
        // A message every queue has acknowledged was delivered: sending it again would undo `received`.
        const bool relayIt
            = std::any_of(stored->queues.cbegin(), stored->queues.cend(), [](const MessageQueue::QueueOutcome &q) {
                  return q.outcome != EnqueueOutcome::AlreadyAcknowledged;
              });
        qCDebug(lcQueue) << "queued" << hubEvent.event << stored->messageId << "new:" << stored->isNew()
                         << "relay:" << relayIt;
        m_commit->defer(
            {[this, event, &caps, hubEvent, relayIt, isNew = stored->isNew(), messageId = stored->messageId] {
                 if (event.wantsAck())
                     event.ack({QJsonObject{{QStringLiteral("ok"), true},
                                            {QStringLiteral("queued"), isNew},
                                            {QStringLiteral("messageId"), messageId}}});
                 accept(event, caps, hubEvent, relayIt);
             },
             failed});
        return;
    }
}

void CapsHub::accept(const ServerEvent &event, const CapsEvent &caps, const HubEvent &hubEvent, bool relayIt)
{
    emit eventReceived(hubEvent);
    m_book.remember(hubEvent);
    if (!relayIt)
        return;
    relay(event, hubEvent);
    if (caps.changesStatus() && caps.senders.testFlag(Sender::Driver) && caps.from.contains(OrderStatus::Ordered))
        announceTaken(event, hubEvent);
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

void CapsHub::announceTaken(const ServerEvent &event, const HubEvent &hubEvent)
{
    const HubEvent taken{EventCatalogue::kTaken, hubEvent.time,    {}, {}, hubEvent.store,
                         hubEvent.orderId,       hubEvent.customer};
    const QList<Audience::Clause> clauses = m_audience.clauses(subjectOf(taken));
    if (clauses.isEmpty() || !m_nsp)
        return;
    // Nor vendors: the order's store heard the in-transit itself, and the others (in open mode,
    // every socket that joined a store's room) have nothing to drop.
    QList<Namespace::Target> targets;
    for (const Audience::Clause &clause : clauses)
        targets.append({clause.rooms,
                        clause.exceptRooms + QStringList{hubEvent.store, Audience::vendorsRoom()},
                        {event.socket()}});
    // Store and order only: the other drivers need no customer's name or address to drop it.
    m_nsp->broadcast(targets,
                     sio::Packet::event(m_nsp->name(), EventCatalogue::kTaken,
                                        {QJsonObject{{QStringLiteral("store"), hubEvent.store},
                                                     {QStringLiteral("orderID"), hubEvent.orderId}}}));
}

Audience::Subject CapsHub::subjectOf(const HubEvent &event)
{
    return {event.event, event.store, event.orderId, event.customer};
}

bool CapsHub::mayUseQueue(const ServerEvent &event, const QString &request, const QString &queueId,
                          const QString &queuedEvent)
{
    if (const Decision may = m_options.policy.mayUseQueue(principalOf(event.socket()), queueId, queuedEvent); !may) {
        refuse(event, QStringLiteral("%1: %2").arg(request, may.error));
        return false;
    }
    if (const auto opened = m_commit->open(); !opened) {
        queueError(event, opened.error());
        return false;
    }
    return true;
}

void CapsHub::onReceived(const ServerEvent &event)
{
    const auto parsed = MessageQueue::parseReceived(event.arg(0));
    if (!parsed) {
        queueError(event, parsed.error());
        return;
    }
    if (!mayUseQueue(event, QStringLiteral("received"), parsed->queueId, parsed->event))
        return;
    const auto acked = m_options.queue->received(event.arg(0));
    if (!acked) {
        queueError(event, acked.error());
        return;
    }
    qCDebug(lcQueue) << "received" << acked->queueId << acked->event << acked->messageId
                     << "removed:" << acked->removed;
    // `removed: true` promises that the message will not come back: only once that is durable.
    m_commit->defer(
        {[event, removed = acked->removed] {
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
    if (!mayUseQueue(event, QStringLiteral("getAll"), parsed->queueId, parsed->event))
        return;
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
        const std::optional<Principal> principal = principalOf(event.socket());
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
    m_commit->defer(
        {[event, messages = std::move(messages)] {
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

void CapsHub::queueError(const ServerEvent &event, const QString &error)
{
    if (const ServerSocket *socket = event.socket())
        qCWarning(lcQueue).noquote() << "queue:" << event.name().left(64) << "from" << socket->id() << ":" << error;
    replyError(event, error, Retry::Helps);
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
    const std::optional<Principal> principal = principalOf(socket);
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
    if (event.wantsAck())
        event.ackRaw(ordersAnswer(principal, latestEvents(orderId, customer)));
}

} // namespace caps
