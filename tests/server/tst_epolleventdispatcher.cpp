// caps::EpollEventDispatcher as the main thread's dispatcher (installed before the application
// exists, as caps-hub does): timers, posted events from other threads, socket notifiers with
// real loopback TCP, a notifier deleted while another's handler runs, passes that exclude the
// sockets, and an event loop that quits. The servers' own suites run on it through caps-hub and
// caps-echo-server (tst_hubinterop, tst_protocolsuites, tst_cluster).

#include "server/epolleventdispatcher.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <thread>
#include <vector>

using caps::EpollEventDispatcher;

namespace {

// Counts QTimerEvents; kills its timer after `stopAfter` of them (0: never).
class TimerCounter : public QObject
{
public:
    int count = 0;
    int stopAfter = 0;
    int id = 0;

protected:
    void timerEvent(QTimerEvent *event) override
    {
        if (event->timerId() != id)
            return;
        ++count;
        if (stopAfter > 0 && count >= stopAfter)
            killTimer(id);
    }
};

// A connected pair of local stream sockets, closed on destruction.
struct SocketPair
{
    int fd[2] = {-1, -1};
    SocketPair() { QVERIFY(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) == 0); }
    ~SocketPair()
    {
        for (const int f : fd)
            if (f >= 0)
                ::close(f);
    }
    SocketPair(const SocketPair &) = delete;
    SocketPair &operator=(const SocketPair &) = delete;
    void makeReadable() const { QCOMPARE(::write(fd[1], "x", 1), ssize_t(1)); }
};

} // namespace

class TestEpollEventDispatcher : public QObject
{
    Q_OBJECT

private slots:
    void isTheMainThreadsDispatcher()
    {
        auto *dispatcher = qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance());
        QVERIFY(dispatcher);
        QVERIFY(dispatcher->isValid());
    }

    void singleShotAndRepeatingTimers()
    {
        QTimer once;
        once.setSingleShot(true);
        QSignalSpy fired(&once, &QTimer::timeout);
        once.start(5);
        QVERIFY(fired.wait(2000));
        QTimer repeating;
        QSignalSpy ticks(&repeating, &QTimer::timeout);
        repeating.start(2);
        QTRY_VERIFY_WITH_TIMEOUT(ticks.size() >= 3, 2000);
        repeating.stop();
        QCOMPARE(fired.size(), 1); // single-shot: not again, though the loop ran on
    }

    void timersFireInDeadlineOrder()
    {
        QStringList order;
        QTimer late, early;
        late.setSingleShot(true);
        early.setSingleShot(true);
        connect(&late, &QTimer::timeout, this, [&] { order.append(QStringLiteral("late")); });
        connect(&early, &QTimer::timeout, this, [&] { order.append(QStringLiteral("early")); });
        late.start(40);
        early.start(10);
        QTRY_COMPARE_WITH_TIMEOUT(order.size(), 2, 2000);
        QCOMPARE(order, (QStringList{"early", "late"}));
    }

    void zeroTimerRunsEachPass()
    {
        TimerCounter counter;
        counter.stopAfter = 5;
        counter.id = counter.startTimer(0);
        QVERIFY(counter.id > 0);
        QTRY_COMPARE_WITH_TIMEOUT(counter.count, 5, 2000);
        // Killed in its own handler: it fires no more, and the dispatcher holds no such timer.
        QCoreApplication::processEvents();
        QCOMPARE(counter.count, 5);
        QVERIFY(QAbstractEventDispatcher::instance()->registeredTimers(&counter).isEmpty());
    }

    void remainingTimeAndRegisteredTimers()
    {
        TimerCounter counter;
        counter.id = counter.startTimer(10000, Qt::PreciseTimer);
        auto *dispatcher = QAbstractEventDispatcher::instance();
        const int left = dispatcher->remainingTime(counter.id);
        QVERIFY2(left > 9000 && left <= 10000, qPrintable(QString::number(left)));
        const auto timers = dispatcher->registeredTimers(&counter);
        QCOMPARE(timers.size(), 1);
        QCOMPARE(timers.first().timerId, counter.id);
        QCOMPARE(timers.first().interval, 10000);
        QCOMPARE(timers.first().timerType, Qt::PreciseTimer);
        counter.killTimer(counter.id);
        QCOMPARE(dispatcher->remainingTime(counter.id), -1);
        QVERIFY(!dispatcher->unregisterTimer(counter.id));
    }

    void destroyingAnObjectDropsItsTimers()
    {
        auto counter = std::make_unique<TimerCounter>();
        counter->id = counter->startTimer(1);
        QObject *raw = counter.get();
        counter.reset(); // QObject's destructor unregisters its timers
        QVERIFY(QAbstractEventDispatcher::instance()->registeredTimers(raw).isEmpty());
        QTimer after;
        QSignalSpy fired(&after, &QTimer::timeout);
        after.start(5);
        QVERIFY(fired.wait(2000)); // and the loop runs on without touching the dead object
    }

    // A post from another thread ends the wait: nothing else would wake the loop here.
    void postFromAnotherThreadWakesTheLoop()
    {
        QObject receiver;
        bool ran = false;
        QEventLoop loop;
        std::thread poster([&] {
            QMetaObject::invokeMethod(
                &receiver,
                [&] {
                    ran = true;
                    loop.quit();
                },
                Qt::QueuedConnection);
        });
        QTimer guard;
        guard.setSingleShot(true);
        connect(&guard, &QTimer::timeout, &loop, &QEventLoop::quit);
        guard.start(5000);
        QElapsedTimer clock;
        clock.start();
        loop.exec();
        poster.join();
        QVERIFY(ran);
        QVERIFY2(clock.elapsed() < 4000, "the loop slept through the post");
    }

    // Many loopback connections, each echoing: read and write notifiers of real QTcpSockets.
    void tcpEchoOverManyConnections()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        std::vector<std::unique_ptr<QTcpSocket>> accepted;
        connect(&server, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *s = server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [s] { s->write(s->readAll()); });
                accepted.emplace_back(s);
            }
        });
        constexpr int kClients = 200;
        std::vector<std::unique_ptr<QTcpSocket>> clients;
        int echoed = 0;
        for (int i = 0; i < kClients; ++i) {
            auto client = std::make_unique<QTcpSocket>();
            QTcpSocket *c = client.get();
            const QByteArray message = "hello " + QByteArray::number(i);
            connect(c, &QTcpSocket::connected, c, [c, message] { c->write(message); });
            connect(c, &QTcpSocket::readyRead, c, [c, message, &echoed] {
                if (c->bytesAvailable() >= message.size() && c->readAll() == message)
                    ++echoed;
            });
            c->connectToHost(server.serverAddress(), server.serverPort());
            clients.push_back(std::move(client));
        }
        QTRY_COMPARE_WITH_TIMEOUT(echoed, kClients, 10000);
        // And a close reaches the other end (a hang-up wakes its reader).
        QSignalSpy closed(accepted.front().get(), &QTcpSocket::disconnected);
        clients.front()->disconnectFromHost();
        QVERIFY(closed.wait(5000));
    }

    // Two descriptors ready in one pass; the first one's handler deletes the second notifier,
    // which then must not be activated (it would be a dangling pointer).
    void notifierDeletedByAnotherHandlerIsNotActivated()
    {
        SocketPair a, b;
        auto first = std::make_unique<QSocketNotifier>(a.fd[0], QSocketNotifier::Read);
        auto second = std::make_unique<QSocketNotifier>(b.fd[0], QSocketNotifier::Read);
        int firstRuns = 0;
        int secondRuns = 0;
        const auto handle = [&](QSocketNotifier *self, QSocketNotifier *other) {
            char byte = 0;
            QCOMPARE(::read(int(self->socket()), &byte, 1), ssize_t(1));
            (self == first.get() ? firstRuns : secondRuns) += 1;
            if (other == second.get())
                second.reset();
            else if (other == first.get())
                first.reset();
        };
        connect(first.get(), &QSocketNotifier::activated, this, [&] { handle(first.get(), second.get()); });
        connect(second.get(), &QSocketNotifier::activated, this, [&] { handle(second.get(), first.get()); });
        a.makeReadable();
        b.makeReadable();
        QTRY_COMPARE_WITH_TIMEOUT(firstRuns + secondRuns, 1, 2000);
        QCoreApplication::processEvents();
        QCOMPARE(firstRuns + secondRuns, 1);
        QVERIFY(!first || !second);
    }

    // A disabled notifier is not activated; enabled again, it is (level-triggered: the byte
    // waited meanwhile).
    void disabledNotifierWaits()
    {
        SocketPair pair;
        QSocketNotifier notifier(pair.fd[0], QSocketNotifier::Read);
        QSignalSpy activated(&notifier, &QSocketNotifier::activated);
        notifier.setEnabled(false);
        pair.makeReadable();
        QCoreApplication::processEvents();
        QCOMPARE(activated.size(), 0);
        notifier.setEnabled(true);
        QVERIFY(activated.wait(2000));
        char byte = 0;
        QCOMPARE(::read(pair.fd[0], &byte, 1), ssize_t(1));
    }

    void excludeSocketNotifiersLeavesThemForLater()
    {
        SocketPair pair;
        QSocketNotifier notifier(pair.fd[0], QSocketNotifier::Read);
        QSignalSpy activated(&notifier, &QSocketNotifier::activated);
        pair.makeReadable();
        QCoreApplication::processEvents(QEventLoop::ExcludeSocketNotifiers);
        QCOMPARE(activated.size(), 0);
        QVERIFY(activated.wait(2000));
        char byte = 0;
        QCOMPARE(::read(pair.fd[0], &byte, 1), ssize_t(1));
    }

    // A waiting loop wakes for a quit from a timer, and exec() returns.
    void nestedLoopQuits()
    {
        QEventLoop loop;
        QTimer::singleShot(5, &loop, &QEventLoop::quit);
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(loop.exec(), 0);
        QVERIFY(clock.elapsed() < 4000);
    }
};

int main(int argc, char *argv[])
{
    // As caps-hub: the dispatcher before the application, which then takes it.
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    TestEpollEventDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolleventdispatcher.moc"
