#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTimer>

#include <memory>

namespace caps {
class Client;
class DriverAgent;
class VendorAgent;
} // namespace caps
class HubCluster;
class HubProcess;
class LabPeer;

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
        // A driver's time from an order's pickup to its delivery (the Qt agents' deliver delay;
        // the lab drivers wait as long after their in-transit is confirmed). Orders are in
        // transit, held by a driver, for that long when a hub is killed.
        int deliverDelayMs = 0;
        int timeoutMs = 300000;
        quint32 seed = 1;
        // --cluster: hubs on one private PostgreSQL behind HAProxy (HubCluster) instead of one
        // hub on dbPath; the hub killed each time is chosen at random, and stays down for
        // downMs (long enough for HAProxy to take it out and move its clients to another hub).
        bool cluster = false;
        int hubs = 3;
        int downMs = 3000;
        QString haproxyConfig; // resources/haproxy/caps.cfg
        QString peerScript; // tests/interop/chaos-peer.js
        int labVendors = 1;
        int labDrivers = 1;
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
        int misrouted = 0; // store steps that reached another store's vendor
        int abandoned = 0; // pickups or deliveries the hub refused for good
        int driversGaveUp = 0; // Qt drivers' delivered refused for good (shown when orders are lost)
        QString cluster; // where the clients sat (--cluster), and which hub each kill hit
        QString stuck; // the last status the vendors saw of the orders not delivered
        qint64 elapsedMs = 0;
        bool timedOut = false;
        bool stalled = false; // every hub up, orders missing, and none delivered for kStallMs
        QString error;

        [[nodiscard]] bool ok() const
        {
            return error.isEmpty() && !timedOut && !stalled && lost == 0 && duplicated == 0 && misrouted == 0
                && abandoned == 0 && delivered == orders;
        }
        [[nodiscard]] QString text() const;
    };

    static constexpr int kStallMs = 30000;

    explicit ChaosRun(const Options &options, QObject *parent = nullptr);
    ~ChaosRun() override;

    // Runs to the end (every order delivered and confirmed, or the timeout) in a local loop.
    Summary run();

private:
    // What the cluster's store has of the orders not delivered: how many with each status,
    // and who took a few of them through which hub.
    [[nodiscard]] QString undeliveredInStore() const;
    void placeOne();
    void onDelivered(const QString &orderId);
    bool startHubs();
    void startClients();
    [[nodiscard]] HubProcess &hubAt(int i);
    [[nodiscard]] int hubCount() const;
    void maybeKill();
    void restartHub();
    void dropRandomClient();
    void scheduleDrop();
    [[nodiscard]] bool settled() const;
    // Messages the hub still keeps for the drivers and vendors (getAll), -1 if it does not say.
    [[nodiscard]] qint64 pendingInHub(caps::Client &probe) const;

    Options m_options;
    QRandomGenerator m_random;
    std::unique_ptr<HubProcess> m_hub;
    std::unique_ptr<HubCluster> m_cluster;
    int m_hubsDown = 0;
    QList<caps::Client *> m_clients;
    QList<LabPeer *> m_peers;
    QList<caps::VendorAgent *> m_vendors;
    QList<caps::DriverAgent *> m_drivers;
    QTimer m_placeTimer;
    QTimer m_dropTimer;
    QHash<QString, int> m_deliveredSignals; // orderId -> orderDelivered() count
    QElapsedTimer m_sinceDelivery;
    QSet<QString> m_labDelivered; // orders the lab vendors saw delivered
    QStringList m_driverGaveUp; // a few of Qt drivers' delivered given up
    QStringList m_abandonedSamples;
    int m_placed = 0;
    int m_nextKill = 1;
    Summary m_summary;
};
