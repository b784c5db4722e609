// caps-chaos: thousands of orders through a caps-hub that is killed (SIGKILL) and restarted,
// with clients dropping their connections at random; with --cluster, through three hubs on one
// PostgreSQL behind HAProxy, one of them killed each time. Prints the summary; exit 0 only if every
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
    const QCommandLineOption deliverOption(
        QStringLiteral("deliver-ms"),
        QCoreApplication::translate("main", "Ms a driver holds an order between in-transit and delivered (default 0)."),
        QStringLiteral("ms"), QStringLiteral("0"));
    const QCommandLineOption clusterOption(
        QStringLiteral("cluster"),
        QCoreApplication::translate("main",
                                    "Three hubs on one private PostgreSQL behind HAProxy, Qt agents and lab-style "
                                    "Node clients spread over them; a hub chosen at random is killed each time."));
    const QCommandLineOption downOption(
        QStringLiteral("down-ms"),
        QCoreApplication::translate("main", "With --cluster: ms a killed hub stays down (default 3000)."),
        QStringLiteral("ms"), QStringLiteral("3000"));
    const QCommandLineOption haproxyOption(QStringLiteral("haproxy-config"),
                                           QCoreApplication::translate("main",
                                                                       "With --cluster: HAProxy configuration (default "
                                                                       "$CAPS_SOURCE_DIR/resources/haproxy/caps.cfg)."),
                                           QStringLiteral("path"));
    const QCommandLineOption peerOption(QStringLiteral("peer-script"),
                                        QCoreApplication::translate("main",
                                                                    "With --cluster: the lab-style client (default "
                                                                    "$CAPS_SOURCE_DIR/tests/interop/chaos-peer.js)."),
                                        QStringLiteral("path"));
    const QCommandLineOption labVendorsOption(
        QStringLiteral("lab-vendors"),
        QCoreApplication::translate("main", "With --cluster: lab-style vendors, through HAProxy (default 1)."),
        QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption labDriversOption(
        QStringLiteral("lab-drivers"),
        QCoreApplication::translate("main", "With --cluster: lab-style drivers, straight to hubs (default 1)."),
        QStringLiteral("n"), QStringLiteral("1"));
    parser.addOptions({hubOption, ordersOption, killsOption, vendorsOption, driversOption, dropOption, seedOption,
                       dbOption, timeoutOption, deliverOption, clusterOption, downOption, haproxyOption, peerOption,
                       labVendorsOption, labDriversOption});
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
    options.deliverDelayMs = number(deliverOption, 0);
    options.cluster = parser.isSet(clusterOption);
    options.downMs = number(downOption, 0);
    options.labVendors = number(labVendorsOption, 0);
    options.labDrivers = number(labDriversOption, 0);
    if (!ok)
        return 2;
    options.hubProgram = parser.isSet(hubOption) ? parser.value(hubOption) : HubProcess::defaultProgram();
    QTemporaryDir dir;
    options.dbPath
        = parser.isSet(dbOption) ? parser.value(dbOption) : dir.filePath(QStringLiteral("chaos-queue.sqlite"));

    const QString source = qEnvironmentVariable("CAPS_SOURCE_DIR");
    options.haproxyConfig = parser.isSet(haproxyOption) ? parser.value(haproxyOption)
                                                        : source + QStringLiteral("/resources/haproxy/caps.cfg");
    options.peerScript
        = parser.isSet(peerOption) ? parser.value(peerOption) : source + QStringLiteral("/tests/interop/chaos-peer.js");
    if (options.cluster && parser.isSet(dbOption)) {
        std::fprintf(stderr, "caps-chaos: --cluster makes its own PostgreSQL; --db is for one hub\n");
        return 2;
    }

    ChaosRun chaos(options);
    const ChaosRun::Summary summary = chaos.run();
    std::printf("%s\n", qPrintable(summary.text()));
    return summary.ok() ? 0 : 1;
}
