#pragma once

#include "queue/messagestore.h"

#include <memory>

namespace caps::test {

// A MessageStore that hands every call to another one: a test derives from it and overrides
// the calls it watches or interferes with (logging them, failing a commit, letting another hub
// write between two reads), whatever store is underneath (memory, SQLite, PostgreSQL).
class ForwardingStore : public MessageStore
{
public:
    explicit ForwardingStore(std::unique_ptr<MessageStore> inner)
        : m_inner(std::move(inner))
    { }

    [[nodiscard]] Result<EnqueueOutcome> enqueue(const QString &q, const QString &e, const QString &m,
                                                 const QJsonValue &p) override
    {
        return m_inner->enqueue(q, e, m, p);
    }
    [[nodiscard]] Result<QList<EnqueueOutcome>> enqueueMany(const QStringList &q, const QString &e, const QString &m,
                                                            const QJsonValue &p) override
    {
        return m_inner->enqueueMany(q, e, m, p);
    }
    [[nodiscard]] Result<bool> acknowledge(const QString &q, const QString &e, const QString &m) override
    {
        return m_inner->acknowledge(q, e, m);
    }
    [[nodiscard]] Result<bool> discard(const QString &q, const QString &e, const QString &m) override
    {
        return m_inner->discard(q, e, m);
    }
    [[nodiscard]] Result<QList<QueuedMessage>> pending(const QString &q, const QString &e) const override
    {
        return m_inner->pending(q, e);
    }
    [[nodiscard]] Result<qint64> count(const QString &q, const QString &e) const override
    {
        return m_inner->count(q, e);
    }
    [[nodiscard]] Result<QStringList> queueIds() const override { return m_inner->queueIds(); }
    [[nodiscard]] Result<bool> isAcknowledged(const QString &q, const QString &e, const QString &m) const override
    {
        return m_inner->isAcknowledged(q, e, m);
    }
    [[nodiscard]] Result<bool> subscribe(const QString &q, const QString &e) override
    {
        return m_inner->subscribe(q, e);
    }
    [[nodiscard]] Result<bool> unsubscribe(const QString &q, const QString &e) override
    {
        return m_inner->unsubscribe(q, e);
    }
    [[nodiscard]] Result<QStringList> subscribers(const QString &e) const override { return m_inner->subscribers(e); }
    [[nodiscard]] Result<bool> saveOrder(const OrderRecord &record) override { return m_inner->saveOrder(record); }
    void setOrderRecordLimit(qint64 count) override { m_inner->setOrderRecordLimit(count); }
    [[nodiscard]] Result<QList<OrderRecord>> loadOrders(qint64 limit) const override
    {
        return m_inner->loadOrders(limit);
    }
    [[nodiscard]] Result<std::optional<OrderRecord>> loadOrder(const QString &orderId) const override
    {
        return m_inner->loadOrder(orderId);
    }
    [[nodiscard]] Result<OrderClaim> claimOrder(const OrderRecord &record, const QList<OrderStatus> &from,
                                                const QString &previousTaker) override
    {
        return m_inner->claimOrder(record, from, previousTaker);
    }
    [[nodiscard]] Result<bool> beginBatch() override { return m_inner->beginBatch(); }
    [[nodiscard]] Result<bool> commitBatch() override { return m_inner->commitBatch(); }
    void rollbackBatch() override { m_inner->rollbackBatch(); }
    [[nodiscard]] bool inBatch() const override { return m_inner->inBatch(); }
    [[nodiscard]] Result<bool> beginUnit() override { return m_inner->beginUnit(); }
    [[nodiscard]] Result<bool> commitUnit() override { return m_inner->commitUnit(); }
    void rollbackUnit() override { m_inner->rollbackUnit(); }
    [[nodiscard]] bool lastFailureWasConflict() const override { return m_inner->lastFailureWasConflict(); }
    [[nodiscard]] Result<qint64> pruneTombstones(const QDateTime &now) override
    {
        return m_inner->pruneTombstones(now);
    }
    // The retention is set on this store (the hub's side); the inner one prunes by it.
    [[nodiscard]] Result<PendingPruned> prunePending(const QDateTime &now) override
    {
        m_inner->setPendingRetention(pendingRetention());
        return m_inner->prunePending(now);
    }

protected:
    [[nodiscard]] MessageStore &inner() const { return *m_inner; }

private:
    std::unique_ptr<MessageStore> m_inner;
};

} // namespace caps::test
