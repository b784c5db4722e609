// caps::RecoveryLog: which kept events a session gets back, and the bounds on what is kept.
// A fake clock stands in for time, so the window is tested without waiting.

#include "server/recoverylog.h"

#include <QJsonArray>
#include <QTest>

using namespace caps;

namespace {

OutgoingMessage message(int n)
{
    return OutgoingMessage::fromPacket(sio::Packet::event(QStringLiteral("/caps"), QStringLiteral("e"), {n}));
}

// The numbers of the events in `restored`, oldest first.
QList<int> numbers(const RecoveryLog::Restored &restored)
{
    QList<int> out;
    for (const OutgoingMessage &m : restored.missed) {
        // "42/caps,["e",N]"
        const auto header = sio::decodeText(QByteArrayView(m.text).sliced(1));
        out.append(header ? header->packet.eventArgs().at(0).toInt() : -1);
        if (m.webSocketText != QString::fromUtf8(m.text))
            out.append(-2);
    }
    return out;
}

RecoveryLog::Clause to(const QStringList &rooms, const QStringList &except = {})
{
    return RecoveryLog::Clause{rooms, except};
}

RecoveryLog::Session session(const QString &pid, const QHash<QString, qint64> &rooms, qint64 lastSent,
                             qint64 resumeFrom = 0, const QString &token = {})
{
    RecoveryLog::Session s;
    s.sid = QStringLiteral("sid-") + pid;
    s.pid = pid;
    s.rooms = rooms;
    s.lastSent = lastSent;
    s.resumeFrom = resumeFrom;
    s.token = token;
    return s;
}

QJsonObject auth(const QString &pid, const QJsonValue &offset = QJsonValue::Undefined, const QString &token = {})
{
    QJsonObject a{{QStringLiteral("pid"), pid}};
    if (!offset.isUndefined())
        a.insert(QStringLiteral("offset"), offset);
    if (!token.isEmpty())
        a.insert(QStringLiteral("token"), token);
    return a;
}

using Origin = RecoveryLog::Origin;
const QString kA = QStringLiteral("aaaa");
const QString kB = QStringLiteral("bbbb");

// A session as a cluster keeps it: in its own room and `rooms`, each joined at `at`.
RecoveryLog::SharedSession shared(const RecoveryLog::Vector &at, const QStringList &rooms = {QStringLiteral("store")})
{
    RecoveryLog::SharedSession s;
    s.sid = QStringLiteral("sid-p");
    s.pid = QStringLiteral("p");
    s.connectedAt = at;
    s.rooms.insert(s.sid, at);
    for (const QString &room : rooms)
        s.rooms.insert(room, at);
    return s;
}

} // namespace

class TestRecoveryLog : public QObject
{
    Q_OBJECT

    qint64 m_now = 0;
    RecoveryLog::Options m_options;

    RecoveryLog makeLog()
    {
        return RecoveryLog(m_options, [this] { return m_now; });
    }
    // One server's log among several, listening since before anything happened.
    RecoveryLog clusterLog(const QString &server)
    {
        RecoveryLog::Options options = m_options;
        options.server = server;
        RecoveryLog log(options, [this] { return m_now; });
        log.setWallClock([] { return kWall; });
        log.hearsEverythingSince(0);
        return log;
    }
    static constexpr qint64 kWall = 5000; // the servers' clocks, in the epoch's ms

private Q_SLOTS:
    void init()
    {
        m_now = 1000;
        m_options = RecoveryLog::Options{};
    }

    void missedEventsForItsRoomsOnly()
    {
        RecoveryLog log = makeLog();
        QCOMPARE(log.record({to({QStringLiteral("store")})}, message(0)), 0); // sent to it, handled
        log.persist(session(QStringLiteral("p"), {{QStringLiteral("sid-p"), 0}, {QStringLiteral("store"), 0}}, 0));
        log.record({to({QStringLiteral("store")})}, message(1));
        log.record({to({QStringLiteral("other")})}, message(2));
        log.record({to({})}, message(3)); // everyone
        log.record({to({}, {QStringLiteral("store")})}, message(4)); // everyone but the store
        log.record({to({QStringLiteral("other")}), to({QStringLiteral("sid-p")})}, message(5));
        const auto restored = log.restore(auth(QStringLiteral("p"), QStringLiteral("0")));
        QVERIFY(restored);
        QCOMPARE(restored->session.sid, QStringLiteral("sid-p"));
        QCOMPARE(numbers(*restored), (QList<int>{1, 3, 5}));
        QCOMPARE(restored->resumeFrom, 1);
        QCOMPARE(restored->lastSent, 5);
    }

    void eventsSentButNotHandledComeBack()
    {
        RecoveryLog log = makeLog();
        log.record({to({QStringLiteral("store")})}, message(0));
        log.record({to({QStringLiteral("store")})}, message(1));
        log.record({to({QStringLiteral("store")})}, message(2));
        // Sent 0..2, the client handled only 0: 1 and 2 were in flight when it dropped.
        log.persist(session(QStringLiteral("p"), {{QStringLiteral("store"), 0}}, 2));
        const auto restored = log.restore(auth(QStringLiteral("p"), QStringLiteral("0")));
        QVERIFY(restored);
        QCOMPARE(numbers(*restored), (QList<int>{1, 2}));
    }

    void noOffsetMeansNothingHandledSinceTheSocketBegan()
    {
        RecoveryLog log = makeLog();
        log.record({to({QStringLiteral("store")})}, message(0)); // before the socket
        log.record({to({QStringLiteral("store")})}, message(1)); // sent, never handled
        log.persist(session(QStringLiteral("p"), {{QStringLiteral("store"), 1}}, 1, 1));
        log.record({to({QStringLiteral("store")})}, message(2));
        const auto restored = log.restore(auth(QStringLiteral("p")));
        QVERIFY(restored);
        QCOMPARE(numbers(*restored), (QList<int>{1, 2}));
        QCOMPARE(restored->resumeFrom, 1);
    }

    void roomsCountFromWhenJoined()
    {
        RecoveryLog log = makeLog();
        log.record({to({QStringLiteral("store")})}, message(0)); // before it joined
        log.record({to({}, {QStringLiteral("customers")})}, message(1)); // before it became a customer
        log.record({to({}, {QStringLiteral("customers")})}, message(2)); // after
        log.persist(session(
            QStringLiteral("p"),
            {{QStringLiteral("sid-p"), 0}, {QStringLiteral("store"), 1}, {QStringLiteral("customers"), 2}}, -1));
        const auto restored = log.restore(auth(QStringLiteral("p")));
        QVERIFY(restored);
        QCOMPARE(numbers(*restored), (QList<int>{1}));
    }

    void refusals_data()
    {
        QTest::addColumn<QJsonObject>("auth");
        // Whether the refusal still names the session's socket (restore()'s `previous`): only a
        // client that proved the session its own, with its pid and token.
        QTest::addColumn<bool>("itsOwn");
        QTest::newRow("unknown pid") << auth(QStringLiteral("nope"), QStringLiteral("0")) << false;
        QTest::newRow("pid not a string") << QJsonObject{{QStringLiteral("pid"), 7}} << false;
        QTest::newRow("offset never sent") << auth(QStringLiteral("p"), QStringLiteral("5")) << true;
        QTest::newRow("offset not a number") << auth(QStringLiteral("p"), QStringLiteral("abc")) << true;
        QTest::newRow("offset a JSON number") << auth(QStringLiteral("p"), 0) << true;
        QTest::newRow("offset below -1") << auth(QStringLiteral("p"), QStringLiteral("-7")) << true;
        QTest::newRow("another token") << auth(QStringLiteral("p"), QStringLiteral("0"), QStringLiteral("stolen"))
                                       << false;
    }

    void refusals()
    {
        QFETCH(QJsonObject, auth);
        QFETCH(bool, itsOwn);
        RecoveryLog log = makeLog();
        log.record({to({QStringLiteral("store")})}, message(0));
        log.persist(session(QStringLiteral("p"), {{QStringLiteral("store"), 0}}, 0));
        log.record({to({QStringLiteral("store")})}, message(1));
        QString previous;
        QVERIFY(!log.restore(auth, &previous));
        QCOMPARE(previous, itsOwn ? QStringLiteral("sid-p") : QString());
    }

    // Events the client missed are gone: not restored, but the client is that socket's.
    void aSessionPastRestoringStillNamesItsSocket()
    {
        m_options.maxBytes = 1;
        RecoveryLog log = makeLog();
        log.record({to({QStringLiteral("store")})}, message(0));
        log.record({to({QStringLiteral("store")})}, message(1));
        // Sent 0 and 1, handled 0; the byte bound has pushed 1 out.
        log.persist(session(QStringLiteral("p"), {{QStringLiteral("store"), 0}}, 1));
        log.record({to({QStringLiteral("store")})}, message(2));
        QString previous;
        QVERIFY(!log.restore(auth(QStringLiteral("p"), QStringLiteral("0")), &previous));
        QCOMPARE(previous, QStringLiteral("sid-p"));
    }

    void tokenMustBeTheSame()
    {
        RecoveryLog log = makeLog();
        log.persist(session(QStringLiteral("p"), {}, -1, 0, QStringLiteral("vendor-token")));
        QVERIFY(log.restore(auth(QStringLiteral("p"), QJsonValue::Undefined, QStringLiteral("vendor-token"))));
        log.persist(session(QStringLiteral("q"), {}, -1, 0, QStringLiteral("vendor-token")));
        QVERIFY(!log.restore(auth(QStringLiteral("q"))));
    }

    void aPidRecoversOnce()
    {
        RecoveryLog log = makeLog();
        log.persist(session(QStringLiteral("p"), {}, -1));
        QCOMPARE(log.sessionCount(), 1);
        QVERIFY(log.restore(auth(QStringLiteral("p"))));
        QCOMPARE(log.sessionCount(), 0);
        QVERIFY(!log.restore(auth(QStringLiteral("p"))));
        // Even a failed try uses it up, so a pid cannot be probed.
        log.persist(session(QStringLiteral("p"), {}, -1));
        QVERIFY(!log.restore(auth(QStringLiteral("p"), QStringLiteral("99"))));
        QVERIFY(!log.restore(auth(QStringLiteral("p"))));
    }

    void windowExpires()
    {
        m_options.windowMs = 5000;
        RecoveryLog log = makeLog();
        log.record({to({})}, message(0));
        log.persist(session(QStringLiteral("p"), {{QStringLiteral("sid-p"), 0}}, 0));
        log.persist(session(QStringLiteral("q"), {{QStringLiteral("sid-q"), 0}}, 0));
        m_now += 3000;
        log.record({to({})}, message(1));
        QVERIFY(log.restore(auth(QStringLiteral("q"), QStringLiteral("0"))));
        m_now += 2001; // p's session and event 0 are past the window now
        log.prune();
        QCOMPARE(log.sessionCount(), 0);
        QCOMPARE(log.eventCount(), 1);
        QVERIFY(!log.restore(auth(QStringLiteral("p"), QStringLiteral("0"))));
        m_now += 3000;
        log.prune();
        QCOMPARE(log.eventCount(), 0);
        QCOMPARE(log.bytes(), 0);
    }

    void bytesAreBounded()
    {
        m_options.maxBytes = 20000;
        RecoveryLog log = makeLog();
        log.record({to({QStringLiteral("quiet")})}, message(0));
        log.record({to({QStringLiteral("busy")})}, message(1));
        // Event 1 was sent to the busy one, which had handled only event 0.
        log.persist(session(QStringLiteral("busy"), {{QStringLiteral("busy"), 0}}, 1));
        for (int i = 2; i < 1000; ++i) {
            log.record({to({QStringLiteral("busy")})}, message(i));
            QVERIFY2(log.bytes() <= m_options.maxBytes, qPrintable(QString::number(log.bytes())));
        }
        QVERIFY(log.eventCount() < 900);
        QVERIFY(log.eventCount() > 10);
        // The quiet one handled everything sent to it (event 0); all that came after it and
        // before it went was for others, so losing those costs it nothing.
        log.persist(session(QStringLiteral("quiet"), {{QStringLiteral("quiet"), 0}}, 0));
        log.record({to({QStringLiteral("quiet")})}, message(1000));
        const auto quiet = log.restore(auth(QStringLiteral("quiet"), QStringLiteral("0")));
        QVERIFY(quiet);
        QCOMPARE(numbers(*quiet), (QList<int>{1000}));
        // The busy one's event 1 is gone: it starts afresh.
        QVERIFY(!log.restore(auth(QStringLiteral("busy"), QStringLiteral("0"))));
    }

    void sessionsAreBounded()
    {
        m_options.maxSessions = 2;
        RecoveryLog log = makeLog();
        for (const char *pid : {"a", "b", "c"}) {
            log.persist(session(QString::fromLatin1(pid), {}, -1));
            m_now += 1;
        }
        QCOMPARE(log.sessionCount(), 2);
        QVERIFY(!log.restore(auth(QStringLiteral("a"))));
        QVERIFY(log.restore(auth(QStringLiteral("b"))));
        QVERIFY(log.restore(auth(QStringLiteral("c"))));
    }

    void clusterOffsetsNameEveryOrigin()
    {
        RecoveryLog a = clusterLog(kA);
        QCOMPARE(a.nextOffsetText(), QByteArray("@=5000,aaaa=0"));
        a.record({to({})}, message(0));
        QCOMPARE(a.nextOffsetText(Origin{kB, 7, -1}), QByteArray("@=5000,aaaa=0,bbbb=7"));
        a.record({to({})}, message(1), Origin{kB, 7, -1});
        QCOMPARE(a.nextOffsetText(), QByteArray("@=5000,aaaa=2,bbbb=7"));
        QCOMPARE(RecoveryLog::parseVector(QStringLiteral("@=5000,aaaa=2,bbbb=7")),
                 (RecoveryLog::Vector{{RecoveryLog::kTimeKey, 5000}, {kA, 2}, {kB, 7}}));
        QCOMPARE(RecoveryLog::parseVector(QString()), RecoveryLog::Vector{});
        for (const char *bad : {"aaaa", "aaaa=x", "=1", "aaaa=1,aaaa=2", "aaaa=-5", "aaaa=1,", "@=-1"})
            QVERIFY2(!RecoveryLog::parseVector(QString::fromLatin1(bad)), bad);
        // Alone, offsets stay numbers.
        QCOMPARE(makeLog().nextOffsetText(), QByteArray("0"));
    }

    void anotherServerReplaysWhatTheClientMissed()
    {
        // Two servers' logs; the client is on A, in the store's room since before anything.
        RecoveryLog a = clusterLog(kA);
        RecoveryLog b = clusterLog(kB);
        const auto store = QList<RecoveryLog::Clause>{to({QStringLiteral("store")})};
        a.record(store, message(0)); // A's 0
        b.record(store, message(0), Origin{kA, 0, -1});
        b.record(store, message(1)); // B's 1
        a.record(store, message(1), Origin{kB, 1, -1});
        // 2 from A and 3 from B cross: A has 2 then 3, B has 3 then 2.
        const QString handled = QString::fromLatin1(a.nextOffsetText()); // what 2 carries from A
        QCOMPARE(handled, QStringLiteral("@=5000,aaaa=2,bbbb=1"));
        a.record(store, message(2)); // A's 2
        b.record(store, message(3)); // B's 2
        b.record(store, message(2), Origin{kA, 2, 0});
        a.record(store, message(3), Origin{kB, 2, 1});
        b.record({to({QStringLiteral("other")})}, message(4)); // not for it
        b.record(store, message(5)); // after A died
        // The client handled 2 (A's text for it); A died before 3 reached it.
        const auto restored = b.restoreShared(shared({}), handled);
        QVERIFY(restored);
        QCOMPARE(numbers(*restored), (QList<int>{3, 5}));
        QCOMPARE(restored->session.sid, QStringLiteral("sid-p"));
        QVERIFY(restored->shared);
        // With nothing handled, everything since it connected.
        const auto fromTheStart = b.restoreShared(shared({{RecoveryLog::kTimeKey, kWall}}), QJsonValue::Null);
        QVERIFY(fromTheStart);
        QCOMPARE(numbers(*fromTheStart), (QList<int>{0, 1, 3, 2, 5}));
        // The same on A itself, which has the events in its own order.
        const auto onA = a.restoreShared(shared({}), QStringLiteral("@=5000,aaaa=2,bbbb=1"));
        QVERIFY(onA);
        QCOMPARE(numbers(*onA), (QList<int>{3}));
    }

    void clusterRoomsCountFromWhenJoined()
    {
        RecoveryLog b = clusterLog(kB);
        for (int n = 0; n < 3; ++n)
            b.record({to({QStringLiteral("store")})}, message(n), Origin{kA, n, n - 1});
        // Joined on A after A's 1: only 2 was for it.
        const auto restored = b.restoreShared(shared({{kA, 1}, {RecoveryLog::kTimeKey, kWall}}), QJsonValue::Undefined);
        QVERIFY(restored);
        QCOMPARE(numbers(*restored), (QList<int>{2}));
    }

    void aGapInAnOriginRefusesWhatItMayHold()
    {
        RecoveryLog b = clusterLog(kB);
        b.record({to({})}, message(0), Origin{kA, 0, -1});
        b.record({to({})}, message(5), Origin{kA, 5, 3}); // A's 3 never came here
        QVERIFY(!b.restoreShared(shared({}), QStringLiteral("@=5000,aaaa=0")));
        const auto restored = b.restoreShared(shared({}), QStringLiteral("@=5000,aaaa=3"));
        QVERIFY(restored);
        QCOMPARE(numbers(*restored), (QList<int>{5}));
    }

    void clusterRefusals()
    {
        m_options.windowMs = 5000;
        RecoveryLog b = clusterLog(kB);
        b.record({to({})}, message(0), Origin{kA, 0, -1});
        b.record({to({})}, message(1), Origin{kA, 1, 0});
        // An origin this log never heard of may have sent it anything.
        QVERIFY(!b.restoreShared(shared({}), QStringLiteral("@=5000,aaaa=1,cccc=4")));
        QVERIFY(!b.restoreShared(shared({}), QStringLiteral("41")));
        QVERIFY(!b.restoreShared(shared({}), 41));
        QVERIFY(b.restoreShared(shared({}), QStringLiteral("@=5000,aaaa=1")));
        // A's 0 goes with the window: a client that had not handled it cannot have it back.
        m_now += 3000;
        b.record({to({})}, message(2), Origin{kA, 2, 1});
        m_now += 3000;
        b.prune();
        QVERIFY(!b.restoreShared(shared({}), QStringLiteral("@=5000,aaaa=0")));
        QVERIFY(b.restoreShared(shared({}), QStringLiteral("@=5000,aaaa=1")));
        // A is gone, and once its events are too, offsets that name it ask nothing of it.
        b.originGone(kA);
        QCOMPARE(b.nextOffsetText(), QByteArray("@=5000,aaaa=2,bbbb=3")); // B's own next is its 3
        m_now += 6000;
        b.prune();
        QCOMPARE(b.nextOffsetText(), QByteArray("@=5000,bbbb=3"));
        const auto restored = b.restoreShared(shared({}), QStringLiteral("@=5000,aaaa=0"));
        QVERIFY(restored);
        QCOMPARE(numbers(*restored), QList<int>{});
    }

    void aServerListeningSinceLaterRefuses()
    {
        // B began listening at 10 s: a server it never heard of may have sent anything before.
        RecoveryLog b = clusterLog(kB);
        b.hearsEverythingSince(10000);
        b.record({to({})}, message(0), Origin{kA, 0, -1});
        QVERIFY(!b.restoreShared(shared({}), QStringLiteral("@=9500,aaaa=0")));
        QVERIFY(!b.restoreShared(shared({}), QStringLiteral("aaaa=0"))); // no time: no telling
        QVERIFY(b.restoreShared(shared({}), QStringLiteral("@=11500,aaaa=0")));
    }

    void aSessionPersistedAgainKeepsItsNewTime()
    {
        m_options.windowMs = 5000;
        RecoveryLog log = makeLog();
        log.persist(session(QStringLiteral("p"), {}, -1));
        QVERIFY(log.restore(auth(QStringLiteral("p"))));
        m_now += 4000;
        log.persist(session(QStringLiteral("p"), {}, -1));
        m_now += 2000; // the first persist is past the window, the second is not
        log.prune();
        QCOMPARE(log.sessionCount(), 1);
        QVERIFY(log.restore(auth(QStringLiteral("p"))));
    }
};

QTEST_GUILESS_MAIN(TestRecoveryLog)
#include "tst_recoverylog.moc"
