#include "cluster/postgresadapter.h"

#include "cluster/postgresbus.h"
#include "core/logging.h"
#include "server/serversocket.h"

#include <QJsonArray>

namespace caps {

namespace {

const QString kType = QStringLiteral("type");
const QString kBroadcast = QStringLiteral("broadcast");

QJsonArray toJson(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

// A list of strings, or nullopt when it is anything else.
std::optional<QStringList> stringsOf(const QJsonValue &value)
{
    if (!value.isArray())
        return std::nullopt;
    QStringList out;
    for (const QJsonValue v : value.toArray()) {
        if (!v.isString())
            return std::nullopt;
        out.append(v.toString());
    }
    return out;
}

} // namespace

PostgresAdapter::PostgresAdapter(PostgresBus *bus, const QString &nsp,
                                 const std::optional<RecoveryLog::Options> &recovery, QObject *parent)
    : InMemoryAdapter(recovery, parent)
    , m_bus(bus)
    , m_nsp(nsp)
    , m_channel(PostgresBus::channelFor(nsp))
{
    if (auto ok = m_bus->listen(m_channel); !ok)
        qCWarning(lcCluster).noquote() << "namespace" << nsp << "hears no other server:" << ok.error();
    connect(m_bus, &PostgresBus::received, this, &PostgresAdapter::onReceived);
}

bool PostgresAdapter::staysHere(const QList<BroadcastTarget> &targets) const
{
    for (const BroadcastTarget &target : targets) {
        if (target.rooms.isEmpty())
            return false; // everyone, everywhere
        for (const QString &room : target.rooms) {
            const QSet<ServerSocket *> members = sockets(room);
            // The room of a socket of this server, and nothing else.
            if (members.size() != 1 || (*members.begin())->id() != room)
                return false;
        }
    }
    return true;
}

void PostgresAdapter::broadcast(sio::Packet packet, const QList<BroadcastTarget> &targets)
{
    if (!staysHere(targets)) {
        const sio::Encoded encoded = sio::encode(packet);
        QJsonArray attachments;
        for (const QByteArray &a : encoded.attachments)
            attachments.append(QString::fromLatin1(a.toBase64()));
        QJsonArray to;
        for (const BroadcastTarget &t : targets)
            to.append(QJsonObject{{QStringLiteral("rooms"), toJson(t.rooms)},
                                  {QStringLiteral("except"), toJson(t.exceptRooms)}});
        const QJsonObject message{{kType, kBroadcast},
                                  {QStringLiteral("nsp"), m_nsp},
                                  {QStringLiteral("targets"), to},
                                  {QStringLiteral("packet"), QString::fromUtf8(encoded.text)},
                                  {QStringLiteral("attachments"), attachments}};
        // Local delivery does not wait on, or depend on, the other servers.
        if (auto ok = m_bus->publish(m_channel, message); ok)
            ++m_published;
        else if (!m_bus->lost()) // a lost connection is logged once, by the bus
            qCWarning(lcCluster).noquote() << "a broadcast on" << m_nsp << "reached this server only:" << ok.error();
    }
    InMemoryAdapter::broadcast(std::move(packet), targets);
}

void PostgresAdapter::onReceived(const QString &channel, const QJsonObject &message)
{
    if (channel != m_channel || message.value(QStringLiteral("nsp")).toString() != m_nsp)
        return;
    if (message.value(kType).toString() != kBroadcast)
        return; // a kind this server does not know (a newer one sent it)
    const QByteArray text = message.value(QStringLiteral("packet")).toString().toUtf8();
    const auto attachments = stringsOf(message.value(QStringLiteral("attachments")));
    if (text.isEmpty() || !attachments || !message.value(QStringLiteral("targets")).isArray()) {
        qCWarning(lcCluster) << "dropped a malformed broadcast on" << m_nsp;
        return;
    }
    QList<BroadcastTarget> targets;
    for (const QJsonValue t : message.value(QStringLiteral("targets")).toArray()) {
        const auto rooms = stringsOf(t.toObject().value(QStringLiteral("rooms")));
        const auto except = stringsOf(t.toObject().value(QStringLiteral("except")));
        if (!rooms || !except) {
            qCWarning(lcCluster) << "dropped a broadcast on" << m_nsp << "with malformed targets";
            return;
        }
        targets.append({*rooms, *except});
    }
    // Decoded as a client's packet would be: the same limits, no trust.
    sio::Decoder decoder(sio::Limits{int(attachments->size()), sio::Limits{}.maxNestingDepth});
    auto decoded = decoder.feedText(text);
    for (qsizetype i = 0; decoded && !decoded->has_value() && i < attachments->size(); ++i)
        decoded = decoder.feedBinary(QByteArray::fromBase64(attachments->at(i).toLatin1()));
    if (!decoded || !decoded->has_value()) {
        qCWarning(lcCluster) << "dropped a broadcast on" << m_nsp << "whose packet does not decode:"
                             << (decoded ? QStringLiteral("attachments missing") : decoded.error());
        return;
    }
    sio::Packet packet = std::move(**decoded);
    if (packet.nsp != m_nsp) {
        qCWarning(lcCluster) << "dropped a broadcast for" << packet.nsp << "on" << m_nsp;
        return;
    }
    ++m_delivered;
    InMemoryAdapter::broadcast(std::move(packet), targets);
    emit remoteBroadcastDelivered();
}

} // namespace caps
