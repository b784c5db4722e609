#pragma once

#include "agents/confirmedemitter.h"
#include "client/client.h"
#include "orders/eventlogmodel.h"
#include "orders/order.h"
#include "orders/ordermodel.h"

#include <QObject>
#include <QPointer>

namespace caps {

class QueueHubProbe;

// The lab's vendor: joins its store's room, emits `pickup` for each new order and thanks the
// driver once per delivered order of its store (however many copies of `delivered` arrive).
//
// Nothing lost (docs/queue.md): on every (re)connection it asks the hub for its store's queue
// (`getAll { clientId: store }`) and acknowledges each in-transit / delivered it gets with
// `received`. A `pickup` is emitted with an acknowledgement; one the hub has not confirmed when
// the connection drops is emitted again after the reconnection (the hub keeps each order once).
class VendorAgent : public QObject
{
    Q_OBJECT
public:
    VendorAgent(Client *client, const QString &store, QObject *parent = nullptr);

    [[nodiscard]] QString store() const { return m_store; }
    [[nodiscard]] Client *client() const { return m_client; }
    [[nodiscard]] OrderModel *orders() { return &m_orders; }
    [[nodiscard]] EventLogModel *log() { return &m_log; }

    // Emits `pickup` for `draft` (store set to ours, a fresh order id if it has none) and
    // returns the order as sent. Sent at once or, while offline, when the client reconnects.
    Order placeOrder(Order draft);

    [[nodiscard]] static QString thankYouText(const QString &orderId);
    // Emits the hub has not confirmed yet (sent again after a reconnection).
    [[nodiscard]] qsizetype unconfirmedCount() const { return m_pickups.unconfirmedCount(); }
    // Whether the hub keeps a queue, as far as the agent knows.
    [[nodiscard]] QueueHubProbe *queueProbe() const { return m_queueProbe; }

Q_SIGNALS:
    void orderPlaced(const caps::Order &order);
    void orderInTransit(const QString &orderId);
    void orderDelivered(const QString &orderId);

private:
    void onConnected();
    void onEvent(const QString &event, const QJsonArray &args);
    void onStatusChanged(const QString &orderId, caps::Order::Status status);

    QPointer<Client> m_client;
    QString m_store;
    OrderModel m_orders;
    EventLogModel m_log;
    QueueHubProbe *m_queueProbe; // whether the hub keeps and confirms messages
    ConfirmedEmitter m_pickups;
};

} // namespace caps
