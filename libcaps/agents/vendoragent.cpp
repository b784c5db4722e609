#include "agents/vendoragent.h"

#include "agents/connectionstatus.h"
#include "agents/queuehubprobe.h"
#include "client/client.h"
#include "core/logging.h"
#include "orders/orderfaker.h"

namespace caps {

VendorAgent::VendorAgent(Client *client, const QString &store, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_store(store)
    , m_queueProbe(new QueueHubProbe(client, this))
    , m_pickups(client, m_queueProbe)
{
    connect(&m_pickups, &ConfirmedEmitter::retrying, this,
            [this](const QString &, const QString &orderId, const QString &error) {
                m_log.logNote(tr("The hub refused order %1, trying again: %2").arg(orderId, error));
            });
    connect(&m_pickups, &ConfirmedEmitter::abandoned, this,
            [this](const QString &, const QString &orderId, const QString &error) {
                m_log.logNote(tr("The hub refused order %1, giving up: %2").arg(orderId, error));
            });
    connect(client, &Client::connected, this, &VendorAgent::onConnected);
    connect(client, &Client::disconnected, this,
            [this](const QString &reason) { m_log.logNote(tr("Disconnected (%1)").arg(reason)); });
    connect(client, &Client::eventReceived, this,
            [this](const QString &event, const QJsonArray &args, qint64) { onEvent(event, args); });
    connect(&m_orders, &OrderModel::statusChanged, this, &VendorAgent::onStatusChanged);
    client->joinRoom(store);
    m_log.logNote(tr("Joined store %1").arg(store));
}

QString VendorAgent::thankYouText(const QString &orderId)
{
    return tr("Thank you for delivering %1").arg(orderId);
}

Order VendorAgent::placeOrder(Order draft)
{
    draft.store = m_store;
    if (draft.orderId.isEmpty())
        draft.orderId = OrderFaker::newOrderId();
    const QJsonObject payload = draft.toJson();
    m_pickups.send(QStringLiteral("pickup"), draft.orderId, payload);
    m_log.logSent(QStringLiteral("pickup"), payload);
    m_orders.applyStep(Order::Status::Ordered, draft);
    Order placed = m_orders.order(draft.orderId);
    Q_EMIT orderPlaced(placed);
    return placed;
}

void VendorAgent::onConnected()
{
    m_log.logNote(ConnectionStatus::connectedNote(*m_client));
    // What the hub kept for this store while we were away; acknowledged in onEvent().
    m_queueProbe->ask(QJsonObject{{QStringLiteral("clientId"), m_store}});
    m_pickups.resendLost();
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
    // Handled (a copy too): the hub may drop it from our queue. Pickups are not queued for vendors.
    if (step != Order::Status::Ordered && m_client) {
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
    if (status == Order::Status::InTransit) {
        Q_EMIT orderInTransit(orderId);
    } else if (status == Order::Status::Delivered) {
        m_log.logNote(thankYouText(orderId));
        Q_EMIT orderDelivered(orderId);
    }
}

} // namespace caps
