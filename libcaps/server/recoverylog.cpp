#include "server/recoverylog.h"

#include "core/logging.h"

#include <QElapsedTimer>

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

} // namespace

RecoveryLog::RecoveryLog(const Options &options, std::function<qint64()> clock)
    : m_options(options)
    , m_clock(clock ? std::move(clock) : std::function<qint64()>(&monotonicMs))
{ }

bool RecoveryLog::isRequestedBy(const QJsonObject &auth)
{
    return auth.value(QLatin1String("recovery")).toBool() || auth.value(QLatin1String("pid")).isString();
}

qint64 RecoveryLog::now() const
{
    return m_clock();
}

qint64 RecoveryLog::record(const QList<Clause> &clauses, OutgoingMessage message)
{
    Event event;
    event.offset = m_nextOffset++;
    event.time = now();
    event.clauses = clauses;
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
        m_bytes -= m_events.front().bytes;
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
    for (const Clause &clause : event.clauses) {
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

std::optional<RecoveryLog::Restored> RecoveryLog::restore(const QJsonObject &auth)
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
