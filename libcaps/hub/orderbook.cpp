#include "hub/orderbook.h"

#include <QCoreApplication>

#include <algorithm>

namespace caps {

namespace {

QString statusText(OrderStatus status)
{
    switch (status) {
    case OrderStatus::Unknown:
        return QStringLiteral("unknown");
    case OrderStatus::Ordered:
        return QStringLiteral("waiting for pickup");
    case OrderStatus::InTransit:
        return QStringLiteral("in transit");
    case OrderStatus::Delivered:
        return QStringLiteral("delivered");
    case OrderStatus::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

} // namespace

OrderBook::Check OrderBook::check(const CapsEvent &event, const QString &orderId, const QString &actor,
                                  const std::function<bool(const QString &)> &actorGone) const
{
    if (!event.changesStatus() || orderId.isEmpty())
        return {};
    const auto it = m_orders.constFind(orderId);
    if (it == m_orders.constEnd() || it->status == OrderStatus::Unknown) {
        if (event.acceptsUnknownOrder)
            return {};
        return {Verdict::Refuse, QStringLiteral("%1: order %2 is unknown").arg(event.name, orderId)};
    }
    const Entry &entry = *it;
    // Only the driver who took the order speaks for it once it is taken (the driver's events are
    // the ones that come after in-transit).
    const bool byTaker = entry.taker.isEmpty() || entry.taker == actor || (actorGone && actorGone(entry.taker));
    const bool driverStep = event.senders.testFlag(Sender::Driver) && entry.status != OrderStatus::Ordered;
    if (driverStep && !byTaker) {
        // A finished order's last step again: in open mode a taker whose answer was lost and who
        // came back as a new connection cannot be told from another driver, and the order is
        // done whoever asks. A repeat: it stops sending, nothing changes, nothing is relayed.
        if (entry.status == event.to && m_catalogue->isFinal(entry.status))
            return {Verdict::Repeat, {}};
        return {Verdict::Refuse, QStringLiteral("%1: order %2 was taken by another driver").arg(event.name, orderId)};
    }
    if (event.allowedFrom(entry.status) && !(event.to == entry.status && entry.status != OrderStatus::Ordered))
        return {};
    if (m_catalogue->isPast(entry.status, event.to))
        return {Verdict::Repeat, {}};
    return {Verdict::Refuse, QStringLiteral("%1: order %2 is %3").arg(event.name, orderId, statusText(entry.status))};
}

OrderBook::Undo OrderBook::apply(const CapsEvent &event, const QString &orderId, const QString &actor)
{
    if (!event.changesStatus() || orderId.isEmpty())
        return {};
    Undo undo{orderId, std::nullopt, {}};
    if (const auto it = m_orders.constFind(orderId); it != m_orders.constEnd()) {
        undo.status = it->status;
        undo.taker = it->taker;
    }
    Entry &entry = touch(orderId);
    if (!m_catalogue->isPast(entry.status, event.to))
        entry.status = event.to;
    if (event.senders.testFlag(Sender::Driver) && entry.taker.isEmpty())
        entry.taker = actor;
    forgetBeyondLimits();
    return undo;
}

void OrderBook::undo(const Undo &undo)
{
    if (undo.orderId.isEmpty())
        return;
    const auto it = m_orders.find(undo.orderId);
    if (it == m_orders.end())
        return;
    if (!undo.status && it->latest.event.isEmpty()) {
        m_age.erase(it->age);
        m_orders.erase(it);
        return;
    }
    it->status = undo.status.value_or(OrderStatus::Unknown);
    it->taker = undo.taker;
}

OrderBook::Entry &OrderBook::touch(const QString &orderId)
{
    auto it = m_orders.find(orderId);
    if (it == m_orders.end()) {
        it = m_orders.insert(orderId, Entry{});
        it->age = m_age.insert(m_age.end(), orderId);
    } else if (it->sequence == m_sequence) {
        return *it; // already the newest (apply() then remember() of one event)
    } else {
        m_age.splice(m_age.end(), m_age, it->age);
    }
    it->sequence = ++m_sequence;
    return *it;
}

QList<OrderStep> OrderBook::steps(const QString &orderId) const
{
    const auto it = m_orders.constFind(orderId);
    if (it == m_orders.constEnd())
        return {};
    QList<OrderStep> out;
    for (int i = 0; i < StepTimes::kCount; ++i) {
        const qint64 ms = it->steps.ms[size_t(i)];
        const CapsEvent *event = m_catalogue->reaching(StepTimes::statusAt(i));
        if (ms != 0 && event)
            out.append({event->name, QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)});
    }
    std::stable_sort(out.begin(), out.end(), [](const OrderStep &a, const OrderStep &b) { return a.time < b.time; });
    return out;
}

StepTimes OrderBook::stepTimes(const QString &orderId) const
{
    const auto it = m_orders.constFind(orderId);
    return it == m_orders.constEnd() ? StepTimes() : it->steps;
}

void OrderBook::remember(const HubEvent &event)
{
    if (event.orderId.isEmpty())
        return;
    Entry &entry = touch(event.orderId);
    if (const CapsEvent *caps = m_catalogue->find(event.event); caps && caps->changesStatus() && event.time.isValid())
        entry.steps.note(caps->to, event.time.toMSecsSinceEpoch());
    m_bytes -= entry.latest.payloadJson.size();
    entry.latest = event;
    entry.latest.payload = QJsonValue();
    m_bytes += entry.latest.payloadJson.size();
    forgetBeyondLimits();
}

void OrderBook::forgetBeyondLimits()
{
    while (!m_age.empty() && (m_orders.size() > std::max(1, m_limits.maxOrders) || m_bytes > m_limits.maxBytes)) {
        const auto it = m_orders.find(m_age.front());
        if (it != m_orders.end()) {
            m_bytes -= it->latest.payloadJson.size();
            m_orders.erase(it);
        }
        m_age.pop_front();
    }
}

QList<HubEvent> OrderBook::latestEvents(const QString &orderId, const QString &customer) const
{
    QList<const Entry *> found;
    if (!orderId.isEmpty()) {
        const auto it = m_orders.constFind(orderId);
        if (it != m_orders.constEnd() && !it->latest.event.isEmpty())
            found.append(&it.value());
    }
    if (!customer.isEmpty()) {
        for (const Entry &e : m_orders) {
            if (!e.latest.event.isEmpty() && e.latest.customer == customer && e.latest.orderId != orderId)
                found.append(&e);
        }
    }
    std::sort(found.begin(), found.end(), [](const Entry *a, const Entry *b) { return a->sequence < b->sequence; });
    QList<HubEvent> out;
    out.reserve(found.size());
    for (const Entry *e : found)
        out.append(e->latest);
    return out;
}

QList<HubEvent> OrderBook::latestEventsOfStore(const QString &store) const
{
    QList<const Entry *> found;
    if (store.isEmpty())
        return {};
    for (const Entry &e : m_orders) {
        if (!e.latest.event.isEmpty() && e.latest.store == store)
            found.append(&e);
    }
    std::sort(found.begin(), found.end(), [](const Entry *a, const Entry *b) { return a->sequence < b->sequence; });
    QList<HubEvent> out;
    out.reserve(found.size());
    for (const Entry *e : found)
        out.append(e->latest);
    return out;
}

void OrderBook::restore(const QString &orderId, OrderStatus status, const QString &taker, const HubEvent &latest,
                        const StepTimes &steps)
{
    if (orderId.isEmpty())
        return;
    Entry &entry = touch(orderId);
    entry.status = status;
    entry.taker = taker;
    entry.steps.merge(steps);
    // A record saved before the store kept the steps: its latest event's is known all the same.
    if (latest.time.isValid())
        entry.steps.note(status, latest.time.toMSecsSinceEpoch());
    m_bytes -= entry.latest.payloadJson.size();
    entry.latest = latest;
    entry.latest.payload = QJsonValue();
    m_bytes += entry.latest.payloadJson.size();
    forgetBeyondLimits();
}

std::optional<OrderStatus> OrderBook::status(const QString &orderId) const
{
    const auto it = m_orders.constFind(orderId);
    return it == m_orders.constEnd() ? std::nullopt : std::optional<OrderStatus>(it->status);
}

QString OrderBook::taker(const QString &orderId) const
{
    // Not value(): that copies the whole entry, its latest event included, for one string.
    const auto it = m_orders.constFind(orderId);
    return it == m_orders.constEnd() ? QString() : it->taker;
}

} // namespace caps
