// caps::Client against our own hub, the caps-hub program, started with QProcess.

#include "client/client.h"
#include "hubrestart.h"
#include "peerprocess.h"
#include "testhelpers.h"

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTest>

using caps::Client;
using namespace clienttest;

class TestClientHub : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void vendorAndDriverThroughCapsHub();
    void trackIsAcknowledged();
    void reconnectsAfterCapsHubRestart();
    void detectsFrozenHub();

private:
    bool startHub(PeerProcess &hub, quint16 port = 0, const QStringList &extra = {});

    QString m_hub;
};

void TestClientHub::initTestCase()
{
    const QString binaryDir = qEnvironmentVariable("CAPS_BINARY_DIR");
    QVERIFY2(!binaryDir.isEmpty(), "CAPS_BINARY_DIR is not set: run this test through ctest");
    m_hub = QDir(binaryDir).filePath(QStringLiteral("apps/hub/caps-hub"));
    QVERIFY2(QFileInfo(m_hub).isExecutable(),
             qPrintable(QStringLiteral("%1 is missing: build target caps-hub").arg(m_hub)));
}

bool TestClientHub::startHub(PeerProcess &hub, quint16 port, const QStringList &extra)
{
    return hub.start(m_hub,
                     QStringList{QStringLiteral("--port"), QString::number(port), QStringLiteral("--host"),
                                 QStringLiteral("127.0.0.1")}
                         + extra,
                     QRegularExpression(QStringLiteral("caps-hub listening on http://127\\.0\\.0\\.1:(\\d+)/caps")));
}

void TestClientHub::vendorAndDriverThroughCapsHub()
{
    PeerProcess hub;
    QVERIFY2(startHub(hub), qPrintable(hub.errorString()));
    const QUrl url = localUrl(hub.port(), QStringLiteral("/caps"));
    VendorAndDriver p(url);
    QVERIFY(p.connectBoth());
    QVERIFY(!p.vendor.id().isEmpty());
    QVERIFY(p.vendor.id() != p.driver.id());

    const QJsonObject payload = order(QStringLiteral("H-1"));
    p.vendor.emitEvent(QStringLiteral("pickup"), {payload});
    QTRY_COMPARE(countEvents(p.driverEvents, QStringLiteral("pickup")), 1);
    // caps-hub recovers connections (--recovery-window): after the payload, the event's offset.
    const QJsonArray pickupArgs = argsOf(p.driverEvents, QStringLiteral("pickup"));
    QCOMPARE(pickupArgs.size(), 2);
    QCOMPARE(pickupArgs.at(0), QJsonValue(payload));
    QVERIFY(pickupArgs.at(1).isString());

    const QJsonObject received = argsOf(p.driverEvents, QStringLiteral("pickup")).at(0).toObject();
    p.driver.emitEvent(QStringLiteral("in-transit"), {received});
    p.driver.emitEvent(QStringLiteral("delivered"), {received});
    QTRY_COMPARE(countEvents(p.vendorEvents, QStringLiteral("delivered")), 1);
    QCOMPARE(countEvents(p.vendorEvents, QStringLiteral("in-transit")), 1);
    QCOMPARE(argsOf(p.vendorEvents, QStringLiteral("delivered")).at(0), QJsonValue(payload));
    QCOMPARE(countEvents(p.driverEvents, QStringLiteral("delivered")), 0);
    QTRY_COMPARE(hub.count(QRegularExpression(QStringLiteral("event: 'delivered'"))), 1);
    QCOMPARE(hub.count(QRegularExpression(QStringLiteral("event: 'pickup'"))), 1);
}

void TestClientHub::trackIsAcknowledged()
{
    PeerProcess hub;
    QVERIFY2(startHub(hub), qPrintable(hub.errorString()));
    const QUrl url = localUrl(hub.port(), QStringLiteral("/caps"));
    Client vendor(url);
    Client customer(url);
    QSignalSpy vendorEvents(&vendor, &Client::eventReceived);
    QSignalSpy customerEvents(&customer, &Client::eventReceived);
    vendor.connectToHub();
    QTRY_VERIFY(vendor.isConnected());
    vendor.emitEvent(QStringLiteral("pickup"), {order(QStringLiteral("T-1"))});
    // The vendor hears its own pickup: the hub has seen it.
    QTRY_COMPARE(countEvents(vendorEvents, QStringLiteral("pickup")), 1);

    QJsonArray answer;
    int acks = 0;
    int timeouts = 0;
    // Emitted before the customer connects: buffered, sent and acknowledged on connection.
    customer.emitWithAck(
        QStringLiteral("track"), {QJsonObject{{QStringLiteral("orderID"), QStringLiteral("T-1")}}},
        [&](const QJsonArray &args) {
            ++acks;
            answer = args;
        },
        10000, [&] { ++timeouts; });
    customer.connectToHub();
    QTRY_COMPARE(acks, 1);
    QCOMPARE(timeouts, 0);
    const QJsonObject reply = answer.at(0).toObject();
    QCOMPARE(reply.value(QStringLiteral("ok")), QJsonValue(true));
    const QJsonArray orders = reply.value(QStringLiteral("orders")).toArray();
    QCOMPARE(orders.size(), 1);
    QCOMPARE(orders.at(0).toObject().value(QStringLiteral("event")).toString(), QStringLiteral("pickup"));
    QCOMPARE(orders.at(0).toObject().value(QStringLiteral("payload")).toObject(), order(QStringLiteral("T-1")));

    // Tracked: the customer hears about T-1 and not about another order.
    vendor.emitEvent(QStringLiteral("pickup"), {order(QStringLiteral("T-2"))});
    vendor.emitEvent(QStringLiteral("in-transit"), {order(QStringLiteral("T-1"))});
    QTRY_COMPARE(countEvents(customerEvents, QStringLiteral("in-transit")), 1);
    QCOMPARE(countEvents(customerEvents, QStringLiteral("pickup")), 0);
}

void TestClientHub::reconnectsAfterCapsHubRestart()
{
    reconnectsAfterRestart([this](PeerProcess &hub, quint16 port) { return startHub(hub, port); });
}

void TestClientHub::detectsFrozenHub()
{
    // A hub that stops answering keeps its TCP connections open: only the missing pings tell.
    PeerProcess hub;
    QVERIFY2(startHub(hub, 0,
                      {QStringLiteral("--ping-interval"), QStringLiteral("200"), QStringLiteral("--ping-timeout"),
                       QStringLiteral("200")}),
             qPrintable(hub.errorString()));
    Client client(localUrl(hub.port(), QStringLiteral("/caps")), fastOptions());
    QSignalSpy connectedSpy(&client, &Client::connected);
    QSignalSpy disconnectedSpy(&client, &Client::disconnected);
    client.connectToHub();
    QVERIFY(connectedSpy.wait(10000));
    // Pings flow: nothing is lost over several intervals.
    QVERIFY(!disconnectedSpy.wait(700));

    hub.pause();
    QVERIFY(disconnectedSpy.wait(5000));
    QCOMPARE(disconnectedSpy.at(0).at(0).toString(), QStringLiteral("ping timeout"));
    QCOMPARE(client.state(), Client::State::Reconnecting);

    hub.resume();
    QTRY_COMPARE_WITH_TIMEOUT(connectedSpy.size(), 2, 10000);
    QVERIFY(client.isConnected());
}

QTEST_GUILESS_MAIN(TestClientHub)
#include "tst_client_hub.moc"
