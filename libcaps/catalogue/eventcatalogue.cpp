#include "catalogue/eventcatalogue.h"

#include <QtGlobal>

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

EventCatalogue EventCatalogue::with(CapsEvent event) const
{
    QList<CapsEvent> events = m_events;
    events.append(std::move(event));
    return EventCatalogue(std::move(events));
}

} // namespace caps
