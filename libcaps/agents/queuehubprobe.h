#pragma once

#include <QJsonObject>
#include <QObject>
#include <QPointer>

namespace caps {

class Client;

// Whether the hub keeps a message queue (the lab's Phase 3; caps-hub does, the Phase 2 hub does
// not). The vendor and driver agents send `getAll` on every connection: a hub that answers keeps
// a queue; one that leaves it unanswered for timeoutMs() on a connection that lasts keeps none.
// Until either is known the agents must assume a queue: forgetting the emits a hub has not
// confirmed, as they do for a hub without one, would lose orders whenever a queue hub's first
// answer is cut off by a dropped connection.
class QueueHubProbe : public QObject
{
    Q_OBJECT
public:
    enum class Answer { Unknown, Queue, NoQueue };
    Q_ENUM(Answer)

    explicit QueueHubProbe(Client *client, QObject *parent = nullptr);

    // Emits getAll(request) on the client's current connection; call once per connection.
    void ask(const QJsonObject &request);
    [[nodiscard]] Answer answer() const { return m_answer; }
    [[nodiscard]] int timeoutMs() const { return m_timeoutMs; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

Q_SIGNALS:
    // The hub answered none of this connection's getAll within timeoutMs(): it keeps no queue.
    void noQueue();
    // The hub answered this connection's getAll: the backlog it sent came before this.
    void answered();

private:
    QPointer<Client> m_client;
    Answer m_answer = Answer::Unknown;
    quint64 m_asked = 0; // connections asked on
    int m_timeoutMs = 10000;
};

} // namespace caps
