#pragma once

// The caps-bench parent: starts the worker processes, steps them through their phases together
// (connect, open idle connections, run), samples the hub's /proc figures between phases, and
// merges the workers' results into one table or JSON object.

#include "benchoptions.h"
#include "procstats.h"

#include <QJsonObject>
#include <QList>
#include <QObject>

class QProcess;
class QTimer;

class Coordinator : public QObject
{
    Q_OBJECT
public:
    explicit Coordinator(const BenchOptions &options, const QStringList &arguments, QObject *parent = nullptr);

    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    enum class Phase { Connecting, Idling, Running, Done };

    void workerOutput(int index);
    void workerLine(int index, const QByteArray &line);
    void allReady();
    void allIdled();
    void allResults();
    void fail(const QString &message);
    void quitWorkers();
    void finishIfAllExited();
    [[nodiscard]] QJsonObject merge() const;
    void printTable(const QJsonObject &r) const;

    BenchOptions m_options;
    QStringList m_arguments;
    QList<QProcess *> m_workers;
    QList<QByteArray> m_buffers;
    QList<QJsonObject> m_ready;
    QList<QJsonObject> m_idled;
    QList<QJsonObject> m_results;
    int m_drained = 0;
    Phase m_phase = Phase::Connecting;
    QTimer *m_deadline = nullptr;
    bool m_failed = false;
    int m_exited = 0;
    bool m_finishedEmitted = false;

    ProcStats m_hubAtStart;
    ProcStats m_hubBeforeIdle;
    ProcStats m_hubAfterIdle;
    ProcStats m_hubAtMeasure;
    ProcStats m_hubAtEnd;
    ProcStats m_dbAtStart;
    ProcStats m_dbAtMeasure;
    ProcStats m_dbAtEnd;
};
