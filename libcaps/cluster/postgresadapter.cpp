#include "cluster/postgresadapter.h"

#include "cluster/postgresbus.h"
#include "core/logging.h"
#include "server/serversocket.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <algorithm>

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

// Recovery offsets that name this server among the others.
std::optional<RecoveryLog::Options> clustered(std::optional<RecoveryLog::Options> recovery, const PostgresBus *bus)
{
    if (recovery)
        recovery->server = PostgresAdapter::tagOf(bus->uid());
    return recovery;
}

// The database keeps no client's token, only what tells the same one again.
QString tokenHash(const QJsonObject &auth)
{
    const QByteArray token = auth.value(QLatin1String("token")).toString().toUtf8();
    return QString::fromLatin1(QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex());
}

QJsonObject toJson(const RecoveryLog::Vector &vector)
{
    QJsonObject out;
    for (auto it = vector.cbegin(); it != vector.cend(); ++it)
        out.insert(it.key(), it.value());
    return out;
}

std::optional<RecoveryLog::Vector> vectorOf(const QJsonValue &value)
{
    if (!value.isObject())
        return std::nullopt;
    RecoveryLog::Vector out;
    const QJsonObject object = value.toObject();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const qint64 seq = it.value().toInteger(-2);
        if (seq < -1)
            return std::nullopt;
        out.insert(it.key(), seq);
    }
    return out;
}

const QString kConnectedAt = QStringLiteral("connectedAt");
const QString kRooms = QStringLiteral("rooms");

QString sessionJson(const RecoveryLog::SharedSession &session)
{
    QJsonObject rooms;
    for (auto it = session.rooms.cbegin(); it != session.rooms.cend(); ++it)
        rooms.insert(it.key(), toJson(it.value()));
    return QString::fromUtf8(QJsonDocument(QJsonObject{{kConnectedAt, toJson(session.connectedAt)}, {kRooms, rooms}})
                                 .toJson(QJsonDocument::Compact));
}

std::optional<RecoveryLog::SharedSession> sessionOf(const QString &json)
{
    const QJsonObject object = QJsonDocument::fromJson(json.toUtf8()).object();
    RecoveryLog::SharedSession session;
    const auto connectedAt = vectorOf(object.value(kConnectedAt));
    if (!connectedAt || !object.value(kRooms).isObject())
        return std::nullopt;
    session.connectedAt = *connectedAt;
    const QJsonObject rooms = object.value(kRooms).toObject();
    for (auto it = rooms.constBegin(); it != rooms.constEnd(); ++it) {
        const auto joined = vectorOf(it.value());
        if (!joined)
            return std::nullopt;
        session.rooms.insert(it.key(), *joined);
    }
    return session;
}

} // namespace

PostgresAdapter::PostgresAdapter(PostgresBus *bus, const QString &nsp,
                                 const std::optional<RecoveryLog::Options> &recovery, QObject *parent)
    : InMemoryAdapter(clustered(recovery, bus), parent)
    , m_bus(bus)
    , m_nsp(nsp)
    , m_channel(PostgresBus::channelFor(nsp))
    , m_windowMs(recovery ? recovery->windowMs : 0)
{
    const auto listening = m_bus->listen(m_channel);
    if (!listening)
        qCWarning(lcCluster).noquote() << "namespace" << nsp << "hears no other server:" << listening.error();
    connect(m_bus, &PostgresBus::received, this, &PostgresAdapter::onReceived);
    if (!hasRecovery())
        return;
    // From the LISTEN on, every broadcast reaches this log; while the bus was away, some did not.
    if (listening && !m_bus->lost())
        this->recovery()->hearsEverythingSince(QDateTime::currentMSecsSinceEpoch());
    connect(m_bus, &PostgresBus::reconnected, this,
            [this] { this->recovery()->hearsEverythingSince(QDateTime::currentMSecsSinceEpoch()); });
    connect(m_bus, &PostgresBus::serverGone, this, &PostgresAdapter::onServerGone);
    m_sessionPruner = new QTimer(this);
    connect(m_sessionPruner, &QTimer::timeout, this, &PostgresAdapter::expireSessions);
    m_sessionPruner->start(std::clamp(m_windowMs / 2, 1000, 30000));
}

bool PostgresAdapter::shares(const ServerSocket *socket) const
{
    return hasRecovery() && socket->takesOffsets();
}

bool PostgresAdapter::runOnSessions(const char *what, const QString &sql, const QVariantList &values)
{
    if (auto ok = m_bus->query(sql, values); !ok) {
        if (!m_bus->lost()) // a lost connection is logged once, by the bus
            qCWarning(lcCluster).noquote() << "recovery sessions on" << m_nsp << "(" << what << "):" << ok.error();
        return false;
    }
    return true;
}

void PostgresAdapter::writeSession(const ServerSocket *socket, const RecoveryLog::SharedSession &session)
{
    runOnSessions("connect",
                  QStringLiteral("INSERT INTO %1 (nsp, pid, sid, token_hash, server, session, expires_at)"
                                 " VALUES (?, ?, ?, ?, ?, ?::jsonb, NULL) ON CONFLICT (nsp, pid) DO UPDATE SET"
                                 " sid = EXCLUDED.sid, token_hash = EXCLUDED.token_hash, server = EXCLUDED.server,"
                                 " session = EXCLUDED.session, expires_at = NULL")
                      .arg(PostgresBus::kSessionsTable),
                  {m_nsp, socket->pid(), socket->id(), tokenHash(socket->auth()), m_bus->uid(), sessionJson(session)});
}

void PostgresAdapter::addAll(ServerSocket *socket, const QStringList &rooms)
{
    if (!shares(socket)) {
        InMemoryAdapter::addAll(socket, rooms);
        return;
    }
    // Namespace::accept() puts a new socket in its own room first.
    const bool connecting = !isIn(socket, socket->id());
    QStringList added;
    for (const QString &room : rooms) {
        if (!isIn(socket, room) && !added.contains(room))
            added.append(room);
    }
    InMemoryAdapter::addAll(socket, rooms);
    if (added.isEmpty())
        return;
    const RecoveryLog::Vector now = recovery()->vector();
    if (connecting) {
        RecoveryLog::SharedSession session;
        session.connectedAt = now;
        for (const QString &room : std::as_const(added))
            session.rooms.insert(room, now);
        writeSession(socket, session);
        return;
    }
    QJsonObject joined;
    for (const QString &room : std::as_const(added))
        joined.insert(room, toJson(now));
    runOnSessions(
        "join",
        QStringLiteral("UPDATE %1 SET session = jsonb_set(session, '{rooms}', (session->'rooms') || ?::jsonb)"
                       " WHERE nsp = ? AND pid = ? AND server = ?")
            .arg(PostgresBus::kSessionsTable),
        {QString::fromUtf8(QJsonDocument(joined).toJson(QJsonDocument::Compact)), m_nsp, socket->pid(), m_bus->uid()});
}

void PostgresAdapter::del(ServerSocket *socket, const QString &room)
{
    if (shares(socket) && isIn(socket, room))
        runOnSessions("leave",
                      QStringLiteral("UPDATE %1 SET session = session #- ARRAY['rooms', ?::text]"
                                     " WHERE nsp = ? AND pid = ? AND server = ?")
                          .arg(PostgresBus::kSessionsTable),
                      {room, m_nsp, socket->pid(), m_bus->uid()});
    InMemoryAdapter::del(socket, room);
}

void PostgresAdapter::delAll(ServerSocket *socket)
{
    if (shares(socket)) {
        if (m_persistedPid == socket->pid())
            m_persistedPid.clear(); // kept for its client to come back to
        else
            runOnSessions("leave for good",
                          QStringLiteral("DELETE FROM %1 WHERE nsp = ? AND pid = ? AND server = ?")
                              .arg(PostgresBus::kSessionsTable),
                          {m_nsp, socket->pid(), m_bus->uid()});
    }
    InMemoryAdapter::delAll(socket);
}

void PostgresAdapter::persistSession(const ServerSocket *socket)
{
    // The session is in the database already, as of its last join or leave; all it needs now
    // is its end. (None goes to this server's memory: a client comes back through any server.)
    if (!shares(socket))
        return;
    m_persistedPid = socket->pid();
    runOnSessions("disconnect",
                  QStringLiteral("UPDATE %1 SET expires_at = now() + ? * interval '1 millisecond'"
                                 " WHERE nsp = ? AND pid = ? AND server = ?")
                      .arg(PostgresBus::kSessionsTable),
                  {m_windowMs, m_nsp, socket->pid(), m_bus->uid()});
}

std::optional<RecoveryLog::Restored> PostgresAdapter::restoreSession(const QJsonObject &auth, QString *previous)
{
    const QJsonValue pid = auth.value(QLatin1String("pid"));
    if (!hasRecovery() || !pid.isString())
        return std::nullopt;
    // Taken whatever follows, here or on any server: a pid is good for one try.
    const auto rows = m_bus->query(QStringLiteral("DELETE FROM %1 WHERE nsp = ? AND pid = ? RETURNING sid, token_hash,"
                                                  " session::text, expires_at IS NOT NULL AND expires_at < now()")
                                       .arg(PostgresBus::kSessionsTable),
                                   {m_nsp, pid.toString()});
    if (!rows) {
        if (!m_bus->lost())
            qCWarning(lcCluster).noquote() << "recovery sessions on" << m_nsp << "(take back):" << rows.error();
        return std::nullopt;
    }
    if (rows->isEmpty())
        return std::nullopt;
    const QVariantList &row = rows->first();
    if (row.value(1).toString() != tokenHash(auth)) {
        qCDebug(lcCluster) << "recovery refused for" << row.value(0).toString() << ": another token";
        return std::nullopt;
    }
    // Its client, whatever follows: the hub that held it may not be judged gone yet.
    *previous = row.value(0).toString();
    if (row.value(3).toBool()) {
        qCDebug(lcCluster) << "recovery refused for" << row.value(0).toString() << ": its session expired";
        return std::nullopt;
    }
    auto session = sessionOf(row.value(2).toString());
    if (!session) {
        qCWarning(lcCluster) << "recovery refused for" << row.value(0).toString()
                             << ": its stored session is malformed";
        return std::nullopt;
    }
    session->sid = row.value(0).toString();
    session->pid = pid.toString();
    session->token = auth.value(QLatin1String("token")).toString();
    return recovery()->restoreShared(*session, auth.value(QLatin1String("offset")));
}

void PostgresAdapter::resume(ServerSocket *socket, const RecoveryLog::Restored &restored)
{
    InMemoryAdapter::resume(socket, restored);
    // The rooms keep the positions they were joined at: replayed events the client may not
    // have handled yet are still its own if it drops again.
    if (shares(socket) && restored.shared)
        writeSession(socket, *restored.shared);
}

void PostgresAdapter::onServerGone(const QString &uid)
{
    recovery()->originGone(tagOf(uid));
    // Its sockets will not disconnect: their sessions start their window now. (Every server
    // does this; the first one sets it.)
    runOnSessions("server gone",
                  QStringLiteral("UPDATE %1 SET expires_at = now() + ? * interval '1 millisecond'"
                                 " WHERE nsp = ? AND server = ? AND expires_at IS NULL")
                      .arg(PostgresBus::kSessionsTable),
                  {m_windowMs, m_nsp, uid});
}

void PostgresAdapter::expireSessions()
{
    if (m_bus->lost())
        return;
    runOnSessions(
        "expire",
        QStringLiteral("DELETE FROM %1 WHERE nsp = ? AND expires_at < now()").arg(PostgresBus::kSessionsTable),
        {m_nsp});
    // Servers that died while no server was there to see them go (the whole cluster was down,
    // or this one is the first up again) still look connected.
    const auto servers = m_bus->query(QStringLiteral("SELECT DISTINCT server FROM %1 WHERE nsp = ?"
                                                     " AND expires_at IS NULL AND server <> ?")
                                          .arg(PostgresBus::kSessionsTable),
                                      {m_nsp, m_bus->uid()});
    if (!servers)
        return;
    for (const QVariantList &row : *servers) {
        if (const QString uid = row.value(0).toString(); !m_bus->mayBeAlive(uid))
            onServerGone(uid);
    }
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
    // Numbered as this server's log will number it (InMemoryAdapter::broadcast() records it
    // next), so that every server counts it alike in recovery offsets.
    const qint64 seq = keeps(packet) ? recovery()->nextOffset() : -1;
    if (!staysHere(targets)) {
        const sio::Encoded encoded = sio::encode(packet);
        QJsonArray attachments;
        for (const QByteArray &a : encoded.attachments)
            attachments.append(QString::fromLatin1(a.toBase64()));
        QJsonArray to;
        for (const BroadcastTarget &t : targets)
            to.append(QJsonObject{{QStringLiteral("rooms"), toJson(t.rooms)},
                                  {QStringLiteral("except"), toJson(t.exceptRooms)}});
        QJsonObject message{{kType, kBroadcast},
                            {QStringLiteral("nsp"), m_nsp},
                            {QStringLiteral("targets"), to},
                            {QStringLiteral("packet"), QString::fromUtf8(encoded.text)},
                            {QStringLiteral("attachments"), attachments}};
        if (seq >= 0) {
            // The predecessor even when that one failed to go out: the others see the gap.
            message.insert(QStringLiteral("seq"), seq);
            message.insert(QStringLiteral("previous"), m_lastPublishedSeq);
            m_lastPublishedSeq = seq;
        }
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
    // Without a number (its server keeps no recovery log) it is delivered, never replayed.
    const QString uid = message.value(QStringLiteral("uid")).toString();
    const qint64 seq = uid.isEmpty() ? -1 : message.value(QStringLiteral("seq")).toInteger(-1);
    const RecoveryLog::Origin origin{uid.isEmpty() ? QStringLiteral("-") : tagOf(uid), seq,
                                     message.value(QStringLiteral("previous")).toInteger(-1)};
    ++m_delivered;
    broadcastFrom(std::move(packet), targets, origin);
    emit remoteBroadcastDelivered();
}

} // namespace caps
