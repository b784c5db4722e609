#include "peerprocess.h"

#include <QTest>

#include <csignal>

PeerProcess::PeerProcess(QObject *parent)
    : QObject(parent)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_process, &QProcess::readyRead, this, [this] { m_output += m_process.readAll(); });
}

PeerProcess::~PeerProcess()
{
    kill();
}

bool PeerProcess::start(const QString &program, const QStringList &arguments, const QRegularExpression &ready,
                        int timeoutMs)
{
    kill();
    m_output.clear();
    m_port = 0;
    m_error.clear();
    m_process.start(program, arguments);
    if (!m_process.waitForStarted(timeoutMs)) {
        m_error = QStringLiteral("%1 did not start: %2").arg(program, m_process.errorString());
        return false;
    }
    QRegularExpressionMatch match;
    const bool matched = QTest::qWaitFor(
        [&] {
            match = ready.match(output());
            return match.hasMatch() || m_process.state() == QProcess::NotRunning;
        },
        timeoutMs);
    if (!matched || !match.hasMatch()) {
        m_error = QStringLiteral("%1 %2 never printed a line matching %3; its output:\n%4")
                      .arg(program, arguments.join(QLatin1Char(' ')), ready.pattern(), output());
        kill();
        return false;
    }
    m_port = quint16(match.captured(1).toUInt());
    return true;
}

void PeerProcess::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    resume();
    m_process.kill();
    m_process.waitForFinished(5000);
    m_output += m_process.readAll();
}

void PeerProcess::pause()
{
    if (m_process.state() == QProcess::Running)
        ::kill(pid_t(m_process.processId()), SIGSTOP);
}

void PeerProcess::resume()
{
    if (m_process.state() == QProcess::Running)
        ::kill(pid_t(m_process.processId()), SIGCONT);
}

int PeerProcess::count(const QRegularExpression &pattern) const
{
    int n = 0;
    auto it = pattern.globalMatch(output());
    while (it.hasNext()) {
        it.next();
        ++n;
    }
    return n;
}
