#include "orders/ordermodel.h"

#include <QLocale>

namespace caps {

OrderModel::OrderModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int OrderModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_orders.size());
}

int OrderModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString OrderModel::statusText(Order::Status status)
{
    switch (status) {
    case Order::Status::Unknown:
        return tr("Not seen yet");
    case Order::Status::Ordered:
        return tr("Awaiting pickup");
    case Order::Status::InTransit:
        return tr("In transit");
    case Order::Status::Delivered:
        return tr("Delivered");
    case Order::Status::Cancelled:
        return tr("Cancelled");
    }
    return {};
}

QString OrderModel::statusText(const Order &order)
{
    if (order.isRefused())
        return tr("Refused: %1").arg(order.refusal);
    if (order.unsent && order.status == Order::Status::Ordered)
        return tr("Queued, not sent yet");
    return statusText(order.status);
}

QString OrderModel::formatDuration(qint64 ms)
{
    if (ms < 0)
        return {};
    const QLocale locale;
    if (ms < 10000)
        return tr("%1 s").arg(locale.toString(double(ms) / 1000.0, 'f', 1));
    const qint64 seconds = (ms + 500) / 1000;
    if (seconds < 60)
        return tr("%1 s").arg(locale.toString(seconds));
    if (seconds < 3600)
        return tr("%1 min %2 s").arg(locale.toString(seconds / 60), locale.toString(seconds % 60));
    return tr("%1 h %2 min").arg(locale.toString(seconds / 3600), locale.toString((seconds % 3600) / 60));
}

QString OrderModel::formatTime(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    const QLocale locale;
    QString format = locale.timeFormat(QLocale::ShortFormat);
    // The short format has no seconds, which two events of one order need to differ.
    if (!format.contains(QLatin1Char('s'))) {
        const qsizetype minutes = format.lastIndexOf(QLatin1String("mm"));
        if (minutes >= 0)
            format.insert(minutes + 2, QStringLiteral(":ss"));
    }
    return locale.toString(time.toLocalTime().time(), format);
}

QVariant OrderModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Order &order = m_orders.at(index.row());
    using S = Order::Status;

    switch (role) {
    case OrderIdRole:
        return order.orderId;
    case StatusRole:
        return int(order.status);
    case RefusalRole:
        return order.refusal;
    case UnsentRole:
        return order.unsent;
    case Qt::TextAlignmentRole:
        if (index.column() >= PickupWaitColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == OrderIdColumn)
            return order.orderId;
        if (index.column() == AddressColumn)
            return order.address;
        if (index.column() == StatusColumn)
            return statusText(order);
        return {};
    case Qt::DisplayRole:
    case SortRole:
        break;
    default:
        return {};
    }

    const bool display = role == Qt::DisplayRole;
    auto duration = [&](S from, S to) -> QVariant {
        const qint64 ms = order.msBetween(from, to);
        return display ? QVariant(formatDuration(ms)) : QVariant(ms);
    };
    switch (Column(index.column())) {
    case OrderIdColumn:
        return order.orderId;
    case CustomerColumn:
        return order.customer;
    case AddressColumn:
        return order.address;
    case StoreColumn:
        return order.store;
    case StatusColumn:
        return display ? QVariant(statusText(order)) : QVariant(int(order.status));
    case OrderedAtColumn:
        if (!display)
            return order.orderedAt;
        return formatTime(order.orderedAt);
    case PickupWaitColumn:
        return duration(S::Ordered, S::InTransit);
    case TransitColumn:
        return duration(S::InTransit, S::Delivered);
    case TotalColumn:
        return duration(S::Ordered, S::Delivered);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant OrderModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case OrderIdColumn:
        return tr("Order");
    case CustomerColumn:
        return tr("Customer");
    case AddressColumn:
        return tr("Address");
    case StoreColumn:
        return tr("Store");
    case StatusColumn:
        return tr("Status");
    case OrderedAtColumn:
        return tr("Ordered at");
    case PickupWaitColumn:
        return tr("Until pickup");
    case TransitColumn:
        return tr("In transit");
    case TotalColumn:
        return tr("Total");
    case ColumnCount:
        break;
    }
    return {};
}

QHash<int, QByteArray> OrderModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SortRole, "sortValue");
    names.insert(OrderIdRole, "orderId");
    names.insert(StatusRole, "status");
    return names;
}

OrderModel::Outcome OrderModel::applyEvent(const QString &event, const QJsonValue &payload, const QDateTime &time)
{
    const Order::Status step = Order::statusForEvent(event);
    if (step == Order::Status::Unknown)
        return Outcome::Invalid;
    const Result<Order> order = Order::fromJson(payload);
    if (!order)
        return Outcome::Invalid;
    return applyStep(step, *order, time);
}

OrderModel::Outcome OrderModel::applyStep(Order::Status step, const Order &payload, const QDateTime &time)
{
    if (step == Order::Status::Unknown || payload.orderId.isEmpty())
        return Outcome::Invalid;
    const QDateTime when = time.isValid() ? time.toUTC() : QDateTime::currentDateTimeUtc();

    // The vendor's own time of the order (placed offline, it reached the hub later).
    const QDateTime placed = payload.orderedAt;
    const QDateTime stepTime = step == Order::Status::Ordered && placed.isValid() ? placed : when;

    const int row = rowOf(payload.orderId);
    if (row < 0) {
        Order order = payload;
        order.status = step;
        order.orderedAt = order.inTransitAt = order.deliveredAt = order.cancelledAt = QDateTime();
        order.orderedAt = placed;
        order.setTimeOf(step, stepTime);
        const int newRow = int(m_orders.size());
        beginInsertRows({}, newRow, newRow);
        m_orders.append(order);
        m_rows.insert(order.orderId, newRow);
        endInsertRows();
        Q_EMIT orderAdded(order.orderId);
        Q_EMIT statusChanged(order.orderId, step);
        return Outcome::Added;
    }

    Order &order = m_orders[row];
    bool changed = false;
    // A later payload may carry what a placeholder or an odd client left out.
    for (auto [field, value] : {std::pair{&order.store, &payload.store}, std::pair{&order.customer, &payload.customer},
                                std::pair{&order.address, &payload.address}}) {
        if (field->isEmpty() && !value->isEmpty()) {
            *field = *value;
            changed = true;
        }
    }

    if (placed.isValid() && !order.orderedAt.isValid()) {
        order.orderedAt = placed;
        changed = true;
    }

    Outcome outcome;
    if (step == order.status) {
        outcome = Outcome::Duplicate;
    } else if (step < order.status || order.status == Order::Status::Cancelled) {
        // Cancelled ends the order's life (whatever comes late), as Delivered does.
        if (!order.timeOf(step).isValid() && order.status != Order::Status::Cancelled) {
            order.setTimeOf(step, stepTime);
            changed = true;
        }
        outcome = Outcome::Regression;
    } else {
        order.status = step;
        order.setTimeOf(step, stepTime);
        changed = true;
        outcome = Outcome::Advanced;
    }
    if (changed)
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    if (outcome == Outcome::Advanced)
        Q_EMIT statusChanged(order.orderId, step);
    return outcome;
}

OrderModel::Outcome OrderModel::applyHistory(const OrderHistory &history)
{
    Outcome outcome = Outcome::Invalid;
    for (const OrderHistory::Step &step : history.steps)
        outcome = applyStep(step.status, history.order, step.time);
    return outcome;
}

bool OrderModel::addPlaceholder(const Order &order)
{
    if (order.orderId.isEmpty() || contains(order.orderId))
        return false;
    Order placeholder = order;
    placeholder.status = Order::Status::Unknown;
    placeholder.orderedAt = placeholder.inTransitAt = placeholder.deliveredAt = QDateTime();
    const int newRow = int(m_orders.size());
    beginInsertRows({}, newRow, newRow);
    m_orders.append(placeholder);
    m_rows.insert(placeholder.orderId, newRow);
    endInsertRows();
    Q_EMIT orderAdded(placeholder.orderId);
    return true;
}

void OrderModel::setSending(const QString &orderId, bool unsent, const QString &refusal)
{
    const int row = rowOf(orderId);
    if (row < 0)
        return;
    Order &order = m_orders[row];
    if (order.unsent == unsent && order.refusal == refusal)
        return;
    order.unsent = unsent;
    order.refusal = refusal;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void OrderModel::replaceDetails(const Order &details)
{
    const int row = rowOf(details.orderId);
    if (row < 0)
        return;
    Order &order = m_orders[row];
    order.customer = details.customer;
    order.address = details.address;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

bool OrderModel::removeOrder(const QString &orderId)
{
    const int row = rowOf(orderId);
    if (row < 0)
        return false;
    beginRemoveRows({}, row, row);
    m_orders.removeAt(row);
    reindex();
    endRemoveRows();
    return true;
}

void OrderModel::clear()
{
    if (m_orders.isEmpty())
        return;
    beginResetModel();
    m_orders.clear();
    m_rows.clear();
    endResetModel();
}

int OrderModel::countWithStatus(Order::Status status) const
{
    return int(
        std::count_if(m_orders.cbegin(), m_orders.cend(), [status](const Order &o) { return o.status == status; }));
}

void OrderModel::reindex()
{
    m_rows.clear();
    for (int i = 0; i < m_orders.size(); ++i)
        m_rows.insert(m_orders.at(i).orderId, i);
}

} // namespace caps
