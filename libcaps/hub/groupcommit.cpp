#include "hub/groupcommit.h"

#include "core/logging.h"
#include "queue/messagestore.h"

#include <algorithm>

namespace caps {

GroupCommit::GroupCommit(MessageStore *store, int maxEvents, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_maxEvents(std::max(1, maxEvents))
{
    // A zero-timer rather than QAbstractEventDispatcher::aboutToBlock: it fires after the socket
    // notifiers of the current pass on every dispatcher (glib or not) and in nested loops, while
    // aboutToBlock is not emitted as long as posted events keep the loop from sleeping, which
    // under load could hold a batch (and its senders) back for a long time.
    m_timer.setSingleShot(true);
    m_timer.setInterval(0);
    connect(&m_timer, &QTimer::timeout, this, &GroupCommit::commit);
}

GroupCommit::~GroupCommit()
{
    if (m_storeBatchOpen && m_store) {
        if (const auto committed = m_store->commitBatch(); !committed)
            qCWarning(lcQueue).noquote() << "queue: commit at shutdown failed:" << committed.error();
    }
}

Result<bool> GroupCommit::open()
{
    if (m_storeBatchOpen || !m_store)
        return true;
    if (auto begun = m_store->beginBatch(); !begun)
        return begun;
    m_storeBatchOpen = true;
    // Committed even if no step ends up waiting for it (every write of the pass refused).
    m_timer.start();
    return true;
}

void GroupCommit::defer(Step step)
{
    m_waiting.push_back(std::move(step));
    if (!m_timer.isActive())
        m_timer.start();
    if (qsizetype(m_waiting.size()) >= m_maxEvents && !m_committing)
        commit();
}

void GroupCommit::inOrder(std::function<void()> action)
{
    if (m_waiting.empty() && !m_committing) {
        action();
        return;
    }
    defer({std::move(action), {}});
}

bool GroupCommit::commitNow()
{
    if (m_committing)
        return false;
    if (m_storeBatchOpen || !m_waiting.empty())
        commit();
    return true;
}

void GroupCommit::commit()
{
    m_timer.stop();
    QString error;
    if (m_storeBatchOpen) {
        m_storeBatchOpen = false;
        if (const auto committed = m_store->commitBatch(); !committed) {
            error = committed.error();
            qCWarning(lcQueue).noquote() << "queue: commit of" << m_waiting.size() << "events failed:" << error;
        }
    }
    // Answers may emit signals whose slots feed the hub again: what arrives meanwhile queues
    // behind this batch (m_committing) instead of overtaking it.
    // Swapped, not moved out: both vectors keep their capacity from one batch to the next.
    std::vector<Step> batch;
    batch.swap(m_answering);
    batch.swap(m_waiting);
    m_committing = true;
    for (const Step &step : batch) {
        if (error.isEmpty() || !step.failed)
            step.committed();
        else
            step.failed(error);
    }
    m_committing = false;
    batch.clear();
    m_answering.swap(batch);
    if (!m_waiting.empty() && !m_timer.isActive())
        m_timer.start();
    emit committed();
}

} // namespace caps
