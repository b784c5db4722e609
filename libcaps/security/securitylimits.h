#pragma once

// Every bound the hub puts on what one peer may cost it, with its default and the
// command-line option that changes it. SecurityOptions adds them all to a QCommandLineParser.

#include "protocol/socketio.h"

#include <QList>
#include <QString>

#include <variant>

namespace caps {

struct SecurityLimits
{
    // Engine.IO maxPayload: largest HTTP POST body / WebSocket message, in bytes (socket.io's maxHttpBufferSize).
    qint64 maxPayload = 1000000;
    // Largest HTTP request head (request line + headers), in bytes.
    int maxHeaderBytes = 16 * 1024;
    // Time a new connection has to send a complete request head and finish the TLS and
    // WebSocket handshakes, in milliseconds.
    int handshakeTimeoutMs = 10000;
    // Open TCP connections from one IP address (IPv4-mapped IPv6 counts as IPv4).
    int maxConnectionsPerIp = 100;
    // Events each socket may emit: a token bucket refilled at this rate, holding `eventBurst`.
    int eventsPerSecond = 200;
    int eventBurst = 400;
    // Bytes queued for a peer that does not read (WebSocket bytesToWrite, or the polling
    // buffer); past this the peer is disconnected instead of buffering without end.
    qint64 maxUnsentBytes = qint64(8) * 1024 * 1024;
    // Rooms one socket may be in (join + track).
    int maxRoomsPerSocket = 50;
    int maxRoomNameLength = 128;
    int maxEventNameLength = 64;
    // Socket.IO decoding (sio::Limits).
    int maxJsonDepth = 32;
    int maxAttachments = 10;
    // CAPS order payload fields, in characters (UTF-16 code units).
    int maxStoreLength = 128;
    int maxOrderIdLength = 128;
    int maxCustomerLength = 256;
    int maxAddressLength = 512;

    [[nodiscard]] sio::Limits sioLimits() const { return {maxAttachments, maxJsonDepth}; }

    // One command-line option per field.
    struct Option
    {
        QString name; // "max-payload"
        QString help;
        std::variant<int SecurityLimits::*, qint64 SecurityLimits::*> field;
        qint64 minimum; // smallest accepted value
        qint64 maximum;
    };
    [[nodiscard]] static const QList<Option> &options();

    [[nodiscard]] qint64 value(const Option &option) const;
    void setValue(const Option &option, qint64 value);

    friend bool operator==(const SecurityLimits &, const SecurityLimits &) = default;
};

} // namespace caps
