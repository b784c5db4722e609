#pragma once

// Shape checks for what a peer sends, before the hub acts on it or relays it. Each returns the
// cleaned-up value or an error text that can go back to the peer as it is.

#include "core/result.h"
#include "security/decision.h"
#include "security/securitylimits.h"

#include <QJsonValue>
#include <QString>
#include <QStringView>

namespace caps {

// How strict the shape checks are. Strict (token mode): the CAPS payloads as documented.
// Lab (open mode): what the lab's Node hub accepts, so that lab clients keep working: any
// field may be missing or a number, and only the strings that are there are bounded.
enum class PayloadRules { Strict, Lab };

// The order events whose first argument is a { store, orderID, customer, address } payload.
[[nodiscard]] bool isOrderEvent(QStringView event);

struct OrderFields
{
    QString store;
    QString orderId; // from "orderID", or "orderId" when that is the one given
    QString customer;
    QString address;

    friend bool operator==(const OrderFields &, const OrderFields &) = default;
};

// An object whose store, orderID (or orderId; if both, they must agree), customer and address
// are non-empty strings within the limits and free of control characters (they end up in
// log lines). Other members are left alone.
// Lab rules: fields that are strings are bounded in length, nothing else is required; the
// result holds the string fields found (orderID also from an integer).
[[nodiscard]] Result<OrderFields> validateOrderPayload(const QJsonValue &payload, const SecurityLimits &limits = {},
                                                       PayloadRules rules = PayloadRules::Strict);

// A room name: a non-empty string of at most maxRoomNameLength characters, no control characters.
[[nodiscard]] Result<QString> validateRoomName(const QJsonValue &room, const SecurityLimits &limits = {});

// The argument of `join`: a room name, or an object naming it in store, clientId, queueId or
// roomName (the first truthy one, as the lab's Node hub and CapsHub::roomOf read it), checked
// as validateRoomName() does.
// Lab rules: only a string room name is checked, for its length (the hub ignores the rest).
[[nodiscard]] Result<QString> validateJoinArgument(const QJsonValue &argument, const SecurityLimits &limits = {},
                                                   PayloadRules rules = PayloadRules::Strict);

// An event name: 1..maxEventNameLength characters, no control characters.
[[nodiscard]] Decision validateEventName(QStringView name, const SecurityLimits &limits = {});

// The argument of `track`/`untrack`: {orderID|orderId: "..."}, {customer: "..."}, or a bare
// string (an orderID).
struct TrackTarget
{
    enum class Kind { Order, Customer };
    Kind kind = Kind::Order;
    QString key;

    // "order:<orderID>" or "customer:<name>"
    [[nodiscard]] QString room() const;
    friend bool operator==(const TrackTarget &, const TrackTarget &) = default;
};
// Lab rules: orderID and customer may come together (then `key` is the orderID) and an
// orderID may be an integer; strings are bounded in length.
[[nodiscard]] Result<TrackTarget> validateTrackRequest(const QJsonValue &argument, const SecurityLimits &limits = {},
                                                       PayloadRules rules = PayloadRules::Strict);

} // namespace caps
