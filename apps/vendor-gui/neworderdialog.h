#pragma once

#include "orders/order.h"
#include "orders/orderfaker.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

// The "New order" form: customer and address prefilled with plausible values, both editable,
// and a fresh order id. It refuses what the hub would (VendorAgent::problemWith: the hub's
// limits), saying why. Given a refused order, it edits that one (same id) and shows the hub's
// reason.
class NewOrderDialog : public QDialog
{
    Q_OBJECT
public:
    explicit NewOrderDialog(const QString &store, QWidget *parent = nullptr);
    // Edits `refused` (its id stays), with the hub's reason shown.
    NewOrderDialog(const caps::Order &refused, QWidget *parent);

    [[nodiscard]] caps::Order order() const;
    // Why the order cannot go as it is; empty when it can.
    [[nodiscard]] QString problem() const;

public Q_SLOTS:
    void shuffle();

private:
    void build();
    void validate();

    QString m_store;
    caps::OrderFaker m_faker;
    QLineEdit *m_orderIdEdit;
    QLineEdit *m_customerEdit;
    QLineEdit *m_addressEdit;
    QLabel *m_problemLabel;
    QLabel *m_refusalLabel;
    QDialogButtonBox *m_buttons;
};
