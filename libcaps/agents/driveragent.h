#pragma once

#include "agents/confirmedemitter.h"
#include "client/client.h"
#include "orders/eventlogmodel.h"
#include "orders/order.h"
#include "orders/ordermodel.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>

class QTimer;

namespace caps {

class QueueHubProbe;

// The lab's driver: every `pickup` joins the queue; confirming a pickup emits `in-transit`
// and marking it delivered emits `delivered`, each with the payload the vendor sent (the hub
// routes them to payload.store). With auto-drive on it does both by itself, as the lab's
// driver: `in-transit` pickupDelay ms after the pickup, `delivered` deliverDelay ms after it.
//
// Nothing lost (docs/queue.md): on every (re)connection it asks for the shared queue `driver`
// (`getAll { clientId: "driver", event: "pickup" }`), so an order reaches the drivers until one
// of them has delivered it. `in-transit` and `delivered` are emitted with an acknowledgement and
// emitted again after a reconnection until the hub confirms them; once `delivered` is
// confirmed the pickup is acknowledged (`received`), and so is any later copy of it.
class DriverAgent : public QObject
{
    Q_OBJECT
public:
    explicit DriverAgent(Client *client, QObject *parent = nullptr);
    ~DriverAgent() override;

    [[nodiscard]] Client *client() const { return m_client; }
    [[nodiscard]] OrderModel *orders() { return &m_orders; }
    [[nodiscard]] EventLogModel *log() { return &m_log; }

    [[nodiscard]] bool canConfirmPickup(const QString &orderId) const;
    [[nodiscard]] bool canMarkDelivered(const QString &orderId) const;
    // Return false (and send nothing) when that step is not the next one.
    bool confirmPickup(const QString &orderId);
    bool markDelivered(const QString &orderId);

    [[nodiscard]] bool autoDrive() const { return m_autoDrive; }
    // Emits the hub has not confirmed yet (sent again after a reconnection).
    [[nodiscard]] qsizetype unconfirmedCount() const { return m_steps.unconfirmedCount(); }
    // Whether the hub keeps a queue, as far as the agent knows.
    [[nodiscard]] QueueHubProbe *queueProbe() const { return m_queueProbe; }
    void setAutoDrive(bool on);
    void setPickupDelayMs(int ms);
    void setDeliverDelayMs(int ms);

Q_SIGNALS:
    void orderQueued(const QString &orderId);
    void pickedUp(const QString &orderId);
    void delivered(const QString &orderId);
    // The hub refused `event` of `orderId` for good (or too often), and the order left this
    // driver's hands.
    void stepAbandoned(const QString &event, const QString &orderId, const QString &error);
    void autoDriveChanged(bool on);
    // Any change that may enable or disable an action.
    void ordersChanged();

private:
    // Out of this driver's hands: off its list, no step scheduled for it.
    void dropOrder(const QString &orderId);
    void onConnected();
    void onConfirmed(const QString &event, const QString &orderId);
    void acknowledgePickup(const QString &orderId);
    // The hub's backlog is complete: orders still shown as waiting that it no longer has were
    // taken or cancelled while this driver was away.
    void dropWhatTheHubNoLongerHas();
    void onEvent(const QString &event, const QJsonArray &args);
    bool advance(const QString &orderId, Order::Status step);
    void schedule(const QString &orderId);
    void cancel(const QString &orderId);

    QPointer<Client> m_client;
    OrderModel m_orders;
    EventLogModel m_log;
    // The payloads as received, so that in-transit/delivered carry the same fields back.
    QHash<QString, QJsonObject> m_payloads;
    QHash<QString, QTimer *> m_timers;
    QSet<QString> m_confirmedDelivered;
    // Pickups heard since this connection's getAll went out: with the hub's answer, the whole
    // list of orders still waiting for a driver.
    QSet<QString> m_heardSinceGetAll;
    QueueHubProbe *m_queueProbe; // whether the hub keeps and confirms messages
    ConfirmedEmitter m_steps; // in-transit and delivered
    bool m_autoDrive = false;
    int m_pickupDelayMs = 1000;
    int m_deliverDelayMs = 3000;
};

} // namespace caps
