#include "hubprocess.h"

#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QTest>

HubProcess::HubProcess(const QString &program, const QString &dbPath, QObject *parent)
    : QObject(parent)
    , m_program(program)
    , m_dbPath(dbPath)
{
    // The hub's log goes where ours goes; a pipe nobody reads would stall it once full.
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
}

HubProcess::~HubProcess()
{
    kill();
}

QString HubProcess::defaultProgram()
{
    return qEnvironmentVariable("CAPS_BINARY_DIR") + QStringLiteral("/apps/hub/caps-hub");
}

bool HubProcess::start(int timeoutMs)
{
    m_error.clear();
    const QStringList arguments{QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--db"), m_dbPath,
                                QStringLiteral("--quiet")};
    m_process.start(m_program, arguments + m_extraArguments);
    if (!m_process.waitForStarted(timeoutMs)) {
        m_error = m_process.errorString();
        return false;
    }
    static const QRegularExpression listening(
        QStringLiteral("caps-hub listening on http://127\\.0\\.0\\.1:(\\d+)/caps"));
    static const QRegularExpression server(QStringLiteral("caps-hub is server (\\S+) of the cluster"));
    QByteArray out;
    QRegularExpressionMatch match;
    m_serverUid.clear();
    // The clients live in this event loop and must keep running while the hub starts.
    const bool up = QTest::qWaitFor(
        [&] {
            const QByteArray read = m_process.readAllStandardOutput();
            out += read;
            m_output += read;
            match = listening.match(QString::fromUtf8(out));
            // The uid line follows the listening line, in the same write.
            const bool clustered = m_dbPath.startsWith(QLatin1String("postgres"));
            if (const auto uid = server.match(QString::fromUtf8(out)); uid.hasMatch())
                m_serverUid = uid.captured(1);
            return (match.hasMatch() && (!clustered || !m_serverUid.isEmpty()))
                || m_process.state() == QProcess::NotRunning;
        },
        timeoutMs);
    if (!up || !match.hasMatch()) {
        m_error = QStringLiteral("caps-hub did not start: %1 %2").arg(QString::fromUtf8(out), m_process.errorString());
        kill();
        return false;
    }
    m_port = quint16(match.captured(1).toUInt());
    ++m_starts;
    return true;
}

void HubProcess::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill(); // SIGKILL: no shutdown code runs, as in a crash
    m_process.waitForFinished(5000);
}

bool HubProcess::terminate(int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return false;
    m_process.terminate(); // SIGTERM
    const bool exited = m_process.waitForFinished(timeoutMs);
    m_output += m_process.readAllStandardOutput();
    if (!exited)
        kill();
    return exited && m_process.exitStatus() == QProcess::NormalExit;
}

void HubProcess::setCaptureOutput(bool capture)
{
    m_process.setProcessChannelMode(capture ? QProcess::MergedChannels : QProcess::ForwardedErrorChannel);
}

QByteArray HubProcess::output()
{
    m_output += m_process.readAllStandardOutput();
    return m_output;
}

bool HubProcess::waitForOutput(const QByteArray &text, int timeoutMs, int times)
{
    return QTest::qWaitFor([&] { return output().count(text) >= times; }, timeoutMs);
}

QUrl HubProcess::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/caps").arg(m_port));
}
