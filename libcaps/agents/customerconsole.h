#pragma once

#include "orders/order.h"

#include <QObject>
#include <QTextStream>

namespace caps {

class CustomerAgent;

// `caps-customer --headless`: one line per status change of what the customer tracks, e.g.
// "CUSTOMER: 1234... in transit at 10:00:01 (Ada Lovelace, 1 Main St)".
class CustomerConsole : public QObject
{
    Q_OBJECT
public:
    explicit CustomerConsole(CustomerAgent *agent, QObject *parent = nullptr);

    // Finish with 0 once every tracked order id is delivered (only with ids, not names).
    void setExitWhenDelivered(bool on) { m_exitWhenDelivered = on; }
    [[nodiscard]] static QString formatChange(const Order &order);

Q_SIGNALS:
    void finished(int exitCode);

private:
    void check();

    CustomerAgent *m_agent;
    bool m_exitWhenDelivered = false;
    QTextStream m_out;
};

} // namespace caps
