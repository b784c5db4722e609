#include "neworderdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

NewOrderDialog::NewOrderDialog(const QString &store, QWidget *parent)
    : QDialog(parent)
    , m_store(store)
    , m_orderIdEdit(new QLineEdit(this))
    , m_customerEdit(new QLineEdit(this))
    , m_addressEdit(new QLineEdit(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("newOrderDialog"));
    setWindowTitle(tr("New order"));
    m_orderIdEdit->setObjectName(QStringLiteral("orderIdEdit"));
    m_orderIdEdit->setReadOnly(true);
    m_customerEdit->setObjectName(QStringLiteral("customerEdit"));
    m_addressEdit->setObjectName(QStringLiteral("addressEdit"));
    m_buttons->setObjectName(QStringLiteral("buttons"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Ready for &pickup"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("okButton"));
    auto *shuffleButton = m_buttons->addButton(tr("&Shuffle"), QDialogButtonBox::ResetRole);
    shuffleButton->setObjectName(QStringLiteral("shuffleButton"));
    shuffleButton->setToolTip(tr("Another random customer and address"));
    m_orderIdEdit->setMinimumWidth(m_orderIdEdit->fontMetrics().horizontalAdvance(QLatin1Char('0')) * 38);

    auto *storeLabel = new QLabel(store, this);
    storeLabel->setObjectName(QStringLiteral("storeLabel"));
    auto *form = new QFormLayout(this);
    form->addRow(tr("Store:"), storeLabel);
    form->addRow(tr("Order &ID:"), m_orderIdEdit);
    form->addRow(tr("&Customer:"), m_customerEdit);
    form->addRow(tr("&Address:"), m_addressEdit);
    form->addRow(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(shuffleButton, &QPushButton::clicked, this, &NewOrderDialog::shuffle);
    connect(m_customerEdit, &QLineEdit::textChanged, this, &NewOrderDialog::validate);
    connect(m_addressEdit, &QLineEdit::textChanged, this, &NewOrderDialog::validate);

    m_orderIdEdit->setText(caps::OrderFaker::newOrderId());
    shuffle();
}

void NewOrderDialog::shuffle()
{
    m_customerEdit->setText(m_faker.customerName());
    m_addressEdit->setText(m_faker.address());
    m_customerEdit->selectAll();
    m_customerEdit->setFocus();
}

void NewOrderDialog::validate()
{
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(!m_customerEdit->text().trimmed().isEmpty() && !m_addressEdit->text().trimmed().isEmpty());
}

caps::Order NewOrderDialog::order() const
{
    caps::Order order;
    order.store = m_store;
    order.orderId = m_orderIdEdit->text();
    order.customer = m_customerEdit->text().trimmed();
    order.address = m_addressEdit->text().trimmed();
    return order;
}
