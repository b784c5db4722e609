#include "chaosrun.h"

#include <algorithm>

#include "hubcluster.h"
#include "hubprocess.h"
#include "labpeer.h"

#include "agents/driveragent.h"
#include "queue/postgresuri.h"
#include "agents/vendoragent.h"
#include "client/client.h"
#include "orders/orderfaker.h"
#include "queue/postgresmessagestore.h"
#include "queue/sqlitemessagestore.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>
#include <QWebSocket>

QString ChaosRun::Summary::text() const
{
    QString s = QStringLiteral("orders: %1, delivered: %2, lost: %3, duplicated: %4")
                    .arg(orders)
                    .arg(delivered)
                    .arg(lost)
                    .arg(duplicated);
    s += QStringLiteral(" (hub kills: %1, client drops: %2, sessions recovered: %3, left in hub queue: %4, %5 s%6)")
             .arg(hubKills)
             .arg(clientDrops)
             .arg(recoveredSessions)
             .arg(pendingInHub)
             .arg(double(elapsedMs) / 1000.0, 0, 'f', 1)
             .arg(timedOut      ? QStringLiteral(", TIMED OUT")
                      : stalled ? QStringLiteral(", STALLED: nothing delivered for %1 s").arg(kStallMs / 1000)
                                : QString());
    if (!cluster.isEmpty()) {
        s += QStringLiteral("\n  misrouted: %1, refused for good: %2; %3").arg(misrouted).arg(abandoned).arg(cluster);
    }
    if (!stuck.isEmpty())
        s += QStringLiteral("\n  not delivered, last status the vendors saw: ") + stuck;
    if (!error.isEmpty())
        s += QStringLiteral(" error: ") + error;
    return s;
}

ChaosRun::ChaosRun(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_random(options.seed)
{
    m_placeTimer.setInterval(qMax(0, options.orderIntervalMs));
    connect(&m_placeTimer, &QTimer::timeout, this, &ChaosRun::placeOne);
    m_dropTimer.setSingleShot(true);
    connect(&m_dropTimer, &QTimer::timeout, this, &ChaosRun::dropRandomClient);
}

ChaosRun::~ChaosRun()
{
    qDeleteAll(m_vendors);
    qDeleteAll(m_drivers);
    qDeleteAll(m_clients);
    qDeleteAll(m_peers);
}

HubProcess &ChaosRun::hubAt(int i)
{
    return m_cluster ? m_cluster->hub(i) : *m_hub;
}

int ChaosRun::hubCount() const
{
    return m_cluster ? m_cluster->size() : 1;
}

bool ChaosRun::startHubs()
{
    // Thousands of orders a minute from three vendors are far over the per-socket rate limit;
    // what is measured here is the queue, not the limiters.
    const QStringList arguments{QStringLiteral("--events-per-second"), QStringLiteral("0"),
                                QStringLiteral("--max-connections-per-ip"), QStringLiteral("0")};
    if (m_options.cluster) {
        m_cluster = std::make_unique<HubCluster>(m_options.hubProgram, m_options.haproxyConfig, m_options.hubs);
        if (!m_cluster->start(arguments)) {
            m_summary.error = m_cluster->errorString();
            return false;
        }
        return true;
    }
    m_hub = std::make_unique<HubProcess>(m_options.hubProgram, m_options.dbPath);
    m_hub->setExtraArguments(arguments);
    if (!m_hub->start()) {
        m_summary.error = m_hub->errorString();
        return false;
    }
    return true;
}

QString ChaosRun::undeliveredInStore() const
{
    QStringList out;
    {
        const auto uri = caps::PostgresUri::parse(m_cluster->databaseUri());
        if (!uri)
            return uri.error();
        auto db = uri->open(QStringLiteral("chaos-peek"));
        if (!db)
            return db.error();
        QSqlQuery query(*db);
        query.exec(QStringLiteral("SELECT status, count(*) FROM orders WHERE status <> 3 GROUP BY status ORDER BY 1"));
        while (query.next())
            out.append(QStringLiteral("%1 with status %2").arg(query.value(1).toInt()).arg(query.value(0).toInt()));
        // Who holds a few of them, and through which hub (server uid).
        query.exec(QStringLiteral("SELECT order_id, taker, taker_server FROM orders WHERE status <> 3 LIMIT 3"));
        while (query.next())
            out.append(QStringLiteral("%1 taken by %2 on %3")
                           .arg(query.value(0).toString(), query.value(1).toString(), query.value(2).toString()));
        query.finish();
        *db = QSqlDatabase();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("chaos-peek"));
    return out.isEmpty() ? QStringLiteral("every order delivered") : out.join(QStringLiteral("; "));
}

void ChaosRun::startClients()
{
    caps::Client::Options clientOptions;
    // Back in well under a second after a restart, still with socket.io-client's jitter.
    clientOptions.reconnectionDelayMs = 50;
    clientOptions.reconnectionDelayMaxMs = 300;
    clientOptions.connectTimeoutMs = 5000;
    const int hubs = hubCount();
    // On one hub everyone is on it. In a cluster the last vendor and the last driver go through
    // HAProxy (which puts everything from 127.0.0.1 on one hub, and elsewhere when that one is
    // down); the others straight to a hub each, vendors counting up from hub 1 and drivers down
    // from the last, so that most orders cross hubs.
    QStringList placement;
    const auto urlFor = [&](bool vendor, int i, int count) {
        QUrl url;
        QString where;
        if (!m_cluster) {
            url = m_hub->url();
        } else if (i == count - 1 && count > 1) {
            url = m_cluster->balancerUrl();
            where = QStringLiteral("HAProxy");
        } else {
            const int hub = vendor ? i % hubs : (hubs - 1 - i % hubs);
            url = m_cluster->hub(hub).url();
            where = QStringLiteral("hub%1").arg(hub + 1);
        }
        return std::pair{url, where};
    };
    const auto makeClient = [&](const QUrl &url) {
        auto *client = new caps::Client(url, clientOptions);
        connect(client, &caps::Client::connected, this, [this, client] {
            if (client->isRecovered())
                ++m_summary.recoveredSessions;
        });
        m_clients.append(client);
        return client;
    };
    QStringList drivers;
    for (int i = 0; i < m_options.drivers; ++i) {
        const auto [url, where] = urlFor(false, i, m_options.drivers);
        auto *driver = new caps::DriverAgent(makeClient(url));
        driver->setPickupDelayMs(0);
        driver->setDeliverDelayMs(m_options.deliverDelayMs);
        driver->setAutoDrive(true);
        // Shown, not judged: Qt drivers race for every pickup, and the losers' in-transit is
        // refused for good by design; a delivered given up may be one another driver finished.
        // What counts is whether the vendor heard the order delivered.
        connect(driver, &caps::DriverAgent::stepAbandoned, this,
                [this](const QString &event, const QString &orderId, const QString &error) {
                    if (event != QLatin1String("delivered"))
                        return;
                    if (m_driverGaveUp.size() < 5)
                        m_driverGaveUp.append(QStringLiteral("%1 \"%2\"").arg(orderId, error));
                    ++m_summary.driversGaveUp;
                });
        m_drivers.append(driver);
        drivers.append(where);
    }
    QStringList vendors;
    for (int i = 0; i < m_options.vendors; ++i) {
        const auto [url, where] = urlFor(true, i, m_options.vendors);
        caps::Client *client = makeClient(url);
        auto *vendor = new caps::VendorAgent(client, QStringLiteral("chaos-store-%1").arg(i + 1));
        connect(vendor, &caps::VendorAgent::orderDelivered, this, &ChaosRun::onDelivered);
        // The hub sends a store's steps to that store's room only.
        connect(client, &caps::Client::eventReceived, this,
                [this, vendor](const QString &event, const QJsonArray &args) {
                    if (event != QLatin1String("in-transit") && event != QLatin1String("delivered"))
                        return;
                    const QString store = args.at(0).toObject().value(QLatin1String("store")).toString();
                    if (store != vendor->store()) {
                        ++m_summary.misrouted;
                        qWarning("%s of store %s reached %s", qPrintable(event), qPrintable(store),
                                 qPrintable(vendor->store()));
                    }
                });
        m_vendors.append(vendor);
        vendors.append(where);
    }
    if (m_cluster) {
        placement.append(QStringLiteral("Qt vendors on %1, Qt drivers on %2")
                             .arg(vendors.join(QLatin1Char(',')), drivers.join(QLatin1Char(','))));
        QStringList peers;
        const auto addPeer = [&](LabPeer::Role role, int i, const QUrl &url, const QString &where) {
            const QString store = QStringLiteral("lab-store-%1").arg(i + 1);
            auto *peer = new LabPeer(m_options.peerScript, role, url, store);
            if (!peer->start(m_options.deliverDelayMs))
                m_summary.error = QStringLiteral("node %1: %2").arg(m_options.peerScript, peer->errorString());
            if (role == LabPeer::Role::Vendor) {
                connect(peer, &LabPeer::delivered, this, [this](const QString &orderId) {
                    m_labDelivered.insert(orderId);
                    onDelivered(orderId);
                });
            }
            connect(peer, &LabPeer::misrouted, this, [this](const QString &line) {
                ++m_summary.misrouted;
                qWarning("lab peer: %s", qPrintable(line));
            });
            connect(peer, &LabPeer::abandoned, this, [this](const QString &line) {
                ++m_summary.abandoned;
                m_abandonedSamples.append(line);
                qWarning("lab peer: %s", qPrintable(line));
            });
            m_peers.append(peer);
            peers.append(
                QStringLiteral("%1 on %2")
                    .arg(role == LabPeer::Role::Vendor ? QStringLiteral("vendor") : QStringLiteral("driver"), where));
        };
        // Lab vendors through HAProxy (long-polling first, then the upgrade, as a browser would),
        // lab drivers straight to the hubs after the first.
        for (int i = 0; i < m_options.labVendors; ++i)
            addPeer(LabPeer::Role::Vendor, i, m_cluster->balancerUrl(), QStringLiteral("HAProxy"));
        for (int i = 0; i < m_options.labDrivers; ++i) {
            const int hub = (1 + i) % hubs;
            addPeer(LabPeer::Role::Driver, i, m_cluster->hub(hub).url(), QStringLiteral("hub%1").arg(hub + 1));
        }
        placement.append(QStringLiteral("lab clients (socket.io-client, default transports): ")
                         + peers.join(QStringLiteral(", ")));
        m_summary.cluster = QStringLiteral("%1 hubs on one PostgreSQL behind HAProxy; ").arg(hubs)
            + placement.join(QStringLiteral("; "));
    }
    for (caps::Client *client : std::as_const(m_clients))
        client->connectToHub();
}

ChaosRun::Summary ChaosRun::run()
{
    QElapsedTimer clock;
    clock.start();
    m_summary = {};
    if (!startHubs())
        return m_summary;
    startClients();
    m_placeTimer.start();
    scheduleDrop();

    const bool done = QTest::qWaitFor([this] { return settled(); }, m_options.timeoutMs);
    m_placeTimer.stop();
    m_dropTimer.stop();
    // Until the hub has taken every acknowledgement in; late copies would show up meanwhile.
    if (done && m_summary.error.isEmpty()) {
        caps::Client probe(hubAt(0).url());
        probe.connectToHub();
        if (QTest::qWaitFor([&probe] { return probe.isConnected(); }, 5000))
            (void)QTest::qWaitFor([this, &probe] { return pendingInHub(probe) == 0; }, 10000);
    }
    m_summary.timedOut = !done;
    m_summary.stalled = done && m_deliveredSignals.size() < m_placed;
    m_summary.orders = m_placed;
    for (caps::VendorAgent *vendor : std::as_const(m_vendors))
        m_summary.delivered += vendor->orders()->countWithStatus(caps::Order::Status::Delivered);
    m_summary.delivered += int(m_labDelivered.size());
    QHash<QString, int> stuck;
    QStringList stuckIds;
    for (caps::VendorAgent *vendor : std::as_const(m_vendors)) {
        for (const caps::Order &order : vendor->orders()->orders()) {
            if (order.status != caps::Order::Status::Delivered) {
                ++stuck[caps::Order::eventForStatus(order.status)];
                stuckIds.append(order.orderId);
            }
        }
    }
    for (auto it = stuck.cbegin(); it != stuck.cend(); ++it)
        m_summary.stuck += QStringLiteral("%1 %2 (Qt vendors) ").arg(it.value()).arg(it.key());
    if (!stuckIds.isEmpty())
        m_summary.stuck += QStringLiteral("e.g. ") + stuckIds.mid(0, 3).join(QLatin1Char(' '));
    // Whether the step the vendors did not hear of was lost on the way to the hub or from it.
    if (m_cluster && (!stuckIds.isEmpty() || m_placed > int(m_deliveredSignals.size())))
        m_summary.stuck += QStringLiteral("; the store has (2 in-transit, 1 ordered): ") + undeliveredInStore();
    if (!m_abandonedSamples.isEmpty())
        m_summary.stuck += QStringLiteral("; refused: ") + m_abandonedSamples.mid(0, 5).join(QStringLiteral(" | "));
    if (m_summary.driversGaveUp > 0 && m_summary.lost > 0)
        m_summary.stuck += QStringLiteral("; Qt drivers gave up %1 delivered, e.g. ").arg(m_summary.driversGaveUp)
            + m_driverGaveUp.join(QStringLiteral(" | "));
    if (qEnvironmentVariableIsSet("CAPS_CHAOS_TRACE")) {
        // What each Qt driver's log says of the orders the vendors did not see delivered.
        for (caps::DriverAgent *driver : std::as_const(m_drivers)) {
            for (const caps::EventLogModel::Entry &e : driver->log()->entries()) {
                const bool about = std::any_of(stuckIds.cbegin(), stuckIds.cend(), [&e](const QString &id) {
                    return e.orderId == id || e.details.contains(id);
                });
                if (about
                    || (e.direction == caps::EventLogModel::Direction::Note
                        && !e.details.contains(QLatin1String("order "))))
                    qWarning("trace %p: %s", static_cast<void *>(driver),
                             qPrintable(caps::EventLogModel::formatEntry(e)));
            }
        }
    }
    m_summary.lost = m_placed - m_summary.delivered;
    for (int count : std::as_const(m_deliveredSignals))
        m_summary.duplicated += count - 1;
    for (caps::Client *client : std::as_const(m_clients))
        client->disconnectFromHub();
    qDeleteAll(m_peers);
    m_peers.clear();
    // What the hub still keeps: every message acknowledged means an empty queue.
    if (m_cluster) {
        for (int i = 0; i < m_cluster->size(); ++i)
            m_cluster->hub(i).kill();
        if (auto uri = caps::PostgresUri::parse(m_cluster->databaseUri())) {
            if (auto store = caps::PostgresMessageStore::open(*uri)) {
                if (auto n = (*store)->count())
                    m_summary.pendingInHub = *n;
            }
        }
        m_cluster->stop();
    } else {
        m_hub->kill();
        if (auto store = caps::SqliteMessageStore::open(m_options.dbPath)) {
            if (auto n = (*store)->count())
                m_summary.pendingInHub = *n;
        }
    }
    m_summary.elapsedMs = clock.elapsed();
    return m_summary;
}

qint64 ChaosRun::pendingInHub(caps::Client &probe) const
{
    QList<QJsonObject> requests{
        {{QStringLiteral("clientId"), QStringLiteral("driver")}, {QStringLiteral("event"), QStringLiteral("pickup")}}};
    for (const caps::VendorAgent *vendor : m_vendors)
        requests.append({{QStringLiteral("clientId"), vendor->store()}});
    for (const LabPeer *peer : m_peers) {
        if (peer->role() == LabPeer::Role::Vendor)
            requests.append({{QStringLiteral("clientId"), peer->store()}});
    }
    auto counts = std::make_shared<QList<qint64>>();
    for (const QJsonObject &request : std::as_const(requests)) {
        probe.emitWithAck(QStringLiteral("getAll"), {request}, [counts](const QJsonArray &reply) {
            counts->append(reply.at(0).toObject().value(QLatin1String("count")).toInteger(-1));
        });
    }
    if (!QTest::qWaitFor([&] { return counts->size() == requests.size(); }, 3000))
        return -1;
    qint64 sum = 0;
    for (qint64 n : std::as_const(*counts)) {
        if (n < 0)
            return -1;
        sum += n;
    }
    return sum;
}

void ChaosRun::placeOne()
{
    if (m_placed >= m_options.orders) {
        m_placeTimer.stop();
        return;
    }
    static caps::OrderFaker faker;
    QList<LabPeer *> labVendors;
    for (LabPeer *peer : std::as_const(m_peers)) {
        if (peer->role() == LabPeer::Role::Vendor)
            labVendors.append(peer);
    }
    const qsizetype i = m_placed % (m_vendors.size() + labVendors.size());
    if (i < m_vendors.size()) {
        caps::VendorAgent *vendor = m_vendors.at(i);
        vendor->placeOrder(faker.order(vendor->store()));
    } else {
        LabPeer *peer = labVendors.at(i - m_vendors.size());
        peer->place(faker.order(peer->store()).toJson());
    }
    ++m_placed;
}

void ChaosRun::onDelivered(const QString &orderId)
{
    m_sinceDelivery.start();
    const int count = ++m_deliveredSignals[orderId];
    if (count > 1)
        qWarning("duplicate delivered for %s", qPrintable(orderId));
    maybeKill();
}

void ChaosRun::maybeKill()
{
    const int delivered = int(m_deliveredSignals.size());
    // Kill k of n when k/(n+1) of the orders are through: mid-stream, with traffic both ways.
    // One hub down at a time: a kill that is due waits for the last one's restart.
    if (m_nextKill <= m_options.hubKills && m_hubsDown == 0
        && delivered >= m_options.orders * m_nextKill / (m_options.hubKills + 1)) {
        ++m_nextKill;
        QTimer::singleShot(0, this, &ChaosRun::restartHub);
    }
}

void ChaosRun::restartHub()
{
    const int i = hubCount() > 1 ? int(m_random.bounded(hubCount())) : 0;
    // Read before the kill: whether this one holds HAProxy's clients (balance source puts every
    // client from 127.0.0.1 on one hub), which then move to another hub.
    const bool balanced = m_cluster && m_cluster->balancedHub() == i;
    HubProcess &hub = hubAt(i);
    hub.kill();
    ++m_summary.hubKills;
    if (m_cluster) {
        m_summary.cluster += (m_summary.hubKills == 1 ? QStringLiteral("; killed: hub") : QStringLiteral(", hub"))
            + QString::number(i + 1) + (balanced ? QStringLiteral(" (HAProxy's)") : QString());
    }
    ++m_hubsDown;
    QTimer::singleShot(m_cluster ? m_options.downMs : 0, this, [this, &hub] {
        if (!hub.start())
            m_summary.error = hub.errorString();
        --m_hubsDown;
        maybeKill();
    });
}

void ChaosRun::scheduleDrop()
{
    if (m_options.clientDropMs > 0)
        m_dropTimer.start(int(m_random.bounded(2 * m_options.clientDropMs) + 1));
}

void ChaosRun::dropRandomClient()
{
    const auto pick = int(m_random.bounded(qsizetype(m_clients.size() + m_peers.size())));
    if (pick >= m_clients.size()) {
        LabPeer *peer = m_peers.at(pick - m_clients.size());
        if (peer->isConnected()) {
            ++m_summary.clientDrops;
            if (m_random.bounded(2) == 0)
                peer->drop();
            else
                peer->leave(int(m_random.bounded(200)));
        }
        scheduleDrop();
        return;
    }
    caps::Client *client = m_clients.at(pick);
    if (client->state() == caps::Client::State::Connected) {
        ++m_summary.clientDrops;
        auto *transport = client->findChild<QWebSocket *>();
        if (m_random.bounded(2) == 0 && transport) {
            // The network fails under it: the client comes back by itself, and the hub gives
            // it its session and what it missed (connection state recovery).
            transport->abort();
        } else {
            // It leaves and comes back: a fresh session, the queue's getAll catches it up.
            client->disconnectFromHub();
            QTimer::singleShot(int(m_random.bounded(200)), client, &caps::Client::connectToHub);
        }
    }
    scheduleDrop();
}

bool ChaosRun::settled() const
{
    if (!m_summary.error.isEmpty())
        return true;
    if (m_placed < m_options.orders)
        return false;
    // Nothing delivered for this long with every hub up: what is missing will not come.
    if (m_deliveredSignals.size() < m_placed)
        return m_hubsDown == 0 && m_sinceDelivery.isValid() && m_sinceDelivery.elapsed() > kStallMs;
    // Connected again after the last kill, so that the catch-up has acknowledged what is left.
    for (const caps::Client *client : m_clients) {
        if (!client->isConnected())
            return false;
    }
    for (const caps::VendorAgent *vendor : m_vendors) {
        if (vendor->unconfirmedCount() > 0)
            return false;
    }
    for (const caps::DriverAgent *driver : m_drivers) {
        if (driver->unconfirmedCount() > 0)
            return false;
    }
    for (const LabPeer *peer : m_peers) {
        if (!peer->isConnected() || peer->unconfirmedCount() > 0)
            return false;
    }
    // Every kill done, and the last hub killed back.
    return m_hubsDown == 0 && m_nextKill > m_options.hubKills;
}
