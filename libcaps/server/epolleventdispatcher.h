#pragma once

// An event dispatcher for Linux on epoll, for servers that hold many connections.
//
// Qt 6.4's own dispatcher on Unix (QEventDispatcherUNIX) builds an array of every enabled socket
// notifier and calls poll() on all of them in each pass of the event loop, so that a pass costs
// time in proportion to the connections held, not to those with something to do: with 1,000
// connections it was 14 % of the hub's CPU in a fan-out of pickups (docs/benchmarks.md). This one
// keeps the notifiers registered with one epoll instance and asks the kernel only for the ready
// ones. Everything else is as Qt's: posted events first in each pass, then the sockets, then the
// timers; level-triggered notifiers (a socket with unread bytes is reported again next pass);
// timers in order of their deadline, each at most once a pass and never inside its own handler.
//
// Install it for the main thread before the QCoreApplication exists:
//   QCoreApplication::setEventDispatcher(new caps::EpollEventDispatcher);
// (ServerCommandLine::installEventDispatcher() does that for `--event-loop epoll`.)
//
// Timers are kept to the millisecond whatever their Qt::TimerType (Qt may move a coarse timer
// by 5 %; this one does not). QEventLoop::ExcludeSocketNotifiers leaves the sockets' readiness
// for a later pass, as Qt's does.

#include <QAbstractEventDispatcher>
#include <QAtomicInt>
#include <QHash>
#include <QList>
#include <QSet>

#include <chrono>
#include <map>
#include <unordered_map>

struct epoll_event;

namespace caps {

class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    // Whether the kernel gave the epoll and eventfd descriptors; if not (a process out of file
    // descriptors), every call does nothing and the program should use Qt's dispatcher.
    [[nodiscard]] bool isValid() const { return m_epoll >= 0 && m_wake >= 0; }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    [[nodiscard]] QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    using Clock = std::chrono::steady_clock;

    struct Watched
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        unsigned events = 0; // what epoll has for this descriptor; 0: not added
    };
    struct Timer
    {
        QObject *object = nullptr;
        qint64 interval = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        Clock::time_point due;
        bool inHandler = false; // its handler runs (a nested event loop must not enter it again)
    };

    void updateEpoll(int fd, Watched &watched);
    // Timeout for epoll_wait: 0 when a timer is due, -1 with none.
    [[nodiscard]] int waitMs(Clock::time_point now) const;
    int activateNotifiers(const epoll_event *ready, int count);
    int activateTimers();
    // Takes timer `timerId`'s entry, due at `due`, out of m_deadlines.
    void eraseDeadline(int timerId, Clock::time_point due);
    void drainWakeUps();
    void forget(QSocketNotifier *notifier);

    int m_epoll = -1;
    int m_wake = -1; // eventfd: wakeUp() from any thread
    QAtomicInt m_wakeUpPending;
    QAtomicInt m_interrupt;
    QHash<int, Watched> m_watched; // by descriptor
    QSet<int> m_alwaysReady; // descriptors epoll refuses (regular files): ready in every pass
    std::unordered_map<int, Timer> m_timers; // by timer id
    std::multimap<Clock::time_point, int> m_deadlines; // due -> timer id, soonest first
    // The notifiers each active processEvents() (nested loops included) has yet to activate:
    // one unregistered meanwhile is cleared from them.
    QList<QList<QSocketNotifier *> *> m_activating;
};

} // namespace caps
