#pragma once

#include "orders/order.h"
#include "orders/orderfaker.h"

#include <QDialog>

class QDialogButtonBox;
class QLineEdit;

// The "New order" form: customer and address prefilled with plausible values, both editable,
// and a fresh order id.
class NewOrderDialog : public QDialog
{
    Q_OBJECT
public:
    explicit NewOrderDialog(const QString &store, QWidget *parent = nullptr);

    [[nodiscard]] caps::Order order() const;

public Q_SLOTS:
    void shuffle();

private:
    void validate();

    QString m_store;
    caps::OrderFaker m_faker;
    QLineEdit *m_orderIdEdit;
    QLineEdit *m_customerEdit;
    QLineEdit *m_addressEdit;
    QDialogButtonBox *m_buttons;
};
