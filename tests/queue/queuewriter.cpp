// Test helper: enqueues --count messages into --queue of the store at --db and prints
// "committed <id>" after each enqueue() has returned, i.e. after its commit. The crash test
// kills it with SIGKILL mid-stream; everything printed must be in the database afterwards.

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
    parser.addOption({QStringLiteral("queue"), QStringLiteral("Queue id."), QStringLiteral("id"), QStringLiteral("driver")});
    parser.addOption({QStringLiteral("count"), QStringLiteral("Messages to write."), QStringLiteral("n"), QStringLiteral("100")});
    parser.addOption({QStringLiteral("prefix"), QStringLiteral("Message id prefix."), QStringLiteral("text"), QStringLiteral("m")});
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
    for (qint64 i = 0; i < count; ++i) {
        const QString id = QStringLiteral("%1-%2").arg(prefix).arg(i, 6, 10, QLatin1Char('0'));
        const QJsonObject payload{{QStringLiteral("store"), QStringLiteral("1-206-flowers")},
                                  {QStringLiteral("orderID"), id},
                                  {QStringLiteral("n"), double(i)}};
        auto outcome = (*store)->enqueue(queue, QStringLiteral("pickup"), id, payload);
        if (!outcome) {
            std::fprintf(stderr, "enqueue failed: %s\n", qPrintable(outcome.error()));
            return 1;
        }
        std::printf("committed %s\n", qPrintable(id));
        std::fflush(stdout);
    }
    std::printf("done\n");
    std::fflush(stdout);
    return 0;
}
