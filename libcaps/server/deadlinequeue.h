#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>
#include <functional>

namespace caps {

// Deadlines of one fixed length for many objects, behind a single QTimer. Qt keeps its active
// timers in one list sorted by deadline, with a linear search to insert or remove one, so a
// QTimer per connection made accepting n connections cost O(n²). Here every deadline is "now +
// interval", so they arrive in order and the queue is a FIFO: O(1) to add. Nothing is removed
// early: the owner bumps its token to cancel, and a stale entry is dropped when it comes due.
class DeadlineQueue
{
public:
    // Called for each entry that comes due while its target still exists.
    using Handler = std::function<void(QObject *target, quint64 token)>;

    explicit DeadlineQueue(Handler handler)
        : m_handler(std::move(handler))
    {
        m_clock.start();
        m_timer.setSingleShot(true);
        // A coarse timer may be 5% late: a 200 ms ping timeout closing at 210 ms lets a request
        // that comes at 205 ms find the session still open, where engine.io's is gone.
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] { expire(); });
    }
    DeadlineQueue(const DeadlineQueue &) = delete;
    DeadlineQueue &operator=(const DeadlineQueue &) = delete;

    void setInterval(int ms) { m_interval = qMax(0, ms); }
    [[nodiscard]] int interval() const { return m_interval; }
    [[nodiscard]] qsizetype size() const { return qsizetype(m_entries.size()); }

    void add(QObject *target, quint64 token)
    {
        m_entries.push_back({m_clock.elapsed() + m_interval, target, token});
        if (!m_timer.isActive())
            m_timer.start(m_interval);
    }

private:
    struct Entry
    {
        qint64 deadline;
        QPointer<QObject> target;
        quint64 token;
    };

    void expire()
    {
        // A handler may add to this queue or delete other targets: take one entry at a time.
        while (!m_entries.empty() && m_entries.front().deadline <= m_clock.elapsed()) {
            const Entry entry = std::move(m_entries.front());
            m_entries.pop_front();
            if (entry.target)
                m_handler(entry.target.data(), entry.token);
        }
        if (!m_entries.empty() && !m_timer.isActive())
            m_timer.start(int(qMax<qint64>(0, m_entries.front().deadline - m_clock.elapsed())));
    }

    Handler m_handler;
    std::deque<Entry> m_entries;
    QElapsedTimer m_clock;
    QTimer m_timer;
    int m_interval = 0;
};

} // namespace caps
