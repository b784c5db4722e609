#include "server/epolleventdispatcher.h"

#include "core/logging.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QVarLengthArray>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>

namespace caps {

namespace {

// Ready descriptors taken from the kernel per pass; more wait for the next pass (level-triggered,
// so none is lost, and epoll hands them out in turn).
constexpr int kReadyPerPass = 256;

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_epoll(epoll_create1(EPOLL_CLOEXEC))
    , m_wake(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
{
    if (!isValid()) {
        qCWarning(lcServer) << "epoll dispatcher: no descriptors:" << std::strerror(errno);
        return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = m_wake;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &ev) != 0) {
        qCWarning(lcServer) << "epoll dispatcher: cannot watch its wake-up descriptor:" << std::strerror(errno);
        ::close(m_wake);
        m_wake = -1;
    }
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    if (m_wake >= 0)
        ::close(m_wake);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupt.storeRelaxed(0);
    emit awake();
    // As Qt's dispatcher: what was posted goes first. What is posted from now on calls wakeUp(),
    // so the wait below ends at once for it.
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !flags.testFlag(QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !flags.testFlag(QEventLoop::ExcludeSocketNotifiers);
    const bool canWait = flags.testFlag(QEventLoop::WaitForMoreEvents) && !m_interrupt.loadRelaxed();
    if (canWait)
        emit aboutToBlock();
    if (m_interrupt.loadRelaxed() || !isValid())
        return false;

    int timeout = 0;
    if (canWait)
        timeout = includeTimers ? waitMs(Clock::now()) : -1;
    if (timeout != 0 && includeNotifiers && !m_alwaysReady.isEmpty())
        timeout = 0; // a descriptor epoll cannot watch counts as ready, as poll() reports it

    int handled = 0;
    epoll_event ready[kReadyPerPass];
    int count = 0;
    if (includeNotifiers) {
        count = epoll_wait(m_epoll, ready, kReadyPerPass, timeout);
    } else {
        // The sockets stay ready (level-triggered) and would end every wait at once: wait for a
        // wake-up or a timer only, and leave the sockets for a pass that includes them.
        pollfd wake{m_wake, POLLIN, 0};
        count = poll(&wake, 1, timeout);
        if (count > 0) {
            ready[0].events = EPOLLIN;
            ready[0].data.fd = m_wake;
        }
    }
    if (count < 0) {
        if (errno != EINTR)
            qCWarning(lcServer) << "epoll dispatcher: wait failed:" << std::strerror(errno);
        count = 0;
    }
    for (int i = 0; i < count; ++i) {
        if (ready[i].data.fd == m_wake) {
            drainWakeUps();
            ++handled;
        }
    }
    if (includeNotifiers)
        handled += activateNotifiers(ready, count);
    if (includeTimers)
        handled += activateTimers();
    return handled > 0;
}

void EpollEventDispatcher::drainWakeUps()
{
    std::uint64_t value = 0;
    while (::read(m_wake, &value, sizeof value) == sizeof value) { }
    m_wakeUpPending.storeRelease(0);
}

int EpollEventDispatcher::activateNotifiers(const epoll_event *ready, int count)
{
    QList<QSocketNotifier *> pending;
    for (int i = 0; i < count; ++i) {
        const int fd = ready[i].data.fd;
        if (fd == m_wake)
            continue;
        const auto it = m_watched.constFind(fd);
        if (it == m_watched.constEnd())
            continue;
        const unsigned events = ready[i].events;
        // poll()'s rules, as Qt's dispatcher applies them: a hang-up or an error wakes the
        // reader and the writer, so that each finds out.
        if (it->read && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
            pending.append(it->read);
        if (it->write && (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)))
            pending.append(it->write);
        if (it->exception && (events & EPOLLPRI))
            pending.append(it->exception);
    }
    for (const int fd : std::as_const(m_alwaysReady)) {
        const auto it = m_watched.constFind(fd);
        if (it == m_watched.constEnd())
            continue;
        for (QSocketNotifier *n : {it->read, it->write})
            if (n)
                pending.append(n);
    }
    if (pending.isEmpty())
        return 0;
    // A handler may delete or disable a notifier still in the list (a socket that reads its
    // peer's close, say): forget() clears it from here.
    m_activating.append(&pending);
    int activated = 0;
    // The list keeps its size (forget() only writes entries), so references into it stay good.
    for (QSocketNotifier *&slot : pending) {
        QSocketNotifier *notifier = slot;
        if (!notifier)
            continue;
        slot = nullptr;
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(notifier, &event);
        ++activated;
    }
    m_activating.removeOne(&pending);
    return activated;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    if (fd < 0)
        return;
    Watched &watched = m_watched[fd];
    QSocketNotifier **slot = nullptr;
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        slot = &watched.read;
        break;
    case QSocketNotifier::Write:
        slot = &watched.write;
        break;
    case QSocketNotifier::Exception:
        slot = &watched.exception;
        break;
    }
    if (*slot && *slot != notifier)
        qCWarning(lcServer) << "epoll dispatcher: a second notifier of the same type for descriptor" << fd;
    *slot = notifier;
    updateEpoll(fd, watched);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    forget(notifier);
    const int fd = int(notifier->socket());
    const auto it = m_watched.find(fd);
    if (it == m_watched.end())
        return;
    for (QSocketNotifier **slot : {&it->read, &it->write, &it->exception}) {
        if (*slot == notifier)
            *slot = nullptr;
    }
    updateEpoll(fd, *it);
    if (!it->read && !it->write && !it->exception)
        m_watched.erase(it);
}

void EpollEventDispatcher::forget(QSocketNotifier *notifier)
{
    for (QList<QSocketNotifier *> *pending : std::as_const(m_activating))
        std::replace(pending->begin(), pending->end(), notifier, static_cast<QSocketNotifier *>(nullptr));
}

void EpollEventDispatcher::updateEpoll(int fd, Watched &watched)
{
    const unsigned want = (watched.read ? unsigned(EPOLLIN) : 0U) | (watched.write ? unsigned(EPOLLOUT) : 0U)
        | (watched.exception ? unsigned(EPOLLPRI) : 0U);
    if (m_alwaysReady.contains(fd)) {
        if (want == 0)
            m_alwaysReady.remove(fd);
        return;
    }
    if (want == watched.events)
        return;
    if (want == 0) {
        // Fails harmlessly when the descriptor was closed first: the kernel dropped it then.
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        watched.events = 0;
        return;
    }
    epoll_event ev{};
    ev.events = want;
    ev.data.fd = fd;
    const bool adding = watched.events == 0;
    int rc = epoll_ctl(m_epoll, adding ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev);
    // A descriptor number reused after a close the notifiers did not see: the kernel's view
    // and ours differ, so the other operation is the right one.
    if (rc != 0 && errno == (adding ? EEXIST : ENOENT))
        rc = epoll_ctl(m_epoll, adding ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
    if (rc == 0) {
        watched.events = want;
    } else if (errno == EPERM) {
        // A regular file (a redirected stdin): poll() reports it always ready, and so does this.
        m_alwaysReady.insert(fd);
        watched.events = 0;
    } else {
        qCWarning(lcServer) << "epoll dispatcher: cannot watch descriptor" << fd << std::strerror(errno);
    }
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    if (timerId < 1 || interval < 0 || !object)
        return;
    unregisterTimer(timerId);
    const Clock::time_point due = Clock::now() + std::chrono::milliseconds(interval);
    m_timers[timerId] = Timer{object, interval, timerType, due, false};
    m_deadlines.emplace(due, timerId);
}

void EpollEventDispatcher::eraseDeadline(int timerId, Clock::time_point due)
{
    const auto [first, last] = m_deadlines.equal_range(due);
    for (auto d = first; d != last; ++d) {
        if (d->second == timerId) {
            m_deadlines.erase(d);
            return;
        }
    }
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    eraseDeadline(timerId, it->second.due);
    m_timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    QVarLengthArray<int, 8> ids;
    for (const auto &[id, timer] : m_timers) {
        if (timer.object == object)
            ids.append(id);
    }
    for (const int id : ids)
        unregisterTimer(id);
    return !ids.isEmpty();
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> out;
    for (const auto &[id, timer] : m_timers) {
        if (timer.object == object)
            out.append(TimerInfo(id, int(std::min<qint64>(timer.interval, INT_MAX)), timer.type));
    }
    return out;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return -1;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(it->second.due - Clock::now()).count();
    return int(std::clamp<qint64>(left, 0, INT_MAX));
}

int EpollEventDispatcher::waitMs(Clock::time_point now) const
{
    if (m_deadlines.empty())
        return -1;
    const Clock::time_point due = m_deadlines.begin()->first;
    if (due <= now)
        return 0;
    // Rounded up: waking before the deadline would only mean a second wait.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(due - now).count();
    return int(std::min<qint64>(left, INT_MAX));
}

int EpollEventDispatcher::activateTimers()
{
    if (m_deadlines.empty())
        return 0;
    const Clock::time_point now = Clock::now();
    // The timers due now, soonest first, taken before any fires: one a handler starts or
    // restarts waits for the next pass, as in Qt's dispatcher.
    QVarLengthArray<int, 16> due;
    for (auto it = m_deadlines.cbegin(); it != m_deadlines.cend() && it->first <= now; ++it)
        due.append(it->second);
    int fired = 0;
    for (const int id : due) {
        const auto it = m_timers.find(id);
        if (it == m_timers.end() || it->second.due > now || it->second.inHandler)
            continue; // killed, restarted, or in its own handler (a nested event loop)
        Timer &timer = it->second;
        eraseDeadline(id, timer.due);
        // The next deadline one interval after this one, or after now if the loop fell behind
        // (no burst of catch-up events), as Qt does for its precise timers.
        const auto interval = std::chrono::milliseconds(timer.interval);
        timer.due += interval;
        if (timer.due < now)
            timer.due = now + interval;
        m_deadlines.emplace(timer.due, id);
        timer.inHandler = true;
        QObject *object = timer.object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        ++fired;
        // `timer` may be gone: the handler may have killed it (a single-shot QTimer does).
        if (const auto after = m_timers.find(id); after != m_timers.end())
            after->second.inHandler = false;
    }
    return fired;
}

void EpollEventDispatcher::wakeUp()
{
    if (m_wake < 0 || !m_wakeUpPending.testAndSetAcquire(0, 1))
        return;
    const std::uint64_t one = 1;
    // Cannot fail short of the counter's overflow; a failed write leaves the flag set, and the
    // next drain clears it.
    [[maybe_unused]] const auto written = ::write(m_wake, &one, sizeof one);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupt.storeRelaxed(1);
    wakeUp();
}

} // namespace caps
