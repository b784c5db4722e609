#pragma once

// Socket.IO protocol v5, carried in Engine.IO Message packets.
// https://github.com/socketio/socket.io-protocol (v5). Pure functions, no I/O.

#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace caps::sio {

inline constexpr int kProtocolVersion = 5;

enum class PacketType : quint8 {
    Connect = 0,
    Disconnect = 1,
    Event = 2,
    Ack = 3,
    ConnectError = 4,
    BinaryEvent = 5,
    BinaryAck = 6,
};

struct Packet
{
    PacketType type = PacketType::Event;
    QString nsp = QStringLiteral("/");
    // Acknowledgement id; -1 when the packet carries none.
    qint64 id = -1;
    // The JSON payload; Undefined when the packet has none. Binary attachments stand in it as
    // {"_placeholder":true,"num":N}, N indexing `attachments`.
    QJsonValue data = QJsonValue(QJsonValue::Undefined);
    QList<QByteArray> attachments;
    // The payload's JSON text exactly as received (empty for packets built here). encode()
    // writes it instead of `data` when set, so a relayed payload keeps its bytes: QJsonObject
    // sorts keys, and the hub promises to relay verbatim. Whoever changes `data` clears it.
    QByteArray rawData;

    [[nodiscard]] static Packet event(const QString &nsp, const QString &name, const QJsonArray &args, qint64 id = -1,
                                      QList<QByteArray> attachments = {});
    [[nodiscard]] static Packet ack(const QString &nsp, qint64 id, const QJsonArray &args,
                                    QList<QByteArray> attachments = {});
    [[nodiscard]] static Packet connect(const QString &nsp, const QJsonObject &data = {});
    [[nodiscard]] static Packet connectError(const QString &nsp, const QString &message);
    [[nodiscard]] static Packet disconnect(const QString &nsp);

    // For Event/BinaryEvent: the first element of the data array, and the rest.
    [[nodiscard]] QString eventName() const;
    [[nodiscard]] QJsonArray eventArgs() const;
    [[nodiscard]] bool isBinary() const { return type == PacketType::BinaryEvent || type == PacketType::BinaryAck; }

    // Equal in meaning: rawData is a cache of `data` and does not count.
    friend bool operator==(const Packet &a, const Packet &b)
    {
        return a.type == b.type && a.nsp == b.nsp && a.id == b.id && a.data == b.data && a.attachments == b.attachments;
    }
};

// A placeholder object that stands for attachment `num`.
[[nodiscard]] QJsonObject placeholder(int num);

struct Encoded
{
    QByteArray text; // goes in one Engine.IO text Message
    QList<QByteArray> attachments; // each goes in one Engine.IO binary Message, in order
};
// An Event or Ack with attachments is written as BinaryEvent/BinaryAck with their count.
[[nodiscard]] Encoded encode(const Packet &packet);

struct Limits
{
    int maxAttachments = 10; // as socket.io-parser's default
    int maxNestingDepth = 32; // JSON arrays/objects inside each other
};

// Decodes one text packet. For BinaryEvent/BinaryAck the returned packet has no attachments
// yet; `expectedAttachments` tells how many binary messages must follow.
struct Header
{
    Packet packet;
    int expectedAttachments = 0;
};
[[nodiscard]] Result<Header> decodeText(QByteArrayView text, const Limits &limits = {});

// Stateful decoder for a stream of Engine.IO messages: a binary packet is complete once its
// attachments have arrived. Feed every message in order; a returned packet is complete.
class Decoder
{
public:
    explicit Decoder(Limits limits = {})
        : m_limits(limits)
    { }

    // nullopt inside the result: more attachments are awaited.
    [[nodiscard]] Result<std::optional<Packet>> feedText(QByteArrayView text);
    [[nodiscard]] Result<std::optional<Packet>> feedBinary(const QByteArray &bytes);
    [[nodiscard]] bool awaitingAttachments() const { return m_pending != nullptr; }
    void reset() { m_pending.reset(); }

private:
    Limits m_limits;
    // On the heap: every connection has a decoder, and almost none is ever between a binary
    // packet and its attachments (an optional<Header> in place was 120 bytes of each).
    std::unique_ptr<Header> m_pending;
};

// Socket.IO protocol v4, spoken by socket.io 2.x over Engine.IO 3. Its packets are v5's but for
// the connection: the main namespace is joined without a CONNECT from the client, another
// namespace's CONNECT carries its handshake query in the name ("/caps?token=x") instead of an
// auth object, the answer carries no data, and CONNECT_ERROR carries a bare string.
namespace v4 {
inline constexpr int kProtocolVersion = 4;
[[nodiscard]] Packet connectError(const QString &nsp, const QString &message);
// "/caps?token=x&a=b" -> "/caps" and {"token": "x", "a": "b"}, as socket.io reads it.
struct ConnectTarget
{
    QString nsp;
    QJsonObject query;
};
[[nodiscard]] ConnectTarget splitConnectName(const QString &name);
} // namespace v4

// Event names the protocol reserves; a peer may not emit them.
[[nodiscard]] bool isReservedEventName(const QString &name);

} // namespace caps::sio
