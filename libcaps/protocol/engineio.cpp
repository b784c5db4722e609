#include "protocol/engineio.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <cmath>
#include <limits>

namespace caps::eio {

namespace {

bool isTypeDigit(char c)
{
    return c >= '0' && c <= '6';
}

Result<Packet> decodeTextPacket(QByteArrayView text, bool allowBase64)
{
    if (text.isEmpty())
        return Result<Packet>::failure(QStringLiteral("empty packet"));
    const char first = text.front();
    if (first == 'b') {
        if (!allowBase64)
            return Result<Packet>::failure(QStringLiteral("base64 packet outside a polling payload"));
        auto decoded = QByteArray::fromBase64Encoding(text.sliced(1).toByteArray(),
                                                      QByteArray::AbortOnBase64DecodingErrors);
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
    return decodeTextPacket(frame, false);
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
        auto packet = decodeTextPacket(payload.sliced(start, end - start), true);
        if (!packet)
            return Result<QList<Packet>>::failure(
                QStringLiteral("packet %1 of payload: %2").arg(packets.size() + 1).arg(packet.error()));
        packets.append(std::move(packet).value());
        start = end + 1;
    }
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
    for (const QJsonValue &u : o.value(QLatin1String("upgrades")).toArray())
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

} // namespace caps::eio
