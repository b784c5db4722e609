#pragma once

#include <QObject>
#include <QTextStream>

namespace caps {

class DriverAgent;

// `caps-driver --headless`: the lab's driver (auto-drive), one line per step on stdout.
class DriverConsole : public QObject
{
    Q_OBJECT
public:
    explicit DriverConsole(DriverAgent *agent, QObject *parent = nullptr);
    void start();

private:
    DriverAgent *m_agent;
    QTextStream m_out;
};

} // namespace caps
