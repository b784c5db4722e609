#pragma once

#include "orders/order.h"

#include <QFrame>

class QLabel;
class QToolButton;
class OrderProgress;

// One tracked order in the customer's panel: who and where, and its progress.
class OrderCard : public QFrame
{
    Q_OBJECT
public:
    explicit OrderCard(const QString &orderId, QWidget *parent = nullptr);

    void setOrder(const caps::Order &order);
    [[nodiscard]] QString orderId() const { return m_orderId; }
    [[nodiscard]] OrderProgress *progress() const { return m_progress; }
    [[nodiscard]] QString statusText() const;

Q_SIGNALS:
    void untrackRequested(const QString &orderId);

private:
    QString m_orderId;
    QLabel *m_title;
    QLabel *m_details;
    QLabel *m_status;
    QToolButton *m_untrack;
    OrderProgress *m_progress;
};
