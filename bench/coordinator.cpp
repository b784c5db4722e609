#include "coordinator.h"

#include "latencyhistogram.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>

Coordinator::Coordinator(const BenchOptions &options, const QStringList &arguments, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_arguments(arguments)
{
    m_deadline = new QTimer(this);
    m_deadline->setSingleShot(true);
    connect(m_deadline, &QTimer::timeout, this, [this] { fail(tr("a phase took too long")); });
}

void Coordinator::start()
{
    m_hubAtStart = ProcStats::read(m_options.hubPids);
    m_dbAtStart = ProcStats::read(m_options.dbPids);
    if ((!m_options.hubPids.isEmpty() && !m_hubAtStart.valid) || (!m_options.dbPids.isEmpty() && !m_dbAtStart.valid)) {
        fail(tr("cannot read /proc of every --hub-pid and --db-pid"));
        return;
    }
    QStringList args = m_arguments.mid(1);
    for (int i = 0; i < m_options.procs; ++i) {
        auto *process = new QProcess(this);
        process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process->setReadChannel(QProcess::StandardOutput);
        connect(process, &QProcess::readyReadStandardOutput, this, [this, i] { workerOutput(i); });
        connect(process, &QProcess::finished, this, [this, i](int code, QProcess::ExitStatus status) {
            ++m_exited;
            if ((status != QProcess::NormalExit || code != 0) && m_phase != Phase::Done)
                fail(tr("worker %1 exited with %2").arg(i).arg(code));
            finishIfAllExited();
        });
        connect(process, &QProcess::errorOccurred, this, [this, i](QProcess::ProcessError error) {
            // A worker that never started will never report `finished`.
            if (error != QProcess::FailedToStart)
                return;
            ++m_exited;
            fail(tr("worker %1 failed to start").arg(i));
            finishIfAllExited();
        });
        m_workers.append(process);
        m_buffers.append(QByteArray());
        process->start(QCoreApplication::applicationFilePath(),
                       args + QStringList{QStringLiteral("--worker-index"), QString::number(i)});
    }
    m_deadline->start((m_options.connectTimeoutS + 30) * 1000);
}

void Coordinator::workerOutput(int index)
{
    QProcess *process = m_workers.at(index);
    m_buffers[index] += process->readAllStandardOutput();
    qsizetype newline;
    while ((newline = m_buffers[index].indexOf('\n')) >= 0) {
        const QByteArray line = m_buffers[index].left(newline);
        m_buffers[index].remove(0, newline + 1);
        workerLine(index, line);
    }
}

void Coordinator::workerLine(int index, const QByteArray &line)
{
    Q_UNUSED(index)
    const qsizetype space = line.indexOf(' ');
    const QByteArray word = space < 0 ? line : line.left(space);
    const QJsonObject body = space < 0 ? QJsonObject() : QJsonDocument::fromJson(line.mid(space + 1)).object();
    if (word == "READY" && m_phase == Phase::Connecting) {
        m_ready.append(body);
        if (m_ready.size() == m_workers.size())
            allReady();
    } else if (word == "IDLED" && m_phase == Phase::Idling) {
        m_idled.append(body);
        if (m_idled.size() == m_workers.size())
            allIdled();
    } else if (word == "DRAINED" && m_phase == Phase::Running) {
        if (++m_drained == m_workers.size()) {
            // Pickups may still be on their way to drivers when the last delivered arrives.
            QTimer::singleShot(500, this, [this] {
                for (QProcess *p : std::as_const(m_workers))
                    p->write("REPORT\n");
            });
        }
    } else if (word == "RESULT" && m_phase == Phase::Running) {
        m_results.append(body);
        if (m_results.size() == m_workers.size())
            allResults();
    }
}

void Coordinator::allReady()
{
    m_hubBeforeIdle = ProcStats::read(m_options.hubPids);
    m_phase = Phase::Idling;
    m_deadline->start((m_options.connectTimeoutS + 30) * 1000);
    for (QProcess *p : std::as_const(m_workers))
        p->write("IDLE\n");
}

void Coordinator::allIdled()
{
    // Let the hub finish what the last handshakes started before its memory is read.
    QTimer::singleShot(m_options.idle > 0 ? 1000 : 0, this, [this] {
        m_hubAfterIdle = ProcStats::read(m_options.hubPids);
        m_phase = Phase::Running;
        m_deadline->start(int((m_options.durationS + m_options.drainS + 60) * 1000));
        m_hubAtMeasure = ProcStats::read(m_options.hubPids);
        m_dbAtMeasure = ProcStats::read(m_options.dbPids);
        // One start time for every worker (CLOCK_MONOTONIC is system-wide), so that all of them
        // draw the warm-up line at the same instant.
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        const QByteArray go = "GO " + QByteArray::number(qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec) + '\n';
        for (QProcess *p : std::as_const(m_workers))
            p->write(go);
        if (m_options.warmupS > 0 && m_options.warmupS < m_options.durationS) {
            QTimer::singleShot(int(m_options.warmupS * 1000), this, [this] {
                if (m_phase == Phase::Running) {
                    m_hubAtMeasure = ProcStats::read(m_options.hubPids);
                    m_dbAtMeasure = ProcStats::read(m_options.dbPids);
                }
            });
        }
    });
}

void Coordinator::allResults()
{
    m_hubAtEnd = ProcStats::read(m_options.hubPids);
    m_dbAtEnd = ProcStats::read(m_options.dbPids);
    m_deadline->stop();
    const QJsonObject result = merge();
    if (m_options.json) {
        const QByteArray text = QJsonDocument(result).toJson(QJsonDocument::Compact);
        std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
        std::fputc('\n', stdout);
    } else {
        printTable(result);
    }
    std::fflush(stdout);
    const bool clean = result.value(QStringLiteral("lost")).toInteger() == 0
        && result.value(QStringLiteral("errorCount")).toInteger() == 0;
    m_failed = m_failed || !clean;
    if (m_options.holdS > 0) {
        // The report is out; the hub still holds every connection (--hold), for a profiler or
        // a memory snapshot.
        m_deadline->stop();
        QTimer::singleShot(int(m_options.holdS * 1000), this, &Coordinator::quitWorkers);
        return;
    }
    quitWorkers();
}

void Coordinator::quitWorkers()
{
    m_phase = Phase::Done;
    m_deadline->stop();
    for (QProcess *p : std::as_const(m_workers)) {
        if (p->state() != QProcess::NotRunning) {
            p->write("QUIT\n");
            p->closeWriteChannel();
        }
    }
    // Workers that do not leave within 10 s are killed.
    QTimer::singleShot(10000, this, [this] {
        for (QProcess *p : std::as_const(m_workers)) {
            if (p->state() != QProcess::NotRunning)
                p->kill();
        }
    });
    finishIfAllExited();
}

void Coordinator::finishIfAllExited()
{
    if (m_phase == Phase::Done && m_exited == m_workers.size() && !m_finishedEmitted) {
        m_finishedEmitted = true;
        Q_EMIT finished(m_failed ? 1 : 0);
    }
}

void Coordinator::fail(const QString &message)
{
    if (m_phase == Phase::Done)
        return;
    QTextStream(stderr) << "caps-bench: " << message << Qt::endl;
    m_failed = true;
    quitWorkers();
}

QJsonObject Coordinator::merge() const
{
    LatencyHistogram lifecycle;
    LatencyHistogram pickup;
    QHash<QString, QPair<qint64, qint64>> fanout;
    QJsonObject errors;
    QJsonArray samples;
    constexpr int kSummed = 12;
    qint64 sums[kSummed] = {};
    const char *summed[kSummed]
        = {"vendorsReady", "driversReady", "customersReady",    "idleReady", "emitted",  "emittedMeasured",
           "skipped",      "completed",    "completedMeasured", "lost",      "answered", "late"};
    qint64 measureStart = std::numeric_limits<qint64>::max();
    qint64 lastDelivered = 0;
    double benchCpu = 0;
    double activeConnectMs = 0;
    double idleConnectMs = 0;
    qint64 customerEvents = 0;
    qint64 pickupsReceived = 0;
    for (const QJsonObject &r : m_results) {
        for (int i = 0; i < kSummed; ++i)
            sums[i] += r.value(QLatin1String(summed[i])).toInteger();
        lifecycle.merge(LatencyHistogram::fromJson(r.value(QStringLiteral("lifecycle")).toArray()));
        pickup.merge(LatencyHistogram::fromJson(r.value(QStringLiteral("pickup")).toArray()));
        const QJsonObject f = r.value(QStringLiteral("fanout")).toObject();
        for (auto it = f.begin(); it != f.end(); ++it) {
            auto &entry = fanout[it.key()];
            entry.first += it.value().toArray().at(0).toInteger();
            entry.second = std::max(entry.second, it.value().toArray().at(1).toInteger());
        }
        const QJsonObject e = r.value(QStringLiteral("errors")).toObject();
        for (auto it = e.begin(); it != e.end(); ++it)
            errors.insert(it.key(), errors.value(it.key()).toInteger() + it.value().toInteger());
        for (const auto &s : r.value(QStringLiteral("errorSamples")).toArray())
            samples.append(s);
        if (r.value(QStringLiteral("emittedMeasured")).toInteger() > 0
            || r.value(QStringLiteral("completedMeasured")).toInteger() > 0)
            measureStart = std::min(measureStart, r.value(QStringLiteral("measureStartNs")).toInteger());
        lastDelivered = std::max(lastDelivered, r.value(QStringLiteral("lastDeliveredNs")).toInteger());
        benchCpu += r.value(QStringLiteral("benchCpuMeasuredS")).toDouble();
        activeConnectMs = std::max(activeConnectMs, r.value(QStringLiteral("activeConnectMs")).toDouble());
        idleConnectMs = std::max(idleConnectMs, r.value(QStringLiteral("idleConnectMs")).toDouble());
        customerEvents += r.value(QStringLiteral("customerEvents")).toInteger();
        pickupsReceived += r.value(QStringLiteral("pickupsReceived")).toInteger();
    }
    qint64 errorCount = 0;
    for (auto it = errors.begin(); it != errors.end(); ++it)
        errorCount += it.value().toInteger();

    QJsonObject out;
    if (!m_options.label.isEmpty())
        out.insert(QStringLiteral("label"), m_options.label);
    out.insert(QStringLiteral("procs"), m_options.procs);
    out.insert(QStringLiteral("vendors"), m_options.vendors);
    out.insert(QStringLiteral("drivers"), m_options.drivers);
    out.insert(QStringLiteral("customers"), m_options.customers);
    out.insert(QStringLiteral("idle"), m_options.idle);
    out.insert(QStringLiteral("rate"), m_options.rate);
    out.insert(QStringLiteral("inflight"), m_options.inflight);
    out.insert(QStringLiteral("durationS"), m_options.durationS);
    out.insert(QStringLiteral("warmupS"), m_options.warmupS);
    for (int i = 0; i < kSummed; ++i)
        out.insert(QLatin1String(summed[i]), sums[i]);
    const qint64 completedMeasured = sums[8];
    const double window = (lastDelivered > measureStart && measureStart != std::numeric_limits<qint64>::max())
        ? double(lastDelivered - measureStart) / 1e9
        : 0;
    out.insert(QStringLiteral("measuredS"), window);
    out.insert(QStringLiteral("ordersPerS"), window > 0 ? double(completedMeasured) / window : 0.0);
    auto ms = [](double micros) { return micros / 1000.0; };
    out.insert(QStringLiteral("latencyCount"), qint64(lifecycle.count()));
    out.insert(QStringLiteral("latencyP50Ms"), ms(lifecycle.percentile(0.50)));
    out.insert(QStringLiteral("latencyP99Ms"), ms(lifecycle.percentile(0.99)));
    out.insert(QStringLiteral("latencyP999Ms"), ms(lifecycle.percentile(0.999)));
    out.insert(QStringLiteral("latencyMaxMs"), ms(double(lifecycle.max())));
    out.insert(QStringLiteral("pickupsReceived"), pickupsReceived);
    out.insert(QStringLiteral("pickupP50Ms"), ms(pickup.percentile(0.50)));
    out.insert(QStringLiteral("pickupP99Ms"), ms(pickup.percentile(0.99)));
    out.insert(QStringLiteral("pickupMaxMs"), ms(double(pickup.max())));
    if (m_options.fanout) {
        LatencyHistogram all;
        qint64 incomplete = 0;
        for (const auto &[drivers, latency] : std::as_const(fanout)) {
            all.record(latency);
            if (drivers != m_options.drivers)
                ++incomplete;
        }
        out.insert(QStringLiteral("fanoutOrders"), qint64(fanout.size()));
        out.insert(QStringLiteral("fanoutIncomplete"), incomplete);
        out.insert(QStringLiteral("fanoutAllP50Ms"), ms(all.percentile(0.50)));
        out.insert(QStringLiteral("fanoutAllMaxMs"), ms(double(all.max())));
        if (incomplete > 0)
            errors.insert(QStringLiteral("fanout-incomplete"), incomplete);
        errorCount += incomplete;
    }
    out.insert(QStringLiteral("customerEvents"), customerEvents);
    out.insert(QStringLiteral("activeConnectMs"), activeConnectMs);
    out.insert(QStringLiteral("idleConnectMs"), idleConnectMs);
    out.insert(QStringLiteral("benchCpuS"), benchCpu);
    out.insert(QStringLiteral("errors"), errors);
    out.insert(QStringLiteral("errorCount"), errorCount);
    out.insert(QStringLiteral("errorSamples"), samples);
    if (!m_options.dbPids.isEmpty()) {
        // The server's short-lived workers (autovacuum, ...) count once the postmaster reaped them.
        const double dbCpu = m_dbAtEnd.cpuSeconds + m_dbAtEnd.reapedChildrenCpuSeconds - m_dbAtMeasure.cpuSeconds
            - m_dbAtMeasure.reapedChildrenCpuSeconds;
        out.insert(QStringLiteral("dbCpuS"), dbCpu);
        out.insert(QStringLiteral("dbCpuUsPerOrder"),
                   completedMeasured > 0 ? dbCpu * 1e6 / double(completedMeasured) : 0.0);
    }
    if (!m_options.hubPids.isEmpty()) {
        const double hubCpu = m_hubAtEnd.cpuSeconds - m_hubAtMeasure.cpuSeconds;
        out.insert(QStringLiteral("hubPid"), m_options.hubPids.constFirst());
        QJsonArray pids;
        for (const qint64 pid : m_options.hubPids)
            pids.append(pid);
        out.insert(QStringLiteral("hubPids"), pids);
        out.insert(QStringLiteral("hubCpuS"), hubCpu);
        out.insert(QStringLiteral("hubCpuUsPerOrder"),
                   completedMeasured > 0 ? hubCpu * 1e6 / double(completedMeasured) : 0.0);
        out.insert(QStringLiteral("hubPeakRssKb"), m_hubAtEnd.peakRssKb);
        const double orders = double(std::max<qint64>(completedMeasured, 1));
        out.insert(QStringLiteral("hubWakeupsPerOrder"),
                   double(m_hubAtEnd.contextSwitches - m_hubAtMeasure.contextSwitches) / orders);
        out.insert(QStringLiteral("hubReadCallsPerOrder"),
                   double(m_hubAtEnd.readCalls - m_hubAtMeasure.readCalls) / orders);
        out.insert(QStringLiteral("hubWriteCallsPerOrder"),
                   double(m_hubAtEnd.writeCalls - m_hubAtMeasure.writeCalls) / orders);
        out.insert(QStringLiteral("hubRssBeforeIdleKb"), m_hubBeforeIdle.rssKb);
        out.insert(QStringLiteral("hubRssAfterIdleKb"), m_hubAfterIdle.rssKb);
        out.insert(QStringLiteral("hubIdleCpuS"), m_hubAfterIdle.cpuSeconds - m_hubBeforeIdle.cpuSeconds);
        const qint64 idleReady = sums[3];
        out.insert(QStringLiteral("hubBytesPerIdleConnection"),
                   idleReady > 0 ? double(m_hubAfterIdle.rssKb - m_hubBeforeIdle.rssKb) * 1024.0 / double(idleReady)
                                 : 0.0);
        // After the run and its drain, with every connection still open: what the traffic left
        // behind, per idle connection (it includes whatever the hub keeps of the orders).
        out.insert(QStringLiteral("hubRssAtEndKb"), m_hubAtEnd.rssKb);
        out.insert(QStringLiteral("hubBytesPerIdleConnectionAfterRun"),
                   idleReady > 0 ? double(m_hubAtEnd.rssKb - m_hubBeforeIdle.rssKb) * 1024.0 / double(idleReady) : 0.0);
    }
    const qint64 lost = sums[9];
    out.insert(QStringLiteral("ok"), lost == 0 && errorCount == 0);
    return out;
}

void Coordinator::printTable(const QJsonObject &r) const
{
    QTextStream out(stdout);
    auto row = [&out](const QString &name, const QString &value) {
        out << qSetFieldWidth(40) << Qt::left << name << qSetFieldWidth(0) << value << '\n';
    };
    auto num = [&r](const char *key, int decimals = 0) {
        return QString::number(r.value(QLatin1String(key)).toDouble(), 'f', decimals);
    };
    out << tr("caps-bench: %1 vendors, %2 drivers, %3 customers, %4 idle; %5 process(es)")
               .arg(m_options.vendors)
               .arg(m_options.drivers)
               .arg(m_options.customers)
               .arg(m_options.idle)
               .arg(m_options.procs)
        << '\n';
    row(tr("orders emitted / completed"), num("emitted") + QLatin1String(" / ") + num("completed"));
    row(tr("lost orders"), num("lost"));
    row(tr("errors"),
        num("errorCount") + QLatin1Char(' ')
            + QString::fromUtf8(
                QJsonDocument(r.value(QStringLiteral("errors")).toObject()).toJson(QJsonDocument::Compact)));
    for (const auto &sample : r.value(QStringLiteral("errorSamples")).toArray())
        row(QString(), sample.toString());
    if (r.value(QStringLiteral("skipped")).toInteger() > 0)
        row(tr("orders skipped (window full)"), num("skipped"));
    row(tr("completed orders/s"), num("ordersPerS", 1));
    row(tr("lifecycle latency p50/p99/p99.9/max"),
        tr("%1 / %2 / %3 / %4 ms")
            .arg(num("latencyP50Ms", 3), num("latencyP99Ms", 3), num("latencyP999Ms", 3), num("latencyMaxMs", 3)));
    row(tr("pickup latency per driver p50/p99/max"),
        tr("%1 / %2 / %3 ms").arg(num("pickupP50Ms", 3), num("pickupP99Ms", 3), num("pickupMaxMs", 3)));
    if (m_options.fanout) {
        row(tr("fan-out: all drivers received p50/max"),
            tr("%1 / %2 ms (%3 orders, %4 incomplete)")
                .arg(num("fanoutAllP50Ms", 3), num("fanoutAllMaxMs", 3), num("fanoutOrders"), num("fanoutIncomplete")));
    }
    row(tr("connect time active / idle"), tr("%1 / %2 ms").arg(num("activeConnectMs", 1), num("idleConnectMs", 1)));
    if (m_options.idle > 0)
        row(tr("idle connections held"), num("idleReady"));
    row(tr("bench CPU (measured part)"), num("benchCpuS", 2) + QLatin1String(" s"));
    if (!m_options.dbPids.isEmpty())
        row(tr("database CPU per order"), num("dbCpuUsPerOrder", 1) + QLatin1String(" us"));
    if (!m_options.hubPids.isEmpty()) {
        row(tr("hub CPU (measured part)"), num("hubCpuS", 2) + QLatin1String(" s"));
        row(tr("hub CPU per order"), num("hubCpuUsPerOrder", 1) + QLatin1String(" us"));
        row(tr("hub per order: wake-ups, reads, writes"),
            tr("%1, %2, %3")
                .arg(num("hubWakeupsPerOrder", 1), num("hubReadCallsPerOrder", 1), num("hubWriteCallsPerOrder", 1)));
        row(tr("hub peak RSS"),
            QString::number(r.value(QStringLiteral("hubPeakRssKb")).toDouble() / 1024, 'f', 1) + QLatin1String(" MiB"));
        if (m_options.idle > 0) {
            row(tr("hub RSS before / after idle"),
                tr("%1 / %2 MiB")
                    .arg(r.value(QStringLiteral("hubRssBeforeIdleKb")).toDouble() / 1024, 0, 'f', 1)
                    .arg(r.value(QStringLiteral("hubRssAfterIdleKb")).toDouble() / 1024, 0, 'f', 1));
            row(tr("hub memory per idle connection"), num("hubBytesPerIdleConnection") + QLatin1String(" B"));
            row(tr("hub CPU to accept the idle ones"), num("hubIdleCpuS", 2) + QLatin1String(" s"));
        }
    }
    out << (r.value(QStringLiteral("ok")).toBool() ? tr("OK: no lost orders, no errors")
                                                   : tr("FAILED: lost orders or errors"))
        << '\n';
}
