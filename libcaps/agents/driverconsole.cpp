#include "agents/driverconsole.h"

#include "agents/driveragent.h"

#include <cstdio>

namespace caps {

DriverConsole::DriverConsole(DriverAgent *agent, QObject *parent)
    : QObject(parent)
    , m_agent(agent)
    , m_out(stdout)
{
    connect(agent, &DriverAgent::pickedUp, this,
            [this](const QString &orderId) { m_out << "DRIVER: picked up " << orderId << Qt::endl; });
    connect(agent, &DriverAgent::delivered, this,
            [this](const QString &orderId) { m_out << "DRIVER: delivered " << orderId << Qt::endl; });
}

void DriverConsole::start()
{
    m_agent->setAutoDrive(true);
}

} // namespace caps
