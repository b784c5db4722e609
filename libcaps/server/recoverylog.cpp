#include "server/recoverylog.h"

#include "core/logging.h"

#include <QDateTime>
#include <QElapsedTimer>

#include <algorithm>

namespace caps {

namespace {

qint64 monotonicMs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.elapsed();
}

// What a kept event costs beyond its bytes, as the heap sees it (measured against the hub's RSS
// under load): the deque entry, the message's buffers, the clause list, with malloc's own
// overhead; and per clause its two lists, per room name its string.
constexpr qint64 kEventOverhead = 320;
constexpr qint64 kClauseOverhead = 96;
constexpr qint64 kRoomOverhead = 48;

qint64 sizeOf(const RecoveryLog::Clause &clause)
{
    qint64 size = kClauseOverhead;
    for (const QString &room : clause.rooms)
        size += kRoomOverhead + room.size() * 2;
    for (const QString &room : clause.exceptRooms)
        size += kRoomOverhead + room.size() * 2;
    return size;
}

// Whether any of `clauses` reaches a socket that was in a room when `wasIn(room)`, as it was
// broadcast: one of its rooms (or everyone), and none of its excepted rooms.
template <typename WasIn> bool reaches(const QList<RecoveryLog::Clause> &clauses, const WasIn &wasIn)
{
    for (const RecoveryLog::Clause &clause : clauses) {
        bool included = clause.rooms.isEmpty();
        for (qsizetype i = 0; !included && i < clause.rooms.size(); ++i)
            included = wasIn(clause.rooms.at(i));
        if (!included)
            continue;
        bool excluded = false;
        for (qsizetype i = 0; !excluded && i < clause.exceptRooms.size(); ++i)
            excluded = wasIn(clause.exceptRooms.at(i));
        if (!excluded)
            return true;
    }
    return false;
}

} // namespace

RecoveryLog::RecoveryLog(const Options &options, std::function<qint64()> clock)
    : m_options(options)
    , m_clock(clock ? std::move(clock) : std::function<qint64()>(&monotonicMs))
    , m_wallClock(&QDateTime::currentMSecsSinceEpoch)
{ }

bool RecoveryLog::isRequestedBy(const QJsonObject &auth)
{
    return auth.value(QLatin1String("recovery")).toBool() || auth.value(QLatin1String("pid")).isString();
}

qint64 RecoveryLog::now() const
{
    return m_clock();
}

RecoveryLog::Origin RecoveryLog::resolved(const Origin &origin) const
{
    if (!origin.server.isEmpty() && origin.server != m_options.server)
        return origin;
    // This server's own: numbered with this log's offsets, so none is ever missing.
    const auto own = m_origins.constFind(m_options.server);
    return Origin{m_options.server, m_nextOffset, own == m_origins.constEnd() ? -1 : own->last};
}

RecoveryLog::Vector RecoveryLog::vector() const
{
    Vector out;
    for (auto it = m_origins.cbegin(); it != m_origins.cend(); ++it)
        out.insert(it.key(), it->last);
    out.insert(kTimeKey, m_wallClock());
    return out;
}

QString RecoveryLog::vectorText(const Vector &vector)
{
    QStringList servers = vector.keys();
    servers.sort(); // one text for one position
    QString out;
    for (const QString &server : std::as_const(servers)) {
        if (!out.isEmpty())
            out.append(QLatin1Char(','));
        out.append(server).append(QLatin1Char('=')).append(QString::number(vector.value(server)));
    }
    return out;
}

std::optional<RecoveryLog::Vector> RecoveryLog::parseVector(const QString &text)
{
    Vector out;
    if (text.isEmpty())
        return out;
    for (const QStringView entry : QStringView(text).split(QLatin1Char(','))) {
        const qsizetype equals = entry.indexOf(QLatin1Char('='));
        if (equals <= 0)
            return std::nullopt;
        bool ok = false;
        const qint64 seq = entry.sliced(equals + 1).toLongLong(&ok);
        const QString server = entry.first(equals).toString();
        if (!ok || seq < -1 || out.contains(server))
            return std::nullopt;
        if (server == kTimeKey && seq < 0)
            return std::nullopt;
        out.insert(server, seq);
    }
    return out;
}

QByteArray RecoveryLog::nextOffsetText(const Origin &origin) const
{
    if (!isClustered())
        return QByteArray::number(m_nextOffset);
    Vector next = vector();
    const Origin o = resolved(origin);
    if (o.seq >= 0)
        next.insert(o.server, std::max(o.seq, next.value(o.server, -1)));
    return vectorText(next).toUtf8();
}

qint64 RecoveryLog::record(const QList<Clause> &clauses, OutgoingMessage message, const Origin &origin)
{
    const Origin o = isClustered() ? resolved(origin) : Origin{}; // before the offset moves on
    Event event;
    event.offset = m_nextOffset++;
    event.time = now();
    event.clauses = clauses;
    if (isClustered()) {
        OriginState *state = o.seq >= 0 ? &m_origins[o.server] : nullptr; // unnumbered: never replayed
        if (state && o.seq > state->last) {
            m_forgotten.remove(o.server);
            state->gone = false;
            // Broadcasts of that origin this log never had (it heard of it late, or lost its
            // connection for a while) leave it complete only from here.
            if (o.previous != state->last)
                state->completeAfter = std::max(state->completeAfter, o.previous);
            state->last = o.seq;
            event.origin = o.server;
            event.originSeq = o.seq;
            if (o.server != m_options.server)
                state->kept.emplace_back(o.seq, event.offset);
        } // else a number gone back: delivered live, never replayed (no server reuses its id)
    }
    // The QString form is three times the UTF-8 and is made again on replay; dropping this
    // reference frees it once the live sends are done with it.
    message.webSocketText.clear();
    message.webSocketFrame.clear();
    event.bytes = kEventOverhead + message.text.size();
    for (const QByteArray &attachment : std::as_const(message.attachments))
        event.bytes += attachment.size();
    for (const Clause &clause : clauses)
        event.bytes += sizeOf(clause);
    event.message = std::move(message);
    const qint64 offset = event.offset;
    m_bytes += event.bytes;
    m_events.push_back(std::move(event));
    prune();
    return offset;
}

void RecoveryLog::persist(Session session)
{
    session.disconnectedAt = now();
    session.disconnectedOffset = m_nextOffset;
    m_sessionAge.emplace_back(session.pid, session.disconnectedAt);
    m_sessions.emplace(session.pid, std::move(session));
    prune();
}

void RecoveryLog::prune()
{
    const qint64 horizon = now() - m_options.windowMs;
    while (!m_events.empty()
           && (m_events.front().time < horizon || (m_options.maxBytes > 0 && m_bytes > m_options.maxBytes))) {
        const Event &front = m_events.front();
        if (!front.origin.isEmpty()) {
            const auto state = m_origins.find(front.origin);
            if (state != m_origins.end()) {
                state->completeAfter = std::max(state->completeAfter, front.originSeq);
                if (!state->kept.empty() && state->kept.front().second == front.offset)
                    state->kept.pop_front();
                if (state->gone && state->kept.empty())
                    originGone(front.origin);
            }
        }
        m_bytes -= front.bytes;
        m_events.pop_front();
    }
    // m_sessionAge may name sessions already taken back, or persisted again later: those
    // entries are skipped, the session's own time decides.
    while (!m_sessionAge.empty()) {
        const auto &[pid, at] = m_sessionAge.front();
        const auto it = m_sessions.constFind(pid);
        const bool current = it != m_sessions.constEnd() && it->disconnectedAt == at;
        const bool expired = at < horizon || (m_options.maxSessions > 0 && m_sessions.size() > m_options.maxSessions);
        if (current && !expired)
            break;
        if (current)
            m_sessions.erase(it);
        m_sessionAge.pop_front();
    }
}

bool RecoveryLog::isFor(const Session &session, const Event &event)
{
    // Whether the socket was in `room` when the event went out.
    const auto wasIn = [&](const QString &room) {
        const auto it = session.rooms.constFind(room);
        return it != session.rooms.constEnd() && it.value() <= event.offset;
    };
    return reaches(event.clauses, wasIn);
}

void RecoveryLog::originGone(const QString &origin)
{
    const auto state = m_origins.find(origin);
    if (state == m_origins.end() || origin == m_options.server)
        return;
    state->gone = true;
    if (!state->kept.empty())
        return;
    m_origins.erase(state);
    // A Vector made before may still name it; it asks nothing of this log. A cluster whose
    // servers come and go for ever would grow this without bound: a hub's whole life of them
    // is a few thousand bytes, and past that the oldest are let go all at once.
    if (m_forgotten.size() >= 4096)
        m_forgotten.clear();
    m_forgotten.insert(origin);
}

bool RecoveryLog::isCompleteFor(const Vector &from) const
{
    // What servers this log never heard of sent after `from` it cannot know it lacks, unless
    // it has been listening since before then.
    const auto taken = from.constFind(kTimeKey);
    if (taken == from.constEnd() || *taken - kClockMarginMs < m_hearsSince)
        return false;
    for (auto it = m_origins.cbegin(); it != m_origins.cend(); ++it) {
        if (from.value(it.key(), -1) < it->completeAfter)
            return false;
    }
    // An origin the client heard of and this log did not: what it sent since may be missing.
    for (auto it = from.cbegin(); it != from.cend(); ++it) {
        if (it.key() != m_options.server && it.key() != kTimeKey && !m_origins.contains(it.key())
            && !m_forgotten.contains(it.key()))
            return false;
    }
    return true;
}

qint64 RecoveryLog::firstAfter(const Vector &from) const
{
    qint64 first = m_nextOffset;
    for (auto it = m_origins.cbegin(); it != m_origins.cend(); ++it) {
        const qint64 after = from.value(it.key(), -1);
        if (it.key() == m_options.server) {
            first = std::min(first, after + 1);
            continue;
        }
        const auto kept = std::upper_bound(it->kept.cbegin(), it->kept.cend(), after,
                                           [](qint64 seq, const auto &entry) { return seq < entry.first; });
        if (kept != it->kept.cend())
            first = std::min(first, kept->second);
    }
    return first;
}

bool RecoveryLog::isFor(const SharedSession &session, const Event &event)
{
    // Whether the socket was in `room` when the event went out: it had joined before the
    // event's origin sent it.
    const auto wasIn = [&](const QString &room) {
        const auto it = session.rooms.constFind(room);
        return it != session.rooms.constEnd() && event.originSeq > it->value(event.origin, -1);
    };
    return reaches(event.clauses, wasIn);
}

std::optional<RecoveryLog::Restored> RecoveryLog::restoreShared(const SharedSession &session, const QJsonValue &offset)
{
    prune();
    Vector from = session.connectedAt;
    if (!offset.isUndefined() && !offset.isNull()) {
        const auto handled = offset.isString() ? parseVector(offset.toString()) : std::nullopt;
        if (!handled) {
            qCDebug(lcServer) << "recovery refused for" << session.sid << ": offset" << offset << "is no position";
            return std::nullopt;
        }
        from = *handled;
    }
    if (!isCompleteFor(from)) {
        qCDebug(lcServer) << "recovery refused for" << session.sid << ": this server lacks events after"
                          << vectorText(from);
        return std::nullopt;
    }
    Restored restored;
    restored.session.sid = session.sid;
    restored.session.pid = session.pid;
    restored.session.token = session.token;
    for (auto it = session.rooms.cbegin(); it != session.rooms.cend(); ++it)
        restored.session.rooms.insert(it.key(), m_nextOffset);
    restored.resumeFrom = m_nextOffset;
    const qint64 firstKept = m_events.empty() ? m_nextOffset : m_events.front().offset;
    const qint64 start = std::max(firstAfter(from), firstKept);
    for (auto e = m_events.cbegin() + (start - firstKept); e != m_events.cend(); ++e) {
        if (e->origin.isEmpty() || e->originSeq <= from.value(e->origin, -1) || !isFor(session, *e))
            continue;
        OutgoingMessage message = e->message;
        message.makeWebSocketForms();
        restored.missed.append(std::move(message));
        restored.lastSent = e->offset;
    }
    restored.shared = session;
    return restored;
}

std::optional<RecoveryLog::Restored> RecoveryLog::restore(const QJsonObject &auth, QString *previous)
{
    prune();
    const QJsonValue pid = auth.value(QLatin1String("pid"));
    if (!pid.isString())
        return std::nullopt;
    const auto it = m_sessions.find(pid.toString());
    if (it == m_sessions.end())
        return std::nullopt;
    // Taken whatever follows: a pid is good for one try, so it cannot be probed.
    Session session = std::move(it.value());
    m_sessions.erase(it);

    if (session.token != auth.value(QLatin1String("token")).toString()) {
        qCDebug(lcServer) << "recovery refused for" << session.sid << ": another token";
        return std::nullopt;
    }
    if (previous)
        *previous = session.sid;
    // The last offset the client handled; none sent means none handled since the socket began.
    qint64 handled = session.resumeFrom - 1;
    const QJsonValue offset = auth.value(QLatin1String("offset"));
    if (!offset.isUndefined() && !offset.isNull()) {
        bool ok = false;
        handled = offset.toString().toLongLong(&ok);
        if (!offset.isString() || !ok || handled < -1 || handled > session.lastSent) {
            qCDebug(lcServer) << "recovery refused for" << session.sid << ": offset" << offset
                              << "was never sent to it";
            return std::nullopt;
        }
    }
    // Everything sent to the socket after `handled` may have been lost in flight; after
    // lastSent and before the disconnection nothing was for it (it would have been sent), and
    // what came since is still within the window unless the byte bound pushed it out.
    const qint64 needFrom = handled < session.lastSent ? handled + 1 : session.disconnectedOffset;
    const qint64 firstKept = m_events.empty() ? m_nextOffset : m_events.front().offset;
    if (firstKept > needFrom) {
        qCDebug(lcServer) << "recovery refused for" << session.sid << ": events from" << needFrom << "are gone";
        return std::nullopt;
    }
    Restored restored;
    restored.resumeFrom = handled + 1;
    restored.lastSent = session.lastSent;
    for (auto e = m_events.cbegin() + (handled + 1 - firstKept < 0 ? 0 : handled + 1 - firstKept); e != m_events.cend();
         ++e) {
        if (!isFor(session, *e))
            continue;
        OutgoingMessage message = e->message;
        message.makeWebSocketForms();
        restored.missed.append(std::move(message));
        restored.lastSent = std::max(restored.lastSent, e->offset);
    }
    restored.session = std::move(session);
    return restored;
}

} // namespace caps
