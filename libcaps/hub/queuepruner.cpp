#include "hub/queuepruner.h"

#include "hub/groupcommit.h"
#include "queue/messagequeue.h"

#include <algorithm>
#include <chrono>

namespace caps {

QueuePruner::QueuePruner(MessageQueue &queue, GroupCommit *commit, QObject *parent)
    : QObject(parent)
    , m_queue(queue)
{
    using namespace std::chrono;
    const milliseconds age = queue.store().pendingRetention().maxAge;
    m_timer.setInterval(std::clamp<milliseconds>(age / 8, milliseconds(100), minutes(1)));
    connect(&m_timer, &QTimer::timeout, this, &QueuePruner::onTimer);
    connect(commit, &GroupCommit::committed, this, &QueuePruner::afterCommit);
    m_timer.start();
    prune();
}

void QueuePruner::afterCommit()
{
    if (m_due || m_queue.pruneDue())
        prune();
}

void QueuePruner::onTimer()
{
    m_due = true;
    prune();
}

void QueuePruner::prune()
{
    // Events fed back while a batch was answered may have opened the next one already.
    if (m_queue.store().inBatch())
        return;
    m_due = false;
    // A failure is logged by the queue; the next commit or tick tries again.
    (void)m_queue.prunePending();
}

} // namespace caps
