#pragma once

#include "orders/order.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace caps {

// The orders one program knows about and the step each has reached.
//
// Events arrive at least once and not always in order (a reconnecting client replays its
// buffer, a hub replays what a late panel missed): applying an event is idempotent and a
// status never goes back. A late earlier event only fills in a time that was unknown.
class OrderModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        OrderIdColumn,
        CustomerColumn,
        AddressColumn,
        StoreColumn,
        StatusColumn,
        OrderedAtColumn,
        PickupWaitColumn, // ordered -> in transit
        TransitColumn, // in transit -> delivered
        TotalColumn, // ordered -> delivered
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        // The raw value of a cell (QDateTime, qint64 ms, int status) for sorting.
        SortRole = Qt::UserRole + 1,
        OrderIdRole,
        StatusRole, // int(Order::Status)
        RefusalRole, // the hub's reason for refusing it for good, empty if none
        UnsentRole, // bool: not confirmed by the hub yet
    };

    enum class Outcome {
        Added, // first event of a new order
        Advanced, // a known order moved on
        Duplicate, // that step again: nothing changed
        Regression, // an earlier step after a later one: the status stays
        Invalid, // not an order event, or no order id
    };
    Q_ENUM(Outcome)

    explicit OrderModel(QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    // `event` is "pickup", "in-transit" or "delivered"; `time` is when it happened (UTC).
    Outcome applyEvent(const QString &event, const QJsonValue &payload,
                       const QDateTime &time = QDateTime::currentDateTimeUtc());
    Outcome applyStep(Order::Status step, const Order &payload,
                      const QDateTime &time = QDateTime::currentDateTimeUtc());
    // Each of the record's steps with its time, oldest first (a step without a time: now);
    // returns the outcome of the latest.
    Outcome applyHistory(const OrderHistory &history);
    // A row for an order that is followed before any of its events is known (status Unknown).
    // Returns false if the order is already there.
    bool addPlaceholder(const Order &order);
    bool removeOrder(const QString &orderId);
    // The vendor's side: whether the hub has confirmed the order, or why it refused it.
    void setSending(const QString &orderId, bool unsent, const QString &refusal);
    // New customer, address (an order edited after a refusal); the status and times stay.
    void replaceDetails(const Order &order);
    void clear();

    [[nodiscard]] bool contains(const QString &orderId) const { return m_rows.contains(orderId); }
    [[nodiscard]] int rowOf(const QString &orderId) const { return m_rows.value(orderId, -1); }
    [[nodiscard]] Order orderAt(int row) const { return m_orders.value(row); }
    [[nodiscard]] Order order(const QString &orderId) const { return orderAt(rowOf(orderId)); }
    [[nodiscard]] const QList<Order> &orders() const { return m_orders; }
    [[nodiscard]] int countWithStatus(Order::Status status) const;

    [[nodiscard]] static QString statusText(Order::Status status);
    // What the Status column shows: statusText(), or the order's sending state.
    [[nodiscard]] static QString statusText(const Order &order);
    // "0.8 s", "12 s", "3 min 5 s", "2 h 10 min" in the current locale: one scale, a decimal
    // only below ten seconds.
    [[nodiscard]] static QString formatDuration(qint64 ms);
    // The time of day of `time` (UTC) in local time, in the locale's short time format with
    // seconds.
    [[nodiscard]] static QString formatTime(const QDateTime &time);

Q_SIGNALS:
    void orderAdded(const QString &orderId);
    // Emitted once per order and step, whatever the number of copies of the event.
    void statusChanged(const QString &orderId, caps::Order::Status status);

private:
    void reindex();

    QList<Order> m_orders;
    QHash<QString, int> m_rows;
};

} // namespace caps
