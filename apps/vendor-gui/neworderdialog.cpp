#include "neworderdialog.h"

#include "agents/vendoragent.h"

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
    , m_problemLabel(new QLabel(this))
    , m_refusalLabel(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("New order"));
    build();
    m_orderIdEdit->setText(caps::OrderFaker::newOrderId());
    shuffle();
}

NewOrderDialog::NewOrderDialog(const caps::Order &refused, QWidget *parent)
    : QDialog(parent)
    , m_store(refused.store)
    , m_orderIdEdit(new QLineEdit(this))
    , m_customerEdit(new QLineEdit(this))
    , m_addressEdit(new QLineEdit(this))
    , m_problemLabel(new QLabel(this))
    , m_refusalLabel(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Edit refused order"));
    build();
    m_orderIdEdit->setText(refused.orderId);
    m_customerEdit->setText(refused.customer);
    m_addressEdit->setText(refused.address);
    m_refusalLabel->setText(tr("The hub refused this order: %1").arg(refused.refusal));
    m_refusalLabel->show();
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Send &again"));
    m_addressEdit->setFocus();
    validate();
}

void NewOrderDialog::build()
{
    setObjectName(QStringLiteral("newOrderDialog"));
    m_orderIdEdit->setObjectName(QStringLiteral("orderIdEdit"));
    m_orderIdEdit->setReadOnly(true);
    // Read-only: it should not look like a field to type in.
    m_orderIdEdit->setFrame(false);
    m_orderIdEdit->setFocusPolicy(Qt::ClickFocus);
    QPalette idPalette = m_orderIdEdit->palette();
    idPalette.setBrush(QPalette::Base, idPalette.brush(QPalette::Window));
    m_orderIdEdit->setPalette(idPalette);
    m_customerEdit->setObjectName(QStringLiteral("customerEdit"));
    m_addressEdit->setObjectName(QStringLiteral("addressEdit"));
    m_problemLabel->setObjectName(QStringLiteral("problemLabel"));
    m_problemLabel->setWordWrap(true);
    m_problemLabel->hide();
    m_refusalLabel->setObjectName(QStringLiteral("refusalLabel"));
    m_refusalLabel->setWordWrap(true);
    m_refusalLabel->hide();
    m_buttons->setObjectName(QStringLiteral("buttons"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Ready for &pickup"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("okButton"));
    auto *shuffleButton = m_buttons->addButton(tr("&Shuffle"), QDialogButtonBox::ResetRole);
    shuffleButton->setObjectName(QStringLiteral("shuffleButton"));
    shuffleButton->setToolTip(tr("Another random customer and address"));
    // Room for a whole UUID, and for a long address to be read.
    const int digit = m_orderIdEdit->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    m_orderIdEdit->setMinimumWidth(digit * 38);
    m_addressEdit->setMinimumWidth(digit * 48);

    auto *storeLabel = new QLabel(m_store, this);
    storeLabel->setObjectName(QStringLiteral("storeLabel"));
    auto *form = new QFormLayout(this);
    form->addRow(m_refusalLabel);
    form->addRow(tr("Store:"), storeLabel);
    form->addRow(tr("Order &ID:"), m_orderIdEdit);
    form->addRow(tr("&Customer:"), m_customerEdit);
    form->addRow(tr("&Address:"), m_addressEdit);
    form->addRow(m_problemLabel);
    form->addRow(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (problem().isEmpty())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(shuffleButton, &QPushButton::clicked, this, &NewOrderDialog::shuffle);
    connect(m_customerEdit, &QLineEdit::textChanged, this, &NewOrderDialog::validate);
    connect(m_addressEdit, &QLineEdit::textChanged, this, &NewOrderDialog::validate);
}

void NewOrderDialog::shuffle()
{
    m_customerEdit->setText(m_faker.customerName());
    m_addressEdit->setText(m_faker.address());
    m_customerEdit->selectAll();
    m_customerEdit->setFocus();
}

QString NewOrderDialog::problem() const
{
    if (m_customerEdit->text().trimmed().isEmpty())
        return tr("The customer's name is missing.");
    if (m_addressEdit->text().trimmed().isEmpty())
        return tr("The address is missing.");
    return caps::VendorAgent::problemWith(order());
}

void NewOrderDialog::validate()
{
    const QString why = problem();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
    // Empty fields speak for themselves; a limit needs saying.
    const bool show
        = !why.isEmpty() && !m_customerEdit->text().trimmed().isEmpty() && !m_addressEdit->text().trimmed().isEmpty();
    m_problemLabel->setText(why);
    m_problemLabel->setVisible(show);
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
