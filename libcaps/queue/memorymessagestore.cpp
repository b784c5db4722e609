#include "queue/memorymessagestore.h"

#include <QSet>

#include <algorithm>
#include <iterator>
#include <optional>
#include <utility>

namespace caps {

EnqueueOutcome MemoryMessageStore::insert(const Key &key, const QJsonValue &stored, qint64 nowMs)
{
    if (m_tombstones.count(key))
        return EnqueueOutcome::AlreadyAcknowledged;
    if (m_index.count(key))
        return EnqueueOutcome::AlreadyQueued;
    QueuedMessage message;
    message.queueId = key.queue;
    message.event = key.event;
    message.messageId = key.messageId;
    message.payload = stored;
    message.sequence = m_nextSequence++;
    message.enqueuedAt = QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC);
    const qint64 sequence = message.sequence;
    m_events.insert(message.event);
    m_index.emplace(key, sequence);
    m_messages.emplace(sequence, std::move(message));
    if (m_inBatch)
        m_undo.push_back(UndoStep{key, sequence, {}});
    return EnqueueOutcome::Stored;
}

void MemoryMessageStore::onRollback(std::function<void()> undo)
{
    if (m_inBatch)
        m_undo.push_back(UndoStep{{}, 0, std::move(undo)});
}

Result<bool> MemoryMessageStore::saveOrder(const OrderRecord &record)
{
    if (record.orderId.isEmpty())
        return Result<bool>::failure(QStringLiteral("saveOrder: the order id is empty"));
    std::optional<OrderRecord> before;
    if (const auto it = m_orderRecords.find(record.orderId); it != m_orderRecords.end()) {
        before = it->second;
        m_orderRecordsBySequence.erase(it->second.sequence);
    }
    OrderRecord saved = record;
    saved.sequence = m_nextOrderSequence++;
    m_orderRecordsBySequence.emplace(saved.sequence, saved.orderId);
    m_orderRecords[saved.orderId] = saved;
    onRollback([this, before, saved] {
        m_orderRecordsBySequence.erase(saved.sequence);
        m_orderRecords.erase(saved.orderId);
        if (before) {
            m_orderRecords[before->orderId] = *before;
            m_orderRecordsBySequence.emplace(before->sequence, before->orderId);
        }
    });
    forgetOldOrderRecords();
    return true;
}

void MemoryMessageStore::setOrderRecordLimit(qint64 count)
{
    m_orderRecordLimit = std::max<qint64>(0, count);
    forgetOldOrderRecords();
}

void MemoryMessageStore::forgetOldOrderRecords()
{
    while (m_orderRecordLimit > 0 && qint64(m_orderRecords.size()) > m_orderRecordLimit) {
        const auto oldest = m_orderRecordsBySequence.begin();
        const auto it = m_orderRecords.find(oldest->second);
        OrderRecord forgotten = std::move(it->second);
        m_orderRecords.erase(it);
        m_orderRecordsBySequence.erase(oldest);
        // Rolled back with the batch, the save that pushed it out brings it back.
        onRollback([this, forgotten = std::move(forgotten)] {
            m_orderRecordsBySequence.emplace(forgotten.sequence, forgotten.orderId);
            m_orderRecords[forgotten.orderId] = forgotten;
        });
    }
}

Result<QList<OrderRecord>> MemoryMessageStore::loadOrders(qint64 limit) const
{
    QList<OrderRecord> records;
    for (auto it = m_orderRecordsBySequence.rbegin(); it != m_orderRecordsBySequence.rend() && records.size() < limit;
         ++it)
        records.prepend(m_orderRecords.at(it->second));
    return records;
}

Result<bool> MemoryMessageStore::beginBatch()
{
    if (m_inBatch)
        return Result<bool>::failure(QStringLiteral("a batch is already open"));
    m_inBatch = true;
    return true;
}

Result<bool> MemoryMessageStore::commitBatch()
{
    if (!m_inBatch)
        return Result<bool>::failure(QStringLiteral("no batch is open"));
    m_inBatch = false;
    m_unitStart.reset();
    m_undo.clear();
    return true;
}

void MemoryMessageStore::rollbackBatch()
{
    m_inBatch = false;
    m_unitStart.reset();
    undoBackTo(0);
}

void MemoryMessageStore::undoBackTo(size_t size)
{
    // Taking a change back is no change to record (a unit's rollback runs inside the batch).
    const bool inBatch = std::exchange(m_inBatch, false);
    while (m_undo.size() > size) {
        const UndoStep step = std::move(m_undo.back());
        m_undo.pop_back();
        if (step.other) {
            step.other();
        } else {
            m_index.erase(step.inserted);
            m_messages.erase(step.sequence);
        }
    }
    m_inBatch = inBatch;
}

Result<bool> MemoryMessageStore::beginUnit()
{
    if (const QString refused = checkUnitCanBegin(m_inBatch, m_unitStart.has_value()); !refused.isEmpty())
        return Result<bool>::failure(refused);
    m_unitStart = m_undo.size();
    return true;
}

Result<bool> MemoryMessageStore::commitUnit()
{
    if (!m_unitStart)
        return Result<bool>::failure(QStringLiteral("no unit is open"));
    m_unitStart.reset();
    return true;
}

void MemoryMessageStore::rollbackUnit()
{
    if (const std::optional<size_t> start = std::exchange(m_unitStart, std::nullopt))
        undoBackTo(*start);
}

Result<EnqueueOutcome> MemoryMessageStore::enqueue(const QString &queueId, const QString &event,
                                                   const QString &messageId, const QJsonValue &payload)
{
    if (const QString error = checkKey(queueId, event, messageId); !error.isEmpty())
        return Result<EnqueueOutcome>::failure(error);
    // Round-trip through the stored form so that both stores hand back the same values.
    return insert(Key{queueId, event, messageId}, storedForm(payload), QDateTime::currentMSecsSinceEpoch());
}

Result<QList<EnqueueOutcome>> MemoryMessageStore::enqueueMany(const QStringList &queueIds, const QString &event,
                                                              const QString &messageId, const QJsonValue &payload)
{
    if (queueIds.isEmpty())
        return Result<QList<EnqueueOutcome>>::failure(QStringLiteral("no queue ids"));
    // Check everything first so that a bad id changes nothing (all or none).
    for (const QString &queueId : queueIds) {
        if (const QString error = checkKey(queueId, event, messageId); !error.isEmpty())
            return Result<QList<EnqueueOutcome>>::failure(error);
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QJsonValue stored = storedForm(payload);
    QList<EnqueueOutcome> outcomes;
    outcomes.reserve(queueIds.size());
    for (const QString &queueId : queueIds)
        outcomes.append(insert(Key{queueId, event, messageId}, stored, now));
    return outcomes;
}

Result<bool> MemoryMessageStore::acknowledge(const QString &queueId, const QString &event, const QString &messageId)
{
    if (queueId.isEmpty() || messageId.isEmpty())
        return Result<bool>::failure(queueId.isEmpty() ? QStringLiteral("empty queue id")
                                                       : QStringLiteral("empty message id"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<Key> matched;
    if (!event.isEmpty()) {
        if (Key key{queueId, event, messageId}; m_index.count(key))
            matched.append(std::move(key));
    } else {
        // Any event: the index is hashed, so try each event name this store has held (a handful).
        for (const QString &known : std::as_const(m_events)) {
            if (Key key{queueId, known, messageId}; m_index.count(key))
                matched.append(std::move(key));
        }
    }
    for (const Key &key : matched) {
        const qint64 sequence = m_index.at(key);
        if (m_inBatch) {
            const auto previous = m_tombstones.find(key);
            onRollback([this, key, message = m_messages.at(sequence),
                        tombstone = previous == m_tombstones.end() ? std::optional<Tombstone>() : previous->second] {
                m_index.emplace(key, message.sequence);
                m_messages.emplace(message.sequence, message);
                if (tombstone)
                    setTombstone(key, *tombstone);
                else
                    eraseTombstone(key);
            });
        }
        m_messages.erase(sequence);
        m_index.erase(key);
        setTombstone(key, Tombstone{m_nextTombstone++, now});
    }
    if (!matched.isEmpty() && notePruneDue())
        (void)pruneTombstones();
    return !matched.isEmpty();
}

Result<QList<QueuedMessage>> MemoryMessageStore::pending(const QString &queueId, const QString &event) const
{
    QList<QueuedMessage> result;
    for (const auto &[sequence, message] : m_messages) {
        if (message.queueId == queueId && (event.isEmpty() || message.event == event))
            result.append(message);
    }
    return result;
}

Result<qint64> MemoryMessageStore::count(const QString &queueId, const QString &event) const
{
    if (queueId.isEmpty() && event.isEmpty())
        return qint64(m_messages.size());
    return qint64(std::count_if(m_messages.cbegin(), m_messages.cend(), [&](const auto &entry) {
        return (queueId.isEmpty() || entry.second.queueId == queueId)
            && (event.isEmpty() || entry.second.event == event);
    }));
}

Result<QStringList> MemoryMessageStore::queueIds() const
{
    QSet<QString> ids;
    for (const auto &entry : m_messages)
        ids.insert(entry.second.queueId);
    for (const auto &subscription : m_subscriptions)
        ids.insert(subscription.second);
    QStringList sorted(ids.cbegin(), ids.cend());
    sorted.sort();
    return sorted;
}

Result<bool> MemoryMessageStore::isAcknowledged(const QString &queueId, const QString &event,
                                                const QString &messageId) const
{
    return m_tombstones.count(Key{queueId, event, messageId}) > 0;
}

Result<bool> MemoryMessageStore::subscribe(const QString &queueId, const QString &event)
{
    if (queueId.isEmpty() || event.isEmpty())
        return Result<bool>::failure(QStringLiteral("empty queue id or event name"));
    const bool added = m_subscriptions.emplace(event, queueId).second;
    if (added)
        onRollback([this, event, queueId] { m_subscriptions.erase({event, queueId}); });
    return added;
}

Result<bool> MemoryMessageStore::unsubscribe(const QString &queueId, const QString &event)
{
    const bool removed = m_subscriptions.erase({event, queueId}) > 0;
    if (removed)
        onRollback([this, event, queueId] { m_subscriptions.emplace(event, queueId); });
    return removed;
}

Result<QStringList> MemoryMessageStore::subscribers(const QString &event) const
{
    QStringList result;
    for (auto it = m_subscriptions.lower_bound({event, QString()}); it != m_subscriptions.end() && it->first == event;
         ++it)
        result.append(it->second);
    return result; // std::set keeps them sorted
}

Result<bool> MemoryMessageStore::discard(const QString &queueId, const QString &event, const QString &messageId)
{
    const auto it = m_index.find(Key{queueId, event, messageId});
    if (it == m_index.end())
        return false;
    drop(m_messages.find(it->second));
    return true;
}

void MemoryMessageStore::setTombstone(const Key &key, const Tombstone &tombstone)
{
    if (const auto it = m_tombstones.find(key); it != m_tombstones.end())
        m_tombstonesByOrder.erase(it->second.order);
    m_tombstones[key] = tombstone;
    m_tombstonesByOrder[tombstone.order] = key;
}

void MemoryMessageStore::eraseTombstone(const Key &key)
{
    if (const auto it = m_tombstones.find(key); it != m_tombstones.end()) {
        m_tombstonesByOrder.erase(it->second.order);
        m_tombstones.erase(it);
    }
}

// Oldest first, so that a prune costs what it removes, not what is kept: acknowledgement times
// follow their order (a clock set back makes the later ones go late, never early).
Result<qint64> MemoryMessageStore::pruneTombstones(const QDateTime &now)
{
    const qint64 cutoff = now.toMSecsSinceEpoch() - tombstoneRetention().maxAge.count();
    const qint64 maxCount = std::max<qint64>(0, tombstoneRetention().maxCount);
    qint64 removed = 0;
    while (!m_tombstonesByOrder.empty()) {
        const Key key = m_tombstonesByOrder.begin()->second;
        const Tombstone tombstone = m_tombstones.at(key);
        if (tombstone.ackedAtMs >= cutoff && qint64(m_tombstones.size()) <= maxCount)
            break;
        onRollback([this, key, tombstone] { setTombstone(key, tombstone); });
        eraseTombstone(key);
        ++removed;
    }
    return removed;
}

void MemoryMessageStore::drop(std::map<qint64, QueuedMessage>::iterator it)
{
    const Key key{it->second.queueId, it->second.event, it->second.messageId};
    if (m_inBatch) {
        onRollback([this, key, message = it->second] {
            m_index.emplace(key, message.sequence);
            m_messages.emplace(message.sequence, message);
        });
    }
    m_index.erase(key);
    m_messages.erase(it);
}

Result<PendingPruned> MemoryMessageStore::prunePending(const QDateTime &now)
{
    PendingPruned pruned;
    const qint64 cutoff = now.toMSecsSinceEpoch() - pendingRetention().maxAge.count();
    // Oldest first, stopping at the first message young enough, so that a prune costs what it
    // removes (the count bound runs one every few thousand events, over 100,000 kept): a clock
    // set back makes the later messages go late, never early, as with tombstones.
    while (!m_messages.empty() && m_messages.begin()->second.enqueuedAt.toMSecsSinceEpoch() < cutoff) {
        drop(m_messages.begin());
        ++pruned.byAge;
    }
    const qint64 keep = std::max<qint64>(0, pendingRetention().maxCount);
    while (qint64(m_messages.size()) > keep) {
        drop(m_messages.begin()); // by sequence: the oldest first
        ++pruned.byCount;
    }
    pruned.remaining = qint64(m_messages.size());
    return pruned;
}

} // namespace caps
