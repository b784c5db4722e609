#include "queuefilter.h"

#include "orders/ordermodel.h"

void QueueFilter::setShowDelivered(bool show)
{
    if (m_showDelivered == show)
        return;
    m_showDelivered = show;
    invalidateRowsFilter();
}

bool QueueFilter::filterAcceptsRow(int row, const QModelIndex &parent) const
{
    if (m_showDelivered)
        return true;
    const QModelIndex index = sourceModel()->index(row, 0, parent);
    return index.data(caps::OrderModel::StatusRole).toInt() != int(caps::Order::Status::Delivered);
}
