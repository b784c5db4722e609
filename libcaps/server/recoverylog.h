#pragma once

#include "server/broadcasttarget.h"
#include "server/outgoingmessage.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <deque>
#include <functional>
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
class RecoveryLog
{
public:
    struct Options
    {
        int windowMs = 120000;
        qint64 maxBytes = qint64(64) * 1024 * 1024;
        int maxSessions = 100000;
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
    };

    explicit RecoveryLog(const Options &options, std::function<qint64()> clock = {});

    [[nodiscard]] const Options &options() const { return m_options; }
    // The offset the next kept event gets.
    [[nodiscard]] qint64 nextOffset() const { return m_nextOffset; }
    [[nodiscard]] static QString offsetText(qint64 offset) { return QString::number(offset); }
    // Whether a CONNECT's auth says the client takes offsets: `recovery: true`, or the `pid` of
    // a session it comes back for. Only such sockets get a pid and offsets; the others get
    // every event with exactly the arguments emitted (python-socketio's handlers, for one,
    // take as many arguments as were sent, and socket.io-client 2.x keeps no offset).
    [[nodiscard]] static bool isRequestedBy(const QJsonObject &auth);

    // Whether an event with no recipient now must still be kept (someone may come back for it).
    [[nodiscard]] bool hasSessions() const { return !m_sessions.isEmpty(); }
    // Keeps `message` (which carries offset nextOffset()) for the audiences `clauses`; returns
    // its offset.
    qint64 record(const QList<Clause> &clauses, OutgoingMessage message);

    void persist(Session session);
    // The session of `auth.pid` with its missed events, if it is still within the window, its
    // token matches and every event after `auth.offset` is still kept. The session is taken:
    // one pid recovers once.
    [[nodiscard]] std::optional<Restored> restore(const QJsonObject &auth);

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
        QList<Clause> clauses;
        OutgoingMessage message;
        qint64 bytes = 0;
    };

    [[nodiscard]] qint64 now() const;
    [[nodiscard]] static bool isFor(const Session &session, const Event &event);

    Options m_options;
    std::function<qint64()> m_clock;
    std::deque<Event> m_events; // by offset, oldest first, no gaps
    qint64 m_nextOffset = 0;
    qint64 m_bytes = 0;
    QHash<QString, Session> m_sessions; // by pid
    std::deque<std::pair<QString, qint64>> m_sessionAge; // (pid, disconnectedAt), oldest first
};

} // namespace caps
