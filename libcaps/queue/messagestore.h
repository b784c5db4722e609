#pragma once

#include "catalogue/eventcatalogue.h"
#include "core/result.h"
#include "queue/queuedmessage.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>

namespace caps {

enum class EnqueueOutcome {
    Stored, // new message, now pending
    AlreadyQueued, // the same (queue, event, messageId) is pending: nothing changed
    AlreadyAcknowledged, // it was acknowledged before (tombstone): not queued again
};

// How long an acknowledged id is remembered so that a re-sent message does not come back.
// A message re-enqueued after its tombstone was pruned is stored again as new.
struct TombstoneRetention
{
    std::chrono::milliseconds maxAge = std::chrono::hours(24 * 7);
    qint64 maxCount = 100000;
};

// How long, and how many, messages stay pending that nobody acknowledges (clients that never
// send `received`, such as the lab's Phase 2 programs). Without a bound such a queue only grows.
struct PendingRetention
{
    std::chrono::milliseconds maxAge = std::chrono::hours(24 * 7);
    qint64 maxCount = 100000;
};

// What prunePending() dropped, and what it left.
struct PendingPruned
{
    qint64 byAge = 0; // enqueued before now - maxAge
    qint64 byCount = 0; // the oldest beyond maxCount, after those
    qint64 remaining = 0; // pending messages in the store afterwards, every queue
    [[nodiscard]] qint64 total() const { return byAge + byCount; }
};

// What the hub knows of one order (its OrderBook entry), kept in the store so that a restarted
// hub still knows every order's status, who took it, and its latest event (what `track` and
// `orders` answer).
struct OrderRecord
{
    QString orderId;
    OrderStatus status = OrderStatus::Unknown;
    QString taker; // the driver who took it; empty before in-transit
    QString event; // its latest event
    QDateTime time; // when the hub received that event (UTC)
    QByteArray payloadJson; // that event's payload, as the client sent it
    qint64 sequence = 0; // store-wide, larger for the more recently saved (loadOrders' order)
    // The hub (its cluster server uid, PostgresBus::uid()) the taker was connected to, for a
    // store several hubs share: the others judge the taker gone when that hub is. Empty: one
    // hub's store, or not known (claimOrder() then keeps what the store had).
    QString takerServer;
    // When the order made each step, as far as the saving hub knows. A store several hubs share
    // keeps the time it has of a step the record does not know (another hub saw that step).
    StepTimes steps;

    friend bool operator==(const OrderRecord &, const OrderRecord &) = default;
};

// What claimOrder() did: saved the record, or left the order as another hub had moved it on
// (`current`, as the store has it).
struct OrderClaim
{
    bool saved = true;
    OrderRecord current;
    // Neither: another hub's open batch holds the order, and waiting for it while this batch
    // holds claims of its own could deadlock the two. Commit the batch, then claim again.
    bool wouldWait = false;
};

// Durable per-client message queues for the hub (the lab's Phase 3 queue).
//
// A message is identified by (queueId, event, messageId). Writes are atomic and, for the
// persistent implementations, durable when the call returns (outside a batch) or when
// commitBatch() returns (inside one): the hub may acknowledge the sender only then.
// Errors are returned, never thrown.
// An instance is used from the thread that created it.
class MessageStore
{
public:
    MessageStore() = default;
    virtual ~MessageStore() = default;
    Q_DISABLE_COPY_MOVE(MessageStore)

    // Queues one message. Idempotent: see EnqueueOutcome. Empty ids or event are errors.
    [[nodiscard]] virtual Result<EnqueueOutcome> enqueue(const QString &queueId, const QString &event,
                                                         const QString &messageId, const QJsonValue &payload)
        = 0;
    // Fan-out: the same message for several queues in one transaction (all or none).
    // One outcome per queue id, in the given order; a queue id listed twice is AlreadyQueued
    // the second time. Any invalid id fails the whole call before anything is written.
    [[nodiscard]] virtual Result<QList<EnqueueOutcome>> enqueueMany(const QStringList &queueIds, const QString &event,
                                                                    const QString &messageId, const QJsonValue &payload)
        = 0;
    // Removes the pending message and remembers it as acknowledged. true: something was removed;
    // false: nothing pending under that id (unknown, or acknowledged already). An empty event
    // matches the messageId under every event of the queue.
    [[nodiscard]] virtual Result<bool> acknowledge(const QString &queueId, const QString &event,
                                                   const QString &messageId)
        = 0;
    // Removes a pending message that no longer means anything (the pickup of an order a driver
    // took), without remembering it as acknowledged: nobody will send it again, so it needs no
    // tombstone, which would cost a write now and a prune later. true: something was removed.
    // This fallback acknowledges it instead (the same for readers, one tombstone more).
    [[nodiscard]] virtual Result<bool> discard(const QString &queueId, const QString &event, const QString &messageId)
    {
        return acknowledge(queueId, event, messageId);
    }
    // Pending messages of one queue in insertion order; an empty event means all events.
    [[nodiscard]] virtual Result<QList<QueuedMessage>> pending(const QString &queueId,
                                                               const QString &event = {}) const = 0;
    // Pending messages; an empty queueId means every queue, an empty event every event.
    [[nodiscard]] virtual Result<qint64> count(const QString &queueId = {}, const QString &event = {}) const = 0;
    // Queues that have pending messages or subscriptions, sorted.
    [[nodiscard]] virtual Result<QStringList> queueIds() const = 0;
    [[nodiscard]] virtual Result<bool> isAcknowledged(const QString &queueId, const QString &event,
                                                      const QString &messageId) const = 0;

    // Durable subscriptions: which client queues want every message of an event (drivers that
    // announced their own client id for `pickup`). subscribe() returns false if already there.
    [[nodiscard]] virtual Result<bool> subscribe(const QString &queueId, const QString &event) = 0;
    [[nodiscard]] virtual Result<bool> unsubscribe(const QString &queueId, const QString &event) = 0;
    [[nodiscard]] virtual Result<QStringList> subscribers(const QString &event) const = 0;

    // The hub's order book: one record per order id, replaced by each save (inside a batch,
    // rolled back with it). loadOrders() gives the `limit` most recently saved, oldest first.
    // Not pruned by the queue's retention: an order delivered long ago is still history.
    [[nodiscard]] virtual Result<bool> saveOrder(const OrderRecord &record) = 0;
    [[nodiscard]] virtual Result<QList<OrderRecord>> loadOrders(qint64 limit) const = 0;
    // The hub loads only the `count` most recently saved orders (its order book's bound,
    // CapsHub::Options::maxRememberedOrders). A store whose records die with the process (the
    // memory store) keeps no more than that, the oldest going first; without the bound it kept
    // every order ever saved, a hub on `--db :memory:` growing for as long as it ran. Stores on
    // disk keep their history: this default keeps everything.
    virtual void setOrderRecordLimit(qint64 count) { Q_UNUSED(count) }
    // One order's record as a store several hubs share has it now (another hub may have saved it
    // since this hub's book was loaded); nullopt when it has none. A store that only one hub uses
    // holds nothing newer than that hub's book, and its book treats an order it forgot as one it
    // never saw (OrderBook): this default answers nullopt.
    [[nodiscard]] virtual Result<std::optional<OrderRecord>> loadOrder(const QString &orderId) const
    {
        Q_UNUSED(orderId)
        return std::optional<OrderRecord>();
    }
    // saveOrder() for a store several hubs share: it saves `record` only if the store does not
    // know the order, or has it in one of `from` with no taker yet, `record`'s taker, or
    // `previousTaker` (the one this hub's book knew, which it judged gone) — atomically against
    // the other hubs' claims, so that of two drivers on two hubs one takes the order. Otherwise
    // nothing is written and `current` says what the order is now. A store that only one hub
    // uses has nobody to race, and the hub's own book has decided: this default saves.
    [[nodiscard]] virtual Result<OrderClaim> claimOrder(const OrderRecord &record, const QList<OrderStatus> &from,
                                                        const QString &previousTaker)
    {
        Q_UNUSED(from)
        Q_UNUSED(previousTaker)
        if (auto saved = saveOrder(record); !saved)
            return Result<OrderClaim>::failure(saved.error());
        return OrderClaim{};
    }

    // Group commit: the writes between beginBatch() and commitBatch() form one transaction, so
    // that a hub pays one durable commit (one fsync) for all the events of an event-loop pass.
    //  - Inside a batch each write still succeeds or fails as a whole (a failed write changes
    //    nothing), and reads on this store see the batch's own writes.
    //  - Nothing of the batch is durable until commitBatch() succeeded: a caller must not tell
    //    anyone "stored" before that.
    //  - commitBatch() that fails has rolled everything back, as rollbackBatch() does. An error
    //    that leaves the transaction unusable (I/O, disk full) fails every later write of the
    //    batch and its commit.
    // Outside a batch every write is its own transaction, durable when it returns. Batches do not
    // nest: beginBatch() inside one is an error.
    [[nodiscard]] virtual Result<bool> beginBatch() = 0;
    [[nodiscard]] virtual Result<bool> commitBatch() = 0;
    virtual void rollbackBatch() = 0;
    [[nodiscard]] virtual bool inBatch() const = 0;

    // A unit inside the open batch: the writes of one event, which stand or fall together. The
    // hub claims an order, then settles and enqueues; if a later write fails (a deadlock
    // between hubs, a full disk), rollbackUnit() takes back the claim too, and the rest of the
    // batch stands. Units do not nest; committing or rolling back the batch ends an open one
    // (committed or undone with the batch), and rollbackUnit() without an open unit does
    // nothing. beginUnit() outside a batch is an error.
    [[nodiscard]] virtual Result<bool> beginUnit() = 0;
    [[nodiscard]] virtual Result<bool> commitUnit() = 0;
    virtual void rollbackUnit() = 0;
    // Whether the last failed call failed only because another hub's transaction was in the way
    // (PostgreSQL's deadlock_detected or serialization_failure): the same writes may succeed in a
    // new batch, once this one is committed. A store no other hub uses has no such failure.
    [[nodiscard]] virtual bool lastFailureWasConflict() const { return false; }

    // Tombstones older than retention.maxAge at `now` go, then the oldest beyond maxCount.
    // Also run by the stores themselves every kPruneInterval acknowledgements.
    // Returns how many were removed.
    [[nodiscard]] virtual Result<qint64> pruneTombstones(const QDateTime &now) = 0;
    [[nodiscard]] Result<qint64> pruneTombstones() { return pruneTombstones(QDateTime::currentDateTimeUtc()); }
    void setTombstoneRetention(const TombstoneRetention &retention) { m_retention = retention; }
    [[nodiscard]] const TombstoneRetention &tombstoneRetention() const { return m_retention; }

    static constexpr int kPruneInterval = 256;

    // Pending messages enqueued before now - retention.maxAge go, then the oldest (lowest
    // sequence, every queue together) beyond maxCount. They leave no tombstone: they were never
    // acknowledged, and one that is sent again is new. Works inside a batch (rolled back with it)
    // and outside one; no store runs it by itself: the owner decides when (the hub: outside its
    // batches, see CapsHub and docs/queue.md).
    [[nodiscard]] virtual Result<PendingPruned> prunePending(const QDateTime &now) = 0;
    void setPendingRetention(const PendingRetention &retention) { m_pendingRetention = retention; }
    [[nodiscard]] const PendingRetention &pendingRetention() const { return m_pendingRetention; }

    // Any JSON value, stored as compact JSON text (a top-level scalar is kept inside a
    // one-element array since QJsonDocument holds only objects and arrays).
    [[nodiscard]] static QByteArray encodePayload(const QJsonValue &payload);
    [[nodiscard]] static Result<QJsonValue> decodePayload(const QByteArray &json);
    // What decodePayload(encodePayload(payload)) gives, without writing and parsing the text
    // when the value reads back as itself (the case of every payload that came in as JSON).
    [[nodiscard]] static QJsonValue storedForm(const QJsonValue &payload);

protected:
    [[nodiscard]] static QString checkKey(const QString &queueId, const QString &event, const QString &messageId);
    // Why beginUnit() cannot open a unit now (outside a batch, in a unit, after the batch
    // failed: `batchError`); empty when it can.
    [[nodiscard]] static QString checkUnitCanBegin(bool inBatch, bool inUnit, const QString &batchError = {});
    // Counts acknowledgements; true when it is time for an automatic prune.
    [[nodiscard]] bool notePruneDue() { return ++m_acksSincePrune % kPruneInterval == 0; }

private:
    TombstoneRetention m_retention;
    PendingRetention m_pendingRetention;
    quint64 m_acksSincePrune = 0;
};

} // namespace caps
