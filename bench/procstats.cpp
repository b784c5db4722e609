#include "procstats.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QFile>

#include <sys/resource.h>
#include <unistd.h>

ProcStats ProcStats::read(qint64 pid)
{
    ProcStats stats;
    if (pid <= 0)
        return stats;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return stats;
    const QByteArray line = stat.readAll();
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0)
        return stats;
    const QByteArrayList fields = line.mid(close + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15, cutime and cstime (the
    // reaped children's: PostgreSQL's backends are its postmaster's) fields 16 and 17.
    if (fields.size() < 15)
        return stats;
    const auto ticks = double(sysconf(_SC_CLK_TCK));
    stats.cpuSeconds = (fields.at(11).toDouble() + fields.at(12).toDouble()) / ticks;
    stats.reapedChildrenCpuSeconds = (fields.at(13).toDouble() + fields.at(14).toDouble()) / ticks;

    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return stats;
    const QByteArrayList lines = status.readAll().split('\n');
    for (const QByteArray &l : lines) {
        if (l.startsWith("VmRSS:"))
            stats.rssKb = l.mid(6).trimmed().split(' ').value(0).toLongLong();
        else if (l.startsWith("VmHWM:"))
            stats.peakRssKb = l.mid(6).trimmed().split(' ').value(0).toLongLong();
        else if (l.startsWith("voluntary_ctxt_switches:") || l.startsWith("nonvoluntary_ctxt_switches:"))
            stats.contextSwitches += l.mid(l.indexOf(':') + 1).trimmed().toLongLong();
    }
    QFile io(QStringLiteral("/proc/%1/io").arg(pid));
    if (io.open(QIODevice::ReadOnly)) {
        const QByteArrayList ioLines = io.readAll().split('\n');
        for (const QByteArray &l : ioLines) {
            if (l.startsWith("syscr:"))
                stats.readCalls = l.mid(6).trimmed().toLongLong();
            else if (l.startsWith("syscw:"))
                stats.writeCalls = l.mid(6).trimmed().toLongLong();
        }
    }
    stats.valid = true;
    return stats;
}

ProcStats ProcStats::read(const QList<qint64> &pids)
{
    ProcStats sum;
    sum.valid = !pids.isEmpty();
    for (const qint64 pid : pids) {
        const ProcStats one = read(pid);
        sum.valid = sum.valid && one.valid;
        sum.cpuSeconds += one.cpuSeconds;
        sum.reapedChildrenCpuSeconds += one.reapedChildrenCpuSeconds;
        sum.rssKb += one.rssKb;
        sum.peakRssKb += one.peakRssKb;
        sum.contextSwitches += one.contextSwitches;
        sum.readCalls += one.readCalls;
        sum.writeCalls += one.writeCalls;
    }
    return sum;
}

double ProcStats::selfCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}
