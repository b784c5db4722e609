#include "catalogue/eventcatalogue.h"

#include <QtGlobal>

#include <algorithm>

namespace caps {

QDebug operator<<(QDebug debug, OrderStatus status)
{
    const QDebugStateSaver saver(debug);
    switch (status) {
    case OrderStatus::Unknown:
        return debug.noquote() << "Unknown";
    case OrderStatus::Ordered:
        return debug.noquote() << "Ordered";
    case OrderStatus::InTransit:
        return debug.noquote() << "InTransit";
    case OrderStatus::Delivered:
        return debug.noquote() << "Delivered";
    case OrderStatus::Cancelled:
        return debug.noquote() << "Cancelled";
    }
    return debug;
}

bool CapsEvent::allowedFrom(OrderStatus status) const
{
    return from.isEmpty() || from.contains(status);
}

const EventCatalogue &EventCatalogue::standard()
{
    using L = Listener;
    using S = OrderStatus;
    static const EventCatalogue catalogue({
        // Open: the lab's `pickup` to everyone but the customers. Tokens: no vendor reads
        // another store's orders, no customer another customer's. A vendor may announce an
        // order again (its own retry), which changes nothing once a driver has it.
        {kPickup,
         Sender::Vendor,
         L::Drivers | L::Trackers,
         L::Drivers | L::Store | L::Trackers | L::Admins,
         QueueFor::Drivers,
         true,
         {S::Unknown, S::Ordered},
         S::Ordered,
         true,
         QT_TRANSLATE_NOOP("caps::EventCatalogue", "Awaiting pickup")},
        // The first driver to take an order waiting for pickup has it.
        {kInTransit,
         Sender::Driver,
         L::Store | L::Trackers,
         L::Store | L::Trackers | L::Admins,
         QueueFor::Store,
         true,
         {S::Ordered},
         S::InTransit,
         true,
         QT_TRANSLATE_NOOP("caps::EventCatalogue", "In transit")},
        // Only from the driver who took it, and only after in-transit.
        {kDelivered,
         Sender::Driver,
         L::Store | L::Trackers,
         L::Store | L::Trackers | L::Admins,
         QueueFor::Store,
         true,
         {S::InTransit},
         S::Delivered,
         true,
         QT_TRANSLATE_NOOP("caps::EventCatalogue", "Delivered")},
        // The vendor's own store only, and only while no driver has the order: drivers drop it
        // (its pickup leaves their queues), its customer sees it cancelled. Not queued: what
        // was queued for it goes instead, and a vendor or customer that was away reads the
        // order's last step from the hub's order book (`orders`, `track`).
        {kCancel,
         Sender::Vendor,
         L::Drivers | L::Store | L::Trackers,
         L::Drivers | L::Store | L::Trackers | L::Admins,
         QueueFor::Nobody,
         true,
         {S::Ordered},
         S::Cancelled,
         false,
         QT_TRANSLATE_NOOP("caps::EventCatalogue", "Cancelled")},
        // The hub's notice to the drivers; changes nothing by itself (in-transit did).
        {kTaken,
         Sender::Hub,
         L::Drivers,
         L::Drivers | L::Admins,
         QueueFor::Nobody,
         true,
         {},
         S::Unknown,
         true,
         QT_TRANSLATE_NOOP("caps::EventCatalogue", "Taken by a driver")},
    });
    return catalogue;
}

const CapsEvent *EventCatalogue::find(QStringView name) const
{
    for (const CapsEvent &event : m_events) {
        if (event.name == name)
            return &event;
    }
    return nullptr;
}

const CapsEvent *EventCatalogue::reaching(OrderStatus status) const
{
    for (const CapsEvent &event : m_events) {
        if (event.changesStatus() && event.to == status)
            return &event;
    }
    return nullptr;
}

bool EventCatalogue::isPast(OrderStatus status, OrderStatus step) const
{
    if (status == step)
        return true;
    // Breadth-first along the events' from -> to edges, starting at `step`. The statuses are a
    // handful of enum values, so the sets are bits: the order book asks this for every step of
    // every order, and lists allocated per call were 2 % of the hub's time.
    const auto bit = [](OrderStatus s) { return quint32(1) << unsigned(s); };
    static_assert(int(OrderStatus::Cancelled) < 32);
    quint32 seen = bit(step);
    quint32 frontier = seen;
    while (frontier != 0) {
        quint32 next = 0;
        for (const CapsEvent &event : m_events) {
            if (!event.changesStatus() || (seen & bit(event.to)) != 0)
                continue;
            if (std::any_of(event.from.cbegin(), event.from.cend(),
                            [&](OrderStatus from) { return (frontier & bit(from)) != 0; }))
                next |= bit(event.to);
        }
        if ((next & bit(status)) != 0)
            return true;
        seen |= next;
        frontier = next;
    }
    return false;
}

int StepTimes::indexOf(OrderStatus status)
{
    switch (status) {
    case OrderStatus::Unknown:
        break;
    case OrderStatus::Ordered:
        return 0;
    case OrderStatus::InTransit:
        return 1;
    case OrderStatus::Delivered:
        return 2;
    case OrderStatus::Cancelled:
        return 3;
    }
    return -1;
}

OrderStatus StepTimes::statusAt(int index)
{
    static constexpr std::array<OrderStatus, kCount> statuses{OrderStatus::Ordered, OrderStatus::InTransit,
                                                              OrderStatus::Delivered, OrderStatus::Cancelled};
    return index >= 0 && index < kCount ? statuses[size_t(index)] : OrderStatus::Unknown;
}

qint64 StepTimes::of(OrderStatus status) const
{
    const int index = indexOf(status);
    return index < 0 ? 0 : ms[size_t(index)];
}

void StepTimes::note(OrderStatus status, qint64 msSinceEpoch)
{
    const int index = indexOf(status);
    if (index >= 0 && ms[size_t(index)] == 0 && msSinceEpoch > 0)
        ms[size_t(index)] = msSinceEpoch;
}

void StepTimes::merge(const StepTimes &other)
{
    for (int i = 0; i < kCount; ++i)
        note(statusAt(i), other.ms[size_t(i)]);
}

bool StepTimes::isEmpty() const
{
    return std::all_of(ms.cbegin(), ms.cend(), [](qint64 t) { return t == 0; });
}

bool EventCatalogue::isFinal(OrderStatus status) const
{
    if (status == OrderStatus::Unknown)
        return false;
    return std::none_of(m_events.cbegin(), m_events.cend(), [status](const CapsEvent &event) {
        return event.changesStatus() && event.from.contains(status) && event.to != status;
    });
}

EventCatalogue EventCatalogue::with(CapsEvent event) const
{
    QList<CapsEvent> events = m_events;
    events.append(std::move(event));
    return EventCatalogue(std::move(events));
}

} // namespace caps
