// caps-bench: load generator for Socket.IO CAPS hubs (see docs/benchmarks.md).

#include "benchoptions.h"
#include "coordinator.h"
#include "worker.h"

#include <QCoreApplication>
#include <QTextStream>

#include <csignal>

#include <sys/resource.h>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Code Academy"));
    QCoreApplication::setApplicationName(QStringLiteral("caps-bench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CAPS_VERSION));

    // Thousands of sockets per process: take every descriptor the hard limit allows.
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    // A hub that goes away must show up as errors, not kill the bench.
    std::signal(SIGPIPE, SIG_IGN);

    BenchOptions options;
    QString error;
    if (!options.parse(QCoreApplication::arguments(), &error)) {
        QTextStream(stderr) << "caps-bench: " << error << Qt::endl;
        return 2;
    }
    if (options.workerIndex >= 0) {
        Worker worker(options);
        worker.start();
        return QCoreApplication::exec();
    }
    const rlim_t wanted = rlim_t(options.idle / options.procs) + rlim_t(options.vendors) + rlim_t(options.drivers)
        + rlim_t(options.customers) + 64;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && wanted > limit.rlim_cur) {
        QTextStream(stderr) << "caps-bench: warning: " << limit.rlim_cur
                            << " file descriptors per process are too few; use more --procs" << Qt::endl;
    }
    Coordinator coordinator(options, QCoreApplication::arguments());
    QObject::connect(&coordinator, &Coordinator::finished, &app, &QCoreApplication::exit);
    coordinator.start();
    return QCoreApplication::exec();
}
