#include "benchoptions.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QUrl>

bool BenchOptions::parse(const QStringList &arguments, QString *error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main",
        "Load generator for Socket.IO CAPS hubs: vendors emit pickup, one driver per order answers "
        "in-transit and delivered; measures orders/s, order lifecycle latency, lost orders, and the "
        "hub's CPU and memory (with --hub-pid)."));
    parser.addHelpOption();
    parser.addVersionOption();
    auto tr = [](const char *s) { return QCoreApplication::translate("main", s); };
    const QCommandLineOption urlOpt(QStringLiteral("url"),
                                    tr("Hub URL http://127.0.0.1:PORT/NAMESPACE (loopback only)."), tr("url"));
    const QCommandLineOption portOpt(QStringLiteral("port"), tr("Hub port on 127.0.0.1 (instead of --url)."),
                                     tr("port"));
    const QCommandLineOption driverPortOpt(
        QStringLiteral("driver-port"),
        tr("Port on 127.0.0.1 of another hub of the same cluster for the drivers (vendors and customers stay on "
           "--url/--port): every order crosses hubs."),
        tr("port"));
    const QCommandLineOption vendorsOpt(QStringLiteral("vendors"),
                                        tr("Vendors, each in its own store room (default 10)."), tr("n"));
    const QCommandLineOption driversOpt(QStringLiteral("drivers"),
                                        tr("Drivers; driver i answers orders whose hash % drivers == i (default 10)."),
                                        tr("n"));
    const QCommandLineOption customersOpt(QStringLiteral("customers"), tr("Customers that only listen (default 0)."),
                                          tr("n"));
    const QCommandLineOption trackOpt(QStringLiteral("track"),
                                      tr("Customers emit track {customer} (caps-hub extension)."));
    const QCommandLineOption idleOpt(QStringLiteral("idle"), tr("Idle connections opened before the run (default 0)."),
                                     tr("n"));
    const QCommandLineOption sourcesOpt(
        QStringLiteral("sources"), tr("Loopback source addresses for idle connections, 127.0.0.2 and up (default 4)."),
        tr("n"));
    const QCommandLineOption rateOpt(
        QStringLiteral("rate"), tr("Aggregate orders per second; 0 = as fast as the hub allows (default 0)."), tr("r"));
    const QCommandLineOption inflightOpt(QStringLiteral("inflight"),
                                         tr("Orders in flight at once over all vendors (default 200)."), tr("n"));
    const QCommandLineOption durationOpt(QStringLiteral("duration"),
                                         tr("Seconds of emitting, warm-up included (default 10)."), tr("s"));
    const QCommandLineOption warmupOpt(QStringLiteral("warmup"), tr("Seconds at the start not measured (default 1)."),
                                       tr("s"));
    const QCommandLineOption drainOpt(QStringLiteral("drain"),
                                      tr("Seconds to wait for orders in flight after emitting stops (default 10)."),
                                      tr("s"));
    const QCommandLineOption holdOpt(
        QStringLiteral("hold"),
        tr("Seconds to keep every connection open after the report, to inspect the hub (default 0)."), tr("s"));
    const QCommandLineOption fanoutOpt(QStringLiteral("fanout"),
                                       tr("Measure per order the time until every driver received the pickup."));
    const QCommandLineOption concurrencyOpt(QStringLiteral("connect-concurrency"),
                                            tr("Handshakes in progress at once per process (default 64)."), tr("n"));
    const QCommandLineOption connectTimeoutOpt(
        QStringLiteral("connect-timeout"), tr("Seconds allowed for all connections to open (default 60)."), tr("s"));
    const QCommandLineOption hubPidOpt(
        QStringLiteral("hub-pid"),
        tr("PID of the hub process, for its CPU time and memory; several (repeated or comma-separated) are summed."),
        tr("pid"));
    const QCommandLineOption dbPidOpt(
        QStringLiteral("db-pid"),
        tr("PIDs of the database server's processes (repeated or comma-separated), for their CPU time per order."),
        tr("pid"));
    const QCommandLineOption procsOpt(QStringLiteral("procs"),
                                      tr("Worker processes to spread connections over (default 1)."), tr("n"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), tr("Print the result as one JSON object."));
    const QCommandLineOption labelOpt(QStringLiteral("label"), tr("A name for this run, copied into the result."),
                                      tr("text"));
    QCommandLineOption workerOpt(QStringLiteral("worker-index"), tr("Internal: run as worker N."), tr("n"));
    workerOpt.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({urlOpt,    portOpt,  driverPortOpt, vendorsOpt, driversOpt,     customersOpt,
                       trackOpt,  idleOpt,  sourcesOpt,    rateOpt,    inflightOpt,    durationOpt,
                       warmupOpt, drainOpt, holdOpt,       fanoutOpt,  concurrencyOpt, connectTimeoutOpt,
                       hubPidOpt, dbPidOpt, procsOpt,      jsonOpt,    labelOpt,       workerOpt});
    parser.process(arguments);

    bool ok = true;
    auto intOf = [&](const QCommandLineOption &o, int fallback, int min, int max) {
        if (!parser.isSet(o))
            return fallback;
        bool good = false;
        const int v = parser.value(o).toInt(&good);
        if (!good || v < min || v > max) {
            *error = tr("--%1 wants a whole number from %2 to %3").arg(o.names().constFirst()).arg(min).arg(max);
            ok = false;
        }
        return v;
    };
    auto doubleOf = [&](const QCommandLineOption &o, double fallback, double min, double max) {
        if (!parser.isSet(o))
            return fallback;
        bool good = false;
        const double v = parser.value(o).toDouble(&good);
        if (!good || v < min || v > max) {
            *error = tr("--%1 wants a number from %2 to %3").arg(o.names().constFirst()).arg(min).arg(max);
            ok = false;
        }
        return v;
    };

    if (parser.isSet(urlOpt)) {
        const QUrl url(parser.value(urlOpt));
        host = QHostAddress(url.host() == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : url.host());
        port = quint16(url.port(80));
        nsp = url.path().isEmpty() ? QByteArray("/") : url.path().toUtf8();
    }
    port = quint16(intOf(portOpt, port, 1, 65535));
    if (parser.isSet(driverPortOpt))
        driverPort = quint16(intOf(driverPortOpt, 0, 1, 65535));
    if (host.isNull() || !host.isLoopback()) {
        *error = tr("the hub must be on a loopback address");
        return false;
    }
    vendors = intOf(vendorsOpt, vendors, 0, 100000);
    drivers = intOf(driversOpt, drivers, 0, 100000);
    customers = intOf(customersOpt, customers, 0, 100000);
    track = parser.isSet(trackOpt);
    idle = intOf(idleOpt, idle, 0, 200000);
    sources = intOf(sourcesOpt, sources, 1, 250);
    rate = doubleOf(rateOpt, rate, 0, 1e7);
    inflight = intOf(inflightOpt, inflight, 1, 10000000);
    durationS = doubleOf(durationOpt, durationS, 0, 3600);
    warmupS = doubleOf(warmupOpt, warmupS, 0, 3600);
    drainS = doubleOf(drainOpt, drainS, 0, 3600);
    holdS = doubleOf(holdOpt, holdS, 0, 3600);
    fanout = parser.isSet(fanoutOpt);
    connectConcurrency = intOf(concurrencyOpt, connectConcurrency, 1, 100000);
    connectTimeoutS = intOf(connectTimeoutOpt, connectTimeoutS, 1, 3600);
    const auto pidsOf = [&](const QCommandLineOption &o) {
        QList<qint64> pids;
        for (const QString &value : parser.values(o)) {
            for (const QString &word : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                bool good = false;
                const qint64 pid = word.trimmed().toLongLong(&good);
                if (!good || pid <= 0 || pid > std::numeric_limits<int>::max()) {
                    *error
                        = tr("--%1 wants process ids (whole numbers over 0), got %2").arg(o.names().constFirst(), word);
                    ok = false;
                } else {
                    pids.append(pid);
                }
            }
        }
        return pids;
    };
    hubPids = pidsOf(hubPidOpt);
    dbPids = pidsOf(dbPidOpt);
    procs = intOf(procsOpt, procs, 1, 64);
    json = parser.isSet(jsonOpt);
    label = parser.value(labelOpt);
    workerIndex = intOf(workerOpt, -1, 0, 63);
    if (ok && vendors > 0 && drivers == 0) {
        *error = tr("orders need at least one driver");
        ok = false;
    }
    if (ok && warmupS >= durationS && durationS > 0)
        warmupS = 0;
    return ok;
}
