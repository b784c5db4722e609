// caps::ConfirmedEmitter, the agents' one retry, against an in-process server whose answers each
// test scripts: confirmed, refused and sent again after growing delays, abandoned, kept once,
// sent again after a lost connection.
#include "agents/confirmedemitter.h"
#include "agents/queuehubprobe.h"
#include "client/client.h"
#include "server/clientconnection.h"
#include "server/namespace.h"
#include "server/server.h"
#include "server/serverevent.h"
#include "server/serversocket.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using caps::Client;
using caps::ConfirmedEmitter;

namespace {

// Answers each event with the next of `answers`, the last one for ever (none at all while it is
// empty), and records "event orderID" and when it came.
struct ScriptedHub
{
    ScriptedHub()
    {
        clock.start();
        QObject::connect(server.of(QStringLiteral("/caps")), &caps::Namespace::connection, &server,
                         [this](caps::ServerSocket *socket) {
                             last = socket;
                             QObject::connect(socket, &caps::ServerSocket::eventReceived, &server,
                                              [this](const caps::ServerEvent &event) { onEvent(event); });
                         });
    }
    void onEvent(const caps::ServerEvent &event)
    {
        events.append(event.name() + QLatin1Char(' ')
                      + event.arg(0).toObject().value(QLatin1String("orderID")).toString());
        times.append(clock.elapsed());
        if (!answers.isEmpty())
            event.ack(answers.size() > 1 ? answers.takeFirst() : answers.first());
    }
    [[nodiscard]] bool listen(const QList<QJsonArray> &script)
    {
        answers = script;
        return server.listen();
    }
    [[nodiscard]] QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/caps").arg(server.serverPort())); }

    caps::Server server;
    QPointer<caps::ServerSocket> last;
    QList<QJsonArray> answers;
    QStringList events;
    QList<qint64> times;
    QElapsedTimer clock;
};

const QJsonArray kStored{QJsonObject{{QStringLiteral("ok"), true}}};
const QJsonArray kBusy{QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), QStringLiteral("busy")}}};

QJsonObject order(const QString &id)
{
    return QJsonObject{{QStringLiteral("store"), QStringLiteral("s")}, {QStringLiteral("orderID"), id}};
}

Client::Options fast()
{
    Client::Options o;
    o.reconnectionDelayMs = 20;
    o.reconnectionDelayMaxMs = 50;
    return o;
}

// A client on the hub, with the emitter an agent would have, resending as an agent does.
struct Agent
{
    explicit Agent(const ScriptedHub &hub, int firstRetryMs = 200, int maxRetryMs = 5000)
        : client(hub.url(), fast())
        , probe(&client)
        , emitter(&client, &probe)
    {
        emitter.setRetryDelays(firstRetryMs, maxRetryMs);
        QObject::connect(&client, &Client::connected, &emitter, [this] { emitter.resendLost(); });
    }
    // Connects and sends `event` for order `orderId`.
    void start(const QString &event, const QString &orderId)
    {
        client.connectToHub();
        emitter.send(event, orderId, order(orderId));
    }
    Client client;
    caps::QueueHubProbe probe;
    ConfirmedEmitter emitter;
    QSignalSpy confirmed{&emitter, &ConfirmedEmitter::confirmed};
    QSignalSpy retrying{&emitter, &ConfirmedEmitter::retrying};
    QSignalSpy abandoned{&emitter, &ConfirmedEmitter::abandoned};
};

} // namespace

class TestConfirmedEmitter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void confirmingAnswers_data();
    void confirmingAnswers();
    void refusedIsSentAgainLater();
    void abandonedAfterTooManyRefusals();
    void resendsOnReconnectingDoNotUseUpThePatience();
    void oneEventOfOneOrderIsKeptOnce();
    void lostConnectionSendsAgainOnce();
};

void TestConfirmedEmitter::confirmingAnswers_data()
{
    QTest::addColumn<QJsonArray>("answer");
    QTest::addRow("ok") << kStored;
    QTest::addRow("no ok") << QJsonArray{QJsonObject{}};
    QTest::addRow("no argument") << QJsonArray{};
    QTest::addRow("not an object") << QJsonArray{QStringLiteral("stored")};
}

void TestConfirmedEmitter::confirmingAnswers()
{
    QFETCH(QJsonArray, answer);
    ScriptedHub hub;
    QVERIFY(hub.listen({answer}));
    Agent agent(hub);
    agent.start(QStringLiteral("pickup"), QStringLiteral("o1"));
    QCOMPARE(agent.emitter.unconfirmedCount(), 1);
    QVERIFY(agent.confirmed.wait());
    QCOMPARE(agent.confirmed.at(0), (QList<QVariant>{QStringLiteral("pickup"), QStringLiteral("o1")}));
    QCOMPARE(agent.emitter.unconfirmedCount(), 0);
    QCOMPARE(agent.retrying.count(), 0);
    QCOMPARE(hub.events, QStringList{QStringLiteral("pickup o1")});
}

void TestConfirmedEmitter::refusedIsSentAgainLater()
{
    ScriptedHub hub;
    QVERIFY(hub.listen({kBusy, kBusy, kBusy, kStored}));
    Agent agent(hub, 50, 150);
    agent.start(QStringLiteral("delivered"), QStringLiteral("o1"));
    QVERIFY(agent.confirmed.wait());
    QCOMPARE(hub.events.count(QStringLiteral("delivered o1")), 4);
    // Said once, on the first refusal.
    QCOMPARE(agent.retrying.count(), 1);
    QCOMPARE(agent.retrying.at(0),
             (QList<QVariant>{QStringLiteral("delivered"), QStringLiteral("o1"), QStringLiteral("busy")}));
    QCOMPARE(agent.emitter.unconfirmedCount(), 0);
    // 50 ms, doubled, capped at 150 ms (a timer may fire a little early).
    const QList<qint64> expected{50, 100, 150};
    for (int i = 0; i < 3; ++i)
        QVERIFY2(hub.times.at(i + 1) - hub.times.at(i) >= expected.at(i) * 9 / 10, qPrintable(QString::number(i)));
}

void TestConfirmedEmitter::abandonedAfterTooManyRefusals()
{
    ScriptedHub hub;
    QVERIFY(hub.listen({kBusy}));
    Agent agent(hub, 1, 1);
    agent.start(QStringLiteral("pickup"), QStringLiteral("o1"));
    QVERIFY(agent.abandoned.wait());
    QCOMPARE(agent.abandoned.at(0),
             (QList<QVariant>{QStringLiteral("pickup"), QStringLiteral("o1"), QStringLiteral("busy")}));
    QCOMPARE(agent.emitter.unconfirmedCount(), 0);
    QCOMPARE(agent.retrying.count(), 1);
    QCOMPARE(agent.confirmed.count(), 0);
    // Once, and the retries once more than it tolerates.
    QVERIFY(!agent.abandoned.wait(100));
    QCOMPARE(hub.events.count(QStringLiteral("pickup o1")), ConfirmedEmitter::kMaxRefusals + 1);
}

void TestConfirmedEmitter::resendsOnReconnectingDoNotUseUpThePatience()
{
    // A flapping connection sends the emit again on every reconnection, each answered with a
    // refusal worth retrying: more than kMaxRefusals of them in a moment do not give it up.
    ScriptedHub hub;
    QVERIFY(hub.listen({kBusy}));
    Agent agent(hub, 50, 50);
    QCOMPARE(agent.emitter.patienceMs(), ConfirmedEmitter::kMaxRefusals * 50 * 9 / 10);
    QElapsedTimer clock;
    clock.start();
    agent.start(QStringLiteral("pickup"), QStringLiteral("o1"));
    QVERIFY(agent.retrying.wait());
    for (int i = 0; i < ConfirmedEmitter::kMaxRefusals + 5; ++i)
        agent.emitter.resendLost(); // as after a reconnection
    QVERIFY(QTest::qWaitFor(
        [&] { return hub.events.count(QStringLiteral("pickup o1")) >= ConfirmedEmitter::kMaxRefusals + 6; }, 5000));
    QVERIFY2(clock.elapsed() < agent.emitter.patienceMs(), "too slow a machine for this test's point");
    QCOMPARE(agent.abandoned.count(), 0);
    // Given up once its delays' worth of time has passed.
    QVERIFY(agent.abandoned.wait(10000));
    QVERIFY(clock.elapsed() >= agent.emitter.patienceMs());
}

void TestConfirmedEmitter::oneEventOfOneOrderIsKeptOnce()
{
    // Offline: the client buffers every emit, the emitter keeps each step of each order once.
    Client client(QUrl(QStringLiteral("http://127.0.0.1:1/caps")));
    caps::QueueHubProbe probe(&client);
    ConfirmedEmitter emitter(&client, &probe);
    emitter.send(QStringLiteral("in-transit"), QStringLiteral("o1"), order(QStringLiteral("o1")));
    emitter.send(QStringLiteral("in-transit"), QStringLiteral("o1"), order(QStringLiteral("o1")));
    emitter.send(QStringLiteral("delivered"), QStringLiteral("o1"), order(QStringLiteral("o1")));
    emitter.send(QStringLiteral("in-transit"), QStringLiteral("o2"), order(QStringLiteral("o2")));
    QCOMPARE(emitter.unconfirmedCount(), 3);
    QCOMPARE(client.bufferedCount(), 4);
}

void TestConfirmedEmitter::lostConnectionSendsAgainOnce()
{
    // A hub that answers nothing: what it got is never confirmed.
    ScriptedHub hub;
    QVERIFY(hub.listen({}));
    Agent agent(hub);
    // Sent while offline: the client's buffer sends it on connecting, the emitter not again.
    agent.emitter.send(QStringLiteral("pickup"), QStringLiteral("o1"), order(QStringLiteral("o1")));
    QSignalSpy connected(&agent.client, &Client::connected);
    agent.client.connectToHub();
    QVERIFY(connected.wait());
    agent.emitter.send(QStringLiteral("pickup"), QStringLiteral("o2"), order(QStringLiteral("o2")));
    QTRY_COMPARE(hub.events, (QStringList{QStringLiteral("pickup o1"), QStringLiteral("pickup o2")}));

    // The connection drops before any answer: both go again on the next, once.
    hub.last->client()->close();
    QVERIFY(connected.wait());
    QTRY_COMPARE(hub.events.size(), 4);
    QCOMPARE(hub.events.mid(2), (QStringList{QStringLiteral("pickup o1"), QStringLiteral("pickup o2")}));
    QCOMPARE(agent.emitter.unconfirmedCount(), 2);
    QVERIFY(!connected.wait(100));
    QCOMPARE(hub.events.size(), 4);
}

QTEST_GUILESS_MAIN(TestConfirmedEmitter)
#include "tst_agents_confirmedemitter.moc"
