#include "deliverychart.h"

#include "orders/ordermodel.h"
#include "widgets/chartscale.h"

#include <QChart>
#include <QDateTimeAxis>
#include <QEvent>
#include <QLineSeries>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>

// The chart goes to the base constructor: QChartView(QWidget *) makes a default chart of its own,
// and setChart() only releases that one (Qt documents that the caller must delete it), so it leaked.
DeliveryChart::DeliveryChart(QWidget *parent)
    : QChartView(new QChart, parent)
    , m_line(new QLineSeries)
    , m_points(new QScatterSeries)
    , m_axisX(new QDateTimeAxis)
    , m_axisY(new QValueAxis)
{
    setObjectName(QStringLiteral("deliveryChart"));
    setAccessibleName(tr("Delivery times"));
    setRenderHint(QPainter::Antialiasing);
    QChart *chart = this->chart();
    chart->legend()->setVisible(false);
    chart->setAnimationOptions(QChart::NoAnimation);
    m_line->setName(tr("Pickup to delivery"));
    m_points->setName(tr("Pickup to delivery"));
    m_points->setMarkerSize(9);
    chart->addSeries(m_line);
    chart->addSeries(m_points);
    m_axisX->setTitleText(tr("delivered at"));
    m_axisY->setTitleText(tr("seconds"));
    chart->addAxis(m_axisX, Qt::AlignBottom);
    chart->addAxis(m_axisY, Qt::AlignLeft);
    for (QXYSeries *series : {static_cast<QXYSeries *>(m_line), static_cast<QXYSeries *>(m_points)}) {
        series->attachAxis(m_axisX);
        series->attachAxis(m_axisY);
    }
    connect(m_points, &QScatterSeries::hovered, this, [this](const QPointF &point, bool on) {
        if (!on) {
            QToolTip::hideText();
            return;
        }
        const auto points = m_points->points();
        const auto it = std::find(points.cbegin(), points.cend(), point);
        const qsizetype index = it - points.cbegin();
        if (index >= m_ids.size())
            return;
        QToolTip::showText(QCursor::pos(),
                           tr("%1\n%2 s from pickup to delivery").arg(m_ids.at(index)).arg(point.y(), 0, 'f', 1), this);
    });
    setMinimumSize(340, 220);
    applyPalette();
    rebuild();
}

void DeliveryChart::setOrders(caps::OrderModel *orders)
{
    if (m_orders)
        disconnect(m_orders, nullptr, this, nullptr);
    m_orders = orders;
    if (orders) {
        connect(orders, &caps::OrderModel::statusChanged, this, [this](const QString &, caps::Order::Status status) {
            if (status == caps::Order::Status::Delivered)
                rebuild();
        });
        connect(orders, &QAbstractItemModel::modelReset, this, &DeliveryChart::rebuild);
        connect(orders, &QAbstractItemModel::rowsRemoved, this, &DeliveryChart::rebuild);
    }
    rebuild();
}

QList<qreal> DeliveryChart::values() const
{
    QList<qreal> result;
    for (const QPointF &point : m_points->points())
        result.append(point.y());
    return result;
}

void DeliveryChart::rebuild()
{
    using S = caps::Order::Status;
    QList<caps::Order> delivered;
    if (m_orders) {
        for (const caps::Order &order : m_orders->orders()) {
            if (order.status == S::Delivered && order.msBetween(S::Ordered, S::Delivered) >= 0)
                delivered.append(order);
        }
    }
    std::sort(delivered.begin(), delivered.end(),
              [](const caps::Order &a, const caps::Order &b) { return a.deliveredAt < b.deliveredAt; });
    if (delivered.size() > kMaxPoints)
        delivered.remove(0, delivered.size() - kMaxPoints);

    QList<QPointF> points;
    m_ids.clear();
    qreal top = 0;
    for (const caps::Order &order : std::as_const(delivered)) {
        const qreal seconds = qreal(order.msBetween(S::Ordered, S::Delivered)) / 1000.0;
        points.append({qreal(order.deliveredAt.toMSecsSinceEpoch()), seconds});
        m_ids.append(order.orderId);
        top = qMax(top, seconds);
    }
    m_line->replace(points);
    m_points->replace(points);

    const QDateTime now = QDateTime::currentDateTime();
    const QDateTime first = delivered.isEmpty() ? now.addSecs(-60) : delivered.first().deliveredAt;
    const QDateTime last = delivered.isEmpty() ? now : delivered.last().deliveredAt;
    const caps::ChartScale::TimeTicks x = caps::ChartScale::timeTicks(first, last);
    m_axisX->setFormat(x.format);
    m_axisX->setRange(x.first, x.last);
    m_axisX->setTickCount(x.count);
    const caps::ChartScale::ValueTicks y = caps::ChartScale::valueTicks(top);
    m_axisY->setRange(0, y.max);
    m_axisY->setTickCount(y.count);
    m_axisY->setLabelFormat(QStringLiteral("%.0f"));
    chart()->setTitle(delivered.isEmpty() ? tr("Pickup to delivery: no delivery yet")
                                          : tr("Pickup to delivery, last %n order(s)", nullptr, int(delivered.size())));
}

void DeliveryChart::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    QChartView::changeEvent(event);
}

void DeliveryChart::applyPalette()
{
    const QPalette p = palette();
    QChart *c = chart();
    c->setBackgroundBrush(p.brush(QPalette::Base));
    c->setTitleBrush(p.brush(QPalette::Text));
    c->setPlotAreaBackgroundVisible(false);
    for (QAbstractAxis *axis : {static_cast<QAbstractAxis *>(m_axisX), static_cast<QAbstractAxis *>(m_axisY)}) {
        axis->setLabelsBrush(p.brush(QPalette::Text));
        axis->setTitleBrush(p.brush(QPalette::Text));
        axis->setLinePenColor(p.color(QPalette::Mid));
        axis->setGridLineColor(p.color(QPalette::Midlight));
    }
    QPen line(p.color(QPalette::Highlight), 2);
    m_line->setPen(line);
    m_points->setColor(p.color(QPalette::Highlight));
    m_points->setBorderColor(p.color(QPalette::Base));
    setBackgroundBrush(p.brush(QPalette::Window));
}
