#include "ordercard.h"

#include "orderprogress.h"

#include "orders/ordermodel.h"

#include <QGridLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

OrderCard::OrderCard(const QString &orderId, QWidget *parent)
    : QFrame(parent)
    , m_orderId(orderId)
    , m_title(new QLabel(this))
    , m_details(new QLabel(this))
    , m_status(new QLabel(this))
    , m_untrack(new QToolButton(this))
    , m_progress(new OrderProgress(this))
{
    setObjectName(QStringLiteral("orderCard"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    m_title->setObjectName(QStringLiteral("orderTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setText(orderId);
    m_details->setObjectName(QStringLiteral("orderDetails"));
    m_details->setForegroundRole(QPalette::PlaceholderText);
    m_status->setObjectName(QStringLiteral("orderStatus"));
    m_untrack->setObjectName(QStringLiteral("untrackButton"));
    m_untrack->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_untrack->setAutoRaise(true);
    m_untrack->setToolTip(tr("Stop tracking this order"));
    m_untrack->setAccessibleName(tr("Stop tracking %1").arg(orderId));
    connect(m_untrack, &QToolButton::clicked, this, [this] { Q_EMIT untrackRequested(m_orderId); });

    auto *layout = new QGridLayout(this);
    layout->addWidget(m_title, 0, 0);
    layout->addWidget(m_status, 0, 1, Qt::AlignRight);
    layout->addWidget(m_untrack, 0, 2);
    layout->addWidget(m_details, 1, 0, 1, 3);
    layout->addWidget(m_progress, 2, 0, 1, 3);
    layout->setColumnStretch(0, 1);
}

void OrderCard::setOrder(const caps::Order &order)
{
    m_progress->setOrder(order);
    QStringList details;
    if (!order.customer.isEmpty())
        details.append(order.customer);
    if (!order.address.isEmpty())
        details.append(order.address);
    if (!order.store.isEmpty())
        details.append(tr("from %1").arg(order.store));
    m_details->setText(details.isEmpty() ? tr("Waiting for news from the hub…") : details.join(QStringLiteral(" · ")));
    QString status = caps::OrderModel::statusText(order.status);
    setProperty("cancelled", order.status == caps::Order::Status::Cancelled);
    const qint64 total = order.msBetween(caps::Order::Status::Ordered, caps::Order::Status::Delivered);
    if (total >= 0)
        status = tr("%1 in %2").arg(status, caps::OrderModel::formatDuration(total));
    m_status->setText(status);
    setAccessibleName(tr("Order %1: %2").arg(m_orderId, status));
}

QString OrderCard::statusText() const
{
    return m_status->text();
}
