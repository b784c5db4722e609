#pragma once

#include "queue/messagestore.h"
#include "queue/postgresuri.h"

#include <QSqlDatabase>

#include <memory>

class QSqlError;
class QSqlQuery;
class QTimer;

namespace caps {

// MessageStore on PostgreSQL through Qt SQL (QPSQL), for several hubs on one database.
// One table holds both states of a message, so that the unique constraint arbitrates between
// hubs: pending (acked_at null) and its tombstone (acked_at set, payload cleared); see
// docs/queue.md "Several hubs". One transaction per write or per batch (group commit), each
// write of a batch inside a savepoint. Durable when PostgreSQL says COMMIT (synchronous_commit
// on, its default). Each instance has its own connection and must be used from its creating
// thread. Times are the hub's clock in milliseconds, as in the SQLite store.
class PostgresMessageStore final : public MessageStore
{
public:
    static constexpr int kSchemaVersion = 3;

    // Connects, then creates or upgrades the schema (serialised between hubs by an advisory
    // lock). A newer schema, or a database with other tables and no schema_version, is refused
    // untouched.
    [[nodiscard]] static Result<std::unique_ptr<PostgresMessageStore>> open(const PostgresUri &uri);

    ~PostgresMessageStore() override;

    [[nodiscard]] QString connectionName() const { return m_connectionName; }
    [[nodiscard]] const PostgresUri &uri() const { return m_uri; }

    [[nodiscard]] Result<EnqueueOutcome> enqueue(const QString &queueId, const QString &event, const QString &messageId,
                                                 const QJsonValue &payload) override;
    [[nodiscard]] Result<QList<EnqueueOutcome>> enqueueMany(const QStringList &queueIds, const QString &event,
                                                            const QString &messageId,
                                                            const QJsonValue &payload) override;
    [[nodiscard]] Result<bool> discard(const QString &queueId, const QString &event, const QString &messageId) override;
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
    [[nodiscard]] Result<qint64> pruneTombstones(const QDateTime &now) override;
    using MessageStore::pruneTombstones;
    [[nodiscard]] Result<PendingPruned> prunePending(const QDateTime &now) override;
    [[nodiscard]] Result<bool> saveOrder(const OrderRecord &record) override;
    [[nodiscard]] Result<QList<OrderRecord>> loadOrders(qint64 limit) const override;
    [[nodiscard]] Result<std::optional<OrderRecord>> loadOrder(const QString &orderId) const override;
    [[nodiscard]] Result<OrderClaim> claimOrder(const OrderRecord &record, const QList<OrderStatus> &from,
                                                const QString &previousTaker) override;
    [[nodiscard]] Result<bool> beginBatch() override;
    [[nodiscard]] Result<bool> commitBatch() override;
    void rollbackBatch() override;
    [[nodiscard]] bool inBatch() const override { return m_inBatch; }
    [[nodiscard]] Result<bool> beginUnit() override;
    [[nodiscard]] Result<bool> commitUnit() override;
    void rollbackUnit() override;
    [[nodiscard]] bool lastFailureWasConflict() const override { return m_lastFailureWasConflict; }

    // The connection broke (the server restarted, the backend was terminated): every call fails
    // at once with PostgresUri::lostMessage() until the store has reconnected, which it tries
    // on its own, after kRetryFirstMs and then backing off to kRetryMaxMs. Logged once each way.
    [[nodiscard]] bool lost() const { return !m_lost.isEmpty(); }

private:
    struct Statements;

    PostgresMessageStore(PostgresUri uri, QString connectionName);
    [[nodiscard]] Result<bool> initialise();
    [[nodiscard]] Result<bool> prepareDatabase();
    [[nodiscard]] Result<bool> applySessionSettings();
    // A failed statement's error, as the caller reports it (the lost connection's once lost).
    template <typename T> [[nodiscard]] Result<T> sqlFailure(const QString &what, const QSqlQuery &query) const;
    // Whether `error` lost the connection: then logged, and reconnect() scheduled.
    void noteFailure(const QSqlError &error) const;
    void reconnect();
    [[nodiscard]] Result<bool> upgradeSchema();
    [[nodiscard]] Result<bool> prepareStatements();
    // One write: its own transaction, or a savepoint inside the open batch.
    [[nodiscard]] Result<bool> begin();
    [[nodiscard]] Result<bool> commit();
    void rollback();
    void breakBatch(const QString &error);
    [[nodiscard]] bool run(const char *sql, QString *error = nullptr);
    [[nodiscard]] Result<EnqueueOutcome> insertOne(const QString &queueId, const QString &event,
                                                   const QString &messageId, const QString &payload, qint64 nowMs);

    PostgresUri m_uri;
    QString m_connectionName;
    QSqlDatabase m_db;
    std::unique_ptr<Statements> m_statements;
    bool m_inBatch = false;
    bool m_inUnit = false;
    int m_claimsInBatch = 0; // rows of `orders` the open batch has locked
    QString m_batchError;
    mutable QString m_lost; // why the connection is gone; empty while it is there
    mutable bool m_lastFailureWasConflict = false;
    mutable std::unique_ptr<QTimer> m_retry;
    mutable int m_retryMs = PostgresUri::kRetryFirstMs;
};

} // namespace caps
