#pragma once

#include "core/result.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <vector>

namespace caps {

class MessageStore;

// Group commit for the hub: the queue writes of one event-loop pass share one store
// transaction, committed by a zero-timer once the pass is over (or as soon as maxEvents wait).
// Everything a client can see of those events waits for the commit and then happens in arrival
// order (a Step's `committed`); if the commit fails, each step's `failed` runs instead. Work
// that stores nothing goes through inOrder(), so that it never overtakes an earlier event.
class GroupCommit : public QObject
{
    Q_OBJECT
public:
    struct Step
    {
        std::function<void()> committed;
        // The commit failed; empty: the step stored nothing, `committed` runs anyway.
        std::function<void(const QString &error)> failed;
    };

    // `store` may be null (a hub without a queue: every step runs at once, in order).
    GroupCommit(MessageStore *store, int maxEvents, QObject *parent = nullptr);
    // Keeps what was stored: the senders get no answer and re-send, which the queue absorbs.
    ~GroupCommit() override;

    // Opens the store batch for this pass if none is open yet.
    [[nodiscard]] Result<bool> open();
    // Queues `step` behind the open batch; commits at once when the batch is full.
    void defer(Step step);
    // Runs `action` now, or after the pending batch if one is waiting, so that it keeps its place.
    void inOrder(std::function<void()> action);
    // Commits the open batch now, as a full one is, and answers its steps; not while a batch is
    // being answered (then false). For a store that several hubs share: see CapsHub.
    bool commitNow();
    [[nodiscard]] qsizetype pending() const { return qsizetype(m_waiting.size()); }

signals:
    // A batch was committed (or failed) and its steps have run. A step may have opened the
    // next batch meanwhile: see MessageStore::inBatch().
    void committed();

private:
    void commit();

    MessageStore *m_store;
    int m_maxEvents;
    std::vector<Step> m_waiting; // the open batch's steps, in arrival order
    std::vector<Step> m_answering; // the batch being answered; kept to reuse its capacity
    bool m_storeBatchOpen = false;
    bool m_committing = false;
    QTimer m_timer; // zero interval: fires once the current event-loop pass is over
};

} // namespace caps
