#pragma once

// A server program (Node socket.io, caps-hub) run by a test: started with QProcess, ready once
// its output prints the port it listens on, killed with the test.

#include <QObject>
#include <QProcess>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

class PeerProcess : public QObject
{
    Q_OBJECT
public:
    explicit PeerProcess(QObject *parent = nullptr);
    ~PeerProcess() override;

    // Starts `program` and waits until a line of its output matches `ready`, whose first capture
    // group is the port. False (see errorString()) when it exits or times out first.
    bool start(const QString &program, const QStringList &arguments, const QRegularExpression &ready,
               int timeoutMs = 20000);
    // SIGKILL, as a crash would, and reaps it.
    void kill();
    // SIGSTOP / SIGCONT: a server that hangs with its connections open, then wakes up.
    void pause();
    void resume();
    [[nodiscard]] bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    [[nodiscard]] quint16 port() const { return m_port; }
    // Everything it printed (stdout and stderr together) since start().
    [[nodiscard]] QString output() const { return QString::fromUtf8(m_output); }
    [[nodiscard]] int count(const QRegularExpression &pattern) const;
    [[nodiscard]] QString errorString() const { return m_error; }

private:
    QProcess m_process;
    QByteArray m_output;
    quint16 m_port = 0;
    QString m_error;
};
