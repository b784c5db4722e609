// Connection state recovery between caps::Client and our server, both in this process: the
// server drops a vendor's connection, a driver delivers while it is away, and the vendor comes
// back with its id, its room and the delivery. (tests/interop/recovery.js does the same with an
// unmodified socket.io-client; tst_client_node runs our client against Node's socket.io.)

#include "client/client.h"
#include "hub/capshub.h"
#include "server/clientconnection.h"
#include "server/inmemoryadapter.h"
#include "server/namespace.h"
#include "server/server.h"
#include "server/serversocket.h"
#include "testhelpers.h"

#include <QSignalSpy>
#include <QTest>

using caps::Client;
using namespace clienttest;

namespace {

const QString kStore = QStringLiteral("1-206-flowers");

// The payloads (first arguments) of every `name` event a spy on Client::eventReceived saw.
QStringList orderIds(const QSignalSpy &spy, const QString &name)
{
    QStringList out;
    for (const QList<QVariant> &args : spy) {
        if (args.at(0).toString() == name)
            out.append(args.at(1).toJsonArray().at(0).toObject().value(QLatin1String("orderID")).toString());
    }
    return out;
}

} // namespace

class TestClientRecovery : public QObject
{
    Q_OBJECT

    struct Hub
    {
        explicit Hub(int recoveryWindow)
            : server([recoveryWindow] {
                caps::ServerOptions o;
                o.recoveryWindow = recoveryWindow;
                return o;
            }())
            , hub(server.of(QStringLiteral("/caps")))
        { }
        caps::Server server;
        caps::CapsHub hub;
        [[nodiscard]] caps::Namespace *nsp() { return server.of(QStringLiteral("/caps")); }
        // Its kept events and sessions (the default adapter's).
        [[nodiscard]] caps::RecoveryLog *recovery()
        {
            return qobject_cast<caps::InMemoryAdapter *>(nsp()->adapter())->recovery();
        }
        [[nodiscard]] QUrl url() const { return localUrl(server.serverPort(), QStringLiteral("/caps")); }
    };

    // Drops `client`'s connection from the server's side, as a network failure would look to
    // the server ("forced close" is one of socket.io's recoverable reasons); waits until the
    // client has noticed.
    static bool drop(Hub &hub, Client &client)
    {
        caps::ServerSocket *socket = hub.nsp()->socket(client.id());
        if (!socket)
            return false;
        QSignalSpy lost(&client, &Client::disconnected);
        socket->client()->close();
        return lost.wait(5000) || !lost.isEmpty();
    }

    // Emits `events` from `client` and returns once the hub has relayed them: the hub handles
    // one client's events in order, so when a pickup sent after them comes back, they are out.
    static bool relay(Client &client, const QList<std::pair<QString, QJsonObject>> &events)
    {
        static int marker = 0;
        const QString id = QStringLiteral("marker-%1").arg(++marker);
        QSignalSpy events_(&client, &Client::eventReceived);
        for (const auto &[name, payload] : events)
            client.emitEvent(name, {payload});
        client.emitEvent(QStringLiteral("pickup"), {order(id)});
        return QTest::qWaitFor([&] { return orderIds(events_, QStringLiteral("pickup")).contains(id); }, 5000);
    }

private Q_SLOTS:
    void vendorGetsBackItsSessionAndWhatItMissed()
    {
        Hub hub(60000);
        QVERIFY(hub.server.listen(QHostAddress::LocalHost, 0));
        VendorAndDriver p(hub.url(), manualOptions(), fastOptions());
        QVERIFY(p.connectBoth());
        QVERIFY(!p.vendor.isRecovered());
        // In its room once its own pickup comes back (the hub handles its events in order).
        p.vendor.emitEvent(QStringLiteral("pickup"), {order(QStringLiteral("A-0"))});
        QTRY_COMPARE(orderIds(p.vendorEvents, QStringLiteral("pickup")), QStringList{QStringLiteral("A-0")});
        const QString firstId = p.vendor.id();

        QVERIFY(drop(hub, p.vendor));
        QCOMPARE(p.vendor.state(), Client::State::Reconnecting);
        // Sent while the vendor is away.
        QVERIFY(relay(p.driver,
                      {{QStringLiteral("in-transit"), order(QStringLiteral("A-0"))},
                       {QStringLiteral("delivered"), order(QStringLiteral("A-0"))}}));

        // The server saw who came back before any packet of the client's: the rooms are its.
        QStringList roomsAtConnection;
        bool recoveredAtConnection = false;
        connect(hub.nsp(), &caps::Namespace::connection, this, [&](caps::ServerSocket *socket) {
            roomsAtConnection = socket->rooms().values();
            roomsAtConnection.sort();
            recoveredAtConnection = socket->isRecovered();
        });
        p.vendor.joinRoom(QStringLiteral("second-store")); // asked for while away
        p.vendor.disconnectFromHub(); // gives up the hour-long wait, keeps the session's id
        p.vendor.connectToHub();
        QTRY_VERIFY(p.vendor.isConnected());
        QVERIFY(p.vendor.isRecovered());
        QCOMPARE(p.vendor.id(), firstId);
        QVERIFY(recoveredAtConnection);
        // The store's room, and the hub's room of the sockets that joined one (Audience::vendorsRoom).
        QStringList expectedRooms{firstId, kStore, QStringLiteral("vendors")};
        expectedRooms.sort();
        QCOMPARE(roomsAtConnection, expectedRooms);
        QTRY_COMPARE(orderIds(p.vendorEvents, QStringLiteral("delivered")), QStringList{QStringLiteral("A-0")});
        QCOMPARE(orderIds(p.vendorEvents, QStringLiteral("in-transit")), QStringList{QStringLiteral("A-0")});

        // Still in the room without having asked again; each event once.
        p.driver.emitEvent(QStringLiteral("delivered"), {order(QStringLiteral("A-1"))});
        QTRY_COMPARE(orderIds(p.vendorEvents, QStringLiteral("delivered")),
                     (QStringList{QStringLiteral("A-0"), QStringLiteral("A-1")}));
        // The room asked for while away was joined after the recovery.
        QTRY_VERIFY(hub.nsp()->socket(firstId) && hub.nsp()->socket(firstId)->isIn(QStringLiteral("second-store")));
        QJsonObject second = order(QStringLiteral("A-2"));
        second.insert(QStringLiteral("store"), QStringLiteral("second-store"));
        p.driver.emitEvent(QStringLiteral("delivered"), {second});
        QTRY_COMPARE(orderIds(p.vendorEvents, QStringLiteral("delivered")).size(), 3);
        QCOMPARE(orderIds(p.vendorEvents, QStringLiteral("delivered")).at(2), QStringLiteral("A-2"));
        // Its own pickup, and the driver's marker that went out while it was away.
        QCOMPARE(orderIds(p.vendorEvents, QStringLiteral("pickup")).size(), 2);
        QCOMPARE(orderIds(p.vendorEvents, QStringLiteral("pickup")).at(0), QStringLiteral("A-0"));
    }

    void aClientThatLeftStartsAfresh()
    {
        Hub hub(60000);
        QVERIFY(hub.server.listen(QHostAddress::LocalHost, 0));
        Client vendor(hub.url(), fastOptions());
        vendor.joinRoom(kStore);
        vendor.connectToHub();
        QTRY_VERIFY(vendor.isConnected());
        const QString firstId = vendor.id();
        vendor.disconnectFromHub(); // "client namespace disconnect": meant, not recovered
        vendor.connectToHub();
        QTRY_VERIFY(vendor.isConnected());
        QVERIFY(!vendor.isRecovered());
        QVERIFY(vendor.id() != firstId);
        // The client joined its room again by itself.
        QTRY_VERIFY(hub.nsp()->socket(vendor.id()) && hub.nsp()->socket(vendor.id())->isIn(kStore));
    }

    void afterTheWindowTheSessionIsGone()
    {
        Hub hub(300);
        QVERIFY(hub.server.listen(QHostAddress::LocalHost, 0));
        VendorAndDriver p(hub.url(), manualOptions(), fastOptions());
        QVERIFY(p.connectBoth());
        const QString firstId = p.vendor.id();
        QVERIFY(drop(hub, p.vendor));
        QCOMPARE(hub.recovery()->sessionCount(), 1);
        QVERIFY(relay(p.driver, {{QStringLiteral("delivered"), order(QStringLiteral("B-0"))}}));
        // The namespace's own timer lets the session go once the window is over.
        QTRY_COMPARE_WITH_TIMEOUT(hub.recovery()->sessionCount(), 0, 5000);
        p.vendor.disconnectFromHub();
        p.vendor.connectToHub();
        QTRY_VERIFY(p.vendor.isConnected());
        QVERIFY(!p.vendor.isRecovered());
        QVERIFY(p.vendor.id() != firstId);
        // What it missed is not replayed (the queue's getAll is the way back for that).
        QTRY_VERIFY(hub.nsp()->socket(p.vendor.id()) && hub.nsp()->socket(p.vendor.id())->isIn(kStore));
        p.driver.emitEvent(QStringLiteral("delivered"), {order(QStringLiteral("B-1"))});
        QTRY_COMPARE(orderIds(p.vendorEvents, QStringLiteral("delivered")), QStringList{QStringLiteral("B-1")});
    }

    void offsetsOnlyWhenTheServerRecovers()
    {
        // Off by default, as in socket.io: events carry exactly what was emitted.
        Hub hub(0);
        QVERIFY(hub.server.listen(QHostAddress::LocalHost, 0));
        QVERIFY(!hub.nsp()->adapter()->hasRecovery());
        Client vendor(hub.url(), fastOptions());
        QSignalSpy vendorEvents(&vendor, &Client::eventReceived);
        vendor.connectToHub();
        QTRY_VERIFY(vendor.isConnected());
        vendor.emitEvent(QStringLiteral("pickup"), {order(QStringLiteral("C-0"))});
        QTRY_COMPARE(vendorEvents.size(), 1);
        QCOMPARE(vendorEvents.at(0).at(1).toJsonArray(), QJsonArray{order(QStringLiteral("C-0"))});
    }

    void offsetsOnlyForClientsThatAsk()
    {
        // caps::Client asks for recovery unless its auth says otherwise; then a recovering
        // server sends it what was emitted, as to any client that does not ask.
        Hub hub(60000);
        QVERIFY(hub.server.listen(QHostAddress::LocalHost, 0));
        Client asking(hub.url(), fastOptions());
        Client declining(hub.url(), fastOptions());
        declining.setAuth(QJsonObject{{QStringLiteral("recovery"), false}});
        QSignalSpy askingEvents(&asking, &Client::eventReceived);
        QSignalSpy decliningEvents(&declining, &Client::eventReceived);
        asking.connectToHub();
        declining.connectToHub();
        QTRY_VERIFY(asking.isConnected() && declining.isConnected());
        QVERIFY(hub.nsp()->socket(asking.id())->takesOffsets());
        QVERIFY(!hub.nsp()->socket(declining.id())->takesOffsets());
        // A pickup goes to everyone: one broadcast, with the offset for one of them only.
        declining.emitEvent(QStringLiteral("pickup"), {order(QStringLiteral("D-0"))});
        QTRY_COMPARE(askingEvents.size(), 1);
        QTRY_COMPARE(decliningEvents.size(), 1);
        const QJsonArray askingArgs = askingEvents.at(0).at(1).toJsonArray();
        QCOMPARE(askingArgs.size(), 2);
        QCOMPARE(askingArgs.at(0), QJsonValue(order(QStringLiteral("D-0"))));
        QVERIFY(askingArgs.at(1).isString());
        QCOMPARE(decliningEvents.at(0).at(1).toJsonArray(), QJsonArray{order(QStringLiteral("D-0"))});
    }
};

QTEST_GUILESS_MAIN(TestClientRecovery)
#include "tst_client_recovery.moc"
