#pragma once

#include "catalogue/eventcatalogue.h"
#include "hub/hubevent.h"

#include <QHash>
#include <QList>
#include <QString>

#include <list>
#include <optional>
#include <utility>

namespace caps {

// What the hub knows of each order: its status and the driver who took it (the lifecycle the
// hub enforces), its latest event and when it made each step (what `track` and `orders`
// answer). Bounded: past maxOrders orders or
// maxBytes of payload text the oldest are forgotten, and a forgotten order is treated as one the
// hub has never seen.
//
// The lifecycle, read from the catalogue (CapsEvent::from / to):
//  - an event for an order in one of its `from` statuses applies (in-transit: the first driver to
//    take an order waiting for pickup has it, and only that driver may then deliver it);
//  - an event the order is already at or past is a repeat (a client's retry: answered, not
//    relayed), unless it comes from another driver than the one who took the order: refused;
//  - any other is refused, with the reason;
//  - an order the hub has never seen takes any event (a lab hub restarted without a queue), as
//    the event's acceptsUnknownOrder says.
class OrderBook
{
public:
    struct Limits
    {
        int maxOrders = 10000;
        qint64 maxBytes = qint64(16) * 1024 * 1024;
    };
    enum class Verdict { Apply, Repeat, Refuse };
    struct Check
    {
        Verdict verdict = Verdict::Apply;
        QString reason; // for Refuse
    };
    // What apply() changed, to undo it when the event could not be stored after all.
    struct Undo
    {
        QString orderId;
        std::optional<OrderStatus> status; // nullopt: the order was not known before
        QString taker;
    };

    // `catalogue` (not owned) says which status comes after which (EventCatalogue::isPast).
    explicit OrderBook(Limits limits, const EventCatalogue *catalogue = &EventCatalogue::standard())
        : m_limits(limits)
        , m_catalogue(catalogue)
    { }
    // Its entries point into its own recency list.
    OrderBook(const OrderBook &) = delete;
    OrderBook &operator=(const OrderBook &) = delete;

    // `actor` names the sender the lifecycle holds to its word: a driver's token in token mode,
    // its socket otherwise. `actorGone(taker)` tells whether the driver who took the order is
    // no longer connected (open mode lets another connection of a driver finish the order then:
    // the lab's driver that reconnected without recovery).
    [[nodiscard]] Check check(const CapsEvent &event, const QString &orderId, const QString &actor,
                              const std::function<bool(const QString &taker)> &actorGone = {}) const;
    // Moves the order on (check() said Apply); returns how to undo it.
    Undo apply(const CapsEvent &event, const QString &orderId, const QString &actor);
    void undo(const Undo &undo);

    // Remembers `event` as the order's latest (the payload text only: HubEvent::payload is
    // dropped, at half the memory), and its time as the time of the step it made (the
    // catalogue's CapsEvent::to), unless the order made that step before (a repeat).
    void remember(const HubEvent &event);
    // The latest event of the order `orderId` and of every order of `customer` (either may be
    // empty), oldest first.
    [[nodiscard]] QList<HubEvent> latestEvents(const QString &orderId, const QString &customer) const;
    // The latest event of every order of `store`, oldest first.
    [[nodiscard]] QList<HubEvent> latestEventsOfStore(const QString &store) const;
    // The steps the order made, oldest first, as far as this hub knows (empty if unknown).
    [[nodiscard]] QList<OrderStep> steps(const QString &orderId) const;
    // The same as times by status (what the durable store saves); empty if unknown.
    [[nodiscard]] StepTimes stepTimes(const QString &orderId) const;
    // An order as the hub's durable store had it (the hub's start, or another hub's record):
    // its status, taker, latest event and the times of its steps (merged with those this book
    // knows), as if those events had just been applied and remembered, oldest first.
    void restore(const QString &orderId, OrderStatus status, const QString &taker, const HubEvent &latest,
                 const StepTimes &steps = {});
    [[nodiscard]] std::optional<OrderStatus> status(const QString &orderId) const;
    [[nodiscard]] QString taker(const QString &orderId) const;

    [[nodiscard]] qsizetype size() const { return m_orders.size(); }
    [[nodiscard]] qint64 bytes() const { return m_bytes; }

private:
    struct Entry
    {
        OrderStatus status = OrderStatus::Unknown;
        QString taker; // who took it (in-transit); empty before
        HubEvent latest; // empty event name until remember()
        quint64 sequence = 0; // recency, for answers oldest first
        StepTimes steps; // when the hub received the event of each step
        std::list<QString>::iterator age; // its place in m_age
    };

    Entry &touch(const QString &orderId);
    void forgetBeyondLimits();

    Limits m_limits;
    const EventCatalogue *m_catalogue;
    QHash<QString, Entry> m_orders; // by orderID
    // Order IDs, least recently touched first. A touched order's node moves to the back
    // (a splice: nothing allocated, nothing left behind), and the front is the one to forget.
    // A tree node freed and allocated per event was 5 % of the hub's time under real clients;
    // a queue of (sequence, ID) pairs left stale entries that each eviction looked up again.
    std::list<QString> m_age;
    quint64 m_sequence = 0;
    qint64 m_bytes = 0;
};

} // namespace caps
