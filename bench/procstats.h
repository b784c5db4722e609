#pragma once

// What /proc tells about another process (the hub): CPU seconds from /proc/PID/stat, resident
// and peak resident memory and the main thread's context switches from /proc/PID/status, read and
// write system calls from /proc/PID/io.

#include <QtGlobal>

struct ProcStats
{
    bool valid = false;
    double cpuSeconds = 0; // utime + stime
    qint64 rssKb = 0; // VmRSS
    qint64 peakRssKb = 0; // VmHWM
    qint64 contextSwitches = 0; // voluntary + involuntary, main thread: roughly its wake-ups
    qint64 readCalls = 0; // syscr: read-like system calls, all threads
    qint64 writeCalls = 0; // syscw

    [[nodiscard]] static ProcStats read(qint64 pid);
    // CPU seconds this process has used so far (getrusage), for the bench's own share.
    [[nodiscard]] static double selfCpuSeconds();
};
