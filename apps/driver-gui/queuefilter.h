#pragma once

#include <QSortFilterProxyModel>

// The driver's queue: every order but the delivered ones, unless asked to show them too.
class QueueFilter : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setShowDelivered(bool show);

protected:
    [[nodiscard]] bool filterAcceptsRow(int row, const QModelIndex &parent) const override;

private:
    bool m_showDelivered = false;
};
