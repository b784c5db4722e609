#pragma once

#include "client/client.h"
#include "orders/eventlogmodel.h"
#include "orders/order.h"
#include "orders/ordermodel.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

namespace caps {

// A customer following orders by id or by name. Emits `track` (with an ack that brings back the
// latest known event of each matching order) now and after every reconnection, since the hub
// forgets a socket's rooms; then applies the live events of what it tracks. Events for anything
// else are ignored, so it also behaves against a hub that broadcasts everything.
class CustomerAgent : public QObject
{
    Q_OBJECT
public:
    explicit CustomerAgent(Client *client, QObject *parent = nullptr);

    [[nodiscard]] Client *client() const { return m_client; }
    [[nodiscard]] OrderModel *orders() { return &m_orders; }
    [[nodiscard]] EventLogModel *log() { return &m_log; }

    // Return false if empty or already tracked.
    bool trackOrder(const QString &orderId);
    bool trackCustomer(const QString &name);
    void untrackOrder(const QString &orderId);
    void untrackCustomer(const QString &name);
    [[nodiscard]] QStringList trackedOrders() const { return m_orderIds; }
    [[nodiscard]] QStringList trackedCustomers() const { return m_customers; }
    [[nodiscard]] bool isTracked(const Order &order) const;
    // True while the hub's answer to `track` is applied: those steps happened before, they
    // are not news (no notification).
    [[nodiscard]] bool isReplaying() const { return m_replaying; }

Q_SIGNALS:
    // Once per order and step.
    void statusChanged(const caps::Order &order);
    // The hub answered `track` (ok is false with its error, or on timeout).
    void trackAnswered(const QString &what, bool ok, const QString &error);

private:
    void sendTrack(const QJsonObject &what);
    void sendAll();
    void onEvent(const QString &event, const QJsonArray &args);
    void applyRecord(const QJsonValue &record);

    QPointer<Client> m_client;
    OrderModel m_orders;
    EventLogModel m_log;
    QStringList m_orderIds;
    QStringList m_customers;
    bool m_replaying = false;
    // How long to wait for the hub's answer to `track`.
    static constexpr int kAckTimeoutMs = 10000;
};

} // namespace caps
