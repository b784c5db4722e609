#pragma once

#include "orders/order.h"

#include <QRandomGenerator>

namespace caps {

// Plausible orders like the lab's faker: a full name, a street address, a v4 UUID.
class OrderFaker
{
public:
    OrderFaker();
    // Same names and addresses for the same seed (the order id stays a fresh UUID).
    explicit OrderFaker(quint32 seed);

    [[nodiscard]] QString customerName();
    [[nodiscard]] QString address();
    [[nodiscard]] static QString newOrderId();
    [[nodiscard]] Order order(const QString &store);

private:
    QRandomGenerator m_random;
};

} // namespace caps
