#include "security/accesspolicy.h"

#include "security/validation.h"

#include <QJsonObject>

namespace caps {

AccessPolicy::AccessPolicy(TokenStore tokens, SecurityLimits limits)
    : m_tokens(std::move(tokens))
    , m_limits(limits)
    , m_rules(PayloadRules::Strict)
{ }

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

QString AccessPolicy::checkAdminLogin(const QString &username, const QString &password) const
{
    // One answer for every failure, as admin-ui's: a guesser learns nothing from it.
    QString refused = QStringLiteral("invalid credentials");
    if (!m_tokens || password.isEmpty())
        return refused;
    const auto principal = m_tokens->authenticate(password);
    if (!principal || principal->role != Role::Admin)
        return refused;
    if (!principal->name.isEmpty() && principal->name != username)
        return refused;
    return {};
}

Decision AccessPolicy::checkEvent(const std::optional<Principal> &principal, const QString &event,
                                  const QJsonArray &args) const
{
    if (Decision name = validateEventName(event, m_limits); !name)
        return name;
    const QJsonValue first = args.isEmpty() ? QJsonValue(QJsonValue::Undefined) : args.first();
    if (const CapsEvent *caps = m_catalogue->find(event); caps && caps->carriesOrder) {
        if (auto payload = validateOrderPayload(first, m_limits, m_rules); !payload)
            return Decision::deny(QStringLiteral("%1: %2").arg(event, payload.error()));
    } else if (event == u"join") {
        if (auto room = validateJoinArgument(first, m_limits, m_rules); !room)
            return Decision::deny(QStringLiteral("join: %1").arg(room.error()));
    } else if (event == u"orders") {
        // `orders { store }`: a store's history (CapsHub::kOrdersRequest).
        if (auto store = validateRoomName(first.toObject().value(QLatin1String("store")), m_limits); !store)
            return Decision::deny(QStringLiteral("orders: store: %1").arg(store.error()));
    } else if (event == u"track" || event == u"untrack") {
        if (auto target = validateTrackRequest(first, m_limits, m_rules); !target)
            return Decision::deny(QStringLiteral("%1: %2").arg(event, target.error()));
    }
    return mayEmit(principal, event, args);
}

Decision AccessPolicy::mayEmit(const std::optional<Principal> &principal, const QString &event,
                               const QJsonArray &args) const
{
    const CapsEvent *caps = m_catalogue->find(event);
    // No client speaks for the hub, in any mode (drivers would drop orders on a forged `taken`).
    if (caps && caps->senders == Senders(Sender::Hub))
        return Decision::deny(QStringLiteral("Not allowed: only the hub sends %1").arg(event));
    if (!principal || principal->role == Role::Admin)
        return Decision::allow();
    const QJsonValue first = args.isEmpty() ? QJsonValue(QJsonValue::Undefined) : args.first();
    switch (principal->role) {
    case Role::Vendor:
        if (event == u"join") {
            const auto room = validateJoinArgument(first, m_limits, m_rules);
            return room ? mayJoin(principal, *room) : Decision::deny(QStringLiteral("join: %1").arg(room.error()));
        }
        if ((caps && caps->senders.testFlag(Sender::Vendor)) || event == u"orders") {
            const QJsonValue store = first.toObject().value(QLatin1String("store"));
            if (store.isString() && store.toString() == principal->store)
                return Decision::allow();
            return Decision::deny(
                QStringLiteral("Not allowed: this vendor may emit %1 only for store %2").arg(event, principal->store));
        }
        return Decision::deny(
            QStringLiteral("Not allowed: vendors may emit only %1, not %2")
                .arg(eventsSentBy(Sender::Vendor, {QStringLiteral("join"), QStringLiteral("orders")}), event));
    case Role::Driver:
        if (caps && caps->senders.testFlag(Sender::Driver))
            return Decision::allow();
        return Decision::deny(
            QStringLiteral("Not allowed: drivers may emit only %1, not %2").arg(eventsSentBy(Sender::Driver), event));
    case Role::Customer:
        if (event == u"track" || event == u"untrack")
            return mayTrack(principal, first);
        if (caps && caps->senders.testFlag(Sender::Customer))
            return Decision::allow();
        return Decision::deny(
            QStringLiteral("Not allowed: customers may emit only track and untrack, not %1").arg(event));
    case Role::Admin:
        break;
    }
    return Decision::allow();
}

QString AccessPolicy::eventsSentBy(Sender sender, const QStringList &requests) const
{
    QStringList names;
    for (const CapsEvent &e : m_catalogue->events()) {
        if (e.senders.testFlag(sender))
            names.append(e.name);
    }
    names.append(requests);
    if (names.size() <= 1)
        return names.join(QString());
    const QString last = names.takeLast();
    return names.join(QStringLiteral(", ")) + QStringLiteral(" and ") + last;
}

Decision AccessPolicy::mayUseQueue(const std::optional<Principal> &principal, const QString &queueId,
                                   const QString &event) const
{
    if (!principal || principal->role == Role::Admin)
        return Decision::allow();
    const CapsEvent *caps = m_catalogue->find(event);
    switch (principal->role) {
    case Role::Vendor:
        if (queueId == principal->store)
            return Decision::allow();
        break;
    case Role::Driver:
        // A driver's own queue (any client id it chose), for the events queued for drivers.
        if ((caps && caps->queue == QueueFor::Drivers)
            || queueId.compare(QLatin1String("driver"), Qt::CaseInsensitive) == 0)
            return Decision::allow();
        break;
    case Role::Customer:
    case Role::Admin:
        break;
    }
    return Decision::deny(QStringLiteral("Not allowed: queue %1").arg(queueId.left(64)));
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
