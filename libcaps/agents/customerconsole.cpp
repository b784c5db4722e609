#include "agents/customerconsole.h"

#include "agents/customeragent.h"

#include <cstdio>

namespace caps {

CustomerConsole::CustomerConsole(CustomerAgent *agent, QObject *parent)
    : QObject(parent)
    , m_agent(agent)
    , m_out(stdout)
{
    connect(agent, &CustomerAgent::statusChanged, this, [this](const Order &order) {
        m_out << formatChange(order) << Qt::endl;
        check();
    });
    connect(agent, &CustomerAgent::trackAnswered, this, [this](const QString &what, bool ok, const QString &error) {
        if (!ok)
            QTextStream(stderr) << "caps-customer: " << tr("cannot track %1: %2").arg(what, error) << Qt::endl;
    });
}

QString CustomerConsole::formatChange(const Order &order)
{
    // Not translated: scripts read these lines, like the lab's console output.
    QString status;
    switch (order.status) {
    case Order::Status::Ordered:
        status = QStringLiteral("ordered, waiting for pickup");
        break;
    case Order::Status::InTransit:
        status = QStringLiteral("picked up, in transit");
        break;
    case Order::Status::Delivered:
        status = QStringLiteral("delivered");
        break;
    case Order::Status::Cancelled:
        status = QStringLiteral("cancelled by the vendor");
        break;
    case Order::Status::Unknown:
        status = QStringLiteral("unknown");
        break;
    }
    QString line = QStringLiteral("CUSTOMER: %1 %2").arg(order.orderId, status);
    const QDateTime when = order.timeOf(order.status);
    if (when.isValid())
        line += QStringLiteral(" at ") + when.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
    if (!order.customer.isEmpty())
        line += QStringLiteral(" (%1, %2)").arg(order.customer, order.address);
    return line;
}

void CustomerConsole::check()
{
    if (!m_exitWhenDelivered || m_agent->trackedOrders().isEmpty())
        return;
    for (const QString &id : m_agent->trackedOrders()) {
        if (m_agent->orders()->order(id).status != Order::Status::Delivered)
            return;
    }
    Q_EMIT finished(0);
}

} // namespace caps
