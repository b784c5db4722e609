#include "worker.h"

#include "procstats.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSocketNotifier>
#include <QTimer>

#include <cstdio>
#include <ctime>

#include <unistd.h>

namespace {

qint64 nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// FNV-1a: which driver answers an order must not depend on which process or hub is used.
quint32 hashOf(QByteArrayView bytes)
{
    quint32 h = 2166136261u;
    for (char c : bytes) {
        h ^= quint8(c);
        h *= 16777619u;
    }
    return h;
}

QByteArrayView orderIdOf(QByteArrayView payload)
{
    static constexpr QByteArrayView key = "\"orderID\":\"";
    const qsizetype at = payload.indexOf(key);
    if (at < 0)
        return {};
    const qsizetype start = at + key.size();
    const qsizetype end = payload.indexOf('"', start);
    return end < 0 ? QByteArrayView() : payload.sliced(start, end - start);
}

// orderID is "<vendor>-<seq>-<emit ns>".
bool parseOrderId(QByteArrayView id, qint64 *vendor, qint64 *seq, qint64 *ns)
{
    qint64 parts[3] = {0, 0, 0};
    int part = 0;
    bool digits = false;
    for (char c : id) {
        if (c == '-') {
            if (!digits || ++part > 2)
                return false;
            digits = false;
        } else if (c >= '0' && c <= '9') {
            parts[part] = parts[part] * 10 + (c - '0');
            digits = true;
        } else {
            return false;
        }
    }
    if (part != 2 || !digits)
        return false;
    *vendor = parts[0];
    *seq = parts[1];
    *ns = parts[2];
    return true;
}

} // namespace

Worker::Worker(const BenchOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    m_ticker = new QTimer(this);
    m_ticker->setTimerType(Qt::PreciseTimer);
    m_loop = new EpollLoop(this);
    connect(m_ticker, &QTimer::timeout, this, &Worker::tick);
    m_phaseTimer = new QTimer(this);
    m_phaseTimer->setSingleShot(true);
}

Worker::~Worker() = default;

void Worker::say(const QByteArray &line)
{
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void Worker::error(const QString &kind)
{
    ++m_errors[kind];
}

void Worker::start()
{
    m_stdin = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_stdin, &QSocketNotifier::activated, this, &Worker::readCommands);

    const auto [v0, v1] = m_options.share(m_options.vendors);
    const auto [d0, d1] = m_options.share(m_options.drivers);
    const auto [c0, c1] = m_options.share(m_options.customers);
    for (int v = v0; v < v1; ++v) {
        Vendor vendor;
        vendor.global = v;
        vendor.slot = int(m_slots.size());
        vendor.store = "store-" + QByteArray::number(v);
        m_slots.push_back({Role::Vendor, int(m_vendors.size())});
        m_vendors.push_back(std::move(vendor));
    }
    for (int d = d0; d < d1; ++d) {
        m_drivers.push_back({d, int(m_slots.size())});
        m_slots.push_back({Role::Driver, int(m_drivers.size()) - 1});
    }
    for (int c = c0; c < c1; ++c)
        m_slots.push_back({Role::Customer, c});
    for (int i = 0; i < int(m_slots.size()); ++i)
        m_toOpen.push_back(i);
    m_window = std::max(1, (m_options.inflight + std::max(m_options.vendors, 1) - 1) / std::max(m_options.vendors, 1));

    m_phase = Phase::ConnectingActive;
    m_phaseStartNs = nowNs();
    m_phaseTimer->callOnTimeout(this, [this] {
        if (m_phase == Phase::ConnectingActive || m_phase == Phase::ConnectingIdle) {
            error(QStringLiteral("connect-timeout"));
            m_openFailed += int(m_toOpen.size()) + m_opening;
            m_toOpen.clear();
            m_opening = 0;
            phaseConnected();
        } else if (m_phase == Phase::Draining) {
            drained();
        }
    });
    m_phaseTimer->start(m_options.connectTimeoutS * 1000);
    openNext();
    if (m_toOpen.empty() && m_opening == 0)
        QTimer::singleShot(0, this, &Worker::phaseConnected);
}

void Worker::openNext()
{
    while (m_opening < m_options.connectConcurrency && !m_toOpen.empty()) {
        const int index = m_toOpen.front();
        m_toOpen.pop_front();
        Slot &slot = m_slots[size_t(index)];
        slot.connection = new WsConnection(this, m_loop, index, this);
        QHostAddress source;
        if (slot.role == Role::Idle)
            source = QHostAddress(quint32(0x7f000002u + quint32(index % m_options.sources)));
        ++m_opening;
        const quint16 port
            = slot.role == Role::Driver && m_options.driverPort != 0 ? m_options.driverPort : m_options.port;
        slot.connection->open(m_options.host, port, m_options.nsp, source);
    }
}

void Worker::connectionReady(WsConnection *connection)
{
    Slot &slot = m_slots[size_t(connection->index())];
    slot.everReady = true;
    if (slot.role == Role::Vendor) {
        connection->emitEvent("join", '"' + m_vendors[size_t(slot.local)].store + '"');
    } else if (slot.role == Role::Customer && m_options.track) {
        connection->emitEvent("track", "{\"customer\":\"customer-" + QByteArray::number(slot.local) + "\"}");
    }
    --m_opening;
    ++m_openedOk;
    openNext();
    if (m_toOpen.empty() && m_opening == 0)
        phaseConnected();
}

void Worker::connectionLost(WsConnection *connection, const QString &reason)
{
    Slot &slot = m_slots[size_t(connection->index())];
    if (!slot.everReady) {
        --m_opening;
        ++m_openFailed;
        error(QStringLiteral("connect-failed"));
        if (m_errorSamples.size() < 5)
            m_errorSamples.append(reason);
        openNext();
        if ((m_phase == Phase::ConnectingActive || m_phase == Phase::ConnectingIdle) && m_toOpen.empty()
            && m_opening == 0)
            phaseConnected();
        return;
    }
    if (m_phase == Phase::Done)
        return;
    error(QStringLiteral("disconnected"));
    if (m_errorSamples.size() < 5)
        m_errorSamples.append(QStringLiteral("disconnect: ") + reason);
}

void Worker::phaseConnected()
{
    const qint64 elapsed = nowNs() - m_phaseStartNs;
    m_phaseTimer->stop();
    QJsonObject o{{QStringLiteral("ok"), m_openedOk},
                  {QStringLiteral("failed"), m_openFailed},
                  {QStringLiteral("ms"), double(elapsed) / 1e6}};
    const QByteArray json = QJsonDocument(o).toJson(QJsonDocument::Compact);
    if (m_phase == Phase::ConnectingActive) {
        m_activeConnectNs = elapsed;
        m_phase = Phase::Ready;
        say("READY " + json);
    } else if (m_phase == Phase::ConnectingIdle) {
        m_idleConnectNs = elapsed;
        m_phase = Phase::Idled;
        say("IDLED " + json);
    }
}

void Worker::readCommands()
{
    char buffer[256];
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n <= 0) {
        // The coordinator is gone: nothing left to report to.
        m_stdin->setEnabled(false);
        QCoreApplication::exit(2);
        return;
    }
    m_stdinBuffer.append(buffer, n);
    qsizetype newline;
    while ((newline = m_stdinBuffer.indexOf('\n')) >= 0) {
        const QByteArray line = m_stdinBuffer.left(newline).trimmed();
        m_stdinBuffer.remove(0, newline + 1);
        command(line);
    }
}

void Worker::command(const QByteArray &line)
{
    if (line == "IDLE" && m_phase == Phase::Ready) {
        const auto [k0, k1] = m_options.share(m_options.idle);
        m_openedOk = 0;
        m_openFailed = 0;
        for (int k = k0; k < k1; ++k) {
            m_toOpen.push_back(int(m_slots.size()));
            m_slots.push_back({Role::Idle, -1});
        }
        m_phase = Phase::ConnectingIdle;
        m_phaseStartNs = nowNs();
        m_phaseTimer->start(m_options.connectTimeoutS * 1000);
        openNext();
        if (m_toOpen.empty() && m_opening == 0)
            phaseConnected();
    } else if (line.startsWith("GO") && (m_phase == Phase::Idled || m_phase == Phase::Ready)) {
        startRun(line.mid(2).trimmed().toLongLong());
    } else if (line == "REPORT" && m_phase == Phase::Drained) {
        report();
    } else if (line == "QUIT") {
        m_phase = Phase::Done;
        for (Slot &slot : m_slots) {
            if (slot.connection)
                slot.connection->abortHard();
        }
        QCoreApplication::quit();
    }
}

void Worker::startRun(qint64 startNs)
{
    m_phase = Phase::Running;
    m_cpuAtStart = ProcStats::selfCpuSeconds();
    m_runStartNs = startNs > 0 ? std::min(startNs, nowNs()) : nowNs();
    m_measureStartNs = m_runStartNs + qint64(m_options.warmupS * 1e9);
    m_emitEndNs = m_runStartNs + qint64(m_options.durationS * 1e9);
    m_measuring = m_options.warmupS <= 0;
    if (m_measuring)
        m_cpuAtMeasure = m_cpuAtStart;
    m_myRate = m_options.vendors > 0 ? m_options.rate * double(m_vendors.size()) / double(m_options.vendors) : 0;
    if (m_options.durationS <= 0) {
        stopEmitting();
        return;
    }
    if (m_options.rate <= 0) {
        for (Vendor &vendor : m_vendors) {
            while (vendor.inflight < m_window && emitOrder(vendor)) { }
        }
    }
    // Paces the emits at a set rate; in the closed loop it only ends the run on time.
    m_ticker->start(m_options.rate > 0 ? 1 : 10);
}

void Worker::tick()
{
    const qint64 now = nowNs();
    if (!m_measuring && now >= m_measureStartNs) {
        m_measuring = true;
        m_cpuAtMeasure = ProcStats::selfCpuSeconds();
    }
    if (now >= m_emitEndNs) {
        stopEmitting();
        return;
    }
    if (m_options.rate <= 0)
        return;
    const auto due = qint64(double(now - m_runStartNs) * m_myRate / 1e9);
    while (m_scheduled < due) {
        ++m_scheduled;
        bool sent = false;
        for (size_t tries = 0; tries < m_vendors.size() && !sent; ++tries) {
            Vendor &vendor = m_vendors[m_nextVendor];
            m_nextVendor = (m_nextVendor + 1) % m_vendors.size();
            if (vendor.inflight < m_window)
                sent = emitOrder(vendor);
        }
        if (!sent)
            ++m_skipped; // every vendor's window is full: the hub is not keeping up
    }
}

bool Worker::emitOrder(Vendor &vendor)
{
    WsConnection *connection = m_slots[size_t(vendor.slot)].connection;
    if (!connection || !connection->isReady())
        return false;
    const auto seq = qint64(vendor.sentNs.size());
    const qint64 now = nowNs();
    const int customers = std::max(m_options.customers, 1000);
    const qint64 customer = (qint64(vendor.global) * 7919 + seq) % customers;
    QByteArray payload;
    payload.reserve(192);
    payload += "{\"store\":\"";
    payload += vendor.store;
    payload += "\",\"orderID\":\"";
    payload += QByteArray::number(vendor.global);
    payload += '-';
    payload += QByteArray::number(seq);
    payload += '-';
    payload += QByteArray::number(now);
    payload += "\",\"customer\":\"customer-";
    payload += QByteArray::number(customer);
    payload += "\",\"address\":\"";
    payload += QByteArray::number(100 + seq % 9000);
    payload += " Benchmark Way, Seattle WA 98101\"}";
    vendor.sentNs.push_back(now);
    vendor.progress.push_back(0);
    ++vendor.inflight;
    ++m_inflight;
    ++m_emitted;
    if (now >= m_measureStartNs)
        ++m_emittedMeasured;
    if (m_firstEmitNs == 0)
        m_firstEmitNs = now;
    m_lastEmitNs = now;
    connection->emitEvent("pickup", payload);
    return true;
}

void Worker::eventReceived(WsConnection *connection, QByteArrayView name, QByteArrayView payload)
{
    const Slot &slot = m_slots[size_t(connection->index())];
    switch (slot.role) {
    case Role::Vendor:
        vendorEvent(m_vendors[size_t(slot.local)], name, payload);
        break;
    case Role::Driver:
        driverEvent(m_drivers[size_t(slot.local)], name, payload);
        break;
    case Role::Customer:
        ++m_customerEvents;
        break;
    case Role::Idle:
        break;
    }
}

void Worker::vendorEvent(Vendor &vendor, QByteArrayView name, QByteArrayView payload)
{
    const bool delivered = name == QByteArrayView("delivered");
    if (!delivered && name != QByteArrayView("in-transit"))
        return; // every vendor also hears every pickup
    qint64 v = 0, seq = 0, ns = 0;
    if (!parseOrderId(orderIdOf(payload), &v, &seq, &ns)) {
        error(QStringLiteral("bad-payload"));
        return;
    }
    if (v != vendor.global || seq < 0 || seq >= qint64(vendor.sentNs.size())) {
        error(QStringLiteral("foreign-order"));
        return;
    }
    quint8 &progress = vendor.progress[size_t(seq)];
    if (!delivered) {
        if (progress != 0)
            error(progress == 2 ? QStringLiteral("in-transit-after-delivered")
                                : QStringLiteral("duplicate-in-transit"));
        else
            progress = 1;
        return;
    }
    if (progress == 2) {
        error(QStringLiteral("duplicate-delivered"));
        return;
    }
    if (progress == 0)
        error(QStringLiteral("delivered-before-in-transit"));
    progress = 2;
    const qint64 now = nowNs();
    const qint64 sent = vendor.sentNs[size_t(seq)];
    --vendor.inflight;
    --m_inflight;
    if (m_phase == Phase::Drained || m_phase == Phase::Done) {
        ++m_late;
        return;
    }
    ++m_completed;
    m_lastDeliveredNs = now;
    if (now >= m_measureStartNs)
        ++m_completedMeasured;
    if (sent >= m_measureStartNs)
        m_lifecycle.record((now - sent) / 1000);
    if (m_phase == Phase::Running) {
        if (m_options.rate <= 0)
            emitOrder(vendor);
    } else if (m_phase == Phase::Draining && m_inflight == 0) {
        drained();
    }
}

void Worker::driverEvent(Driver &driver, QByteArrayView name, QByteArrayView payload)
{
    if (name != QByteArrayView("pickup"))
        return;
    ++m_pickupsReceived;
    const QByteArrayView id = orderIdOf(payload);
    qint64 v = 0, seq = 0, ns = 0;
    if (!parseOrderId(id, &v, &seq, &ns)) {
        error(QStringLiteral("bad-payload"));
        return;
    }
    const qint64 now = nowNs();
    if (ns >= m_measureStartNs) {
        const qint64 micros = (now - ns) / 1000;
        m_pickup.record(micros);
        if (m_options.fanout) {
            Fanout &f = m_fanout[id.toByteArray()];
            ++f.count;
            f.maxMicros = std::max(f.maxMicros, micros);
        }
    }
    if (hashOf(id) % quint32(m_options.drivers) != quint32(driver.global))
        return;
    WsConnection *connection = m_slots[size_t(driver.slot)].connection;
    connection->emitEvent("in-transit", payload);
    connection->emitEvent("delivered", payload);
    ++m_answered;
}

void Worker::stopEmitting()
{
    m_ticker->stop();
    if (!m_measuring) {
        m_measuring = true;
        m_cpuAtMeasure = ProcStats::selfCpuSeconds();
    }
    m_phase = Phase::Draining;
    if (m_inflight == 0) {
        drained();
        return;
    }
    m_phaseTimer->start(int(m_options.drainS * 1000));
}

void Worker::drained()
{
    if (m_phase != Phase::Draining)
        return;
    m_phaseTimer->stop();
    m_phase = Phase::Drained;
    // An order still in flight now is lost, even if it turns up before the report.
    m_lostAtDrain = m_inflight;
    say("DRAINED");
}

void Worker::report()
{
    const double cpuEnd = ProcStats::selfCpuSeconds();
    QJsonObject errors;
    for (auto it = m_errors.cbegin(); it != m_errors.cend(); ++it)
        errors.insert(it.key(), it.value());
    QJsonObject fanout;
    for (auto it = m_fanout.cbegin(); it != m_fanout.cend(); ++it)
        fanout.insert(QString::fromLatin1(it.key()), QJsonArray{it->count, it->maxMicros});
    qint64 vendorsReady = 0, driversReady = 0, customersReady = 0, idleReady = 0;
    for (const Slot &slot : m_slots) {
        if (!slot.connection || !slot.connection->isReady())
            continue;
        switch (slot.role) {
        case Role::Vendor:
            ++vendorsReady;
            break;
        case Role::Driver:
            ++driversReady;
            break;
        case Role::Customer:
            ++customersReady;
            break;
        case Role::Idle:
            ++idleReady;
            break;
        }
    }
    const QJsonObject result{
        {QStringLiteral("worker"), m_options.workerIndex},
        {QStringLiteral("vendorsReady"), vendorsReady},
        {QStringLiteral("driversReady"), driversReady},
        {QStringLiteral("customersReady"), customersReady},
        {QStringLiteral("idleReady"), idleReady},
        {QStringLiteral("activeConnectMs"), double(m_activeConnectNs) / 1e6},
        {QStringLiteral("idleConnectMs"), double(m_idleConnectNs) / 1e6},
        {QStringLiteral("emitted"), m_emitted},
        {QStringLiteral("emittedMeasured"), m_emittedMeasured},
        {QStringLiteral("skipped"), m_skipped},
        {QStringLiteral("completed"), m_completed},
        {QStringLiteral("completedMeasured"), m_completedMeasured},
        {QStringLiteral("lost"), m_lostAtDrain},
        {QStringLiteral("late"), m_late},
        {QStringLiteral("pickupsReceived"), m_pickupsReceived},
        {QStringLiteral("answered"), m_answered},
        {QStringLiteral("customerEvents"), m_customerEvents},
        {QStringLiteral("runStartNs"), m_runStartNs},
        {QStringLiteral("measureStartNs"), m_measureStartNs},
        {QStringLiteral("firstEmitNs"), m_firstEmitNs},
        {QStringLiteral("lastEmitNs"), m_lastEmitNs},
        {QStringLiteral("lastDeliveredNs"), m_lastDeliveredNs},
        {QStringLiteral("benchCpuS"), cpuEnd - m_cpuAtStart},
        {QStringLiteral("benchCpuMeasuredS"), cpuEnd - m_cpuAtMeasure},
        {QStringLiteral("lifecycle"), m_lifecycle.toJson()},
        {QStringLiteral("pickup"), m_pickup.toJson()},
        {QStringLiteral("fanout"), fanout},
        {QStringLiteral("errors"), errors},
        {QStringLiteral("errorSamples"), QJsonArray::fromStringList(m_errorSamples)},
    };
    m_phase = Phase::Done;
    say("RESULT " + QJsonDocument(result).toJson(QJsonDocument::Compact));
}
