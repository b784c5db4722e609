#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QRandomGenerator>
#include <QTimer>

#include <memory>

namespace caps {
class Client;
class DriverAgent;
class VendorAgent;
} // namespace caps
class HubProcess;

// Vendors place orders through a caps-hub that is killed (SIGKILL) and restarted on the same
// database and port several times, while clients drop their connections at random; drivers
// deliver every order. What counts is what the vendors' agents saw: each order delivered once.
class ChaosRun : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString hubProgram;
        QString dbPath;
        int orders = 2000;
        int vendors = 3;
        int drivers = 2;
        int hubKills = 5; // spread evenly over the run (by delivered orders)
        int clientDropMs = 0; // mean ms between random client disconnections; 0: none
        int orderIntervalMs = 1;
        int timeoutMs = 300000;
        quint32 seed = 1;
    };

    struct Summary
    {
        int orders = 0; // placed
        int delivered = 0; // distinct orders the vendors' models show as delivered
        int lost = 0;
        int duplicated = 0; // extra "delivered" signals of the vendors' agents
        int hubKills = 0;
        int clientDrops = 0; // half of them leave cleanly, half lose their connection
        int recoveredSessions = 0; // reconnections that got their session back (Socket.IO recovery)
        qint64 pendingInHub = -1; // messages left in the hub's queue after the run (-1: not read)
        qint64 elapsedMs = 0;
        bool timedOut = false;
        QString error;

        [[nodiscard]] bool ok() const
        {
            return error.isEmpty() && !timedOut && lost == 0 && duplicated == 0 && delivered == orders;
        }
        [[nodiscard]] QString text() const;
    };

    explicit ChaosRun(const Options &options, QObject *parent = nullptr);
    ~ChaosRun() override;

    // Runs to the end (every order delivered and confirmed, or the timeout) in a local loop.
    Summary run();

private:
    void placeOne();
    void onDelivered(const QString &orderId);
    void restartHub();
    void dropRandomClient();
    void scheduleDrop();
    [[nodiscard]] bool settled() const;
    // Messages the hub still keeps for the drivers and vendors (getAll), -1 if it does not say.
    [[nodiscard]] qint64 pendingInHub(caps::Client &probe) const;

    Options m_options;
    QRandomGenerator m_random;
    std::unique_ptr<HubProcess> m_hub;
    QList<caps::Client *> m_clients;
    QList<caps::VendorAgent *> m_vendors;
    QList<caps::DriverAgent *> m_drivers;
    QTimer m_placeTimer;
    QTimer m_dropTimer;
    QHash<QString, int> m_deliveredSignals; // orderId -> orderDelivered() count
    int m_placed = 0;
    int m_nextKill = 1;
    Summary m_summary;
};
