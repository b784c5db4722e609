#include "security/securitylimits.h"

#include <QCoreApplication>
#include <limits>

namespace caps {

namespace {
constexpr qint64 kIntMax = std::numeric_limits<int>::max();
}

const QList<SecurityLimits::Option> &SecurityLimits::options()
{
    using L = SecurityLimits;
    // Zero is a valid value only where it means "no limit" (rates and counts the operator
    // may want to switch off); sizes and lengths must stay positive.
    static const QList<Option> list{
        {QStringLiteral("max-payload"),
         QCoreApplication::translate("caps::SecurityLimits", "Largest HTTP body or WebSocket message, in bytes."),
         &L::maxPayload, 1, qint64(1) << 32},
        {QStringLiteral("max-header-bytes"),
         QCoreApplication::translate("caps::SecurityLimits", "Largest HTTP request head, in bytes."),
         &L::maxHeaderBytes, 256, kIntMax},
        {QStringLiteral("handshake-timeout"),
         QCoreApplication::translate(
             "caps::SecurityLimits",
             "Milliseconds a new connection has to complete its request head, TLS and WebSocket handshakes."),
         &L::handshakeTimeoutMs, 100, kIntMax},
        {QStringLiteral("max-connections-per-ip"),
         QCoreApplication::translate("caps::SecurityLimits", "Open connections from one IP address (0: no limit)."),
         &L::maxConnectionsPerIp, 0, kIntMax},
        {QStringLiteral("events-per-second"),
         QCoreApplication::translate("caps::SecurityLimits",
                                     "Events one socket may emit per second, on average (0: no limit)."),
         &L::eventsPerSecond, 0, kIntMax},
        {QStringLiteral("event-burst"),
         QCoreApplication::translate("caps::SecurityLimits",
                                     "Events one socket may emit at once before the rate applies."),
         &L::eventBurst, 1, kIntMax},
        {QStringLiteral("max-unsent-bytes"),
         QCoreApplication::translate("caps::SecurityLimits",
                                     "Bytes queued for a peer that does not read before it is disconnected."),
         &L::maxUnsentBytes, 1024, std::numeric_limits<qint64>::max()},
        {QStringLiteral("max-rooms-per-socket"),
         QCoreApplication::translate("caps::SecurityLimits", "Rooms one socket may be in (join and track)."),
         &L::maxRoomsPerSocket, 1, kIntMax},
        {QStringLiteral("max-room-name-length"),
         QCoreApplication::translate("caps::SecurityLimits", "Longest room name, in characters."),
         &L::maxRoomNameLength, 1, kIntMax},
        {QStringLiteral("max-event-name-length"),
         QCoreApplication::translate("caps::SecurityLimits", "Longest event name, in characters."),
         &L::maxEventNameLength, 1, kIntMax},
        {QStringLiteral("max-json-depth"),
         QCoreApplication::translate("caps::SecurityLimits", "Deepest nesting of JSON arrays and objects in a packet."),
         &L::maxJsonDepth, 1, 1000},
        {QStringLiteral("max-attachments"),
         QCoreApplication::translate("caps::SecurityLimits", "Binary attachments in one Socket.IO packet."),
         &L::maxAttachments, 0, 1000},
        {QStringLiteral("max-store-length"),
         QCoreApplication::translate("caps::SecurityLimits", "Longest payload.store, in characters."),
         &L::maxStoreLength, 1, kIntMax},
        {QStringLiteral("max-order-id-length"),
         QCoreApplication::translate("caps::SecurityLimits", "Longest payload.orderID, in characters."),
         &L::maxOrderIdLength, 1, kIntMax},
        {QStringLiteral("max-customer-length"),
         QCoreApplication::translate("caps::SecurityLimits", "Longest payload.customer, in characters."),
         &L::maxCustomerLength, 1, kIntMax},
        {QStringLiteral("max-address-length"),
         QCoreApplication::translate("caps::SecurityLimits", "Longest payload.address, in characters."),
         &L::maxAddressLength, 1, kIntMax},
    };
    return list;
}

qint64 SecurityLimits::value(const Option &option) const
{
    return std::visit([this](auto member) { return qint64(this->*member); }, option.field);
}

void SecurityLimits::setValue(const Option &option, qint64 value)
{
    std::visit(
        [this, value](auto member) {
            using T = std::remove_reference_t<decltype(this->*member)>;
            this->*member = static_cast<T>(value);
        },
        option.field);
}

} // namespace caps
