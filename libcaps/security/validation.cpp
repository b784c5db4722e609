#include "security/validation.h"

#include "catalogue/eventcatalogue.h"
#include "core/jstruthy.h"

#include <QJsonObject>

#include <cmath>

namespace caps {

namespace {

bool hasControlCharacter(QStringView s)
{
    for (QChar c : s) {
        const char16_t u = c.unicode();
        if (u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xa0) || u == 0x2028 || u == 0x2029)
            return true;
    }
    return false;
}

// A bounded string: "<what> must be a string", "... must not be empty", "... is longer than N characters".
Result<QString> boundedString(const QJsonValue &value, const QString &what, int maxLength)
{
    if (value.isUndefined())
        return Result<QString>::failure(QStringLiteral("%1 is missing").arg(what));
    if (!value.isString())
        return Result<QString>::failure(QStringLiteral("%1 must be a string").arg(what));
    const QString s = value.toString();
    if (s.isEmpty())
        return Result<QString>::failure(QStringLiteral("%1 must not be empty").arg(what));
    if (s.size() > maxLength)
        return Result<QString>::failure(QStringLiteral("%1 is longer than %2 characters").arg(what).arg(maxLength));
    if (hasControlCharacter(s))
        return Result<QString>::failure(QStringLiteral("%1 contains control characters").arg(what));
    return s;
}

// Lab rules: a string field must fit; anything else passes as it is. `what` becomes text only
// in a refusal: converting five field names per event was 2 % of the hub's time under real
// clients.
Result<QString> labField(const QJsonValue &value, QLatin1StringView what, int maxLength)
{
    if (value.isString()) {
        QString text = value.toString();
        if (text.size() > maxLength)
            return Result<QString>::failure(QStringLiteral("%1 is longer than %2 characters").arg(what).arg(maxLength));
        return text;
    }
    // Integers as JavaScript prints them; other values have no text here.
    if (value.isDouble() && value.toDouble() == std::floor(value.toDouble())
        && std::abs(value.toDouble()) <= 9007199254740992.0)
        return QString::number(qint64(value.toDouble()));
    return QString();
}

Result<OrderFields> validateLabOrderPayload(const QJsonValue &payload, const SecurityLimits &limits)
{
    using R = Result<OrderFields>;
    const QJsonObject o = payload.toObject();
    OrderFields f;
    const struct
    {
        QLatin1StringView key;
        int max;
        QString *out;
    } fields[] = {
        {QLatin1StringView("store"), limits.maxStoreLength, &f.store},
        {QLatin1StringView("orderId"), limits.maxOrderIdLength, &f.orderId},
        {QLatin1StringView("orderID"), limits.maxOrderIdLength, &f.orderId},
        {QLatin1StringView("customer"), limits.maxCustomerLength, &f.customer},
        {QLatin1StringView("address"), limits.maxAddressLength, &f.address},
    };
    for (const auto &field : fields) {
        auto text = labField(o.value(field.key), field.key, field.max);
        if (!text)
            return R::failure(text.error());
        if (!text->isEmpty())
            *field.out = std::move(*text);
    }
    return f;
}

} // namespace

bool isOrderEvent(QStringView event)
{
    const CapsEvent *e = EventCatalogue::standard().find(event);
    return e && e->carriesOrder;
}

Result<OrderFields> validateOrderPayload(const QJsonValue &payload, const SecurityLimits &limits, PayloadRules rules)
{
    using R = Result<OrderFields>;
    if (rules == PayloadRules::Lab)
        return validateLabOrderPayload(payload, limits);
    if (!payload.isObject())
        return R::failure(QStringLiteral("payload must be an object { store, orderID, customer, address }"));
    const QJsonObject o = payload.toObject();
    OrderFields f;

    auto store = boundedString(o.value(QLatin1String("store")), QStringLiteral("store"), limits.maxStoreLength);
    if (!store)
        return R::failure(store.error());
    f.store = *store;

    const QJsonValue upper = o.value(QLatin1String("orderID"));
    const QJsonValue lower = o.value(QLatin1String("orderId"));
    if (!upper.isUndefined() && !lower.isUndefined() && upper != lower)
        return R::failure(QStringLiteral("orderID and orderId differ"));
    auto orderId = upper.isUndefined() ? boundedString(lower, QStringLiteral("orderId"), limits.maxOrderIdLength)
                                       : boundedString(upper, QStringLiteral("orderID"), limits.maxOrderIdLength);
    if (!orderId)
        return R::failure(upper.isUndefined() && lower.isUndefined() ? QStringLiteral("orderID is missing")
                                                                     : orderId.error());
    f.orderId = *orderId;

    auto customer
        = boundedString(o.value(QLatin1String("customer")), QStringLiteral("customer"), limits.maxCustomerLength);
    if (!customer)
        return R::failure(customer.error());
    f.customer = *customer;

    auto address = boundedString(o.value(QLatin1String("address")), QStringLiteral("address"), limits.maxAddressLength);
    if (!address)
        return R::failure(address.error());
    f.address = *address;
    return f;
}

Result<QString> validateRoomName(const QJsonValue &room, const SecurityLimits &limits)
{
    return boundedString(room, QStringLiteral("room name"), limits.maxRoomNameLength);
}

Result<QString> validateJoinArgument(const QJsonValue &argument, const SecurityLimits &limits, PayloadRules rules)
{
    if (rules == PayloadRules::Lab) {
        QJsonValue room = argument;
        if (argument.isObject()) {
            room = QJsonValue();
            const QJsonObject o = argument.toObject();
            for (const char *key : {"store", "clientId", "queueId", "roomName"}) {
                if (isTruthy(o.value(QLatin1String(key)))) {
                    room = o.value(QLatin1String(key));
                    break;
                }
            }
        }
        if (room.isString() && room.toString().size() > limits.maxRoomNameLength)
            return Result<QString>::failure(
                QStringLiteral("room name is longer than %1 characters").arg(limits.maxRoomNameLength));
        return room.isString() ? room.toString() : QString();
    }
    if (argument.isObject()) {
        const QJsonObject o = argument.toObject();
        for (const char *key : {"store", "clientId", "queueId", "roomName"}) {
            const QJsonValue v = o.value(QLatin1String(key));
            if (isTruthy(v))
                return validateRoomName(v, limits);
        }
        return Result<QString>::failure(QStringLiteral("room name is missing"));
    }
    return validateRoomName(argument, limits);
}

Decision validateEventName(QStringView name, const SecurityLimits &limits)
{
    if (name.isEmpty())
        return Decision::deny(QStringLiteral("event name must not be empty"));
    if (name.size() > limits.maxEventNameLength)
        return Decision::deny(QStringLiteral("event name is longer than %1 characters").arg(limits.maxEventNameLength));
    if (hasControlCharacter(name))
        return Decision::deny(QStringLiteral("event name contains control characters"));
    return Decision::allow();
}

QString TrackTarget::room() const
{
    return (kind == Kind::Order ? QStringLiteral("order:") : QStringLiteral("customer:")) + key;
}

Result<TrackTarget> validateTrackRequest(const QJsonValue &argument, const SecurityLimits &limits, PayloadRules rules)
{
    using R = Result<TrackTarget>;
    if (rules == PayloadRules::Lab) {
        const QLatin1StringView upperKey("orderID");
        const QLatin1StringView lowerKey("orderId");
        const QLatin1StringView customerKey("customer");
        if (!argument.isObject()) {
            auto id = labField(argument, upperKey, limits.maxOrderIdLength);
            if (!id)
                return R::failure(id.error());
            return TrackTarget{TrackTarget::Kind::Order, *id};
        }
        const QJsonObject o = argument.toObject();
        auto upper = labField(o.value(upperKey), upperKey, limits.maxOrderIdLength);
        auto lower = labField(o.value(lowerKey), lowerKey, limits.maxOrderIdLength);
        auto customer = labField(o.value(customerKey), customerKey, limits.maxCustomerLength);
        for (const auto *r : {&upper, &lower, &customer}) {
            if (!*r)
                return R::failure(r->error());
        }
        const QString id = upper->isEmpty() ? *lower : *upper;
        if (!id.isEmpty())
            return TrackTarget{TrackTarget::Kind::Order, id};
        return TrackTarget{TrackTarget::Kind::Customer, *customer};
    }
    if (argument.isString()) {
        auto id = boundedString(argument, QStringLiteral("orderID"), limits.maxOrderIdLength);
        if (!id)
            return R::failure(id.error());
        return TrackTarget{TrackTarget::Kind::Order, *id};
    }
    if (!argument.isObject())
        return R::failure(QStringLiteral("track needs { orderID } or { customer } or an orderID string"));
    const QJsonObject o = argument.toObject();
    const QJsonValue upper = o.value(QLatin1String("orderID"));
    const QJsonValue lower = o.value(QLatin1String("orderId"));
    const QJsonValue customer = o.value(QLatin1String("customer"));
    if (!upper.isUndefined() && !lower.isUndefined() && upper != lower)
        return R::failure(QStringLiteral("orderID and orderId differ"));
    const bool byOrder = !upper.isUndefined() || !lower.isUndefined();
    if (byOrder == !customer.isUndefined())
        return R::failure(QStringLiteral("track needs exactly one of orderID and customer"));
    if (byOrder) {
        auto id = boundedString(upper.isUndefined() ? lower : upper,
                                upper.isUndefined() ? QStringLiteral("orderId") : QStringLiteral("orderID"),
                                limits.maxOrderIdLength);
        if (!id)
            return R::failure(id.error());
        return TrackTarget{TrackTarget::Kind::Order, *id};
    }
    auto name = boundedString(customer, QStringLiteral("customer"), limits.maxCustomerLength);
    if (!name)
        return R::failure(name.error());
    return TrackTarget{TrackTarget::Kind::Customer, *name};
}

} // namespace caps
