#pragma once

#include "server/broadcasttarget.h"
#include "server/outgoingmessage.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <deque>
#include <functional>
#include <limits>
#include <optional>

namespace caps {

// Socket.IO connection state recovery (socket.io 4.6's `connectionStateRecovery`) for one
// namespace, for the sockets that ask for it (isRequestedBy()). Every event broadcast without
// an acknowledgement gets an offset, appended as its last argument for those sockets
// (socket.io-client keeps the last one it handled), and is kept here for the recovery window.
// A socket that drops for a reason worth recovering from leaves a session behind: its id,
// private id (pid), rooms. A client that comes back within the window with
// { pid, offset } in its CONNECT auth gets its id and rooms back and every kept event after
// `offset` that was meant for it.
//
// Unlike socket.io's in-memory adapter, a CONNECT without an offset (a client that had not
// handled any event yet) recovers too, from when that socket connected; and a room counts for
// an event only from when the socket joined it, so a replay holds nothing the socket could
// not have received while connected.
//
// Memory is bounded: events older than the window go, and so do the oldest events past
// maxBytes and the oldest sessions past maxSessions; a client whose events are gone simply
// connects afresh (recovered == false), as socket.io does for an offset it no longer has.
//
// On a server that is one of several (Options::server set), a client may come back through
// another server, which has its own log and offsets. So an offset is then a position in the
// whole cluster's broadcasts rather than in this log: a Vector, for every server whose
// broadcasts this log holds (its Origin), the number of the last of them recorded so far
// ("2f9a01c4=1711,8be0d7a3=940"). Each server numbers its own broadcasts with its log's
// offsets and publishes that number with each; the servers' messages reach every other in the
// order they were sent, so "every broadcast of `origin` up to n" is the same set of events on
// every server, whatever the order in which different origins' broadcasts interleave there. The
// session then lives in the cluster's shared store (a SharedSession: its rooms with the Vector
// at which it joined each), and restoreShared() replays whatever this log holds after the
// client's Vector that was for it, provided this log has every such event (see isCompleteFor()).
class RecoveryLog
{
public:
    struct Options
    {
        int windowMs = 120000;
        qint64 maxBytes = qint64(64) * 1024 * 1024;
        int maxSessions = 100000;
        // This server's name among several (a short tag of its cluster id); empty: alone, and
        // offsets are this log's numbers.
        QString server;
    };
    // Where a kept event was first broadcast, on a server that is one of several: that server
    // (empty: this one, numbered with this log's offset), its number there, and the number of
    // the broadcast it published before this one (-1: none), by which a gap is noticed.
    struct Origin
    {
        QString server;
        qint64 seq = -1;
        qint64 previous = -1;
    };
    // A position in a cluster's broadcasts: server -> the number of its last broadcast counted,
    // and under kTimeKey when it was taken (ms since the epoch, on the clock of the server
    // that took it).
    using Vector = QHash<QString, qint64>;
    static inline const QString kTimeKey = QStringLiteral("@");
    // How far apart two servers' clocks, plus a message's way between them, may be (NOTIFY takes
    // milliseconds, NTP keeps clocks within tens of them).
    static constexpr qint64 kClockMarginMs = 250;
    // A session as the cluster keeps it, for any server to take back.
    struct SharedSession
    {
        QString sid;
        QString pid;
        QString token;
        Vector connectedAt; // where the socket began: what it needs when it sends no offset
        QHash<QString, Vector> rooms; // room -> where it joined it
    };
    // Who a kept event was for, as it was broadcast: one Clause per target.
    using Clause = BroadcastTarget;
    // What a socket leaves behind, and gets back.
    struct Session
    {
        QString sid;
        QString pid;
        QHash<QString, qint64> rooms; // room -> the first offset it was in that room for
        QString token; // auth.token it connected with: only the same may take it back
        qint64 resumeFrom = 0; // the first offset to replay when the client sends none
        qint64 lastSent = -1; // the newest offset sent to the socket, -1: none
        qint64 disconnectedOffset = 0; // nextOffset() when it went
        qint64 disconnectedAt = 0; // ms on the log's clock
    };
    struct Restored
    {
        Session session;
        QList<OutgoingMessage> missed; // oldest first
        qint64 resumeFrom = 0; // the offset after the last one the client had
        qint64 lastSent = -1; // the newest offset among `missed` and those sent before
        std::optional<SharedSession> shared; // what restoreShared() took it from
    };

    explicit RecoveryLog(const Options &options, std::function<qint64()> clock = {});

    [[nodiscard]] const Options &options() const { return m_options; }
    // The offset the next kept event gets.
    [[nodiscard]] qint64 nextOffset() const { return m_nextOffset; }
    // What the next kept event, from `origin`, carries as its offset: nextOffset() alone, or in
    // a cluster the Vector once it is recorded.
    [[nodiscard]] QByteArray nextOffsetText(const Origin &origin) const;
    // (Overloads, not default arguments: GCC cannot use Origin's member initialisers in a
    // default argument inside the class that defines it.)
    [[nodiscard]] QByteArray nextOffsetText() const { return nextOffsetText(Origin()); }
    [[nodiscard]] bool isClustered() const { return !m_options.server.isEmpty(); }
    // In a cluster: where this log is now, which a socket joining a room or connecting keeps.
    [[nodiscard]] Vector vector() const;
    [[nodiscard]] static QString vectorText(const Vector &vector);
    // nullopt unless `text` is a vectorText().
    [[nodiscard]] static std::optional<Vector> parseVector(const QString &text);
    // Whether a CONNECT's auth says the client takes offsets: `recovery: true`, or the `pid` of
    // a session it comes back for. Only such sockets get a pid and offsets; the others get
    // every event with exactly the arguments emitted (python-socketio's handlers, for one,
    // take as many arguments as were sent, and socket.io-client 2.x keeps no offset).
    [[nodiscard]] static bool isRequestedBy(const QJsonObject &auth);

    // Whether an event with no recipient now must still be kept (someone may come back for it).
    [[nodiscard]] bool hasSessions() const { return !m_sessions.isEmpty(); }
    // Keeps `message` (which carries nextOffsetText(origin)) for the audiences `clauses`;
    // returns its offset.
    qint64 record(const QList<Clause> &clauses, OutgoingMessage message, const Origin &origin);
    qint64 record(const QList<Clause> &clauses, OutgoingMessage message)
    {
        return record(clauses, std::move(message), Origin());
    }

    void persist(Session session);
    // The session of `auth.pid` with its missed events, if it is still within the window, its
    // token matches and every event after `auth.offset` is still kept. The session is taken:
    // one pid recovers once. `previous` (if given) gets the session's socket id once the pid and
    // token are found to match, restored or not: that socket's client is the one asking.
    [[nodiscard]] std::optional<Restored> restore(const QJsonObject &auth, QString *previous = nullptr);

    // In a cluster: the events after the client's `offset` (its Vector; undefined or null: none
    // handled since session.connectedAt) that were for `session`, if this log has them all.
    // The Restored's session has the ids and token, and its rooms count from now here.
    [[nodiscard]] std::optional<Restored> restoreShared(const SharedSession &session, const QJsonValue &offset);
    // Whether this log has every event of the cluster after `from` that is still within the
    // window: it has heard every server since before `from` was taken (see
    // hearsEverythingSince(); an origin it never heard of could have sent anything before), and
    // for each origin it has heard of, nothing of it was pruned, or lost on the way (a gap in
    // its numbers), after from[origin]. An origin said to be gone whose events have all been
    // pruned is forgotten, and asks nothing.
    [[nodiscard]] bool isCompleteFor(const Vector &from) const;
    // This log hears every server's broadcasts from `epochMs` on (its server began listening,
    // or listens again after losing its connection).
    void hearsEverythingSince(qint64 epochMs) { m_hearsSince = epochMs; }
    // The clock Vectors are stamped with (tests set their own).
    void setWallClock(std::function<qint64()> clock) { m_wallClock = std::move(clock); }
    // The server of `origin` is gone: once none of its events is kept, it is forgotten, and
    // Vectors no longer name it.
    void originGone(const QString &origin);

    // Drops what the window or the bounds no longer allow; record() and persist() call it too.
    void prune();

    [[nodiscard]] qsizetype eventCount() const { return qsizetype(m_events.size()); }
    [[nodiscard]] qint64 bytes() const { return m_bytes; }
    [[nodiscard]] qsizetype sessionCount() const { return m_sessions.size(); }

private:
    struct Event
    {
        qint64 offset = 0;
        qint64 time = 0;
        QString origin; // in a cluster: the server it came from (this one's tag for its own)
        qint64 originSeq = -1;
        QList<Clause> clauses;
        OutgoingMessage message;
        qint64 bytes = 0;
    };

    [[nodiscard]] qint64 now() const;
    [[nodiscard]] static bool isFor(const Session &session, const Event &event);
    [[nodiscard]] static bool isFor(const SharedSession &session, const Event &event);
    // What this log knows of one origin of a cluster's events.
    struct OriginState
    {
        qint64 last = -1; // the number of its last event recorded here
        qint64 completeAfter = -1; // every event of it numbered above this was recorded here
        std::deque<std::pair<qint64, qint64>> kept; // another server's: (number, offset) kept
        bool gone = false;
    };
    [[nodiscard]] Origin resolved(const Origin &origin) const;
    // The offset from which every kept event after `from` lies.
    [[nodiscard]] qint64 firstAfter(const Vector &from) const;

    Options m_options;
    std::function<qint64()> m_clock;
    std::deque<Event> m_events; // by offset, oldest first, no gaps
    qint64 m_nextOffset = 0;
    qint64 m_bytes = 0;
    QHash<QString, Session> m_sessions; // by pid
    std::deque<std::pair<QString, qint64>> m_sessionAge; // (pid, disconnectedAt), oldest first
    QHash<QString, OriginState> m_origins; // in a cluster, by server tag
    QSet<QString> m_forgotten; // gone origins no longer in m_origins (bounded: see originGone())
    qint64 m_hearsSince = std::numeric_limits<qint64>::max(); // hearsEverythingSince(): never yet
    std::function<qint64()> m_wallClock;
};

} // namespace caps
