#include "agents/connectionstatus.h"

namespace caps {

ConnectionStatus::ConnectionStatus(Client *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
    m_countdown.setInterval(250);
    connect(&m_countdown, &QTimer::timeout, this, &ConnectionStatus::refresh);
    connect(client, &Client::stateChanged, this, &ConnectionStatus::refresh);
    connect(client, &Client::reconnectScheduled, this, &ConnectionStatus::refresh);
    connect(client, &Client::reconnectFailed, this, &ConnectionStatus::refresh);
    refresh();
}

Client::State ConnectionStatus::state() const
{
    return m_client ? m_client->state() : Client::State::Disconnected;
}

int ConnectionStatus::secondsToRetry() const
{
    if (!m_client || m_client->state() != Client::State::Reconnecting)
        return -1;
    const int ms = m_client->reconnectIn();
    return ms < 0 ? -1 : (ms + 999) / 1000;
}

QString ConnectionStatus::text() const
{
    return stateText(state(), secondsToRetry());
}

QString ConnectionStatus::stateText(Client::State state, int secondsToRetry)
{
    switch (state) {
    case Client::State::Connected:
        return tr("Connected");
    case Client::State::Connecting:
        return tr("Connecting…");
    case Client::State::Reconnecting:
        if (secondsToRetry <= 0)
            return tr("Reconnecting…");
        return tr("Reconnecting in %n s", nullptr, secondsToRetry);
    case Client::State::Disconnected:
        break;
    }
    return tr("Offline");
}

QString ConnectionStatus::details() const
{
    if (!m_client)
        return detailsText(Client::State::Disconnected, -1, QUrl(), QString());
    return detailsText(state(), secondsToRetry(), m_client->url(), m_client->errorString());
}

QString ConnectionStatus::detailsText(Client::State state, int secondsToRetry, const QUrl &hub, const QString &reason)
{
    const QString url = hub.toDisplayString();
    QString text;
    switch (state) {
    case Client::State::Connected:
        return tr("Connected to %1").arg(url);
    case Client::State::Connecting:
        text = tr("Connecting to %1…").arg(url);
        break;
    case Client::State::Reconnecting:
        text = secondsToRetry <= 0 ? tr("Reconnecting to %1…").arg(url)
                                   : tr("Reconnecting to %1 in %n s", nullptr, secondsToRetry).arg(url);
        break;
    case Client::State::Disconnected:
        text = url.isEmpty() ? tr("Not connected to a hub") : tr("Not connected to %1").arg(url);
        break;
    }
    // The reason comes from the transport or the hub, as it was given ("Connection refused").
    if (!reason.isEmpty())
        text += QLatin1Char('\n') + tr("Last attempt: %1").arg(reason);
    return text;
}

void ConnectionStatus::refresh()
{
    const Client::State s = state();
    if (s == Client::State::Reconnecting) {
        if (!m_countdown.isActive())
            m_countdown.start();
    } else {
        m_countdown.stop();
    }
    const QString t = text();
    const QString d = details();
    if (t == m_lastText && d == m_lastDetails)
        return;
    m_lastText = t;
    m_lastDetails = d;
    Q_EMIT changed(t, s);
}

QString ConnectionStatus::connectedNote(const Client &client)
{
    // A recovered session gets the events it missed straight after this line.
    return (client.isRecovered() ? tr("Reconnected to %1; the hub kept this session") : tr("Connected to %1"))
        .arg(client.url().toString());
}

} // namespace caps
