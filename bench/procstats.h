#pragma once

// What /proc tells about another process (the hub): CPU seconds from /proc/PID/stat, resident
// and peak resident memory and the main thread's context switches from /proc/PID/status, read and
// write system calls from /proc/PID/io.

#include <QList>
#include <QtGlobal>

struct ProcStats
{
    bool valid = false;
    double cpuSeconds = 0; // utime + stime
    double reapedChildrenCpuSeconds = 0; // cutime + cstime: children that exited and were waited for
    qint64 rssKb = 0; // VmRSS
    qint64 peakRssKb = 0; // VmHWM
    qint64 contextSwitches = 0; // voluntary + involuntary, main thread: roughly its wake-ups
    qint64 readCalls = 0; // syscr: read-like system calls, all threads
    qint64 writeCalls = 0; // syscw

    [[nodiscard]] static ProcStats read(qint64 pid);
    // Several processes as one: every figure summed (peak RSS too); valid only if all of them are.
    // None: not valid.
    [[nodiscard]] static ProcStats read(const QList<qint64> &pids);
    // CPU seconds this process has used so far (getrusage), for the bench's own share.
    [[nodiscard]] static double selfCpuSeconds();
};
