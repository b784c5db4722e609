#include "agents/vendoragent.h"

#include "agents/connectionstatus.h"
#include "agents/queuehubprobe.h"
#include "client/client.h"
#include "core/logging.h"
#include "orders/orderfaker.h"

#include <QTimer>

#include <algorithm>

namespace caps {

VendorAgent::VendorAgent(Client *client, const QString &store, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_store(store)
    , m_queueProbe(new QueueHubProbe(client, this))
{
    connect(m_queueProbe, &QueueHubProbe::noQueue, this, &VendorAgent::forgetUnconfirmedFromEarlierConnections);
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
    sendPickup(draft.orderId, payload);
    m_log.logSent(QStringLiteral("pickup"), payload);
    m_orders.applyStep(Order::Status::Ordered, draft);
    Order placed = m_orders.order(draft.orderId);
    Q_EMIT orderPlaced(placed);
    return placed;
}

void VendorAgent::onConnected()
{
    ++m_connection;
    m_log.logNote(ConnectionStatus::connectedNote(*m_client));
    // What the hub kept for this store while we were away; acknowledged in onEvent().
    m_queueProbe->ask(QJsonObject{{QStringLiteral("clientId"), m_store}});
    // Sent on a connection that is gone without a confirmation: the hub may never have read them.
    // A hub without a queue (the lab's Phase 2 hub) confirms nothing: sending everything again
    // after each reconnection would only repeat old orders.
    if (m_queueProbe->answer() == QueueHubProbe::Answer::NoQueue)
        forgetUnconfirmedFromEarlierConnections();
    const QList<Unconfirmed> lost = m_unconfirmed;
    for (const Unconfirmed &u : lost) {
        if (u.connection < m_connection)
            sendPickup(u.orderId, u.payload);
    }
}

void VendorAgent::sendPickup(const QString &orderId, const QJsonObject &payload)
{
    if (!m_client)
        return;
    // While offline the client buffers the emit and sends it on the next connection.
    const quint64 connection = m_client->isConnected() ? m_connection : m_connection + 1;
    const auto it = std::find_if(m_unconfirmed.begin(), m_unconfirmed.end(),
                                 [&orderId](const Unconfirmed &u) { return u.orderId == orderId; });
    if (it != m_unconfirmed.end())
        it->connection = connection;
    else
        m_unconfirmed.append({orderId, payload, connection});
    const QPointer<VendorAgent> self(this);
    m_client->emitWithAck(QStringLiteral("pickup"), {payload}, [self, orderId](const QJsonArray &reply) {
        if (!self)
            return;
        const QJsonObject answer = reply.isEmpty() ? QJsonObject() : reply.first().toObject();
        const auto it = std::find_if(self->m_unconfirmed.begin(), self->m_unconfirmed.end(),
                                     [&orderId](const Unconfirmed &u) { return u.orderId == orderId; });
        if (it == self->m_unconfirmed.end())
            return;
        if (answer.value(QLatin1String("ok")).toBool(true)) {
            self->m_unconfirmed.erase(it);
            return;
        }
        // Not stored (the rate limit, a full disk): the order would be lost if we stopped here.
        const QString error = answer.value(QLatin1String("error")).toString();
        if (++it->refusals > kMaxRefusals) {
            self->m_log.logNote(tr("The hub refused order %1, giving up: %2").arg(orderId, error));
            self->m_unconfirmed.erase(it);
            return;
        }
        if (it->refusals == 1)
            self->m_log.logNote(tr("The hub refused order %1, trying again: %2").arg(orderId, error));
        const QJsonObject payload = it->payload;
        QTimer::singleShot(qMin(5000, 100 << qMin(it->refusals, 6)), self, [self, orderId, payload] {
            if (self && std::any_of(self->m_unconfirmed.cbegin(), self->m_unconfirmed.cend(),
                                    [&orderId](const Unconfirmed &u) { return u.orderId == orderId; }))
                self->sendPickup(orderId, payload);
        });
    });
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
        m_client->emitEvent(QStringLiteral("received"), {QJsonObject{{QStringLiteral("clientId"), m_store},
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

void VendorAgent::forgetUnconfirmedFromEarlierConnections()
{
    m_unconfirmed.removeIf([this](const Unconfirmed &u) { return u.connection < m_connection; });
}

} // namespace caps
