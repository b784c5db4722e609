#pragma once

#include "client/backoff.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

namespace caps {

class Client;
class QueueHubProbe;

// The emits of an order's steps that the hub must confirm (docs/queue.md), as the vendor's
// `pickup` and the driver's `in-transit` / `delivered`: each goes with an acknowledgement and is
// kept until the hub answers it with anything but { ok: false }. One the hub refuses (the rate
// limit, a full disk) goes again after a growing delay, up to kMaxRefusals times and for at least
// as long as those delays add up to (patienceMs(): sent again at once on every reconnection, an
// emit would otherwise use its tries up in a few seconds of a flapping connection, while what
// the hub waits for — another hub judged gone — takes its own time), unless the hub
// says the refusal is final ({ ok: false, retry: false }: it would refuse it again); one sent on a
// connection that dropped before the answer goes again on the next (resendLost()). A hub without
// a queue (the probe's NoQueue) confirms nothing: what earlier connections sent is forgotten
// then, not repeated after every reconnection.
class ConfirmedEmitter : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxRefusals = 20;

    ConfirmedEmitter(Client *client, QueueHubProbe *probe, QObject *parent = nullptr);

    // Emits `event` with `payload` for order `orderId`, at once or, while offline, when the
    // client reconnects. One event of one order is kept once, however often it is sent.
    void send(const QString &event, const QString &orderId, const QJsonObject &payload);
    // For the agent's Client::connected slot, once what must go first has gone (getAll): counts
    // the connection and sends again what the earlier ones left unconfirmed.
    void resendLost();
    [[nodiscard]] qsizetype unconfirmedCount() const { return m_unconfirmed.size(); }
    [[nodiscard]] bool isUnconfirmed(const QString &event, const QString &orderId) const
    {
        return indexOf(event, orderId) >= 0;
    }
    // Stops waiting for (and resending) that emit: the order was dropped or cancelled.
    void forget(const QString &event, const QString &orderId);
    // The delay after a first refusal, doubled after each further one up to `maxMs`; 200 ms and
    // 5 s unless set. Applies to emits sent from now on.
    void setRetryDelays(int firstMs, int maxMs);
    // How long after its first refusal an emit the hub keeps refusing is given up: the delays
    // of kMaxRefusals retries, less a tenth (timers may fire a little early).
    [[nodiscard]] qint64 patienceMs() const;

Q_SIGNALS:
    void confirmed(const QString &event, const QString &orderId);
    // The hub refused the emit for the first time: it is tried again.
    void retrying(const QString &event, const QString &orderId, const QString &error);
    // Refused for good (final, or once more than kMaxRefusals): dropped.
    void abandoned(const QString &event, const QString &orderId, const QString &error);

private:
    struct Unconfirmed
    {
        QString event;
        QString orderId;
        QJsonObject payload;
        quint64 connection = 0; // the connection it was (or will be) sent on
        Backoff retry; // counts the refusals ({ ok: false }), gives the delays
        QElapsedTimer refusedSince; // from the first refusal
    };

    // -1: none.
    [[nodiscard]] qsizetype indexOf(const QString &event, const QString &orderId) const;
    void onAnswer(const QString &event, const QString &orderId, const QJsonArray &reply);
    void forgetEarlierConnections();

    QPointer<Client> m_client;
    QueueHubProbe *m_probe;
    QList<Unconfirmed> m_unconfirmed; // oldest first
    quint64 m_connection = 0; // connections so far
    int m_firstRetryMs = 200;
    int m_maxRetryMs = 5000;
};

} // namespace caps
