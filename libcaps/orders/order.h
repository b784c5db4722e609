#pragma once

#include "catalogue/eventcatalogue.h"
#include "core/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QMetaType>
#include <QString>

namespace caps {

// One parcel as the lab's payload describes it, plus what we learn from its events.
// Payloads name the id `orderID` (the lab) or `orderId` (some clients); we read both and
// always write `orderID`.
struct Order
{
    // The catalogue's order status (Unknown, Ordered, InTransit, Delivered, Cancelled).
    using Status = OrderStatus;

    QString store;
    QString orderId;
    QString customer;
    QString address;
    Status status = Status::Unknown;
    // UTC; invalid while unknown.
    QDateTime orderedAt;
    QDateTime inTransitAt;
    QDateTime deliveredAt;
    QDateTime cancelledAt;
    // The vendor's side of sending it (its outbox): not yet confirmed by the hub, or refused by
    // it for good with this reason (then never sent again unless edited).
    bool unsent = false;
    QString refusal;

    // Reads { store, orderID|orderId, customer, address, orderedAt }; the order id is required.
    // `orderedAt` (ISO 8601, UTC; our vendors add it) is when the vendor placed it, which may be
    // long before the hub heard of it (placed offline).
    [[nodiscard]] static Result<Order> fromJson(const QJsonValue &payload);
    // { store, orderID, customer, address } and orderedAt when known.
    [[nodiscard]] QJsonObject toJson() const;
    // Whether the hub refused it for good (Order::refusal).
    [[nodiscard]] bool isRefused() const { return !refusal.isEmpty(); }

    // The status the catalogue's event moves an order to ("pickup" -> Ordered, "in-transit" ->
    // InTransit, "delivered" -> Delivered), Unknown for any other; and back.
    [[nodiscard]] static Status statusForEvent(const QString &event);
    [[nodiscard]] static QString eventForStatus(Status status);

    [[nodiscard]] QDateTime timeOf(Status step) const;
    void setTimeOf(Status step, const QDateTime &time);
    // Milliseconds between two steps, -1 when either time is unknown.
    [[nodiscard]] qint64 msBetween(Status from, Status to) const;

    friend bool operator==(const Order &, const Order &) = default;
};

// One entry of a hub's answer to `orders { store }` or `track`: the order's latest event
// {event, time, payload} and, from our hub, when it made each step before
// (steps: {"pickup": time, "in-transit": time, ...}). Without those times a vendor that starts
// again could not tell how long its delivered orders waited or travelled.
struct OrderHistory
{
    struct Step
    {
        Order::Status status = Order::Status::Unknown;
        QDateTime time; // UTC; invalid when the hub did not say
    };

    Order order; // the latest event's payload
    QList<Step> steps; // oldest first; the latest event's step is the last one

    // Fails on a record without an order payload or whose event is no step; a time or a step
    // that does not read is left out (the step's time is then unknown, not invented).
    [[nodiscard]] static Result<OrderHistory> fromJson(const QJsonValue &record);
};

} // namespace caps

Q_DECLARE_METATYPE(caps::Order)
