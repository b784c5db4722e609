#pragma once

// The CAPS events, defined once: for each, its name on the wire, who may send it, who hears it,
// which Phase 3 queue keeps it, and what it does to an order's status. Routing (the hub and
// caps::Audience), the access policy, payload validation, the queue, the agents, the models and
// the windows read it; to add an event is to add a row here, its handling, and its picture in
// the windows.
//
//   const CapsEvent *e = EventCatalogue::standard().find(u"pickup");
//   if (e && e->carriesOrder) ...

#include <QDebug>
#include <QFlags>
#include <QMetaType>
#include <QList>
#include <QString>
#include <QStringView>

#include <array>

namespace caps {

// Where an order is in its life. The hub enforces the order of steps (CapsEvent::from).
// In event order along each path (Ordered -> InTransit -> Delivered, or Ordered -> Cancelled); a
// status never goes back. Whether one status comes after another is the catalogue's
// (EventCatalogue::isPast): Cancelled is not "after" InTransit although its value is larger.
// (Order::Status is this.)
enum class OrderStatus {
    Unknown, // not seen yet
    Ordered, // `pickup`: the vendor has a parcel waiting for a driver
    InTransit, // `in-transit`: a driver took it
    Delivered, // `delivered`
    Cancelled, // `cancel`: the vendor withdrew it before any driver took it
};
QDebug operator<<(QDebug debug, OrderStatus status);

// When an order made each step, by the status the step moved it to (Ordered, InTransit,
// Delivered, Cancelled): milliseconds since the epoch, 0 where not known. The first time of a
// step stays: a repeat (a client's retry) does not make the step again. The hub's order book
// keeps them and its durable store saves them, so that `track` and `orders` tell how long an
// order waited and travelled, not only when it last moved.
struct StepTimes
{
    static constexpr int kCount = 4;
    std::array<qint64, kCount> ms{};

    // The slot of a status, -1 for Unknown; and the status of a slot.
    [[nodiscard]] static int indexOf(OrderStatus status);
    [[nodiscard]] static OrderStatus statusAt(int index);
    [[nodiscard]] qint64 of(OrderStatus status) const;
    // Sets the step's time unless it has one (a time of 0 or before the epoch is no time).
    void note(OrderStatus status, qint64 msSinceEpoch);
    // The steps `other` knows and this does not.
    void merge(const StepTimes &other);
    [[nodiscard]] bool isEmpty() const;

    friend bool operator==(const StepTimes &, const StepTimes &) = default;
};

// Who may send an event when the hub has tokens (open mode: anyone; admins: anything).
enum class Sender : unsigned {
    Vendor = 0x1, // for its own store only
    Driver = 0x2,
    Customer = 0x4,
    Hub = 0x8, // the hub itself; no client may send it
};
Q_DECLARE_FLAGS(Senders, Sender)

// Who hears an event that someone sent (caps::Audience turns these into rooms).
enum class Listener : unsigned {
    // Token mode: every driver token. Open mode: every socket that tracks nothing (the lab's
    // "everyone but the customers").
    Drivers = 0x1,
    // The room of payload.store: the store's vendors.
    Store = 0x2,
    // Those who track the order's ID or its customer's name, within what their token may track.
    Trackers = 0x4,
    // Token mode: admin tokens (open mode has no admins).
    Admins = 0x8,
};
Q_DECLARE_FLAGS(Listeners, Listener)

// Which Phase 3 queue keeps an event for those who were away (docs/queue.md).
enum class QueueFor {
    Nobody,
    Drivers, // every driver queue (`getAll { event: "pickup" }`)
    Store, // the queue named after payload.store, the vendor's
};

struct CapsEvent
{
    QString name;
    Senders senders;
    Listeners openListeners; // the lab's routing, for the hub without tokens
    Listeners tokenListeners; // with tokens: only those whose role entitles them to it
    QueueFor queue = QueueFor::Nobody;
    // The payload is an order ({ store, orderID, customer, address }), validated as one.
    bool carriesOrder = true;
    // The statuses the order may be in for this event to be accepted (empty: any, and the event
    // changes no status), and the status it moves the order to.
    QList<OrderStatus> from;
    OrderStatus to = OrderStatus::Unknown;
    // For an order the hub has never seen (a hub restarted without a queue): accepted as the
    // lab's hub would, or refused.
    bool acceptsUnknownOrder = true;
    // The step's name for people, untranslated (QT_TRANSLATE_NOOP in the catalogue's context
    // "caps::EventCatalogue"; the windows translate it).
    const char *label = nullptr;

    [[nodiscard]] bool changesStatus() const { return !from.isEmpty(); }
    // The hub's own notice (`taken`): no client sends it, and it goes only to the clients that
    // ask for it when they connect (Audience::noticeRooms()).
    [[nodiscard]] bool isNotice() const { return senders == Senders(Sender::Hub); }
    // Whether an order in `status` may take this event.
    [[nodiscard]] bool allowedFrom(OrderStatus status) const;
};

class EventCatalogue
{
public:
    // The events of CAPS: pickup, in-transit, delivered, cancel, and the hub's own `taken`.
    [[nodiscard]] static const EventCatalogue &standard();

    EventCatalogue() = default;
    explicit EventCatalogue(QList<CapsEvent> events)
        : m_events(std::move(events))
    { }

    [[nodiscard]] const QList<CapsEvent> &events() const { return m_events; }
    [[nodiscard]] const CapsEvent *find(QStringView name) const;
    [[nodiscard]] bool contains(QStringView name) const { return find(name) != nullptr; }
    // The event that moves an order to `status` (the first such row), nullptr if none.
    [[nodiscard]] const CapsEvent *reaching(OrderStatus status) const;
    // Whether an order in `status` has made the step to `step` already, or one after it: `status`
    // is `step` or is reached from it by the catalogue's events (Delivered is past InTransit,
    // Cancelled is past Ordered but not InTransit). What the hub answers a repeat with.
    [[nodiscard]] bool isPast(OrderStatus status, OrderStatus step) const;
    // Whether no event moves an order on from `status` (Delivered, Cancelled).
    [[nodiscard]] bool isFinal(OrderStatus status) const;
    // A copy with one more event (tests, and programs that extend CAPS).
    [[nodiscard]] EventCatalogue with(CapsEvent event) const;

    // The names of the standard events, for code that handles one of them specifically.
    static inline const QString kPickup = QStringLiteral("pickup");
    static inline const QString kInTransit = QStringLiteral("in-transit");
    static inline const QString kDelivered = QStringLiteral("delivered");
    // The vendor withdraws an order that no driver has taken yet.
    static inline const QString kCancel = QStringLiteral("cancel");
    // Sent by the hub to the drivers when a driver took an order ({ store, orderID }), so that
    // it leaves the other drivers' lists.
    static inline const QString kTaken = QStringLiteral("taken");

private:
    QList<CapsEvent> m_events;
};

} // namespace caps

Q_DECLARE_METATYPE(caps::OrderStatus)
Q_DECLARE_OPERATORS_FOR_FLAGS(caps::Senders)
Q_DECLARE_OPERATORS_FOR_FLAGS(caps::Listeners)
