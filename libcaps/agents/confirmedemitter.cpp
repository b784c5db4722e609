#include "agents/confirmedemitter.h"

#include "agents/queuehubprobe.h"
#include "client/client.h"

#include <QTimer>

#include <algorithm>

namespace caps {

ConfirmedEmitter::ConfirmedEmitter(Client *client, QueueHubProbe *probe, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_probe(probe)
{
    connect(probe, &QueueHubProbe::noQueue, this, &ConfirmedEmitter::forgetEarlierConnections);
}

void ConfirmedEmitter::send(const QString &event, const QString &orderId, const QJsonObject &payload)
{
    if (!m_client)
        return;
    // While offline the client buffers the emit and sends it on the next connection.
    const quint64 connection = m_client->isConnected() ? m_connection : m_connection + 1;
    if (const qsizetype i = indexOf(event, orderId); i >= 0)
        m_unconfirmed[i].connection = connection;
    else
        m_unconfirmed.append({event, orderId, payload, connection, Backoff(m_firstRetryMs, m_maxRetryMs, 0.0)});
    const QPointer<ConfirmedEmitter> self(this);
    m_client->emitWithAck(event, {payload}, [self, event, orderId](const QJsonArray &reply) {
        if (self)
            self->onAnswer(event, orderId, reply);
    });
}

void ConfirmedEmitter::setRetryDelays(int firstMs, int maxMs)
{
    m_firstRetryMs = firstMs;
    m_maxRetryMs = maxMs;
}

qint64 ConfirmedEmitter::patienceMs() const
{
    qint64 total = 0;
    qint64 delay = m_firstRetryMs;
    for (int i = 0; i < kMaxRefusals; ++i) {
        total += std::min<qint64>(delay, m_maxRetryMs);
        delay *= 2;
    }
    return total * 9 / 10;
}

void ConfirmedEmitter::resendLost()
{
    ++m_connection;
    // Sent on a connection that is gone without a confirmation: the hub may never have read them.
    // A hub without a queue (the lab's Phase 2 hub) confirms nothing: sending everything again
    // after each reconnection would only repeat old orders.
    if (m_probe->answer() == QueueHubProbe::Answer::NoQueue)
        forgetEarlierConnections();
    const QList<Unconfirmed> lost = m_unconfirmed;
    for (const Unconfirmed &u : lost) {
        if (u.connection < m_connection)
            send(u.event, u.orderId, u.payload);
    }
}

qsizetype ConfirmedEmitter::indexOf(const QString &event, const QString &orderId) const
{
    const auto it = std::find_if(m_unconfirmed.cbegin(), m_unconfirmed.cend(),
                                 [&](const Unconfirmed &u) { return u.event == event && u.orderId == orderId; });
    return it == m_unconfirmed.cend() ? -1 : it - m_unconfirmed.cbegin();
}

void ConfirmedEmitter::onAnswer(const QString &event, const QString &orderId, const QJsonArray &reply)
{
    const qsizetype i = indexOf(event, orderId);
    if (i < 0)
        return;
    const QJsonObject answer = reply.isEmpty() ? QJsonObject() : reply.first().toObject();
    if (answer.value(QLatin1String("ok")).toBool(true)) {
        m_unconfirmed.removeAt(i);
        Q_EMIT confirmed(event, orderId);
        return;
    }
    // Not stored (the rate limit, a full disk): the order would be lost if we stopped here. But
    // a refusal the hub marks final (the access policy, the payload's shape, the order's
    // lifecycle: another driver took it) would only be refused again.
    const QString error = answer.value(QLatin1String("error")).toString();
    Backoff &retry = m_unconfirmed[i].retry;
    QElapsedTimer &since = m_unconfirmed[i].refusedSince;
    if (!since.isValid())
        since.start();
    const bool outOfPatience = retry.attempts() >= kMaxRefusals && since.elapsed() >= patienceMs();
    if (!answer.value(QLatin1String("retry")).toBool(true) || outOfPatience) {
        m_unconfirmed.removeAt(i);
        Q_EMIT abandoned(event, orderId, error);
        return;
    }
    const int delay = retry.duration();
    const bool first = retry.attempts() == 1;
    const QJsonObject payload = m_unconfirmed.at(i).payload;
    QTimer::singleShot(delay, this, [this, event, orderId, payload] {
        if (indexOf(event, orderId) >= 0)
            send(event, orderId, payload);
    });
    if (first)
        Q_EMIT retrying(event, orderId, error);
}

void ConfirmedEmitter::forget(const QString &event, const QString &orderId)
{
    if (const qsizetype i = indexOf(event, orderId); i >= 0)
        m_unconfirmed.removeAt(i);
}

void ConfirmedEmitter::forgetEarlierConnections()
{
    m_unconfirmed.removeIf([this](const Unconfirmed &u) { return u.connection < m_connection; });
}

} // namespace caps
