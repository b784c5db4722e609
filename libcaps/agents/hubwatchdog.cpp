#include "agents/hubwatchdog.h"

#include "client/client.h"

#include <cstdio>

namespace caps {

HubWatchdog::HubWatchdog(Client *client, const QString &program, int connectTimeoutMs, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_program(program)
    , m_url(client->url().toString())
    , m_connectTimeoutMs(connectTimeoutMs)
    , m_err(stderr)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        print(tr("giving up: hub at %1 unreachable for %2 ms").arg(m_url).arg(m_connectTimeoutMs));
        Q_EMIT gaveUp(Unreachable);
    });
    connect(client, &Client::connected, this, [this] {
        m_timeout.stop();
        print(m_client && m_client->isRecovered() ? tr("reconnected to hub at %1; it kept this session").arg(m_url)
                                                  : tr("connected to hub at %1").arg(m_url));
    });
    connect(client, &Client::disconnected, this, [this](const QString &reason) {
        print(tr("lost the hub at %1 (%2)").arg(m_url, reason));
        startTimeout();
    });
    connect(client, &Client::reconnectScheduled, this, [this](int, int delayMs) {
        const QString why = m_client ? m_client->errorString() : QString();
        const int seconds = (delayMs + 999) / 1000;
        print(tr("cannot reach hub at %1 (%2), retrying in %n s", nullptr, seconds)
                  .arg(m_url, why.isEmpty() ? tr("no answer") : why));
    });
    connect(client, &Client::reconnectFailed, this, [this] {
        print(tr("giving up: hub at %1 unreachable").arg(m_url));
        Q_EMIT gaveUp(Unreachable);
    });
    connect(client, &Client::connectError, this, [this](const QString &message) {
        print(tr("the hub at %1 refused the connection (%2)").arg(m_url, message));
        Q_EMIT gaveUp(Refused);
    });
    startTimeout();
}

void HubWatchdog::startTimeout()
{
    if (m_connectTimeoutMs > 0 && !m_timeout.isActive())
        m_timeout.start(m_connectTimeoutMs);
}

void HubWatchdog::print(const QString &line)
{
    m_err << m_program << ": " << line << Qt::endl;
}

} // namespace caps
