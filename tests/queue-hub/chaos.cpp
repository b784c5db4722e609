// caps-chaos: thousands of orders through a caps-hub that is killed (SIGKILL) and restarted,
// with clients dropping their connections at random. Prints the summary; exit 0 only if every
// order reached its vendor exactly once. Run through scripts/chaos-run.

#include "chaosrun.h"
#include "hubprocess.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTemporaryDir>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Code Academy"));
    QCoreApplication::setApplicationName(QStringLiteral("caps-chaos"));
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1.0"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Orders through a hub that keeps crashing: nothing may be lost."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption hubOption(QStringLiteral("hub"), QCoreApplication::translate("main", "caps-hub program."),
                                       QStringLiteral("path"));
    const QCommandLineOption ordersOption(QStringLiteral("orders"),
                                          QCoreApplication::translate("main", "Orders to place (default 2000)."),
                                          QStringLiteral("n"), QStringLiteral("2000"));
    const QCommandLineOption killsOption(QStringLiteral("kills"),
                                         QCoreApplication::translate("main", "Times the hub is killed (default 5)."),
                                         QStringLiteral("n"), QStringLiteral("5"));
    const QCommandLineOption vendorsOption(QStringLiteral("vendors"),
                                           QCoreApplication::translate("main", "Vendors (default 3)."),
                                           QStringLiteral("n"), QStringLiteral("3"));
    const QCommandLineOption driversOption(QStringLiteral("drivers"),
                                           QCoreApplication::translate("main", "Drivers (default 2)."),
                                           QStringLiteral("n"), QStringLiteral("2"));
    const QCommandLineOption dropOption(
        QStringLiteral("drop-ms"),
        QCoreApplication::translate("main", "Mean ms between random client disconnections (default 100; 0: none)."),
        QStringLiteral("ms"), QStringLiteral("100"));
    const QCommandLineOption seedOption(QStringLiteral("seed"),
                                        QCoreApplication::translate("main", "Random seed (default 1)."),
                                        QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption dbOption(
        QStringLiteral("db"), QCoreApplication::translate("main", "Queue database (default: a new temporary file)."),
        QStringLiteral("path"));
    const QCommandLineOption timeoutOption(
        QStringLiteral("timeout"),
        QCoreApplication::translate("main", "Give up after this many seconds (default 600)."), QStringLiteral("s"),
        QStringLiteral("600"));
    parser.addOptions({hubOption, ordersOption, killsOption, vendorsOption, driversOption, dropOption, seedOption,
                       dbOption, timeoutOption});
    parser.process(app);

    ChaosRun::Options options;
    bool ok = true;
    const auto number = [&](const QCommandLineOption &option, int min) {
        bool good = false;
        const int value = parser.value(option).toInt(&good);
        if (!good || value < min) {
            std::fprintf(stderr, "caps-chaos: invalid --%s: %s\n", qPrintable(option.names().constFirst()),
                         qPrintable(parser.value(option)));
            ok = false;
        }
        return value;
    };
    options.orders = number(ordersOption, 1);
    options.hubKills = number(killsOption, 0);
    options.vendors = number(vendorsOption, 1);
    options.drivers = number(driversOption, 1);
    options.clientDropMs = number(dropOption, 0);
    options.seed = quint32(number(seedOption, 0));
    options.timeoutMs = number(timeoutOption, 1) * 1000;
    if (!ok)
        return 2;
    options.hubProgram = parser.isSet(hubOption) ? parser.value(hubOption) : HubProcess::defaultProgram();
    QTemporaryDir dir;
    options.dbPath
        = parser.isSet(dbOption) ? parser.value(dbOption) : dir.filePath(QStringLiteral("chaos-queue.sqlite"));

    ChaosRun chaos(options);
    const ChaosRun::Summary summary = chaos.run();
    std::printf("%s\n", qPrintable(summary.text()));
    return summary.ok() ? 0 : 1;
}
