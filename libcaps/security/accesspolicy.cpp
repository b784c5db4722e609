#include "security/accesspolicy.h"

#include "security/validation.h"

#include <QJsonObject>

namespace caps {

AccessPolicy::AccessPolicy(TokenStore tokens, SecurityLimits limits)
    : m_tokens(std::move(tokens))
    , m_limits(limits)
    , m_rules(PayloadRules::Strict)
{
}

Result<std::optional<Principal>> AccessPolicy::authenticate(const QJsonValue &auth) const
{
    using R = Result<std::optional<Principal>>;
    if (!m_tokens)
        return std::optional<Principal>();
    const QJsonValue token = auth.toObject().value(QLatin1String("token"));
    if (!token.isString() || token.toString().isEmpty())
        return R::failure(kAuthenticationRequired);
    auto principal = m_tokens->authenticate(token.toString());
    if (!principal)
        return R::failure(kInvalidToken);
    return std::optional<Principal>(std::move(principal));
}

Decision AccessPolicy::checkEvent(const std::optional<Principal> &principal, const QString &event,
                                  const QJsonArray &args) const
{
    if (Decision name = validateEventName(event, m_limits); !name)
        return name;
    const QJsonValue first = args.isEmpty() ? QJsonValue(QJsonValue::Undefined) : args.first();
    if (isOrderEvent(event)) {
        if (auto payload = validateOrderPayload(first, m_limits, m_rules); !payload)
            return Decision::deny(QStringLiteral("%1: %2").arg(event, payload.error()));
    } else if (event == u"join") {
        if (auto room = validateJoinArgument(first, m_limits, m_rules); !room)
            return Decision::deny(QStringLiteral("join: %1").arg(room.error()));
    } else if (event == u"track" || event == u"untrack") {
        if (auto target = validateTrackRequest(first, m_limits, m_rules); !target)
            return Decision::deny(QStringLiteral("%1: %2").arg(event, target.error()));
    }
    return mayEmit(principal, event, args);
}

Decision AccessPolicy::mayEmit(const std::optional<Principal> &principal, const QString &event,
                               const QJsonArray &args) const
{
    if (!principal || principal->role == Role::Admin)
        return Decision::allow();
    const QJsonValue first = args.isEmpty() ? QJsonValue(QJsonValue::Undefined) : args.first();
    switch (principal->role) {
    case Role::Vendor:
        if (event == u"join") {
            const auto room = validateJoinArgument(first, m_limits, m_rules);
            return room ? mayJoin(principal, *room) : Decision::deny(QStringLiteral("join: %1").arg(room.error()));
        }
        if (event == u"pickup") {
            const QJsonValue store = first.toObject().value(QLatin1String("store"));
            if (store.isString() && store.toString() == principal->store)
                return Decision::allow();
            return Decision::deny(QStringLiteral("Not allowed: this vendor may emit pickup only for store %1").arg(principal->store));
        }
        return Decision::deny(QStringLiteral("Not allowed: vendors may emit only pickup and join, not %1").arg(event));
    case Role::Driver:
        if (event == u"in-transit" || event == u"delivered")
            return Decision::allow();
        return Decision::deny(QStringLiteral("Not allowed: drivers may emit only in-transit and delivered, not %1").arg(event));
    case Role::Customer:
        if (event == u"track" || event == u"untrack")
            return mayTrack(principal, first);
        return Decision::deny(QStringLiteral("Not allowed: customers may emit only track and untrack, not %1").arg(event));
    case Role::Admin:
        break;
    }
    return Decision::allow();
}

Decision AccessPolicy::mayJoin(const std::optional<Principal> &principal, const QString &room) const
{
    if (!principal || principal->role == Role::Admin)
        return Decision::allow();
    if (principal->role == Role::Vendor && room == principal->store)
        return Decision::allow();
    if (principal->role == Role::Vendor)
        return Decision::deny(QStringLiteral("Not allowed: this vendor may join only room %1").arg(principal->store));
    return Decision::deny(QStringLiteral("Not allowed: only vendors may join a store room"));
}

Decision AccessPolicy::mayTrack(const std::optional<Principal> &principal, const QJsonValue &argument) const
{
    if (!principal || principal->role == Role::Admin)
        return Decision::allow();
    if (principal->role != Role::Customer)
        return Decision::deny(QStringLiteral("Not allowed: only customers may track orders"));
    if (principal->customer.isEmpty())
        return Decision::allow();
    const QJsonValue customer = argument.toObject().value(QLatin1String("customer"));
    if (customer.isUndefined() || customer.toString() == principal->customer)
        return Decision::allow();
    return Decision::deny(QStringLiteral("Not allowed: this customer may track only %1").arg(principal->customer));
}

} // namespace caps
