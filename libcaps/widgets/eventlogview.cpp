#include "widgets/eventlogview.h"

#include "orders/eventlogmodel.h"

#include <QHeaderView>
#include <QLocale>
#include <QStyle>
#include <QTime>
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
    // From the font, not from the rows: ResizeToContents measured the rows there were when the
    // view was laid out (none yet, at start), and the Time column showed "01…" (#13).
    const int padding = 2 * style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, this) + 12;
    const QString sampleTime = QLocale().toString(QTime(23, 59, 59, 999), QStringLiteral("HH:mm:ss.zzz"));
    horizontalHeader()->setSectionResizeMode(EventLogModel::TimeColumn, QHeaderView::Interactive);
    setColumnWidth(EventLogModel::TimeColumn,
                   qMax(fontMetrics().horizontalAdvance(sampleTime),
                        horizontalHeader()->fontMetrics().horizontalAdvance(
                            log->headerData(EventLogModel::TimeColumn, Qt::Horizontal).toString()))
                       + padding);
    horizontalHeader()->setSectionResizeMode(EventLogModel::DirectionColumn, QHeaderView::Interactive);
    setColumnWidth(EventLogModel::DirectionColumn, fontMetrics().horizontalAdvance(QStringLiteral("→")) + padding);
    int eventWidth = horizontalHeader()->fontMetrics().horizontalAdvance(tr("Event"));
    for (const char *event : {"pickup", "in-transit", "delivered", "track"})
        eventWidth = qMax(eventWidth, fontMetrics().horizontalAdvance(QLatin1String(event)));
    setColumnWidth(EventLogModel::EventColumn, eventWidth + 24);
    // An order ID's first characters tell orders apart; the whole is in the tooltip, and the
    // Details have the rest of the width.
    setColumnWidth(EventLogModel::OrderColumn, fontMetrics().horizontalAdvance(QLatin1Char('0')) * 14);
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
