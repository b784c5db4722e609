#pragma once

#include <QObject>
#include <QTimer>

namespace caps {

class GroupCommit;
class MessageQueue;

// Keeps the hub's queue within its PendingRetention (MessageStore::setPendingRetention):
// prunes when the store opens, after a commit that may have taken the count over
// (MessageQueue::pruneDue(), an in-memory check: no store call per event), and on a timer for
// the age, every eighth of maxAge (at least 100 ms, at most a minute). Always outside a store
// batch: one that is open when a prune is due makes it wait for the next commit.
class QueuePruner : public QObject
{
    Q_OBJECT
public:
    QueuePruner(MessageQueue &queue, GroupCommit *commit, QObject *parent = nullptr);

private:
    void afterCommit();
    void onTimer();
    void prune();

    MessageQueue &m_queue;
    QTimer m_timer;
    bool m_due = false; // the timer fired while a batch was open
};

} // namespace caps
