#include "orders/order.h"

#include <algorithm>

namespace caps {

namespace {
QString stringField(const QJsonObject &object, QLatin1StringView key)
{
    const QJsonValue value = object.value(key);
    if (value.isString())
        return value.toString();
    // Some fakers send numbers (e.g. an order counter); keep them readable rather than lose them.
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    return {};
}
} // namespace

Result<Order> Order::fromJson(const QJsonValue &payload)
{
    if (!payload.isObject())
        return Result<Order>::failure(QStringLiteral("payload is not an object"));
    const QJsonObject object = payload.toObject();
    Order order;
    order.orderId = stringField(object, QLatin1StringView("orderID"));
    if (order.orderId.isEmpty())
        order.orderId = stringField(object, QLatin1StringView("orderId"));
    if (order.orderId.isEmpty())
        return Result<Order>::failure(QStringLiteral("payload has no orderID"));
    order.store = stringField(object, QLatin1StringView("store"));
    order.customer = stringField(object, QLatin1StringView("customer"));
    order.address = stringField(object, QLatin1StringView("address"));
    const QDateTime placed
        = QDateTime::fromString(stringField(object, QLatin1StringView("orderedAt")), Qt::ISODateWithMs);
    // A clock far off (or a forged time) must not make an order older than the epoch of CAPS
    // or place it in the future.
    if (placed.isValid() && placed <= QDateTime::currentDateTimeUtc().addSecs(60))
        order.orderedAt = placed.toUTC();
    return order;
}

Result<OrderHistory> OrderHistory::fromJson(const QJsonValue &record)
{
    const QJsonObject object = record.toObject();
    Result<Order> order = Order::fromJson(object.value(QLatin1StringView("payload")));
    if (!order)
        return Result<OrderHistory>::failure(order.error());
    const Order::Status latest = Order::statusForEvent(object.value(QLatin1StringView("event")).toString());
    if (latest == Order::Status::Unknown)
        return Result<OrderHistory>::failure(QStringLiteral("the record's event is no step of an order"));
    const auto readTime = [](const QJsonValue &value) {
        const QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
        return time.isValid() ? time.toUTC() : QDateTime();
    };
    OrderHistory history;
    history.order = *order;
    const QJsonObject steps = object.value(QLatin1StringView("steps")).toObject();
    for (auto it = steps.constBegin(); it != steps.constEnd(); ++it) {
        const Order::Status status = Order::statusForEvent(it.key());
        const QDateTime time = readTime(it.value());
        if (status != Order::Status::Unknown && status != latest && time.isValid())
            history.steps.append({status, time});
    }
    std::stable_sort(history.steps.begin(), history.steps.end(),
                     [](const Step &a, const Step &b) { return a.time < b.time; });
    history.steps.append({latest, readTime(object.value(QLatin1StringView("time")))});
    return history;
}

QJsonObject Order::toJson() const
{
    QJsonObject json{
        {QStringLiteral("store"), store},
        {QStringLiteral("orderID"), orderId},
        {QStringLiteral("customer"), customer},
        {QStringLiteral("address"), address},
    };
    if (orderedAt.isValid())
        json.insert(QStringLiteral("orderedAt"), orderedAt.toUTC().toString(Qt::ISODateWithMs));
    return json;
}

Order::Status Order::statusForEvent(const QString &event)
{
    const CapsEvent *e = EventCatalogue::standard().find(event);
    return e && e->changesStatus() ? e->to : Status::Unknown;
}

QString Order::eventForStatus(Status status)
{
    const CapsEvent *e = EventCatalogue::standard().reaching(status);
    return e ? e->name : QString();
}

QDateTime Order::timeOf(Status step) const
{
    switch (step) {
    case Status::Ordered:
        return orderedAt;
    case Status::InTransit:
        return inTransitAt;
    case Status::Delivered:
        return deliveredAt;
    case Status::Cancelled:
        return cancelledAt;
    case Status::Unknown:
        break;
    }
    return {};
}

void Order::setTimeOf(Status step, const QDateTime &time)
{
    switch (step) {
    case Status::Ordered:
        orderedAt = time;
        break;
    case Status::InTransit:
        inTransitAt = time;
        break;
    case Status::Delivered:
        deliveredAt = time;
        break;
    case Status::Cancelled:
        cancelledAt = time;
        break;
    case Status::Unknown:
        break;
    }
}

qint64 Order::msBetween(Status from, Status to) const
{
    const QDateTime start = timeOf(from);
    const QDateTime end = timeOf(to);
    if (!start.isValid() || !end.isValid())
        return -1;
    return start.msecsTo(end);
}

} // namespace caps
