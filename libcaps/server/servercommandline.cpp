#include "server/servercommandline.h"

#include "security/securityoptions.h"
#include "server/corspolicy.h"
#include "server/epolleventdispatcher.h"

#include <QCommandLineParser>

#include <functional>
#include <memory>

namespace caps {

namespace {

const QString kEpoll = QStringLiteral("epoll");
const QString kQt = QStringLiteral("qt");

} // namespace

QStringList ServerCommandLine::eventLoops()
{
    return {kEpoll, kQt};
}

void ServerCommandLine::installEventDispatcher(int argc, char **argv)
{
    // QCommandLineParser's forms: --event-loop VALUE, --event-loop=VALUE; the last one counts.
    QString chosen = kEpoll;
    const QByteArray name("--event-loop");
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--")
            break;
        if (arg == name && i + 1 < argc)
            chosen = QString::fromLocal8Bit(argv[++i]);
        else if (arg.startsWith(name + '='))
            chosen = QString::fromLocal8Bit(arg.mid(name.size() + 1));
    }
    if (chosen != kEpoll)
        return; // `qt`, or a value read() refuses
    auto dispatcher = std::make_unique<EpollEventDispatcher>();
    if (dispatcher->isValid())
        QCoreApplication::setEventDispatcher(dispatcher.release());
}

void ServerCommandLine::addTo(QCommandLineParser &parser) const
{
    const ServerOptions socketIo;
    const auto ms = QStringLiteral("ms");
    parser.addOptions({
        {QStringLiteral("port"), tr("TCP port (0: any free port; default %1).").arg(m_defaults.port),
         QStringLiteral("port"), QString::number(m_defaults.port)},
        {QStringLiteral("host"), tr("Address to listen on (default %1).").arg(m_defaults.host), QStringLiteral("host"),
         m_defaults.host},
        {QStringLiteral("ping-interval"),
         tr("Milliseconds between heartbeats (default %1).").arg(socketIo.pingInterval), ms,
         QString::number(socketIo.pingInterval)},
        {QStringLiteral("ping-timeout"),
         tr("Milliseconds to wait for a heartbeat answer (default %1).").arg(socketIo.pingTimeout), ms,
         QString::number(socketIo.pingTimeout)},
        {QStringLiteral("connect-timeout"),
         tr("Milliseconds for a connection to join a namespace (default %1).").arg(socketIo.connectTimeout), ms,
         QString::number(socketIo.connectTimeout)},
        {QStringLiteral("recovery-window"),
         tr("Milliseconds a dropped client may take to come back and get its session, rooms and the events it missed "
            "(Socket.IO connection state recovery; 0: off; default %1).")
             .arg(m_defaults.recoveryWindow),
         ms, QString::number(m_defaults.recoveryWindow)},
        {QStringLiteral("recovery-max-bytes"),
         tr("Bytes of events kept for recovery per namespace; the oldest go first (default %1).")
             .arg(socketIo.recoveryMaxBytes),
         QStringLiteral("bytes"), QString::number(socketIo.recoveryMaxBytes)},
        {QStringLiteral("cors-origin"),
         tr("Let the web pages of ORIGIN (such as https://shop.example; * for any) connect, besides the server's own; "
            "repeatable (default %1).")
             .arg(m_defaults.corsOrigins.isEmpty() ? tr("none") : m_defaults.corsOrigins.join(QLatin1String(", "))),
         QStringLiteral("origin")},
        {QStringLiteral("event-loop"),
         tr("How the server waits for its connections: epoll (asks the kernel for the ready ones only) or qt (Qt's "
            "own loop, which polls every connection in each pass; default %1).")
             .arg(kEpoll),
         QStringLiteral("loop"), kEpoll},
    });
    if (m_defaults.allowEio3)
        parser.addOption({QStringLiteral("no-eio3"),
                          tr("Refuse Engine.IO 3 clients (socket.io 2.x), which are served by default.")});
    else
        parser.addOption({QStringLiteral("allow-eio3"),
                          tr("Serve Engine.IO 3 clients (socket.io 2.x) too, as socket.io's allowEIO3.")});
}

Result<ServerCommandLine::Endpoint> ServerCommandLine::read(const QCommandLineParser &parser,
                                                            ServerOptions &options) const
{
    using R = Result<Endpoint>;
    ServerOptions read = options;
    Endpoint endpoint;
    struct IntOption
    {
        const char *name;
        qint64 minimum;
        qint64 maximum;
        std::function<void(qint64)> apply;
    };
    constexpr qint64 kMaxMs = 1 << 30;
    const IntOption ints[] = {
        {"port", 0, 65535, [&](qint64 v) { endpoint.port = quint16(v); }},
        {"ping-interval", 1, kMaxMs, [&](qint64 v) { read.pingInterval = int(v); }},
        {"ping-timeout", 1, kMaxMs, [&](qint64 v) { read.pingTimeout = int(v); }},
        {"connect-timeout", 1, kMaxMs, [&](qint64 v) { read.connectTimeout = int(v); }},
        {"recovery-window", 0, kMaxMs, [&](qint64 v) { read.recoveryWindow = int(v); }},
        {"recovery-max-bytes", 1, qint64(1) << 40, [&](qint64 v) { read.recoveryMaxBytes = v; }},
    };
    for (const IntOption &option : ints) {
        const auto value = wholeNumberOption(parser, QLatin1String(option.name), option.minimum, option.maximum);
        if (!value)
            return R::failure(value.error());
        option.apply(*value);
    }
    endpoint.host = QHostAddress(parser.value(QStringLiteral("host")));
    if (endpoint.host.isNull())
        return R::failure(tr("--host: not an IP address: \"%1\"").arg(parser.value(QStringLiteral("host"))));
    read.corsOrigins = m_defaults.corsOrigins;
    if (parser.isSet(QStringLiteral("cors-origin"))) {
        read.corsOrigins = parser.values(QStringLiteral("cors-origin"));
        for (const QString &origin : std::as_const(read.corsOrigins)) {
            if (!CorsPolicy::isValidOrigin(origin))
                return R::failure(tr("--cors-origin: not an origin (scheme://host[:port], or *): \"%1\"").arg(origin));
        }
    }
    if (const QString loop = parser.value(QStringLiteral("event-loop")); !eventLoops().contains(loop))
        return R::failure(tr("--event-loop: not %1: \"%2\"").arg(eventLoops().join(tr(" or ")), loop));
    read.allowEio3
        = m_defaults.allowEio3 ? !parser.isSet(QStringLiteral("no-eio3")) : parser.isSet(QStringLiteral("allow-eio3"));
    options = read;
    return endpoint;
}

} // namespace caps
