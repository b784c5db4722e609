#include "agents/vendoragent.h"

#include "agents/connectionstatus.h"
#include "agents/queuehubprobe.h"
#include "catalogue/eventcatalogue.h"
#include "client/client.h"
#include "core/logging.h"
#include "orders/orderfaker.h"
#include "security/securitylimits.h"

namespace caps {

namespace {

bool hasControlCharacter(QStringView s)
{
    // What the hub's validation refuses (libcaps/security/validation.cpp): the same set.
    for (QChar c : s) {
        const char16_t u = c.unicode();
        if (u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xa0) || u == 0x2028 || u == 0x2029)
            return true;
    }
    return false;
}

} // namespace

VendorAgent::VendorAgent(Client *client, const QString &store, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_store(store)
    , m_queueProbe(new QueueHubProbe(client, this))
    , m_pickups(client, m_queueProbe)
    , m_outbox(store)
{
    connect(&m_pickups, &ConfirmedEmitter::retrying, this,
            [this](const QString &, const QString &orderId, const QString &error) {
                m_log.logNote(tr("The hub refused order %1 for now, trying again: %2").arg(orderId, error));
            });
    connect(&m_pickups, &ConfirmedEmitter::abandoned, this, &VendorAgent::onAbandoned);
    connect(&m_pickups, &ConfirmedEmitter::confirmed, this, &VendorAgent::onConfirmed);
    connect(client, &Client::connected, this, &VendorAgent::onConnected);
    connect(client, &Client::disconnected, this,
            [this](const QString &reason) { m_log.logNote(tr("Disconnected (%1)").arg(reason)); });
    connect(client, &Client::eventReceived, this,
            [this](const QString &event, const QJsonArray &args, qint64) { onEvent(event, args); });
    connect(&m_orders, &OrderModel::statusChanged, this, &VendorAgent::onStatusChanged);
    client->joinRoom(store);
    loadOutbox();
}

QString VendorAgent::thankYouText(const QString &orderId)
{
    return tr("Thank you for delivering %1").arg(orderId);
}

QString VendorAgent::problemWith(const Order &order)
{
    return problemWith(order, SecurityLimits{});
}

QString VendorAgent::problemWith(const Order &order, const SecurityLimits &limits)
{
    const struct
    {
        QString what;
        const QString *value;
        int max;
    } fields[] = {
        {tr("The store name"), &order.store, limits.maxStoreLength},
        {tr("The order ID"), &order.orderId, limits.maxOrderIdLength},
        {tr("The customer's name"), &order.customer, limits.maxCustomerLength},
        {tr("The address"), &order.address, limits.maxAddressLength},
    };
    for (const auto &field : fields) {
        if (field.value->size() > field.max)
            return tr("%1 has %2 characters; the hub takes at most %n.", nullptr, field.max)
                .arg(field.what)
                .arg(field.value->size());
        if (hasControlCharacter(*field.value))
            return tr("%1 contains a line break or another control character, which the hub refuses.").arg(field.what);
    }
    return {};
}

int VendorAgent::unsentCount() const
{
    return int(std::count_if(m_orders.orders().cbegin(), m_orders.orders().cend(),
                             [](const Order &o) { return o.unsent || o.isRefused(); }));
}

Order VendorAgent::placeOrder(Order draft)
{
    draft.store = m_store;
    if (draft.orderId.isEmpty())
        draft.orderId = OrderFaker::newOrderId();
    if (!draft.orderedAt.isValid())
        draft.orderedAt = QDateTime::currentDateTimeUtc();
    m_orders.applyStep(Order::Status::Ordered, draft, draft.orderedAt);
    if (const QString problem = problemWith(draft); !problem.isEmpty()) {
        m_orders.setSending(draft.orderId, false, problem);
        m_log.logNote(tr("Order %1 not sent: %2").arg(draft.orderId, problem));
        saveOutbox();
        Q_EMIT orderRefused(draft.orderId, problem);
    } else {
        m_orders.setSending(draft.orderId, true, QString());
        saveOutbox();
        sendPickup(m_orders.order(draft.orderId));
    }
    Order placed = m_orders.order(draft.orderId);
    Q_EMIT orderPlaced(placed);
    return placed;
}

Order VendorAgent::resend(const Order &edited)
{
    Order before = m_orders.order(edited.orderId);
    if (before.orderId.isEmpty() || !before.isRefused())
        return before;
    Order order = before;
    order.customer = edited.customer;
    order.address = edited.address;
    m_orders.replaceDetails(order);
    if (const QString problem = problemWith(order); !problem.isEmpty()) {
        m_orders.setSending(order.orderId, false, problem);
        saveOutbox();
        Q_EMIT orderRefused(order.orderId, problem);
        return m_orders.order(order.orderId);
    }
    m_orders.setSending(order.orderId, true, QString());
    saveOutbox();
    m_log.logNote(tr("Order %1 edited, sending it again").arg(order.orderId));
    sendPickup(m_orders.order(order.orderId));
    return m_orders.order(order.orderId);
}

bool VendorAgent::dropOrder(const QString &orderId)
{
    const Order order = m_orders.order(orderId);
    if (order.orderId.isEmpty() || !(order.unsent || order.isRefused()))
        return false;
    const bool mayReachHub = order.unsent && m_pickups.isUnconfirmed(EventCatalogue::kPickup, orderId);
    m_pickups.forget(EventCatalogue::kPickup, orderId);
    m_orders.removeOrder(orderId);
    saveOutbox();
    m_log.logNote(tr("Order %1 dropped").arg(orderId));
    // The client may have it buffered, or sent without an answer yet: should the hub get it
    // after all, the cancel that follows it withdraws it.
    if (mayReachHub && m_client)
        m_client->emitEvent(EventCatalogue::kCancel, {order.toJson()});
    return true;
}

bool VendorAgent::canCancel(const QString &orderId) const
{
    const Order order = m_orders.order(orderId);
    return !order.orderId.isEmpty() && order.status == Order::Status::Ordered && !order.unsent && !order.isRefused()
        && !m_pickups.isUnconfirmed(EventCatalogue::kCancel, orderId);
}

bool VendorAgent::cancelOrder(const QString &orderId)
{
    if (!canCancel(orderId))
        return false;
    const QJsonObject payload = m_orders.order(orderId).toJson();
    m_pickups.send(EventCatalogue::kCancel, orderId, payload);
    m_log.logSent(EventCatalogue::kCancel, payload);
    return true;
}

void VendorAgent::sendPickup(const Order &order)
{
    const QJsonObject payload = order.toJson();
    m_pickups.send(EventCatalogue::kPickup, order.orderId, payload);
    // What goes now is logged as sent; what waits for the hub is logged when it goes.
    if (m_client && m_client->isConnected())
        m_log.logSent(EventCatalogue::kPickup, payload);
    else
        m_log.logNote(tr("Order %1 queued: it goes to the hub once connected").arg(order.orderId));
}

void VendorAgent::onConfirmed(const QString &event, const QString &orderId)
{
    if (event == EventCatalogue::kPickup) {
        m_orders.setSending(orderId, false, QString());
        saveOutbox();
    } else if (event == EventCatalogue::kCancel) {
        m_orders.applyStep(Order::Status::Cancelled, m_orders.order(orderId));
    }
}

void VendorAgent::onAbandoned(const QString &event, const QString &orderId, const QString &error)
{
    if (event == EventCatalogue::kCancel) {
        m_log.logNote(tr("The hub would not cancel order %1: %2").arg(orderId, error));
        Q_EMIT cancelRefused(orderId, error);
        return;
    }
    if (!m_orders.contains(orderId))
        return;
    m_log.logNote(tr("The hub refused order %1: %2").arg(orderId, error));
    m_orders.setSending(orderId, false, error.isEmpty() ? tr("refused by the hub") : error);
    saveOutbox();
    Q_EMIT orderRefused(orderId, m_orders.order(orderId).refusal);
}

void VendorAgent::loadOutbox()
{
    const Result<QList<Order>> kept = m_outbox.load();
    if (!kept) {
        m_log.logNote(tr("Could not read the unsent orders: %1").arg(kept.error()));
        return;
    }
    for (const Order &order : *kept) {
        m_orders.applyStep(Order::Status::Ordered, order, order.orderedAt);
        m_orders.setSending(order.orderId, order.unsent, order.refusal);
        if (order.unsent)
            m_pickups.send(EventCatalogue::kPickup, order.orderId, m_orders.order(order.orderId).toJson());
    }
    if (!kept->isEmpty())
        m_log.logNote(tr("%n unsent order(s) kept from the last run", nullptr, int(kept->size())));
}

void VendorAgent::saveOutbox()
{
    QList<Order> kept;
    for (const Order &order : m_orders.orders()) {
        if (order.unsent || order.isRefused())
            kept.append(order);
    }
    if (const Result<bool> saved = m_outbox.save(kept); !saved)
        m_log.logNote(tr("Could not keep the unsent orders on disk: %1").arg(saved.error()));
}

void VendorAgent::onConnected()
{
    m_log.logNote(ConnectionStatus::connectedNote(*m_client));
    m_log.logNote(tr("Joined store %1").arg(m_store));
    // What the hub kept for this store while we were away; acknowledged in onEvent().
    m_queueProbe->ask(QJsonObject{{QStringLiteral("clientId"), m_store}});
    requestHistory();
    // The client sends its buffer first: the orders placed while away go now.
    for (const Order &order : m_orders.orders()) {
        if (order.unsent && m_pickups.isUnconfirmed(EventCatalogue::kPickup, order.orderId))
            m_log.logSent(EventCatalogue::kPickup, order.toJson());
    }
    m_pickups.resendLost();
}

void VendorAgent::requestHistory()
{
    const QPointer<VendorAgent> self(this);
    m_client->emitWithAck(
        QStringLiteral("orders"), {QJsonObject{{QStringLiteral("store"), m_store}}},
        [self](const QJsonArray &args) {
            if (!self)
                return;
            const QJsonObject answer = args.isEmpty() ? QJsonObject() : args.first().toObject();
            if (!answer.value(QLatin1String("ok")).toBool())
                return; // a hub without history (the lab's): what we see from now on is all
            const QJsonArray records = answer.value(QLatin1String("orders")).toArray();
            int applied = 0;
            // History, not news: no thanks, no notifications for what happened before.
            self->m_replaying = true;
            for (const QJsonValue value : records) {
                const Result<OrderHistory> history = OrderHistory::fromJson(value);
                if (!history || history->order.store != self->m_store)
                    continue;
                self->m_orders.applyHistory(*history);
                ++applied;
            }
            self->m_replaying = false;
            if (applied > 0)
                self->m_log.logNote(
                    tr("%n order(s) of store %1 loaded from the hub", nullptr, applied).arg(self->m_store));
            Q_EMIT self->historyLoaded(applied);
        },
        10000, [] { /* a hub that does not know `orders`: no history, nothing else changes */ });
}

void VendorAgent::onEvent(const QString &event, const QJsonArray &args)
{
    const Order::Status step = Order::statusForEvent(event);
    if (step == Order::Status::Unknown)
        return;
    const QJsonValue payload = args.isEmpty() ? QJsonValue() : args.first();
    const Result<Order> order = Order::fromJson(payload);
    // `pickup` goes to every vendor; only our store's orders are ours.
    if (!order || order->store != m_store)
        return;
    m_log.logReceived(event, payload);
    const auto outcome = m_orders.applyStep(step, *order);
    if (outcome == OrderModel::Outcome::Duplicate || outcome == OrderModel::Outcome::Regression)
        qCDebug(lcGui) << "vendor ignored" << event << order->orderId << outcome;
    // Handled (a copy too): the hub may drop it from our queue, if it keeps it there.
    const CapsEvent *caps = EventCatalogue::standard().find(event);
    if (caps && caps->queue == QueueFor::Store && m_client) {
        const QJsonObject o = payload.toObject();
        QJsonValue messageId = o.value(QLatin1String("messageId"));
        if (messageId.isUndefined())
            messageId = o.value(QLatin1String("messageID"));
        if (!messageId.isString() && !messageId.isDouble())
            messageId = order->orderId;
        m_client->emitEvent(QStringLiteral("received"),
                            {QJsonObject{{QStringLiteral("clientId"), m_store},
                                         {QStringLiteral("event"), event},
                                         {QStringLiteral("messageId"), messageId}}});
    }
}

void VendorAgent::onStatusChanged(const QString &orderId, Order::Status status)
{
    if (m_replaying)
        return;
    if (status == Order::Status::InTransit) {
        Q_EMIT orderInTransit(orderId);
    } else if (status == Order::Status::Delivered) {
        m_log.logNote(thankYouText(orderId));
        Q_EMIT orderDelivered(orderId);
    } else if (status == Order::Status::Cancelled) {
        m_log.logNote(tr("Order %1 cancelled").arg(orderId));
        Q_EMIT orderCancelled(orderId);
    }
}

} // namespace caps
