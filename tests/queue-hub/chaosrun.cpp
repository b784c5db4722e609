#include "chaosrun.h"

#include "hubprocess.h"

#include "agents/driveragent.h"
#include "agents/vendoragent.h"
#include "client/client.h"
#include "orders/orderfaker.h"
#include "queue/sqlitemessagestore.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
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
             .arg(timedOut ? QStringLiteral(", TIMED OUT") : QString());
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
}

ChaosRun::Summary ChaosRun::run()
{
    QElapsedTimer clock;
    clock.start();
    m_summary = {};
    m_hub = std::make_unique<HubProcess>(m_options.hubProgram, m_options.dbPath);
    // Thousands of orders a minute from three vendors are far over the per-socket rate limit;
    // what is measured here is the queue, not the limiters.
    m_hub->setExtraArguments({QStringLiteral("--events-per-second"), QStringLiteral("0"),
                              QStringLiteral("--max-connections-per-ip"), QStringLiteral("0")});
    if (!m_hub->start()) {
        m_summary.error = m_hub->errorString();
        return m_summary;
    }
    caps::Client::Options clientOptions;
    // Back in well under a second after a restart, still with socket.io-client's jitter.
    clientOptions.reconnectionDelayMs = 50;
    clientOptions.reconnectionDelayMaxMs = 300;
    clientOptions.connectTimeoutMs = 5000;
    const auto makeClient = [&] {
        auto *client = new caps::Client(m_hub->url(), clientOptions);
        connect(client, &caps::Client::connected, this, [this, client] {
            if (client->isRecovered())
                ++m_summary.recoveredSessions;
        });
        m_clients.append(client);
        return client;
    };
    for (int i = 0; i < m_options.drivers; ++i) {
        auto *driver = new caps::DriverAgent(makeClient());
        driver->setPickupDelayMs(0);
        driver->setDeliverDelayMs(0);
        driver->setAutoDrive(true);
        m_drivers.append(driver);
    }
    for (int i = 0; i < m_options.vendors; ++i) {
        auto *vendor = new caps::VendorAgent(makeClient(), QStringLiteral("chaos-store-%1").arg(i + 1));
        connect(vendor, &caps::VendorAgent::orderDelivered, this, &ChaosRun::onDelivered);
        m_vendors.append(vendor);
    }
    for (caps::Client *client : std::as_const(m_clients))
        client->connectToHub();
    m_placeTimer.start();
    scheduleDrop();

    const bool done = QTest::qWaitFor([this] { return settled(); }, m_options.timeoutMs);
    m_placeTimer.stop();
    m_dropTimer.stop();
    // Until the hub has taken every acknowledgement in; late copies would show up meanwhile.
    if (done && m_summary.error.isEmpty()) {
        caps::Client probe(m_hub->url());
        probe.connectToHub();
        if (QTest::qWaitFor([&probe] { return probe.isConnected(); }, 5000))
            QTest::qWaitFor([this, &probe] { return pendingInHub(probe) == 0; }, 10000);
    }
    m_summary.timedOut = !done;
    m_summary.orders = m_placed;
    for (caps::VendorAgent *vendor : std::as_const(m_vendors))
        m_summary.delivered += vendor->orders()->countWithStatus(caps::Order::Status::Delivered);
    m_summary.lost = m_placed - m_summary.delivered;
    for (int count : std::as_const(m_deliveredSignals))
        m_summary.duplicated += count - 1;
    for (caps::Client *client : std::as_const(m_clients))
        client->disconnectFromHub();
    m_hub->kill();
    // What the hub still keeps: every message acknowledged means an empty queue.
    if (auto store = caps::SqliteMessageStore::open(m_options.dbPath)) {
        if (auto n = (*store)->count())
            m_summary.pendingInHub = *n;
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
    caps::VendorAgent *vendor = m_vendors.at(m_placed % m_vendors.size());
    static caps::OrderFaker faker;
    vendor->placeOrder(faker.order(vendor->store()));
    ++m_placed;
}

void ChaosRun::onDelivered(const QString &orderId)
{
    const int count = ++m_deliveredSignals[orderId];
    if (count > 1)
        qWarning("duplicate delivered for %s", qPrintable(orderId));
    const int delivered = int(m_deliveredSignals.size());
    // Kill k of n when k/(n+1) of the orders are through: mid-stream, with traffic both ways.
    if (m_nextKill <= m_options.hubKills && delivered >= m_options.orders * m_nextKill / (m_options.hubKills + 1)) {
        ++m_nextKill;
        QTimer::singleShot(0, this, &ChaosRun::restartHub);
    }
}

void ChaosRun::restartHub()
{
    m_hub->kill();
    ++m_summary.hubKills;
    if (!m_hub->start())
        m_summary.error = m_hub->errorString();
}

void ChaosRun::scheduleDrop()
{
    if (m_options.clientDropMs > 0)
        m_dropTimer.start(int(m_random.bounded(2 * m_options.clientDropMs) + 1));
}

void ChaosRun::dropRandomClient()
{
    caps::Client *client = m_clients.at(int(m_random.bounded(qsizetype(m_clients.size()))));
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
    if (m_placed < m_options.orders || m_deliveredSignals.size() < m_placed)
        return false;
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
    return true;
}
