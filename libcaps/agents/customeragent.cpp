#include "agents/customeragent.h"

#include "agents/connectionstatus.h"
#include "client/client.h"

namespace caps {

namespace {
QString describe(const QJsonObject &what)
{
    const QString id = what.value(QLatin1StringView("orderID")).toString();
    return id.isEmpty() ? what.value(QLatin1StringView("customer")).toString() : id;
}
} // namespace

CustomerAgent::CustomerAgent(Client *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
    connect(client, &Client::connected, this, [this] { m_log.logNote(ConnectionStatus::connectedNote(*m_client)); });
    connect(client, &Client::disconnected, this,
            [this](const QString &reason) { m_log.logNote(tr("Disconnected (%1)").arg(reason)); });
    connect(client, &Client::eventReceived, this,
            [this](const QString &event, const QJsonArray &args, qint64) { onEvent(event, args); });
    connect(client, &Client::connected, this, &CustomerAgent::sendAll);
    connect(&m_orders, &OrderModel::statusChanged, this,
            [this](const QString &orderId, Order::Status) { Q_EMIT statusChanged(m_orders.order(orderId)); });
}

bool CustomerAgent::trackOrder(const QString &orderId)
{
    const QString id = orderId.trimmed();
    if (id.isEmpty() || m_orderIds.contains(id))
        return false;
    m_orderIds.append(id);
    Order placeholder;
    placeholder.orderId = id;
    m_orders.addPlaceholder(placeholder);
    if (m_client && m_client->isConnected())
        sendTrack(QJsonObject{{QStringLiteral("orderID"), id}});
    return true;
}

bool CustomerAgent::trackCustomer(const QString &name)
{
    const QString customer = name.trimmed();
    if (customer.isEmpty() || m_customers.contains(customer))
        return false;
    m_customers.append(customer);
    if (m_client && m_client->isConnected())
        sendTrack(QJsonObject{{QStringLiteral("customer"), customer}});
    return true;
}

void CustomerAgent::untrackOrder(const QString &orderId)
{
    if (!m_orderIds.removeOne(orderId))
        return;
    if (m_client && m_client->isConnected())
        m_client->emitEvent(QStringLiteral("untrack"), QJsonArray{QJsonObject{{QStringLiteral("orderID"), orderId}}});
    const Order order = m_orders.order(orderId);
    if (!m_customers.contains(order.customer))
        m_orders.removeOrder(orderId);
}

void CustomerAgent::untrackCustomer(const QString &name)
{
    if (!m_customers.removeOne(name))
        return;
    if (m_client && m_client->isConnected())
        m_client->emitEvent(QStringLiteral("untrack"), QJsonArray{QJsonObject{{QStringLiteral("customer"), name}}});
    const QList<Order> orders = m_orders.orders();
    for (const Order &order : orders) {
        if (!isTracked(order))
            m_orders.removeOrder(order.orderId);
    }
}

bool CustomerAgent::isTracked(const Order &order) const
{
    return m_orderIds.contains(order.orderId) || (!order.customer.isEmpty() && m_customers.contains(order.customer));
}

void CustomerAgent::sendAll()
{
    for (const QString &id : std::as_const(m_orderIds))
        sendTrack(QJsonObject{{QStringLiteral("orderID"), id}});
    for (const QString &name : std::as_const(m_customers))
        sendTrack(QJsonObject{{QStringLiteral("customer"), name}});
}

void CustomerAgent::sendTrack(const QJsonObject &what)
{
    if (!m_client)
        return;
    m_log.logSent(QStringLiteral("track"), what);
    const QString label = describe(what);
    QPointer<CustomerAgent> self(this);
    m_client->emitWithAck(
        QStringLiteral("track"), QJsonArray{what},
        [self, label](const QJsonArray &args) {
            if (!self)
                return;
            const QJsonObject answer = args.first().toObject();
            if (!answer.value(QLatin1StringView("ok")).toBool()) {
                const QString error = answer.value(QLatin1StringView("error")).toString();
                self->m_log.logNote(tr("Tracking %1 refused: %2").arg(label, error));
                Q_EMIT self->trackAnswered(label, false, error);
                return;
            }
            const QJsonArray records = answer.value(QLatin1StringView("orders")).toArray();
            self->m_log.logReceived(QStringLiteral("track"), answer);
            self->m_replaying = true;
            for (const QJsonValue record : records)
                self->applyRecord(record);
            self->m_replaying = false;
            Q_EMIT self->trackAnswered(label, true, QString());
        },
        kAckTimeoutMs,
        [self, label] {
            if (!self)
                return;
            const QString error = tr("the hub did not answer (it may not support tracking)");
            self->m_log.logNote(tr("Tracking %1: %2").arg(label, error));
            Q_EMIT self->trackAnswered(label, false, error);
        });
}

void CustomerAgent::applyRecord(const QJsonValue &record)
{
    const Result<OrderHistory> history = OrderHistory::fromJson(record);
    if (!history || !isTracked(history->order))
        return;
    m_orders.applyHistory(*history);
}

void CustomerAgent::onEvent(const QString &event, const QJsonArray &args)
{
    const Order::Status step = Order::statusForEvent(event);
    if (step == Order::Status::Unknown)
        return;
    const QJsonValue payload = args.isEmpty() ? QJsonValue() : args.first();
    const Result<Order> order = Order::fromJson(payload);
    if (!order || !isTracked(*order))
        return;
    m_log.logReceived(event, payload);
    m_orders.applyStep(step, *order);
}

} // namespace caps
