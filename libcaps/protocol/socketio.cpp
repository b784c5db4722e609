#include "protocol/socketio.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QUrlQuery>

namespace caps::sio {

namespace {

const QString kPlaceholderKey = QStringLiteral("_placeholder");
const QString kNumKey = QStringLiteral("num");

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// QJsonDocument writes only arrays and objects; a scalar is written inside an array and the
// brackets cut off again.
QByteArray toJson(const QJsonValue &value)
{
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.sliced(1, wrapped.size() - 2);
}

// Deepest nesting of arrays and objects, counted on the raw text before any parsing so that a
// hostile "[[[[..." costs one linear scan and no recursion.
int nestingDepth(QByteArrayView json)
{
    int depth = 0;
    int deepest = 0;
    bool inString = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            break;
        case '[':
        case '{':
            deepest = std::max(deepest, ++depth);
            break;
        case ']':
        case '}':
            --depth;
            break;
        default:
            break;
        }
    }
    return deepest;
}

Result<QJsonValue> parseJson(QByteArrayView text, const Limits &limits)
{
    if (nestingDepth(text) > limits.maxNestingDepth)
        return Result<QJsonValue>::failure(QStringLiteral("payload nested deeper than %1").arg(limits.maxNestingDepth));
    // QJsonDocument parses only arrays and objects at the top; wrapping the text in an array
    // lets scalars through and still rejects trailing garbage ("[1] x" and "1,2" both fail).
    QByteArray wrapped;
    wrapped.reserve(text.size() + 2);
    wrapped.append('[').append(text).append(']');
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(wrapped, &error);
    if (error.error != QJsonParseError::NoError)
        return Result<QJsonValue>::failure(QStringLiteral("invalid JSON payload: %1").arg(error.errorString()));
    const QJsonArray array = doc.array();
    if (array.size() != 1)
        return Result<QJsonValue>::failure(QStringLiteral("invalid JSON payload: not a single value"));
    return array.first();
}

bool isValidEventArray(const QJsonValue &data)
{
    if (!data.isArray())
        return false;
    const QJsonArray array = data.toArray();
    if (array.isEmpty())
        return false;
    const QJsonValue name = array.first();
    if (name.isDouble())
        return true;
    return name.isString() && !isReservedEventName(name.toString());
}

// The payload rules of socket.io-parser's isPayloadValid().
bool isPayloadValid(PacketType type, const QJsonValue &data)
{
    switch (type) {
    case PacketType::Connect:
        return data.isUndefined() || data.isObject();
    case PacketType::Disconnect:
        return data.isUndefined();
    case PacketType::ConnectError:
        return data.isString() || data.isObject();
    case PacketType::Event:
    case PacketType::BinaryEvent:
        return isValidEventArray(data);
    case PacketType::Ack:
    case PacketType::BinaryAck:
        return data.isArray();
    }
    return false;
}

// Every placeholder must name an attachment that exists.
bool placeholdersValid(const QJsonValue &value, qsizetype attachments)
{
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (const QJsonValue v : array) {
            if (!placeholdersValid(v, attachments))
                return false;
        }
        return true;
    }
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        if (o.value(kPlaceholderKey) == QJsonValue(true)) {
            const QJsonValue num = o.value(kNumKey);
            if (!num.isDouble())
                return false;
            const double n = num.toDouble();
            return n >= 0 && n < double(attachments) && n == double(qint64(n));
        }
        for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
            if (!placeholdersValid(it.value(), attachments))
                return false;
        }
    }
    return true;
}

} // namespace

Packet Packet::event(const QString &nsp, const QString &name, const QJsonArray &args, qint64 id,
                     QList<QByteArray> attachments)
{
    QJsonArray data{name};
    for (const QJsonValue v : args)
        data.append(v);
    Packet p;
    p.type = attachments.isEmpty() ? PacketType::Event : PacketType::BinaryEvent;
    p.nsp = nsp;
    p.id = id;
    p.data = data;
    p.attachments = std::move(attachments);
    return p;
}

Packet Packet::ack(const QString &nsp, qint64 id, const QJsonArray &args, QList<QByteArray> attachments)
{
    Packet p;
    p.type = attachments.isEmpty() ? PacketType::Ack : PacketType::BinaryAck;
    p.nsp = nsp;
    p.id = id;
    p.data = args;
    p.attachments = std::move(attachments);
    return p;
}

Packet Packet::connect(const QString &nsp, const QJsonObject &data)
{
    Packet p;
    p.type = PacketType::Connect;
    p.nsp = nsp;
    if (!data.isEmpty())
        p.data = data;
    return p;
}

Packet Packet::connectError(const QString &nsp, const QString &message)
{
    Packet p;
    p.type = PacketType::ConnectError;
    p.nsp = nsp;
    p.data = QJsonObject{{QStringLiteral("message"), message}};
    return p;
}

namespace v4 {

Packet connectError(const QString &nsp, const QString &message)
{
    Packet p;
    p.type = PacketType::ConnectError;
    p.nsp = nsp;
    p.data = message;
    return p;
}

ConnectTarget splitConnectName(const QString &name)
{
    const qsizetype question = name.indexOf(QLatin1Char('?'));
    if (question < 0)
        return {name, {}};
    ConnectTarget target{name.left(question), {}};
    const QUrlQuery query(name.sliced(question + 1));
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded))
        target.query.insert(key, value);
    return target;
}

} // namespace v4

Packet Packet::disconnect(const QString &nsp)
{
    Packet p;
    p.type = PacketType::Disconnect;
    p.nsp = nsp;
    return p;
}

QString Packet::eventName() const
{
    const QJsonValue first = data.toArray().first();
    if (first.isDouble())
        return QString::number(first.toDouble());
    return first.toString();
}

QJsonArray Packet::eventArgs() const
{
    QJsonArray args = data.toArray();
    if (!args.isEmpty())
        args.removeFirst();
    return args;
}

QJsonObject placeholder(int num)
{
    return QJsonObject{{kPlaceholderKey, true}, {kNumKey, num}};
}

bool isReservedEventName(const QString &name)
{
    static const QStringList reserved{
        QStringLiteral("connect"),       QStringLiteral("connect_error"), QStringLiteral("disconnect"),
        QStringLiteral("disconnecting"), QStringLiteral("newListener"),   QStringLiteral("removeListener"),
    };
    return reserved.contains(name);
}

Encoded encode(const Packet &packet)
{
    PacketType type = packet.type;
    if (!packet.attachments.isEmpty()) {
        if (type == PacketType::Event)
            type = PacketType::BinaryEvent;
        else if (type == PacketType::Ack)
            type = PacketType::BinaryAck;
    }
    Encoded out;
    out.text.reserve(64);
    out.text.append(char('0' + int(type)));
    if (type == PacketType::BinaryEvent || type == PacketType::BinaryAck) {
        out.text.append(QByteArray::number(packet.attachments.size()));
        out.text.append('-');
        out.attachments = packet.attachments;
    }
    if (!packet.nsp.isEmpty() && packet.nsp != QLatin1String("/")) {
        out.text.append(packet.nsp.toUtf8());
        out.text.append(',');
    }
    if (packet.id >= 0)
        out.text.append(QByteArray::number(packet.id));
    if (!packet.rawData.isEmpty())
        out.text.append(packet.rawData);
    else if (!packet.data.isUndefined())
        out.text.append(toJson(packet.data));
    return out;
}

Result<Header> decodeText(QByteArrayView text, const Limits &limits)
{
    using R = Result<Header>;
    if (text.isEmpty())
        return R::failure(QStringLiteral("empty packet"));
    const char typeChar = text.front();
    if (typeChar < '0' || typeChar > '6')
        return R::failure(QStringLiteral("unknown packet type"));
    Header h;
    h.packet.type = static_cast<PacketType>(typeChar - '0');
    qsizetype i = 1;

    if (h.packet.isBinary()) {
        const qsizetype start = i;
        while (i < text.size() && isDigit(text[i]))
            ++i;
        if (i == start || i >= text.size() || text[i] != '-' || i - start > 9)
            return R::failure(QStringLiteral("illegal attachments"));
        const int count = text.sliced(start, i - start).toInt();
        if (count > limits.maxAttachments)
            return R::failure(QStringLiteral("too many attachments"));
        h.expectedAttachments = count;
        ++i; // '-'
    }

    if (i < text.size() && text[i] == '/') {
        const qsizetype start = i;
        while (i < text.size() && text[i] != ',')
            ++i;
        h.packet.nsp = QString::fromUtf8(text.sliced(start, i - start));
        if (i < text.size())
            ++i; // ','
    } else {
        h.packet.nsp = QStringLiteral("/");
    }

    if (i < text.size() && isDigit(text[i])) {
        const qsizetype start = i;
        while (i < text.size() && isDigit(text[i]))
            ++i;
        // JavaScript numbers are exact up to 2^53; longer ids are not ids a peer could mean.
        if (i - start > 15)
            return R::failure(QStringLiteral("invalid ack id"));
        h.packet.id = text.sliced(start, i - start).toLongLong();
    }

    if (i < text.size()) {
        auto data = parseJson(text.sliced(i), limits);
        if (!data)
            return R::failure(data.error());
        h.packet.data = std::move(data).value();
        h.packet.rawData = text.sliced(i).toByteArray();
    }
    if (!isPayloadValid(h.packet.type, h.packet.data))
        return R::failure(QStringLiteral("invalid payload"));
    if ((h.packet.type == PacketType::Ack || h.packet.type == PacketType::BinaryAck) && h.packet.id < 0)
        return R::failure(QStringLiteral("acknowledgement without id"));
    if (h.packet.isBinary() && !placeholdersValid(h.packet.data, h.expectedAttachments))
        return R::failure(QStringLiteral("illegal attachments"));
    return h;
}

Result<std::optional<Packet>> Decoder::feedText(QByteArrayView text)
{
    using R = Result<std::optional<Packet>>;
    if (m_pending)
        return R::failure(QStringLiteral("got plaintext data when reconstructing a packet"));
    auto header = decodeText(text, m_limits);
    if (!header)
        return R::failure(header.error());
    if (header->expectedAttachments == 0)
        return std::optional<Packet>(std::move(header->packet));
    m_pending = std::make_unique<Header>(std::move(header).value());
    return std::optional<Packet>();
}

Result<std::optional<Packet>> Decoder::feedBinary(const QByteArray &bytes)
{
    using R = Result<std::optional<Packet>>;
    if (!m_pending)
        return R::failure(QStringLiteral("got binary data when not reconstructing a packet"));
    m_pending->packet.attachments.append(bytes);
    if (m_pending->packet.attachments.size() < m_pending->expectedAttachments)
        return std::optional<Packet>();
    Packet done = std::move(m_pending->packet);
    m_pending.reset();
    return std::optional<Packet>(std::move(done));
}

} // namespace caps::sio
