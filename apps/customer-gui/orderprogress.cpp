#include "orderprogress.h"

#include "orders/ordermodel.h"

#include <QPainter>
#include <QPainterPath>

namespace {
constexpr int Radius = 9;
}

OrderProgress::OrderProgress(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("orderProgress"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void OrderProgress::setOrder(const caps::Order &order)
{
    m_order = order;
    switch (order.status) {
    case caps::Order::Status::Unknown:
        m_current = -1;
        break;
    case caps::Order::Status::Ordered:
    case caps::Order::Status::Cancelled: // the card says so; no driver step was made
        m_current = Ordered;
        break;
    case caps::Order::Status::InTransit:
        // The lab's driver emits in-transit when it picks the parcel up: both steps at once.
        m_current = InTransit;
        break;
    case caps::Order::Status::Delivered:
        m_current = Delivered;
        break;
    }
    QStringList parts;
    for (int step = 0; step < StepCount; ++step) {
        if (step <= m_current)
            parts.append(stepLabel(step));
    }
    setAccessibleDescription(parts.isEmpty() ? tr("No news yet") : parts.join(QStringLiteral(", ")));
    update();
}

QString OrderProgress::stepName(int step)
{
    switch (Step(step)) {
    case Ordered:
        return tr("Ordered");
    case PickedUp:
        return tr("Picked up");
    case InTransit:
        return tr("In transit");
    case Delivered:
        return tr("Delivered");
    case StepCount:
        break;
    }
    return {};
}

QString OrderProgress::stepLabel(int step) const
{
    const QString time = stepTime(step);
    return time.isEmpty() ? stepName(step) : tr("%1 %2").arg(stepName(step), time);
}

QString OrderProgress::stepTime(int step) const
{
    QDateTime time;
    switch (Step(step)) {
    case Ordered:
        time = m_order.orderedAt;
        break;
    case PickedUp:
        // One event (in-transit) marks both: its time goes under In transit only, rather
        // than twice as if they had been two moments.
        break;
    case InTransit:
        time = m_order.inTransitAt;
        break;
    case Delivered:
        time = m_order.deliveredAt;
        break;
    case StepCount:
        break;
    }
    if (step > m_current || !time.isValid())
        return {};
    return caps::OrderModel::formatTime(time);
}

QSize OrderProgress::sizeHint() const
{
    return {fontMetrics().horizontalAdvance(QStringLiteral("Picked up 00:00:00")) * StepCount + 40,
            2 * Radius + 8 + 2 * fontMetrics().height() + 8};
}

QSize OrderProgress::minimumSizeHint() const
{
    return {fontMetrics().horizontalAdvance(QStringLiteral("In transit")) * StepCount, sizeHint().height()};
}

void OrderProgress::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette p = palette();
    const QColor done = p.color(QPalette::Highlight);
    // Mid all but vanishes on dark palettes; placeholder text is made to be seen, but quietly.
    const QColor todo = p.color(QPalette::PlaceholderText);
    const int slot = width() / StepCount;
    const int y = Radius + 4;

    for (int step = 0; step + 1 < StepCount; ++step) {
        const int x1 = slot * step + slot / 2 + Radius;
        const int x2 = slot * (step + 1) + slot / 2 - Radius;
        painter.setPen(QPen(step + 1 <= m_current ? done : todo, 3, Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(x1, y, x2, y);
    }
    for (int step = 0; step < StepCount; ++step) {
        const QPoint centre(slot * step + slot / 2, y);
        const bool reached = step <= m_current;
        painter.setPen(QPen(reached ? done : todo, 2));
        painter.setBrush(reached ? QBrush(done) : p.brush(QPalette::Base));
        painter.drawEllipse(centre, Radius, Radius);
        if (step == m_current && step != Delivered) {
            // The step the parcel is at now gets a ring around it.
            painter.setBrush(Qt::NoBrush);
            painter.setPen(QPen(done, 1.5));
            painter.drawEllipse(centre, Radius + 4, Radius + 4);
        }
        if (reached) {
            painter.setPen(QPen(p.color(QPalette::HighlightedText), 2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            QPainterPath tick;
            tick.moveTo(centre + QPointF(-4, 0));
            tick.lineTo(centre + QPointF(-1, 3.5));
            tick.lineTo(centre + QPointF(4.5, -3.5));
            painter.drawPath(tick);
        }

        QFont font = painter.font();
        font.setBold(step == m_current);
        painter.setFont(font);
        painter.setPen(reached ? p.color(QPalette::WindowText) : p.color(QPalette::PlaceholderText));
        const QRect nameRect(slot * step, y + Radius + 6, slot, fontMetrics().height());
        painter.drawText(nameRect, Qt::AlignHCenter | Qt::AlignTop, stepName(step));
        const QString time = stepTime(step);
        if (!time.isEmpty()) {
            font.setBold(false);
            painter.setFont(font);
            painter.drawText(nameRect.translated(0, fontMetrics().height()), Qt::AlignHCenter | Qt::AlignTop, time);
        }
    }
}
