#pragma once

// One check run against two servers (tst_client_hub: caps-hub; tst_client_node: the Node lab
// hub): a vendor and a driver through a hub that is killed and started again on its port.

#include "peerprocess.h"
#include "testhelpers.h"

#include <QRegularExpression>
#include <QTest>

#include <functional>

namespace clienttest {

// `startHub(process, port)` starts the hub on `port` (0: any). On return the test has failed
// (QTest::currentTestFailed()) or every check held: both clients came back by themselves, the
// vendor's pickup emitted while the hub was down went out exactly once, and the vendor is in its
// store's room again.
inline void reconnectsAfterRestart(const std::function<bool(PeerProcess &, quint16)> &startHub)
{
    PeerProcess hub;
    QVERIFY2(startHub(hub, 0), qPrintable(hub.errorString()));
    const quint16 port = hub.port();
    VendorAndDriver p(localUrl(port, QStringLiteral("/caps")), fastOptions(), fastOptions());
    QSignalSpy vendorConnected(&p.vendor, &caps::Client::connected);
    QSignalSpy driverConnected(&p.driver, &caps::Client::connected);
    QSignalSpy vendorLost(&p.vendor, &caps::Client::disconnected);
    QSignalSpy driverLost(&p.driver, &caps::Client::disconnected);
    QVERIFY(p.connectBoth());

    hub.kill();
    QTRY_VERIFY(vendorLost.size() == 1 && driverLost.size() == 1);
    QCOMPARE(p.vendor.state(), caps::Client::State::Reconnecting);
    p.vendor.emitEvent(QStringLiteral("pickup"), {order(QStringLiteral("R-1"))});
    QCOMPARE(p.vendor.bufferedCount(), 1);

    PeerProcess restarted;
    QVERIFY2(startHub(restarted, port), qPrintable(restarted.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(vendorConnected.size() == 2 && driverConnected.size() == 2, 10000);
    QCOMPARE(p.vendor.bufferedCount(), 0);
    QTRY_COMPARE(restarted.count(QRegularExpression(QStringLiteral("orderID: 'R-1'"))), 1);

    // The vendor is back in its store's room.
    p.driver.emitEvent(QStringLiteral("delivered"), {order(QStringLiteral("R-2"))});
    QTRY_COMPARE(countEvents(p.vendorEvents, QStringLiteral("delivered")), 1);
    QCOMPARE(argsOf(p.vendorEvents, QStringLiteral("delivered")).at(0), QJsonValue(order(QStringLiteral("R-2"))));
    // The buffered pickup went out exactly once. (The hub broadcasts pickup to its sender too;
    // whether the driver was back in time to see it depends on which client reconnected first.)
    QCOMPARE(restarted.count(QRegularExpression(QStringLiteral("orderID: 'R-1'"))), 1);
    QCOMPARE(countEvents(p.vendorEvents, QStringLiteral("pickup")), 1);
}

} // namespace clienttest
