#pragma once

#include "agents/confirmedemitter.h"
#include "agents/outbox.h"
#include "client/client.h"
#include "orders/eventlogmodel.h"
#include "orders/order.h"
#include "orders/ordermodel.h"

#include <QObject>
#include <QPointer>

namespace caps {

class QueueHubProbe;
struct SecurityLimits;

// The lab's vendor: joins its store's room, emits `pickup` for each new order and thanks the
// driver once per delivered order of its store (however many copies of `delivered` arrive).
//
// Nothing lost (docs/queue.md): on every (re)connection it asks the hub for its store's queue
// (`getAll { clientId: store }`) and acknowledges each in-transit / delivered it gets with
// `received`, and for the store's orders the hub knows (`orders { store }`), so that a vendor
// started afresh shows its history. A `pickup` is emitted with an acknowledgement; one the hub
// has not confirmed when the connection drops is emitted again after the reconnection (the hub
// keeps each order once). Until the hub confirms it an order is in the outbox on disk, which a
// new VendorAgent for the same store sends again.
//
// Refused for good (the hub's { ok: false, retry: false }, or a check here that the hub would
// fail): the order stays, marked refused with the reason (Order::refusal), and is not sent
// again until resend() with edited details, or dropOrder().
class VendorAgent : public QObject
{
    Q_OBJECT
public:
    VendorAgent(Client *client, const QString &store, QObject *parent = nullptr);

    [[nodiscard]] QString store() const { return m_store; }
    [[nodiscard]] Client *client() const { return m_client; }
    [[nodiscard]] OrderModel *orders() { return &m_orders; }
    [[nodiscard]] EventLogModel *log() { return &m_log; }

    // Why the hub would refuse `order` (a field over its limit, control characters), in words
    // for the user; empty if nothing. The limits are the hub's defaults (caps::SecurityLimits).
    [[nodiscard]] static QString problemWith(const Order &order);
    [[nodiscard]] static QString problemWith(const Order &order, const SecurityLimits &limits);

    // Emits `pickup` for `draft` (store set to ours, a fresh order id if it has none) and
    // returns the order as sent. Sent at once or, while offline, when the client reconnects.
    // An order with a problemWith() is not sent: it is kept as refused, with the reason.
    Order placeOrder(Order draft);
    // A refused order with new details (same order id), sent again.
    Order resend(const Order &edited);
    // Forgets an order the hub has not accepted (refused or still unsent); false otherwise.
    bool dropOrder(const QString &orderId);
    // Whether the hub would let us cancel it: it has it, and no driver has taken it yet.
    [[nodiscard]] bool canCancel(const QString &orderId) const;
    // Emits `cancel`; the order shows Cancelled once the hub confirms.
    bool cancelOrder(const QString &orderId);

    [[nodiscard]] static QString thankYouText(const QString &orderId);
    // Emits the hub has not confirmed yet (sent again after a reconnection).
    [[nodiscard]] qsizetype unconfirmedCount() const { return m_pickups.unconfirmedCount(); }
    // Orders the hub does not have: not confirmed yet, or refused (what quitting would leave
    // in the outbox).
    [[nodiscard]] int unsentCount() const;
    [[nodiscard]] QString outboxPath() const { return m_outbox.path(); }
    // Whether the hub keeps a queue, as far as the agent knows.
    [[nodiscard]] QueueHubProbe *queueProbe() const { return m_queueProbe; }

Q_SIGNALS:
    void orderPlaced(const caps::Order &order);
    void orderInTransit(const QString &orderId);
    void orderDelivered(const QString &orderId);
    void orderCancelled(const QString &orderId);
    // Refused for good: the order is marked so and waits for an edit or a drop.
    void orderRefused(const QString &orderId, const QString &reason);
    // The hub would not cancel it (a driver took it meanwhile, say).
    void cancelRefused(const QString &orderId, const QString &reason);
    // The hub answered `orders`: the store's history is in orders().
    void historyLoaded(int count);

private:
    void onConnected();
    void onEvent(const QString &event, const QJsonArray &args);
    void onStatusChanged(const QString &orderId, caps::Order::Status status);
    void onConfirmed(const QString &event, const QString &orderId);
    void onAbandoned(const QString &event, const QString &orderId, const QString &error);
    void sendPickup(const Order &order);
    void loadOutbox();
    void saveOutbox();
    void requestHistory();

    QPointer<Client> m_client;
    QString m_store;
    OrderModel m_orders;
    EventLogModel m_log;
    QueueHubProbe *m_queueProbe; // whether the hub keeps and confirms messages
    ConfirmedEmitter m_pickups; // pickup and cancel
    Outbox m_outbox;
    bool m_replaying = false; // applying the hub's history: old steps are not news
};

} // namespace caps
