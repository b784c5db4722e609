#pragma once

#include "hubprocess.h"
#include "support/privatepostgres.h"

#include <QObject>
#include <QProcess>
#include <QUrl>

#include <memory>
#include <vector>

// A local cluster as scripts/cluster makes one (docs/scaling.md): a private PostgreSQL, several
// caps-hub processes on its one database, and HAProxy in front of them with
// resources/haproxy/caps.cfg, given the hubs' real ports. Each hub can be killed and started
// again on its port, so HAProxy's configuration stays right.
class HubCluster : public QObject
{
    Q_OBJECT
public:
    HubCluster(const QString &hubProgram, const QString &haproxyConfig, int hubs, QObject *parent = nullptr);
    ~HubCluster() override;

    // PostgreSQL, the hubs, then HAProxy; false, with errorString(), if one does not come up.
    bool start(const QStringList &hubArguments);
    void stop();
    [[nodiscard]] QString errorString() const { return m_error; }

    [[nodiscard]] int size() const { return int(m_hubs.size()); }
    [[nodiscard]] HubProcess &hub(int i) { return *m_hubs.at(size_t(i)); }
    // The one address of the service, through HAProxy.
    [[nodiscard]] QUrl balancerUrl() const;
    [[nodiscard]] QString databaseUri() const { return m_postgres.socketUri(); }
    // The hub (0-based) HAProxy gives a new client from 127.0.0.1 now, from the CAPSHUB cookie
    // it sets; -1 if it does not answer.
    [[nodiscard]] int balancedHub() const;

private:
    bool startBalancer();

    QString m_hubProgram;
    QString m_haproxyConfig;
    int m_hubCount = 3;
    caps::test::PrivatePostgres m_postgres;
    std::vector<std::unique_ptr<HubProcess>> m_hubs;
    QProcess m_haproxy;
    quint16 m_balancerPort = 0;
    QString m_error;
};
