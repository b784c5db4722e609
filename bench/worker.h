#pragma once

// One load-generating process: holds its share of the vendors, drivers, customers and idle
// connections, and runs the phases the coordinator orders on stdin (IDLE, GO, REPORT, QUIT),
// answering on stdout with one line per phase (READY, IDLED, DRAINED, RESULT <json>). REPORT
// comes once every worker has drained, so that drivers in one process keep counting the pickups
// of vendors in another.

#include "benchoptions.h"
#include "latencyhistogram.h"
#include "wsconnection.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <deque>
#include <vector>

class QSocketNotifier;
class QTimer;

class Worker : public QObject, public WsConnection::Handler
{
    Q_OBJECT
public:
    explicit Worker(const BenchOptions &options, QObject *parent = nullptr);
    ~Worker() override;

    void start();

    void connectionReady(WsConnection *connection) override;
    void connectionLost(WsConnection *connection, const QString &reason) override;
    void eventReceived(WsConnection *connection, QByteArrayView name, QByteArrayView payload) override;

private:
    enum class Role : quint8 { Vendor, Driver, Customer, Idle };
    enum class Phase { ConnectingActive, Ready, ConnectingIdle, Idled, Running, Draining, Drained, Done };
    struct Slot
    {
        Role role;
        int local; // index in m_vendors / m_drivers / m_customers, or -1 for idle
        WsConnection *connection = nullptr;
        bool everReady = false;
    };
    struct Vendor
    {
        int global = 0;
        int slot = 0;
        QByteArray store;
        std::vector<qint64> sentNs; // by order sequence number
        std::vector<quint8> progress; // 0 sent, 1 in-transit seen, 2 delivered
        int inflight = 0;
    };
    struct Driver
    {
        int global = 0;
        int slot = 0;
    };
    struct Fanout
    {
        int count = 0;
        qint64 maxMicros = 0;
    };

    void readCommands();
    void command(const QByteArray &line);
    void openNext();
    void phaseConnected();
    void startRun(qint64 startNs);
    void tick();
    void stopEmitting();
    void drained();
    void report();
    bool emitOrder(Vendor &vendor);
    void vendorEvent(Vendor &vendor, QByteArrayView name, QByteArrayView payload);
    void driverEvent(Driver &driver, QByteArrayView name, QByteArrayView payload);
    void error(const QString &kind);
    static void say(const QByteArray &line);

    BenchOptions m_options;
    std::vector<Slot> m_slots;
    std::vector<Vendor> m_vendors;
    std::vector<Driver> m_drivers;
    std::deque<int> m_toOpen;
    int m_opening = 0;
    int m_openedOk = 0;
    int m_openFailed = 0;
    qint64 m_phaseStartNs = 0;
    qint64 m_activeConnectNs = 0;
    qint64 m_idleConnectNs = 0;
    Phase m_phase = Phase::ConnectingActive;

    QSocketNotifier *m_stdin = nullptr;
    QByteArray m_stdinBuffer;
    EpollLoop *m_loop = nullptr;
    QTimer *m_ticker = nullptr;
    QTimer *m_phaseTimer = nullptr;

    int m_window = 1;
    double m_myRate = 0;
    size_t m_nextVendor = 0;
    qint64 m_runStartNs = 0;
    qint64 m_measureStartNs = 0;
    qint64 m_emitEndNs = 0;
    qint64 m_firstEmitNs = 0;
    qint64 m_lastEmitNs = 0;
    qint64 m_lastDeliveredNs = 0;
    qint64 m_scheduled = 0;
    qint64 m_skipped = 0;
    qint64 m_emitted = 0;
    qint64 m_emittedMeasured = 0;
    qint64 m_completed = 0;
    qint64 m_completedMeasured = 0; // deliveries that happened after the warm-up
    qint64 m_inflight = 0;
    qint64 m_lostAtDrain = 0;
    qint64 m_late = 0; // delivered after the drain period: counted as lost
    qint64 m_pickupsReceived = 0;
    qint64 m_answered = 0;
    qint64 m_customerEvents = 0;
    double m_cpuAtStart = 0;
    double m_cpuAtMeasure = 0;
    bool m_measuring = false;
    LatencyHistogram m_lifecycle;
    LatencyHistogram m_pickup;
    QHash<QByteArray, Fanout> m_fanout;
    QHash<QString, qint64> m_errors;
    QStringList m_errorSamples;
};
