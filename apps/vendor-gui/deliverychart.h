#pragma once

#include <QChartView>
#include <QPointer>

class QDateTimeAxis;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace caps {
class OrderModel;
}

// Pickup-to-delivery time of the most recent delivered orders, against the time of delivery.
class DeliveryChart : public QChartView
{
    Q_OBJECT
public:
    explicit DeliveryChart(QWidget *parent = nullptr);

    void setOrders(caps::OrderModel *orders);
    // Seconds per point, oldest delivery first.
    [[nodiscard]] QList<qreal> values() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void rebuild();
    void applyPalette();

    QPointer<caps::OrderModel> m_orders;
    QLineSeries *m_line;
    QScatterSeries *m_points;
    QDateTimeAxis *m_axisX;
    QValueAxis *m_axisY;
    QStringList m_ids;
    static constexpr int kMaxPoints = 30;
};
