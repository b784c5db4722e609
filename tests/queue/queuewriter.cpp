// Test helper: enqueues --count messages into --queue of the store at --db and prints
// "committed <id>" after each enqueue() has returned, i.e. after its commit (with --batch N:
// for the N messages of a batch after commitBatch()). The crash test kills it with SIGKILL
// mid-stream; everything printed must be in the database afterwards, and batches whole.

#include "queue/sqlitemessagestore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonObject>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("db"), QStringLiteral("Database file."), QStringLiteral("path")});
    parser.addOption(
        {QStringLiteral("queue"), QStringLiteral("Queue id."), QStringLiteral("id"), QStringLiteral("driver")});
    parser.addOption(
        {QStringLiteral("count"), QStringLiteral("Messages to write."), QStringLiteral("n"), QStringLiteral("100")});
    parser.addOption(
        {QStringLiteral("prefix"), QStringLiteral("Message id prefix."), QStringLiteral("text"), QStringLiteral("m")});
    parser.addOption({QStringLiteral("batch"), QStringLiteral("Messages per batch (0: one transaction each)."),
                      QStringLiteral("n"), QStringLiteral("0")});
    parser.process(app);

    auto store = caps::SqliteMessageStore::open(parser.value(QStringLiteral("db")));
    if (!store) {
        std::fprintf(stderr, "open failed: %s\n", qPrintable(store.error()));
        return 2;
    }
    std::printf("ready\n");
    std::fflush(stdout);
    const QString queue = parser.value(QStringLiteral("queue"));
    const QString prefix = parser.value(QStringLiteral("prefix"));
    const qint64 count = parser.value(QStringLiteral("count")).toLongLong();
    const qint64 batch = parser.value(QStringLiteral("batch")).toLongLong();
    QStringList uncommitted;
    for (qint64 i = 0; i < count; ++i) {
        const QString id = QStringLiteral("%1-%2").arg(prefix).arg(i, 6, 10, QLatin1Char('0'));
        const QJsonObject payload{{QStringLiteral("store"), QStringLiteral("1-206-flowers")},
                                  {QStringLiteral("orderID"), id},
                                  {QStringLiteral("n"), double(i)}};
        if (batch > 0 && uncommitted.isEmpty()) {
            if (auto begun = (*store)->beginBatch(); !begun) {
                std::fprintf(stderr, "beginBatch failed: %s\n", qPrintable(begun.error()));
                return 1;
            }
        }
        auto outcome = (*store)->enqueue(queue, QStringLiteral("pickup"), id, payload);
        if (!outcome) {
            std::fprintf(stderr, "enqueue failed: %s\n", qPrintable(outcome.error()));
            return 1;
        }
        uncommitted.append(id);
        if (batch > 0 && uncommitted.size() < batch)
            continue;
        if (batch > 0) {
            if (auto committed = (*store)->commitBatch(); !committed) {
                std::fprintf(stderr, "commitBatch failed: %s\n", qPrintable(committed.error()));
                return 1;
            }
        }
        for (const QString &done : std::as_const(uncommitted))
            std::printf("committed %s\n", qPrintable(done));
        std::fflush(stdout);
        uncommitted.clear();
    }
    std::printf("done\n");
    std::fflush(stdout);
    return 0;
}
