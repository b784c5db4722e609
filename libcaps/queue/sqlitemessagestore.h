#pragma once

#include "queue/messagestore.h"

#include <QSqlDatabase>

#include <memory>

namespace caps {

// MessageStore on SQLite through Qt SQL (QSQLITE). One file per hub, WAL journal,
// synchronous=FULL, one transaction per write or per batch: when a write returns (or, in a
// batch, when commitBatch() returns), the message survives a kill -9 of the hub and a power cut. Several instances (and several processes) may open the
// same file; each instance has its own connection and must be used from its creating thread.
class SqliteMessageStore final : public MessageStore
{
public:
    static constexpr int kSchemaVersion = 5;

    // Opens (creating the file, its folder and the schema, or upgrading an older schema) the
    // database at `path`; ":memory:" keeps everything in RAM for this instance only.
    [[nodiscard]] static Result<std::unique_ptr<SqliteMessageStore>> open(const QString &path);
    // <AppDataLocation>/queue.sqlite; set the application and organisation names first.
    [[nodiscard]] static QString defaultPath();
    [[nodiscard]] static QString memoryPath() { return QStringLiteral(":memory:"); }

    ~SqliteMessageStore() override;

    [[nodiscard]] QString path() const { return m_path; }
    [[nodiscard]] QString connectionName() const { return m_connectionName; }
    // The journal mode SQLite reports ("wal" for files, "memory" for ":memory:").
    [[nodiscard]] QString journalMode() const { return m_journalMode; }

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
    [[nodiscard]] Result<bool> beginBatch() override;
    [[nodiscard]] Result<bool> commitBatch() override;
    void rollbackBatch() override;
    [[nodiscard]] bool inBatch() const override { return m_inBatch; }
    [[nodiscard]] Result<bool> beginUnit() override;
    [[nodiscard]] Result<bool> commitUnit() override;
    void rollbackUnit() override;

private:
    // The pending row's DELETE inside an open transaction (rolled back if it fails): whether a
    // row went. Shared by acknowledge() and discard().
    [[nodiscard]] Result<bool> deletePending(const QString &queueId, const QString &event, const QString &messageId,
                                             const QString &what);
    struct Statements;

    SqliteMessageStore(QString path, QString connectionName);
    [[nodiscard]] Result<bool> initialise();
    [[nodiscard]] Result<bool> upgradeSchema();
    [[nodiscard]] Result<bool> prepareStatements();
    // One write: its own transaction, or a savepoint inside the open batch.
    [[nodiscard]] Result<bool> begin();
    [[nodiscard]] Result<bool> commit();
    void rollback();
    void finishReads();
    // The batch's transaction is gone or unusable: every later write of it fails, and so does its commit.
    void breakBatch(const QString &error);
    [[nodiscard]] Result<EnqueueOutcome> insertLocked(const QString &queueId, const QString &event,
                                                      const QString &messageId, const QByteArray &payload,
                                                      qint64 nowMs);

    QString m_path;
    QString m_connectionName;
    QString m_journalMode;
    QSqlDatabase m_db;
    std::unique_ptr<Statements> m_statements; // prepared once, reused for every call
    bool m_inBatch = false;
    bool m_inUnit = false;
    QString m_batchError; // set once the open batch cannot be committed any more
};

} // namespace caps
