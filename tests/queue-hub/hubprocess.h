#pragma once

#include <QObject>
#include <QProcess>
#include <QUrl>

// caps-hub as a real process on a message queue file: started, killed with SIGKILL and started
// again on the same port and database, as a crash and a supervisor's restart would.
class HubProcess : public QObject
{
    Q_OBJECT
public:
    HubProcess(const QString &program, const QString &dbPath, QObject *parent = nullptr);
    ~HubProcess() override;

    // CAPS_BINARY_DIR/apps/hub/caps-hub (ctest sets CAPS_BINARY_DIR).
    [[nodiscard]] static QString defaultProgram();

    // Starts on `port` (0: a free one the first time, then the same one again) and waits for
    // the "listening" line. False, with errorString(), if it does not come.
    bool start(int timeoutMs = 15000);
    // Passed to every start after --port, --db and --quiet.
    void setExtraArguments(const QStringList &arguments) { m_extraArguments = arguments; }
    void kill();
    // SIGTERM, as `kill PID` or a supervisor's stop, and waits for the exit: true if it exited
    // by itself within `timeoutMs` (then exitCode()).
    bool terminate(int timeoutMs = 15000);
    [[nodiscard]] int exitCode() const { return m_process.exitCode(); }
    // Keep what the hub prints (its log included) instead of forwarding its log to ours; set
    // before start().
    void setCaptureOutput(bool capture);
    // What the hub printed so far (with setCaptureOutput), read on each call.
    [[nodiscard]] QByteArray output();
    // Waits until the hub has printed `text` `times` times in all (with setCaptureOutput).
    bool waitForOutput(const QByteArray &text, int timeoutMs, int times = 1);
    // The "caps-hub is server UID of the cluster" line's UID (with --db postgresql:...).
    [[nodiscard]] QString serverUid() const { return m_serverUid; }
    [[nodiscard]] bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] QUrl url() const;
    [[nodiscard]] QString errorString() const { return m_error; }
    [[nodiscard]] int starts() const { return m_starts; }

private:
    QString m_program;
    QString m_dbPath;
    QStringList m_extraArguments;
    QProcess m_process;
    quint16 m_port = 0;
    int m_starts = 0;
    QString m_error;
    QByteArray m_output;
    QString m_serverUid;
};
