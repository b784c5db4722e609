#include "hubcluster.h"

#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

namespace {

quint16 freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

} // namespace

HubCluster::HubCluster(const QString &hubProgram, const QString &haproxyConfig, int hubs, QObject *parent)
    : QObject(parent)
    , m_hubProgram(hubProgram)
    , m_haproxyConfig(haproxyConfig)
    , m_hubCount(hubs)
{
    // HAProxy's alerts (a hub DOWN, UP again) go where ours go: they date each failover.
    m_haproxy.setProcessChannelMode(QProcess::ForwardedChannels);
}

HubCluster::~HubCluster()
{
    stop();
}

bool HubCluster::start(const QStringList &hubArguments)
{
    m_error = m_postgres.start();
    if (!m_error.isEmpty())
        return false;
    for (int i = 0; i < m_hubCount; ++i) {
        auto hub = std::make_unique<HubProcess>(m_hubProgram, m_postgres.socketUri());
        hub->setExtraArguments(hubArguments);
        if (!hub->start()) {
            m_error = QStringLiteral("hub %1: %2").arg(i + 1).arg(hub->errorString());
            return false;
        }
        m_hubs.push_back(std::move(hub));
    }
    return startBalancer();
}

bool HubCluster::startBalancer()
{
    m_balancerPort = freePort();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("CAPS_LB_ADDRESS"), QStringLiteral("127.0.0.1:%1").arg(m_balancerPort));
    // caps.cfg names three servers; a smaller cluster repeats its last hub.
    for (int i = 0; i < 3; ++i) {
        const int hub = qMin(i, size() - 1);
        env.insert(QStringLiteral("CAPS_HUB%1").arg(i + 1),
                   QStringLiteral("127.0.0.1:%1").arg(m_hubs.at(size_t(hub))->port()));
    }
    m_haproxy.setProcessEnvironment(env);
    m_haproxy.start(QStringLiteral("haproxy"), {QStringLiteral("-db"), QStringLiteral("-f"), m_haproxyConfig});
    if (!m_haproxy.waitForStarted(10000)) {
        m_error = QStringLiteral("haproxy: %1 (run scripts/setup.sh test)").arg(m_haproxy.errorString());
        return false;
    }
    const bool listening = QTest::qWaitFor(
        [this] {
            if (m_haproxy.state() == QProcess::NotRunning)
                return true;
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, m_balancerPort);
            return probe.waitForConnected(100);
        },
        10000);
    if (!listening || m_haproxy.state() == QProcess::NotRunning) {
        m_error = QStringLiteral("haproxy does not listen on %1 (exit code %2)")
                      .arg(m_balancerPort)
                      .arg(m_haproxy.exitCode());
        return false;
    }
    return true;
}

void HubCluster::stop()
{
    if (m_haproxy.state() != QProcess::NotRunning) {
        m_haproxy.terminate();
        if (!m_haproxy.waitForFinished(3000))
            m_haproxy.kill();
    }
    for (auto &hub : m_hubs)
        hub->kill();
    m_postgres.stop();
}

int HubCluster::balancedHub() const
{
    QTcpSocket http;
    http.connectToHost(QHostAddress::LocalHost, m_balancerPort);
    if (!http.waitForConnected(1000))
        return -1;
    http.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QByteArray head;
    while (!head.contains("\r\n\r\n") && http.waitForReadyRead(1000))
        head += http.readAll();
    static const QRegularExpression cookie(QStringLiteral("CAPSHUB=hub(\\d)"));
    const QRegularExpressionMatch match = cookie.match(QString::fromLatin1(head));
    return match.hasMatch() ? match.captured(1).toInt() - 1 : -1;
}

QUrl HubCluster::balancerUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/caps").arg(m_balancerPort));
}
