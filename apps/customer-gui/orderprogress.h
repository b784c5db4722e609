#pragma once

#include "orders/order.h"

#include <QWidget>

// A four-step track: ordered -> picked up -> in transit -> delivered, with the time of each step
// reached. Drawn with the palette (Highlight for what is done, Mid for what is not) so that it
// reads in light and dark themes.
class OrderProgress : public QWidget
{
    Q_OBJECT
public:
    enum Step { Ordered, PickedUp, InTransit, Delivered, StepCount };
    Q_ENUM(Step)

    explicit OrderProgress(QWidget *parent = nullptr);

    void setOrder(const caps::Order &order);
    // The step the order is at, -1 before any event.
    [[nodiscard]] int currentStep() const { return m_current; }
    [[nodiscard]] static QString stepName(int step);
    // "Ordered 10:00:00", "Delivered 10:00:04", or the step name alone while not reached.
    [[nodiscard]] QString stepLabel(int step) const;
    // "10:00:04" once the step is reached, else empty.
    [[nodiscard]] QString stepTime(int step) const;

    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    caps::Order m_order;
    int m_current = -1;
};
