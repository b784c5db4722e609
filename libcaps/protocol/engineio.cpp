#include "protocol/engineio.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>
#include <cmath>
#include <limits>

namespace caps::eio {

namespace {

bool isTypeDigit(char c)
{
    return c >= '0' && c <= '6';
}

Result<Packet> decodeText(QByteArrayView text, bool allowBase64)
{
    if (text.isEmpty())
        return Result<Packet>::failure(QStringLiteral("empty packet"));
    const char first = text.front();
    if (first == 'b') {
        if (!allowBase64)
            return Result<Packet>::failure(QStringLiteral("base64 packet outside a polling payload"));
        auto decoded
            = QByteArray::fromBase64Encoding(text.sliced(1).toByteArray(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return Result<Packet>::failure(QStringLiteral("invalid base64 in binary packet"));
        return Packet::binaryMessage(std::move(decoded.decoded));
    }
    if (!isTypeDigit(first))
        return Result<Packet>::failure(QStringLiteral("unknown packet type '%1'").arg(QLatin1Char(first)));
    const auto type = static_cast<PacketType>(first - '0');
    const QByteArrayView data = text.sliced(1);
    // Only these packets carry data; "2probe"/"3probe" are the upgrade probes.
    switch (type) {
    case PacketType::Open:
    case PacketType::Message:
    case PacketType::Ping:
    case PacketType::Pong:
        break;
    case PacketType::Close:
    case PacketType::Upgrade:
    case PacketType::Noop:
        if (!data.isEmpty())
            return Result<Packet>::failure(QStringLiteral("unexpected data after packet type %1").arg(first - '0'));
        break;
    }
    return Packet::of(type, data.toByteArray());
}

} // namespace

Result<Packet> decodeTextFrame(QByteArrayView frame)
{
    return decodeText(frame, false);
}

Result<Packet> decodeTextPacket(QByteArrayView text)
{
    return decodeText(text, true);
}

Packet decodeBinaryFrame(const QByteArray &frame)
{
    return Packet::binaryMessage(frame);
}

QByteArray encodeText(const Packet &packet)
{
    if (packet.binary)
        return 'b' + packet.data.toBase64();
    QByteArray out;
    out.reserve(packet.data.size() + 1);
    out.append(char('0' + int(packet.type)));
    out.append(packet.data);
    return out;
}

QByteArray encodePayload(const QList<Packet> &packets)
{
    QByteArray out;
    qsizetype size = 0;
    for (const Packet &p : packets)
        size += p.data.size() + 2;
    out.reserve(size);
    for (qsizetype i = 0; i < packets.size(); ++i) {
        if (i > 0)
            out.append(kRecordSeparator);
        out.append(encodeText(packets.at(i)));
    }
    return out;
}

Result<QList<Packet>> decodePayload(QByteArrayView payload)
{
    if (payload.isEmpty())
        return Result<QList<Packet>>::failure(QStringLiteral("empty payload"));
    QList<Packet> packets;
    qsizetype start = 0;
    while (start <= payload.size()) {
        qsizetype end = payload.indexOf(kRecordSeparator, start);
        if (end < 0)
            end = payload.size();
        auto packet = decodeText(payload.sliced(start, end - start), true);
        if (!packet)
            return Result<QList<Packet>>::failure(
                QStringLiteral("packet %1 of payload: %2").arg(packets.size() + 1).arg(packet.error()));
        packets.append(std::move(packet).value());
        start = end + 1;
    }
    return packets;
}

QByteArray joinTextPackets(const QList<QByteArray> &textPackets)
{
    qsizetype size = 0;
    for (const QByteArray &p : textPackets)
        size += p.size() + 1;
    QByteArray out;
    out.reserve(size);
    for (qsizetype i = 0; i < textPackets.size(); ++i) {
        if (i > 0)
            out.append(kRecordSeparator);
        out.append(textPackets.at(i));
    }
    return out;
}

const ControlPackets &controlPackets()
{
    static const ControlPackets packets{
        encodeText(Packet::of(PacketType::Noop)),
        encodeText(Packet::of(PacketType::Close)),
        encodeText(Packet::of(PacketType::Ping)),
        encodeText(Packet::of(PacketType::Upgrade)),
        encodeText(Packet::of(PacketType::Ping, QByteArrayLiteral("probe"))),
        encodeText(Packet::of(PacketType::Pong, QByteArrayLiteral("probe"))),
    };
    return packets;
}

QByteArray encodeHandshake(const Handshake &handshake)
{
    QJsonObject o;
    o.insert(QLatin1String("sid"), handshake.sid);
    o.insert(QLatin1String("upgrades"), QJsonArray::fromStringList(handshake.upgrades));
    o.insert(QLatin1String("pingInterval"), handshake.pingInterval);
    o.insert(QLatin1String("pingTimeout"), handshake.pingTimeout);
    o.insert(QLatin1String("maxPayload"), double(handshake.maxPayload));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Result<Handshake> decodeHandshake(QByteArrayView json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return Result<Handshake>::failure(QStringLiteral("handshake is not a JSON object"));
    const QJsonObject o = doc.object();
    const QJsonValue sid = o.value(QLatin1String("sid"));
    if (!sid.isString() || sid.toString().isEmpty())
        return Result<Handshake>::failure(QStringLiteral("handshake without sid"));
    Handshake h;
    h.sid = sid.toString();
    // A const array: a temporary one's begin() would detach it, copying every element.
    const QJsonArray upgrades = o.value(QLatin1String("upgrades")).toArray();
    for (const QJsonValue u : upgrades)
        h.upgrades.append(u.toString());
    // A hostile server's numbers: only whole milliseconds that fit an int are timings.
    const auto timing = [&o](QLatin1String key) -> int {
        const QJsonValue v = o.value(key);
        if (!v.isDouble())
            return 0;
        const double d = v.toDouble();
        if (!(d >= 1 && d <= double(std::numeric_limits<int>::max())) || d != std::floor(d))
            return 0;
        return int(d);
    };
    h.pingInterval = timing(QLatin1String("pingInterval"));
    h.pingTimeout = timing(QLatin1String("pingTimeout"));
    if (h.pingInterval == 0 || h.pingTimeout == 0)
        return Result<Handshake>::failure(QStringLiteral("handshake without valid pingInterval/pingTimeout"));
    // maxPayload is advisory: an unusable value falls back to the protocol's default.
    const QJsonValue maxPayload = o.value(QLatin1String("maxPayload"));
    const double mp = maxPayload.toDouble(-1);
    if (maxPayload.isDouble() && mp >= 1 && mp <= 9007199254740992.0 && mp == std::floor(mp))
        h.maxPayload = qint64(mp);
    return h;
}

namespace v3 {

namespace {

constexpr int kMaxLengthDigits = 10; // engine.io-parser 2 stops at 310; no payload here is that long
constexpr unsigned char kLengthEnd = 0xff;

// A text packet of the v3 polling form: as v4's, but a binary message is "b<type digit><base64>".
} // namespace

Result<Packet> decodeTextPacket(QByteArrayView text)
{
    if (text.size() >= 2 && text.front() == 'b') {
        if (text.at(1) != '0' + int(PacketType::Message))
            return Result<Packet>::failure(QStringLiteral("binary packet that is not a message"));
        auto decoded
            = QByteArray::fromBase64Encoding(text.sliced(2).toByteArray(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return Result<Packet>::failure(QStringLiteral("invalid base64 in binary packet"));
        return Packet::binaryMessage(std::move(decoded.decoded));
    }
    return decodeText(text, false);
}

QByteArray encodeTextPacket(const Packet &packet)
{
    if (packet.binary)
        return "b4" + packet.data.toBase64();
    return encodeText(packet);
}

QByteArray encodeTextPayload(const QList<Packet> &packets)
{
    if (packets.isEmpty())
        return QByteArrayLiteral("0:");
    QByteArray out;
    for (const Packet &p : packets) {
        const QByteArray text = encodeTextPacket(p);
        // UTF-16 code units, as JavaScript counts: only text outside ASCII needs the conversion.
        const bool ascii = std::all_of(text.cbegin(), text.cend(), [](char c) { return uchar(c) < 0x80; });
        const qsizetype length = ascii ? text.size() : QString::fromUtf8(text).size();
        out.append(QByteArray::number(length)).append(':').append(text);
    }
    return out;
}

Result<QList<Packet>> decodeTextPayload(QByteArrayView payload)
{
    using R = Result<QList<Packet>>;
    if (payload.isEmpty())
        return R::failure(QStringLiteral("empty payload"));
    const QString text = QString::fromUtf8(payload);
    QList<Packet> packets;
    qsizetype i = 0;
    while (i < text.size()) {
        const qsizetype colon = text.indexOf(QLatin1Char(':'), i);
        if (colon < 0 || colon == i || colon - i > kMaxLengthDigits)
            return R::failure(QStringLiteral("packet %1 of payload: no length").arg(packets.size() + 1));
        bool ok = false;
        const qsizetype length = text.sliced(i, colon - i).toLongLong(&ok);
        if (!ok || length < 0 || length > text.size() - colon - 1)
            return R::failure(QStringLiteral("packet %1 of payload: bad length").arg(packets.size() + 1));
        i = colon + 1;
        // engine.io-parser 2 lets a zero length stand for nothing ("0:" is the empty payload).
        if (length > 0) {
            auto packet = decodeTextPacket(text.sliced(i, length).toUtf8());
            if (!packet)
                return R::failure(
                    QStringLiteral("packet %1 of payload: %2").arg(packets.size() + 1).arg(packet.error()));
            packets.append(std::move(packet).value());
        }
        i += length;
    }
    return packets;
}

QByteArray encodeBinaryPayload(const QList<Packet> &packets)
{
    QByteArray out;
    for (const Packet &p : packets) {
        QByteArray body;
        if (p.binary) {
            body.reserve(p.data.size() + 1);
            body.append(char(PacketType::Message)).append(p.data);
        } else {
            body = encodeText(p);
        }
        out.append(char(p.binary ? 1 : 0));
        for (const char digit : QByteArray::number(body.size()))
            out.append(char(digit - '0'));
        out.append(char(kLengthEnd));
        out.append(body);
    }
    return out;
}

Result<QList<Packet>> decodeBinaryPayload(QByteArrayView payload)
{
    using R = Result<QList<Packet>>;
    if (payload.isEmpty())
        return R::failure(QStringLiteral("empty payload"));
    QList<Packet> packets;
    qsizetype i = 0;
    while (i < payload.size()) {
        const auto fail = [&packets](const QString &why) {
            return R::failure(QStringLiteral("packet %1 of binary payload: %2").arg(packets.size() + 1).arg(why));
        };
        const auto kind = uchar(payload.at(i++));
        if (kind > 1)
            return fail(QStringLiteral("neither text nor binary"));
        qint64 length = 0;
        int digits = 0;
        while (i < payload.size() && uchar(payload.at(i)) != kLengthEnd) {
            const auto digit = uchar(payload.at(i++));
            if (digit > 9 || ++digits > kMaxLengthDigits)
                return fail(QStringLiteral("bad length"));
            length = length * 10 + digit;
        }
        if (i >= payload.size() || digits == 0)
            return fail(QStringLiteral("no length"));
        ++i; // 0xFF
        if (length < 1 || length > payload.size() - i)
            return fail(QStringLiteral("bad length"));
        const QByteArrayView body = payload.sliced(i, length);
        i += length;
        if (kind == 1) {
            auto packet = decodeBinaryFrame(body);
            if (!packet)
                return fail(packet.error());
            packets.append(std::move(packet).value());
        } else {
            auto packet = decodeText(body, false);
            if (!packet)
                return fail(packet.error());
            packets.append(std::move(packet).value());
        }
    }
    return packets;
}

Result<Packet> decodeBinaryFrame(QByteArrayView frame)
{
    if (frame.isEmpty() || frame.front() != char(PacketType::Message))
        return Result<Packet>::failure(QStringLiteral("binary packet that is not a message"));
    return Packet::binaryMessage(frame.sliced(1).toByteArray());
}

QByteArray encodeBinaryFrame(const QByteArray &data)
{
    QByteArray out;
    out.reserve(data.size() + 1);
    out.append(char(PacketType::Message)).append(data);
    return out;
}

} // namespace v3

} // namespace caps::eio
