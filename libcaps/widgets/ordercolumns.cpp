#include "widgets/ordercolumns.h"

#include "orders/ordermodel.h"

#include <QEvent>
#include <QHeaderView>
#include <QStyle>
#include <QTableView>

namespace caps {

OrderColumns *OrderColumns::fit(QTableView *view)
{
    // A new model (a store switched, a hub changed) calls this again: one fitter per view.
    if (auto *existing = view->findChild<OrderColumns *>(QString(), Qt::FindDirectChildrenOnly)) {
        existing->fitAddress();
        return existing;
    }
    return new OrderColumns(view);
}

OrderColumns::OrderColumns(QTableView *view)
    : QObject(view)
    , m_view(view)
{
    setObjectName(QStringLiteral("orderColumns"));
    QHeaderView *header = view->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    // Not QHeaderView::Stretch: Qt squeezes a stretched section down to a few pixels when the
    // others take the width. fitAddress() sets it instead.
    header->setSectionResizeMode(OrderModel::AddressColumn, QHeaderView::Fixed);
    // A UUID is long; its middle is elided and the tooltip has it whole.
    header->setSectionResizeMode(OrderModel::OrderIdColumn, QHeaderView::Interactive);
    view->setColumnWidth(OrderModel::OrderIdColumn,
                         view->fontMetrics().horizontalAdvance(QLatin1Char('0')) * OrderIdChars);

    // Other columns change width as rows come and go (ResizeToContents), are hidden, or are
    // dragged by the user; the viewport changes with the window and the vertical scroll bar.
    // QHeaderView emits sectionResized for its automatic sizes before it has stored them all
    // (length() is still the old one then), so the fit waits for the event loop.
    connect(header, &QHeaderView::sectionResized, this, [this](int logical) {
        if (logical != OrderModel::AddressColumn)
            scheduleFit();
    });
    view->viewport()->installEventFilter(this);
    // Rows that arrive or change after the view was laid out: QHeaderView measures contents
    // again only when the view's geometry changes, and a third order kept the first one's width.
    if (QAbstractItemModel *model = view->model()) {
        connect(model, &QAbstractItemModel::rowsInserted, this, &OrderColumns::scheduleFit);
        connect(model, &QAbstractItemModel::dataChanged, this, &OrderColumns::scheduleFit);
        connect(model, &QAbstractItemModel::modelReset, this, &OrderColumns::scheduleFit);
        connect(model, &QAbstractItemModel::layoutChanged, this, &OrderColumns::scheduleFit);
    }
    fitAddress();
}

bool OrderColumns::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        fitAddress();
    return QObject::eventFilter(watched, event);
}

void OrderColumns::scheduleFit()
{
    if (m_fitPending)
        return;
    m_fitPending = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_fitPending = false;
            fitAddress();
        },
        Qt::QueuedConnection);
}

void OrderColumns::fitAddress()
{
    QHeaderView *header = m_view->horizontalHeader();
    if (header->count() <= OrderModel::AddressColumn || header->isSectionHidden(OrderModel::AddressColumn))
        return;
    for (int column = 0; column < header->count(); ++column) {
        if (column != OrderModel::AddressColumn && !header->isSectionHidden(column)
            && header->sectionResizeMode(column) == QHeaderView::ResizeToContents)
            m_view->resizeColumnToContents(column);
    }
    const int padding = 2 * m_view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_view) + 2;
    const int minimum = m_view->fontMetrics().averageCharWidth() * AddressMinimumChars + padding;
    const int others = header->length() - header->sectionSize(OrderModel::AddressColumn);
    const int width = qMax(minimum, m_view->viewport()->width() - others);
    if (header->sectionSize(OrderModel::AddressColumn) != width)
        header->resizeSection(OrderModel::AddressColumn, width);
}

} // namespace caps
