// caps::InMemoryAdapter, the default Adapter: room membership both ways, whom a broadcast
// reaches (rooms, except rooms, several targets), what a socket leaves behind for connection
// state recovery, and that a socket that disconnects or goes leaves every room. No network:
// the sockets have no client, so what is sent to them goes nowhere (tst_sioserver has the
// broadcasts on the wire).

#include "server/inmemoryadapter.h"
#include "server/namespace.h"
#include "server/serversocket.h"

#include <QSignalSpy>
#include <QtTest>

#include <map>
#include <memory>

using caps::BroadcastTarget;
using caps::InMemoryAdapter;
using caps::ServerSocket;

Q_DECLARE_METATYPE(caps::BroadcastTarget)

class TestInMemoryAdapter : public QObject
{
    Q_OBJECT

    static std::unique_ptr<ServerSocket> socket(const QString &id, const QString &pid = {})
    {
        return std::make_unique<ServerSocket>(ServerSocket::Init{id, {}, pid, false}, nullptr, nullptr);
    }

    static QSet<ServerSocket *> reached(const InMemoryAdapter &adapter, const QList<BroadcastTarget> &targets)
    {
        const QList<ServerSocket *> list = adapter.recipients(targets);
        const QSet<ServerSocket *> set(list.cbegin(), list.cend());
        // Each once.
        return set.size() == list.size() ? set : QSet<ServerSocket *>{};
    }

private slots:
    void roomsBothWays()
    {
        InMemoryAdapter adapter;
        auto a = socket("a"), b = socket("b");
        adapter.addAll(a.get(), {"a", "red"});
        adapter.addAll(b.get(), {"b", "red", "blue"});
        adapter.addAll(b.get(), {"blue"}); // already in: nothing changes
        QCOMPARE(adapter.socketRooms(a.get()), (QSet<QString>{"a", "red"}));
        QCOMPARE(adapter.socketRooms(b.get()), (QSet<QString>{"b", "red", "blue"}));
        QCOMPARE(adapter.sockets("red"), (QSet<ServerSocket *>{a.get(), b.get()}));
        QVERIFY(adapter.isIn(b.get(), "blue"));
        QVERIFY(!adapter.isIn(a.get(), "blue"));

        adapter.del(b.get(), "red");
        adapter.del(a.get(), "blue"); // not in it: nothing changes
        QCOMPARE(adapter.sockets("red"), QSet<ServerSocket *>{a.get()});
        QCOMPARE(adapter.socketRooms(b.get()), (QSet<QString>{"b", "blue"}));

        // A socket in no room is still one of "every socket".
        adapter.del(a.get(), "a");
        adapter.del(a.get(), "red");
        QVERIFY(adapter.sockets("red").isEmpty());
        QCOMPARE(reached(adapter, {BroadcastTarget{}}), (QSet<ServerSocket *>{a.get(), b.get()}));
    }

    // What the Admin UI's room_joined / room_left come from: once per actual change.
    void announcesJoinsAndLeaves()
    {
        InMemoryAdapter adapter;
        auto a = socket("a");
        QList<QString> events;
        connect(&adapter, &caps::Adapter::roomJoined, this,
                [&](ServerSocket *s, const QString &room) { events.append(s->id() + "+" + room); });
        connect(&adapter, &caps::Adapter::roomLeft, this,
                [&](ServerSocket *s, const QString &room) { events.append(s->id() + "-" + room); });
        adapter.addAll(a.get(), {"a", "red"});
        adapter.addAll(a.get(), {"red"}); // already in
        adapter.del(a.get(), "red");
        adapter.del(a.get(), "blue"); // not in
        adapter.addAll(a.get(), {"blue"});
        QCOMPARE(events, (QList<QString>{"a+a", "a+red", "a-red", "a+blue"}));
        events.clear();
        adapter.delAll(a.get());
        events.sort();
        QCOMPARE(events, (QList<QString>{"a-a", "a-blue"}));
        QVERIFY(adapter.socketRooms(a.get()).isEmpty());
    }

    void broadcastTargets_data()
    {
        QTest::addColumn<QList<BroadcastTarget>>("targets");
        QTest::addColumn<QStringList>("expected");
        using L = QList<BroadcastTarget>;
        QTest::addRow("everyone") << L{{}} << QStringList{"a", "b", "c", "d"};
        QTest::addRow("one room") << L{{{"red"}, {}}} << QStringList{"a", "b"};
        QTest::addRow("two rooms, b in both") << L{{{"red", "blue"}, {}}} << QStringList{"a", "b", "c"};
        QTest::addRow("everyone except red") << L{{{}, {"red"}}} << QStringList{"c", "d"};
        QTest::addRow("red except blue") << L{{{"red"}, {"blue"}}} << QStringList{"a"};
        QTest::addRow("except one socket's own room") << L{{{}, {"a"}}} << QStringList{"b", "c", "d"};
        QTest::addRow("unknown rooms") << L{{{"green"}, {"nowhere"}}} << QStringList{};
        QTest::addRow("except an unknown room") << L{{{"blue"}, {"nowhere"}}} << QStringList{"b", "c"};
        QTest::addRow("two targets, each once") << L{{{"red"}, {}}, {{"blue"}, {}}} << QStringList{"a", "b", "c"};
        QTest::addRow("a later target's except does not undo an earlier one")
            << L{{{"red"}, {}}, {{}, {"red"}}} << QStringList{"a", "b", "c", "d"};
        QTest::addRow("everyone but red, then red but b")
            << L{{{}, {"red"}}, {{"red"}, {"b"}}} << QStringList{"a", "c", "d"};
        // The sockets' own rooms are kept apart from the others (no set of one per socket).
        QTest::addRow("one socket by its id") << L{{{"d"}, {}}} << QStringList{"d"};
        QTest::addRow("a socket's id and a room") << L{{{"d", "blue"}, {}}} << QStringList{"b", "c", "d"};
        QTest::addRow("a room but one socket by its id") << L{{{"red"}, {"a"}}} << QStringList{"b"};
        QTest::addRow("ids in two targets, each once") << L{{{"a"}, {}}, {{"a", "d"}, {}}} << QStringList{"a", "d"};
    }

    // A socket's own room as socket.io has it: a room like the others, which others may join
    // (then a broadcast to the id reaches them too) and the socket may leave.
    void ownRooms()
    {
        InMemoryAdapter adapter;
        auto a = socket("a"), b = socket("b");
        QStringList events;
        connect(&adapter, &caps::Adapter::roomJoined, this,
                [&](ServerSocket *s, const QString &room) { events.append(s->id() + "+" + room); });
        connect(&adapter, &caps::Adapter::roomLeft, this,
                [&](ServerSocket *s, const QString &room) { events.append(s->id() + "-" + room); });
        adapter.addAll(a.get(), {"a"});
        adapter.addAll(b.get(), {"b", "a"}); // b joins a room named after a's id
        QVERIFY(adapter.isIn(a.get(), "a"));
        QVERIFY(adapter.isIn(b.get(), "a"));
        QVERIFY(!adapter.isIn(a.get(), "b"));
        QCOMPARE(adapter.sockets("a"), (QSet<ServerSocket *>{a.get(), b.get()}));
        QCOMPARE(adapter.socketRooms(b.get()), (QSet<QString>{"a", "b"}));
        QCOMPARE(reached(adapter, {BroadcastTarget{{"a"}, {}}}), (QSet<ServerSocket *>{a.get(), b.get()}));
        QCOMPARE(reached(adapter, {BroadcastTarget{{}, {"a"}}}), QSet<ServerSocket *>{});

        adapter.del(a.get(), "a"); // a leaves its own room
        adapter.del(a.get(), "a"); // not in it any more: nothing changes
        QVERIFY(!adapter.isIn(a.get(), "a"));
        QCOMPARE(adapter.socketRooms(a.get()), QSet<QString>{});
        QCOMPARE(reached(adapter, {BroadcastTarget{{"a"}, {}}}), QSet<ServerSocket *>{b.get()});
        adapter.addAll(a.get(), {"a"});
        adapter.delAll(b.get());
        QCOMPARE(adapter.sockets("b"), QSet<ServerSocket *>{});
        QCOMPARE(adapter.sockets("a"), QSet<ServerSocket *>{a.get()});
        QCOMPARE(events, (QStringList{"a+a", "b+b", "b+a", "a-a", "a+a", "b-b", "b-a"}));
    }

    void broadcastTargets()
    {
        QFETCH(QList<BroadcastTarget>, targets);
        QFETCH(QStringList, expected);
        InMemoryAdapter adapter;
        std::map<QString, std::unique_ptr<ServerSocket>> sockets;
        for (const QString &id : {"a", "b", "c", "d"})
            adapter.addAll((sockets[id] = socket(id)).get(), {id});
        adapter.addAll(sockets["a"].get(), {"red"});
        adapter.addAll(sockets["b"].get(), {"red", "blue"});
        adapter.addAll(sockets["c"].get(), {"blue"});
        QSet<ServerSocket *> want;
        for (const QString &id : expected)
            want.insert(sockets[id].get());
        QCOMPARE(reached(adapter, targets), want);
    }

    // Through a namespace, as the server uses it: accept() puts a socket in the room of its id
    // and announces it; a disconnect takes it out of every room, and so does its deletion.
    void socketsLeaveEveryRoomWhenTheyGo()
    {
        caps::Namespace nsp("/t");
        auto *adapter = qobject_cast<InMemoryAdapter *>(nsp.adapter());
        QVERIFY(adapter);
        QSignalSpy connections(&nsp, &caps::Namespace::connection);
        const auto admit = [&nsp](const QString &id) {
            const caps::Namespace::Admission admission = nsp.admit({}, id);
            auto *s = new ServerSocket(admission.socket, &nsp, nullptr);
            nsp.accept(s, admission);
            return s;
        };
        ServerSocket *a = admit("a");
        ServerSocket *b = admit("b");
        QCOMPARE(connections.size(), 2);
        QCOMPARE(nsp.socketCount(), 2);
        QCOMPARE(a->rooms(), QSet<QString>{"a"});
        a->join("red");
        b->join("red");
        QCOMPARE(nsp.socketsIn("red"), (QSet<ServerSocket *>{a, b}));

        QSignalSpy gone(a, &ServerSocket::disconnected);
        a->disconnectSocket();
        QCOMPARE(gone.size(), 1);
        QCOMPARE(nsp.socketsIn("red"), QSet<ServerSocket *>{b});
        QVERIFY(nsp.socketsIn("a").isEmpty());
        QCOMPARE(adapter->recipients({BroadcastTarget{}}), QList<ServerSocket *>{b});
        QCOMPARE(nsp.socketCount(), 1);
        // Closed, it joins nothing any more.
        a->join("blue");
        QVERIFY(nsp.socketsIn("blue").isEmpty());

        delete b;
        QVERIFY(nsp.socketsIn("red").isEmpty());
        QVERIFY(adapter->recipients({BroadcastTarget{}}).isEmpty());
        QCOMPARE(nsp.socketCount(), 0);
        delete a;
    }

    // With recovery: a kept broadcast, the session a socket that takes offsets leaves when it
    // drops for a recoverable reason, and the same id and rooms for the one that takes it back.
    void sessionsThroughTheAdapter()
    {
        caps::RecoveryLog::Options options;
        options.windowMs = 60000;
        caps::Namespace nsp("/t", std::make_unique<InMemoryAdapter>(options));
        auto *adapter = qobject_cast<InMemoryAdapter *>(nsp.adapter());
        QVERIFY(adapter && adapter->hasRecovery());
        const caps::Namespace::Admission admission = nsp.admit({{"recovery", true}});
        QVERIFY(!admission.socket.pid.isEmpty() && !admission.restored);
        auto *taker = new ServerSocket(admission.socket, &nsp, nullptr);
        nsp.accept(taker, admission);
        taker->join("red");

        nsp.broadcast({{"red"}, {}, {}}, "kept");
        nsp.broadcast({{"blue"}, {}, {}}, "for nobody");
        QCOMPARE(adapter->recovery()->eventCount(), 1);

        taker->handleClose(QStringLiteral("transport close"));
        QCOMPARE(adapter->recovery()->sessionCount(), 1);
        QVERIFY(nsp.socketsIn("red").isEmpty());
        nsp.broadcast({{"red"}, {}, {}}, "missed");
        QCOMPARE(adapter->recovery()->eventCount(), 2);

        const caps::Namespace::Admission back = nsp.admit({{"pid", admission.socket.pid}, {"offset", "0"}});
        QVERIFY(back.restored);
        QVERIFY(back.socket.recovered);
        QCOMPARE(back.socket.id, admission.socket.id);
        QCOMPARE(back.restored->missed.size(), 1);
        auto *again = new ServerSocket(back.socket, &nsp, nullptr);
        nsp.accept(again, back);
        QCOMPARE(again->rooms(), (QSet<QString>{admission.socket.id, "red"}));
        QCOMPARE(nsp.socketsIn("red"), QSet<ServerSocket *>{again});

        // Leaving on purpose leaves no session.
        again->handleClose(QStringLiteral("client namespace disconnect"));
        QCOMPARE(adapter->recovery()->sessionCount(), 0);
        delete taker;
        delete again;
    }
};

QTEST_GUILESS_MAIN(TestInMemoryAdapter)
#include "tst_inmemoryadapter.moc"
