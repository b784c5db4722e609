#pragma once

#include "queue/messagestore.h"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace caps {

// Everything in RAM, lost on exit: for tests and for a hub run with `--db :memory:` when
// SQLite is not wanted. Same contract as the persistent stores: a batch costs nothing to
// commit (there is no disk), but rollbackBatch() still undoes it, from an undo log.
class MemoryMessageStore final : public MessageStore
{
public:
    MemoryMessageStore() = default;

    [[nodiscard]] Result<EnqueueOutcome> enqueue(const QString &queueId, const QString &event, const QString &messageId,
                                                 const QJsonValue &payload) override;
    [[nodiscard]] Result<QList<EnqueueOutcome>> enqueueMany(const QStringList &queueIds, const QString &event,
                                                            const QString &messageId,
                                                            const QJsonValue &payload) override;
    [[nodiscard]] Result<bool> acknowledge(const QString &queueId, const QString &event,
                                           const QString &messageId) override;
    [[nodiscard]] Result<QList<QueuedMessage>> pending(const QString &queueId,
                                                       const QString &event = {}) const override;
    [[nodiscard]] Result<qint64> count(const QString &queueId = {}, const QString &event = {}) const override;
    [[nodiscard]] Result<QStringList> queueIds() const override;
    [[nodiscard]] Result<bool> isAcknowledged(const QString &queueId, const QString &event,
                                              const QString &messageId) const override;
    [[nodiscard]] Result<bool> subscribe(const QString &queueId, const QString &event) override;
    [[nodiscard]] Result<bool> unsubscribe(const QString &queueId, const QString &event) override;
    [[nodiscard]] Result<QStringList> subscribers(const QString &event) const override;
    [[nodiscard]] Result<bool> discard(const QString &queueId, const QString &event, const QString &messageId) override;
    [[nodiscard]] Result<qint64> pruneTombstones(const QDateTime &now) override;
    using MessageStore::pruneTombstones;
    [[nodiscard]] Result<PendingPruned> prunePending(const QDateTime &now) override;
    [[nodiscard]] Result<bool> saveOrder(const OrderRecord &record) override;
    void setOrderRecordLimit(qint64 count) override;
    [[nodiscard]] Result<QList<OrderRecord>> loadOrders(qint64 limit) const override;
    [[nodiscard]] Result<bool> beginBatch() override;
    [[nodiscard]] Result<bool> commitBatch() override;
    void rollbackBatch() override;
    [[nodiscard]] bool inBatch() const override { return m_inBatch; }
    [[nodiscard]] Result<bool> beginUnit() override;
    [[nodiscard]] Result<bool> commitUnit() override;
    void rollbackUnit() override;

private:
    // Hashed, not ordered: every event looks a key up in the index and the tombstones once per
    // queue it goes to, and ordering three strings that share long prefixes (queue ids, order
    // ids) cost a tenth of the hub's time in bench scenario (a). The hash is computed once per
    // key (an insert looks the same key up three times), with libstdc++'s string hash: qHash's
    // SipHash was another 6 %.
    struct Key
    {
        Key() = default;
        Key(QString queueId, QString eventName, QString id)
            : queue(std::move(queueId))
            , event(std::move(eventName))
            , messageId(std::move(id))
            , hash(hashOf(queue) ^ (hashOf(event) * 31) ^ (hashOf(messageId) * 1000003))
        { }
        bool operator==(const Key &other) const
        {
            return hash == other.hash && messageId == other.messageId && queue == other.queue && event == other.event;
        }
        static size_t hashOf(const QString &text)
        {
            const auto *units = reinterpret_cast<const char16_t *>(text.constData());
            return std::hash<std::u16string_view>()(std::u16string_view(units, size_t(text.size())));
        }

        QString queue;
        QString event;
        QString messageId;
        size_t hash = 0;
    };
    struct KeyHash
    {
        size_t operator()(const Key &key) const noexcept { return key.hash; }
    };
    struct Tombstone
    {
        qint64 order = 0;
        qint64 ackedAtMs = 0;
    };

    // One change of the open batch, to take back on rollback. An insert (the change of every
    // event) is kept as its key and sequence, with no closure to allocate; anything else as
    // `other`.
    struct UndoStep
    {
        Key inserted;
        qint64 sequence = 0;
        std::function<void()> other;
    };

    // Removes one pending message (by sequence), undoably inside a batch.
    void drop(std::map<qint64, QueuedMessage>::iterator it);
    // `stored` is already in storedForm(): a message to many queues is converted once.
    EnqueueOutcome insert(const Key &key, const QJsonValue &stored, qint64 nowMs);
    // Inside a batch: how to take back one change if the batch is rolled back.
    void onRollback(std::function<void()> undo);
    // Beyond m_orderRecordLimit, the least recently saved order records go (undoably).
    void forgetOldOrderRecords();
    // Takes back the newest changes of the batch until `size` are left, newest first.
    void undoBackTo(size_t size);

    // Every change of m_tombstones goes through these, which keep m_tombstonesByOrder with it.
    void setTombstone(const Key &key, const Tombstone &tombstone);
    void eraseTombstone(const Key &key);

    std::map<qint64, QueuedMessage> m_messages; // by sequence
    std::unordered_map<Key, qint64, KeyHash> m_index; // key -> sequence
    std::unordered_map<Key, Tombstone, KeyHash> m_tombstones;
    std::map<qint64, Key> m_tombstonesByOrder; // Tombstone::order -> key, oldest first (pruning)
    std::set<std::pair<QString, QString>> m_subscriptions; // event, queue
    std::set<QString> m_events; // every event name ever stored: acknowledge() of any event tries each
    std::unordered_map<QString, OrderRecord> m_orderRecords; // by order id
    std::map<qint64, QString> m_orderRecordsBySequence; // oldest first
    qint64 m_orderRecordLimit = 0; // setOrderRecordLimit(); 0: none
    qint64 m_nextOrderSequence = 1;
    qint64 m_nextSequence = 1;
    qint64 m_nextTombstone = 1;
    bool m_inBatch = false;
    std::vector<UndoStep> m_undo; // the open batch's changes, oldest first
    std::optional<size_t> m_unitStart; // while a unit is open: m_undo's size when it began
};

} // namespace caps
