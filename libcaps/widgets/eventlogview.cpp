#include "widgets/eventlogview.h"

#include "orders/eventlogmodel.h"

#include <QHeaderView>
#include <QScrollBar>

namespace caps {

EventLogView::EventLogView(QWidget *parent)
    : QTableView(parent)
{
    setObjectName(QStringLiteral("eventLogView"));
    setEditTriggers(NoEditTriggers);
    setSelectionBehavior(SelectRows);
    setAlternatingRowColors(true);
    setWordWrap(false);
    verticalHeader()->hide();
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    horizontalHeader()->setStretchLastSection(true);
    setAccessibleName(tr("Event log"));
}

void EventLogView::setLog(EventLogModel *log)
{
    setModel(log);
    if (!log)
        return;
    horizontalHeader()->setSectionResizeMode(EventLogModel::TimeColumn, QHeaderView::ResizeToContents);
    horizontalHeader()->setSectionResizeMode(EventLogModel::DirectionColumn, QHeaderView::ResizeToContents);
    int eventWidth = horizontalHeader()->fontMetrics().horizontalAdvance(tr("Event"));
    for (const char *event : {"pickup", "in-transit", "delivered", "track"})
        eventWidth = qMax(eventWidth, fontMetrics().horizontalAdvance(QLatin1String(event)));
    setColumnWidth(EventLogModel::EventColumn, eventWidth + 24);
    setColumnWidth(EventLogModel::OrderColumn, fontMetrics().horizontalAdvance(QLatin1Char('0')) * 38);
    connect(log, &QAbstractItemModel::rowsAboutToBeInserted, this, [this] {
        QScrollBar *bar = verticalScrollBar();
        m_follow = bar->value() >= bar->maximum();
    });
    connect(log, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_follow)
            scrollToBottom();
    });
}

} // namespace caps
