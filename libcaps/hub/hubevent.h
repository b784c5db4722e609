#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonValue>
#include <QString>

namespace caps {

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
    // {"event":..,"time":..,"payload":..} with the payload verbatim (the track ack's entries).
    [[nodiscard]] QByteArray toJsonObject() const;
    [[nodiscard]] QString isoTime() const;

    // Fills store/orderId/customer from the payload.
    void readPayloadFields();
};

} // namespace caps
