#pragma once

// Engine.IO protocol v4: the transport layer under Socket.IO.
// https://github.com/socketio/engine.io-protocol (v4). Pure functions, no I/O.

#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

namespace caps::eio {

inline constexpr int kProtocolVersion = 4;
inline constexpr char kRecordSeparator = '\x1e';

enum class PacketType : quint8 { Open = 0, Close = 1, Ping = 2, Pong = 3, Message = 4, Upgrade = 5, Noop = 6 };

struct Packet
{
    PacketType type = PacketType::Noop;
    // For text packets the bytes after the type digit; for a binary message the raw bytes.
    QByteArray data;
    // Only a Message can be binary: a WebSocket binary frame, or "b<base64>" when polling.
    bool binary = false;

    [[nodiscard]] static Packet message(QByteArray text) { return {PacketType::Message, std::move(text), false}; }
    [[nodiscard]] static Packet binaryMessage(QByteArray bytes)
    {
        return {PacketType::Message, std::move(bytes), true};
    }
    [[nodiscard]] static Packet of(PacketType type, QByteArray data = {}) { return {type, std::move(data), false}; }

    friend bool operator==(const Packet &, const Packet &) = default;
};

// WebSocket transport: one packet per frame. A text frame is "<type digit><data>"; a binary
// frame is a binary Message with no prefix at all.
[[nodiscard]] Result<Packet> decodeTextFrame(QByteArrayView frame);
[[nodiscard]] Packet decodeBinaryFrame(const QByteArray &frame);
// Text form of a packet: "<digit><data>", or "b<base64>" for a binary message (the polling form;
// on a WebSocket send binary messages as binary frames of their raw data instead).
[[nodiscard]] QByteArray encodeText(const Packet &packet);

// HTTP long-polling: packets joined by the record separator 0x1e, binary messages as "b<base64>".
[[nodiscard]] QByteArray encodePayload(const QList<Packet> &packets);
[[nodiscard]] Result<QList<Packet>> decodePayload(QByteArrayView payload);
// The same payload from packets already in their text form (encodeText()), as a session
// buffers them: a broadcast's bytes are shared by every recipient, not encoded again.
[[nodiscard]] QByteArray joinTextPackets(const QList<QByteArray> &textPackets);
// One packet in text form, "b<base64>" allowed: the inverse of encodeText().
[[nodiscard]] Result<Packet> decodeTextPacket(QByteArrayView text);

// The packets a session sends or expects whose text form never changes (encodeText() of each),
// made once: every heartbeat and upgrade uses them. The probe is the ping and pong of an upgrade
// on the new WebSocket, "2probe" answered with "3probe".
struct ControlPackets
{
    QByteArray noop;
    QByteArray close;
    QByteArray ping;
    QByteArray upgrade;
    QByteArray probePing;
    QByteArray probePong;
};
[[nodiscard]] const ControlPackets &controlPackets();

// The data of the OPEN packet.
struct Handshake
{
    QString sid;
    QStringList upgrades;
    int pingInterval = 25000;
    int pingTimeout = 20000;
    qint64 maxPayload = 1000000;

    friend bool operator==(const Handshake &, const Handshake &) = default;
};
[[nodiscard]] QByteArray encodeHandshake(const Handshake &handshake);
[[nodiscard]] Result<Handshake> decodeHandshake(QByteArrayView json);

// Engine.IO protocol v3 (engine.io 3, under socket.io 2.x clients), served beside v4 as Node's
// `allowEIO3` does. The packets are the same; their framing differs, and the client sends the
// pings. https://github.com/socketio/engine.io-protocol/tree/v3
namespace v3 {

inline constexpr int kProtocolVersion = 3;

// Text polling payload: each packet as "<length>:<packet>", the length in UTF-16 code units
// (JavaScript's String.length, which is what engine.io-parser 2 counts), a binary message as
// "b4<base64>". An empty list is "0:".
[[nodiscard]] QByteArray encodeTextPayload(const QList<Packet> &packets);
[[nodiscard]] Result<QList<Packet>> decodeTextPayload(QByteArrayView payload);
// Binary polling payload, for XHR2 clients that did not ask for base64 (no `b64=1`): per packet
// a 0 (text) or 1 (binary) byte, the length's decimal digits as byte values, 0xFF, then the
// packet: text as UTF-8 "<digit><data>", binary as its type byte and then the data; lengths in
// bytes.
[[nodiscard]] QByteArray encodeBinaryPayload(const QList<Packet> &packets);
[[nodiscard]] Result<QList<Packet>> decodeBinaryPayload(QByteArrayView payload);
// One text packet of v3, as a polling payload or a WebSocket text frame holds it: a binary
// message may come as "b4<base64>" from a client that was told to avoid binary (b64=1).
[[nodiscard]] Result<Packet> decodeTextPacket(QByteArrayView text);
[[nodiscard]] QByteArray encodeTextPacket(const Packet &packet);
// WebSocket binary frame: the type byte (always Message), then the data.
[[nodiscard]] Result<Packet> decodeBinaryFrame(QByteArrayView frame);
[[nodiscard]] QByteArray encodeBinaryFrame(const QByteArray &data);

} // namespace v3

} // namespace caps::eio
