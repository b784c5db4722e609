#include "agents/vendorconsole.h"

#include "agents/vendoragent.h"

#include <cstdio>

namespace caps {

VendorConsole::VendorConsole(VendorAgent *agent, int intervalMs, int count, QObject *parent)
    : QObject(parent)
    , m_agent(agent)
    , m_count(count)
    , m_out(stdout)
{
    m_timer.setInterval(qMax(1, intervalMs));
    connect(&m_timer, &QTimer::timeout, this, &VendorConsole::placeOne);
    connect(agent, &VendorAgent::orderDelivered, this, [this](const QString &orderId) {
        m_out << "VENDOR: " << VendorAgent::thankYouText(orderId) << Qt::endl;
        if (!m_placed.contains(orderId))
            return;
        ++m_delivered;
        if (m_count >= 0 && m_delivered >= m_count)
            Q_EMIT finished(0);
    });
}

void VendorConsole::start()
{
    if (m_count == 0) {
        Q_EMIT finished(0);
        return;
    }
    placeOne();
    m_timer.start();
}

void VendorConsole::placeOne()
{
    if (m_count >= 0 && m_placed.size() >= m_count) {
        m_timer.stop();
        return;
    }
    Order fake = m_faker.order(m_agent->store());
    if (!m_customer.isEmpty())
        fake.customer = m_customer;
    const Order order = m_agent->placeOrder(fake);
    m_placed.insert(order.orderId);
    m_out << "VENDOR: new order " << order.orderId << " for " << order.customer << ", " << order.address << Qt::endl;
    if (m_count >= 0 && m_placed.size() >= m_count)
        m_timer.stop();
}

} // namespace caps
