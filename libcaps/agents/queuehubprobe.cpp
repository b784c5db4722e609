#include "agents/queuehubprobe.h"

#include "client/client.h"

namespace caps {

QueueHubProbe::QueueHubProbe(Client *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{ }

void QueueHubProbe::ask(const QJsonObject &request)
{
    if (!m_client)
        return;
    const quint64 asked = ++m_asked;
    const QPointer<QueueHubProbe> self(this);
    m_client->emitWithAck(
        QStringLiteral("getAll"), {request},
        [self](const QJsonArray &reply) {
            if (!self)
                return;
            self->m_answer = Answer::Queue;
            if (reply.first().toObject().value(QLatin1String("ok")).toBool())
                Q_EMIT self->answered();
        },
        m_timeoutMs,
        [self, asked] {
            // Only a question left unanswered on a connection that is still up says anything:
            // a dropped connection takes its answer with it.
            if (!self || self->m_answer != Answer::Unknown || self->m_asked != asked || !self->m_client
                || !self->m_client->isConnected())
                return;
            self->m_answer = Answer::NoQueue;
            Q_EMIT self->noQueue();
        });
}

} // namespace caps
