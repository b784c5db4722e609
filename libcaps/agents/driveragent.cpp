#include "agents/driveragent.h"

#include "catalogue/eventcatalogue.h"

#include "agents/connectionstatus.h"
#include "agents/queuehubprobe.h"
#include "client/client.h"

#include <QJsonArray>
#include <QTimer>

namespace caps {

DriverAgent::DriverAgent(Client *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_queueProbe(new QueueHubProbe(client, this))
    , m_steps(client, m_queueProbe)
{
    // The hub tells only those who ask that another driver took an order (onEvent()).
    client->setAuthValue(QStringLiteral("notices"), QJsonArray{EventCatalogue::kTaken});
    connect(&m_steps, &ConfirmedEmitter::confirmed, this, &DriverAgent::onConfirmed);
    connect(&m_steps, &ConfirmedEmitter::retrying, this,
            [this](const QString &event, const QString &orderId, const QString &error) {
                m_log.logNote(tr("The hub refused %1 of order %2, trying again: %3").arg(event, orderId, error));
            });
    connect(&m_steps, &ConfirmedEmitter::abandoned, this,
            [this](const QString &event, const QString &orderId, const QString &error) {
                m_log.logNote(tr("The hub refused %1 of order %2, giving up: %3").arg(event, orderId, error));
                // The hub keeps the order's life: a step it will not take (another driver has the
                // order, say) leaves the order out of this driver's hands.
                dropOrder(orderId);
                Q_EMIT stepAbandoned(event, orderId, error);
            });
    connect(m_queueProbe, &QueueHubProbe::answered, this, &DriverAgent::dropWhatTheHubNoLongerHas);
    connect(client, &Client::connected, this, &DriverAgent::onConnected);
    connect(client, &Client::disconnected, this,
            [this](const QString &reason) { m_log.logNote(tr("Disconnected (%1)").arg(reason)); });
    connect(client, &Client::eventReceived, this,
            [this](const QString &event, const QJsonArray &args, qint64) { onEvent(event, args); });
    connect(&m_orders, &OrderModel::statusChanged, this, [this](const QString &orderId, Order::Status status) {
        if (status == Order::Status::Ordered) {
            Q_EMIT orderQueued(orderId);
            if (m_autoDrive)
                schedule(orderId);
        } else {
            // Done here or by another driver: nothing left to do automatically for it yet.
            cancel(orderId);
            if (status == Order::Status::InTransit && m_autoDrive)
                schedule(orderId);
        }
        Q_EMIT ordersChanged();
    });
}

DriverAgent::~DriverAgent() = default;

bool DriverAgent::canConfirmPickup(const QString &orderId) const
{
    return m_orders.contains(orderId) && m_orders.order(orderId).status == Order::Status::Ordered;
}

bool DriverAgent::canMarkDelivered(const QString &orderId) const
{
    return m_orders.contains(orderId) && m_orders.order(orderId).status == Order::Status::InTransit;
}

bool DriverAgent::confirmPickup(const QString &orderId)
{
    if (!canConfirmPickup(orderId))
        return false;
    return advance(orderId, Order::Status::InTransit);
}

bool DriverAgent::markDelivered(const QString &orderId)
{
    if (!canMarkDelivered(orderId))
        return false;
    return advance(orderId, Order::Status::Delivered);
}

bool DriverAgent::advance(const QString &orderId, Order::Status step)
{
    const QString event = Order::eventForStatus(step);
    QJsonObject payload = m_payloads.value(orderId);
    if (payload.isEmpty())
        payload = m_orders.order(orderId).toJson();
    m_steps.send(event, orderId, payload);
    m_log.logSent(event, payload);
    m_orders.applyStep(step, m_orders.order(orderId));
    if (step == Order::Status::InTransit)
        Q_EMIT pickedUp(orderId);
    else
        Q_EMIT delivered(orderId);
    return true;
}

void DriverAgent::onConnected()
{
    m_log.logNote(ConnectionStatus::connectedNote(*m_client));
    // The shared queue: an order stays there until a driver has taken it.
    m_heardSinceGetAll.clear();
    m_queueProbe->ask(QJsonObject{{QStringLiteral("clientId"), QStringLiteral("driver")},
                                  {QStringLiteral("event"), QStringLiteral("pickup")}});
    m_steps.resendLost();
}

void DriverAgent::onConfirmed(const QString &event, const QString &orderId)
{
    // Stored for the vendor: this pickup is done for every driver.
    if (event == Order::eventForStatus(Order::Status::Delivered)) {
        m_confirmedDelivered.insert(orderId);
        acknowledgePickup(orderId);
    }
}

void DriverAgent::acknowledgePickup(const QString &orderId)
{
    if (!m_client)
        return;
    QJsonValue messageId = m_payloads.value(orderId).value(QLatin1String("messageId"));
    if (messageId.isUndefined())
        messageId = m_payloads.value(orderId).value(QLatin1String("messageID"));
    if (!messageId.isString() && !messageId.isDouble())
        messageId = orderId;
    m_client->emitEvent(QStringLiteral("received"),
                        {QJsonObject{{QStringLiteral("clientId"), QStringLiteral("driver")},
                                     {QStringLiteral("event"), QStringLiteral("pickup")},
                                     {QStringLiteral("messageId"), messageId}}});
}

void DriverAgent::setAutoDrive(bool on)
{
    if (m_autoDrive == on)
        return;
    m_autoDrive = on;
    if (on) {
        for (const Order &order : m_orders.orders()) {
            if (order.status == Order::Status::Ordered || order.status == Order::Status::InTransit)
                schedule(order.orderId);
        }
    } else {
        const QStringList pending = m_timers.keys();
        for (const QString &id : pending)
            cancel(id);
    }
    m_log.logNote(on ? tr("Auto-drive on") : tr("Auto-drive off"));
    Q_EMIT autoDriveChanged(on);
}

void DriverAgent::setPickupDelayMs(int ms)
{
    m_pickupDelayMs = qMax(0, ms);
}

void DriverAgent::setDeliverDelayMs(int ms)
{
    m_deliverDelayMs = qMax(0, ms);
}

void DriverAgent::schedule(const QString &orderId)
{
    cancel(orderId);
    const Order order = m_orders.order(orderId);
    int delay = 0;
    if (order.status == Order::Status::Ordered) {
        // Counted from the pickup event, as the lab's setTimeout calls are.
        delay = m_pickupDelayMs - int(order.orderedAt.msecsTo(QDateTime::currentDateTimeUtc()));
    } else if (order.status == Order::Status::InTransit) {
        const QDateTime due = order.orderedAt.isValid()
            ? order.orderedAt.addMSecs(m_deliverDelayMs)
            : order.inTransitAt.addMSecs(m_deliverDelayMs - m_pickupDelayMs);
        delay = int(QDateTime::currentDateTimeUtc().msecsTo(due));
    } else {
        return;
    }
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    timer->setInterval(qMax(0, delay));
    connect(timer, &QTimer::timeout, this, [this, orderId] {
        cancel(orderId);
        if (canConfirmPickup(orderId))
            confirmPickup(orderId);
        else if (canMarkDelivered(orderId))
            markDelivered(orderId);
    });
    m_timers.insert(orderId, timer);
    timer->start();
}

void DriverAgent::cancel(const QString &orderId)
{
    if (QTimer *timer = m_timers.take(orderId)) {
        timer->stop();
        timer->deleteLater();
    }
}

void DriverAgent::dropOrder(const QString &orderId)
{
    cancel(orderId);
    m_payloads.remove(orderId);
    if (m_orders.removeOrder(orderId))
        Q_EMIT ordersChanged();
}

void DriverAgent::dropWhatTheHubNoLongerHas()
{
    QStringList gone;
    for (const Order &order : m_orders.orders()) {
        if (order.status == Order::Status::Ordered && !m_heardSinceGetAll.contains(order.orderId)
            && !m_steps.isUnconfirmed(EventCatalogue::kInTransit, order.orderId))
            gone.append(order.orderId);
    }
    for (const QString &orderId : std::as_const(gone)) {
        m_log.logNote(tr("Order %1 was taken or cancelled while this driver was away").arg(orderId));
        dropOrder(orderId);
    }
}

void DriverAgent::onEvent(const QString &event, const QJsonArray &args)
{
    if (event == EventCatalogue::kCancel) {
        const Result<Order> cancelled = Order::fromJson(args.isEmpty() ? QJsonValue() : args.first());
        if (cancelled && m_orders.contains(cancelled->orderId)) {
            m_log.logReceived(event, args.first());
            m_log.logNote(tr("Order %1 was cancelled by its vendor").arg(cancelled->orderId));
            dropOrder(cancelled->orderId);
        }
        return;
    }
    if (event == EventCatalogue::kTaken) {
        // Another driver took it (the hub tells every driver but the one who did).
        const Result<Order> taken = Order::fromJson(args.isEmpty() ? QJsonValue() : args.first());
        if (taken && m_orders.contains(taken->orderId)) {
            m_log.logNote(tr("Order %1 was taken by another driver").arg(taken->orderId));
            dropOrder(taken->orderId);
        }
        return;
    }
    const Order::Status step = Order::statusForEvent(event);
    if (step == Order::Status::Unknown)
        return;
    const QJsonValue payload = args.isEmpty() ? QJsonValue() : args.first();
    const Result<Order> order = Order::fromJson(payload);
    if (!order)
        return;
    m_log.logReceived(event, payload);
    if (step == Order::Status::Ordered)
        m_heardSinceGetAll.insert(order->orderId);
    if (!m_payloads.contains(order->orderId)) {
        QJsonObject normalized = payload.toObject();
        // Lab clients expect `orderID`; keep any other field the vendor sent.
        normalized.remove(QStringLiteral("orderId"));
        normalized.insert(QStringLiteral("orderID"), order->orderId);
        m_payloads.insert(order->orderId, normalized);
    }
    m_orders.applyStep(step, *order);
    // A copy of a pickup this driver has delivered (its `received` was lost): acknowledge again.
    if (step == Order::Status::Ordered && m_confirmedDelivered.contains(order->orderId))
        acknowledgePickup(order->orderId);
}

} // namespace caps
