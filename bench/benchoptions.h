#pragma once

// Everything caps-bench is told on its command line. The coordinator and its worker processes
// parse the same arguments; a worker also gets --worker-index.

#include <QHostAddress>
#include <QStringList>

struct BenchOptions
{
    QHostAddress host = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 3000;
    // Another hub's port for the drivers (hubs of one cluster, docs/scaling.md); 0: the same hub.
    quint16 driverPort = 0;
    QByteArray nsp = "/caps";

    int vendors = 10;
    int drivers = 10;
    int customers = 0;
    bool track = false; // customers emit `track` {customer} (a caps-hub extension)
    int idle = 0;
    int sources = 4; // idle connections come from 127.0.0.2 .. 127.0.0.(1+sources)

    double rate = 0; // aggregate orders/s; 0: as fast as the in-flight window allows
    int inflight = 200; // orders in flight at once, over all vendors
    double durationS = 10;
    double warmupS = 1;
    double drainS = 10;
    double holdS = 0; // connections kept open after the report, for looking at the hub meanwhile
    bool fanout = false; // per-order "all drivers received" times
    int connectConcurrency = 64; // handshakes in progress at once, per process
    int connectTimeoutS = 60;

    // --hub-pid, repeated or comma-separated: the hubs of one cluster count as one (their CPU,
    // memory and system calls summed).
    QList<qint64> hubPids;
    // --db-pid, the same for the database server's processes (PostgreSQL's postmaster and its
    // children): its CPU per order.
    QList<qint64> dbPids;
    int procs = 1;
    bool json = false;
    QString label;

    int workerIndex = -1; // >= 0 in a worker process

    // Parses `arguments` (argv including the program name); on error returns false with `error`
    // set. Handles --help/--version itself (exits).
    bool parse(const QStringList &arguments, QString *error);

    // This worker's share [begin, end) of `total` items.
    [[nodiscard]] std::pair<int, int> share(int total) const
    {
        const int i = std::max(workerIndex, 0);
        return {int(qint64(total) * i / procs), int(qint64(total) * (i + 1) / procs)};
    }
};
