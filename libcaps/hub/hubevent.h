#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonValue>
#include <QList>
#include <QString>

namespace caps {

// A step an order made (the event that moved it on) and when the hub received it.
struct OrderStep
{
    QString event;
    QDateTime time;

    friend bool operator==(const OrderStep &, const OrderStep &) = default;
};

// One CAPS event as the hub saw it: what it logs, relays and remembers for tracking.
struct HubEvent
{
    QString event; // "pickup", "in-transit", "delivered"
    QDateTime time; // when the hub received it (UTC)
    QByteArray payloadJson; // the payload's JSON text exactly as the client sent it; empty if none
    QJsonValue payload; // the same, parsed
    QString store; // payload.store
    QString orderId; // payload.orderID (or orderId)
    QString customer; // payload.customer

    // The lab's log line: EVENT { event: 'pickup', time: 2026-..Z, payload: { store: '...', ... } }
    [[nodiscard]] QByteArray toLogLine() const;
    // One JSON object: {"event":"pickup","time":"2026-..Z","payload":{...}}
    [[nodiscard]] QByteArray toJsonLine() const;
    // {"event":..,"time":..,"payload":..} with the payload verbatim (the entries of the `track`
    // and `orders` answers); with `steps`, also "steps":{"pickup":time,"in-transit":time,..}:
    // when the order made each step, which its latest event alone does not tell.
    [[nodiscard]] QByteArray toJsonObject(const QList<OrderStep> &steps = {}) const;
    [[nodiscard]] QString isoTime() const;

    // Fills store/orderId/customer from the payload.
    void readPayloadFields();
};

} // namespace caps
