// caps-hub: the CAPS hub (the lab's Phase 2 hub) on our Socket.IO server.

#include "cluster/postgresadapter.h"
#include "cluster/postgresbus.h"
#include "core/logging.h"
#include "queue/messagequeue.h"
#include "queue/memorymessagestore.h"
#include "queue/postgresmessagestore.h"
#include "queue/sqlitemessagestore.h"
#include "security/securitylogging.h"
#include "security/securityoptions.h"
#include "hub/capshub.h"
#include "hub/hubeventlog.h"
#include "hub/hubsite.h"
#include "security/bindpolicy.h"
#include "server/admininstrumentation.h"
#include "server/engineserver.h"
#include "server/namespace.h"
#include "server/server.h"
#include "server/servercommandline.h"
#include "server/signalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTimer>

#include <chrono>
#include <cstdio>
#include <memory>

int main(int argc, char *argv[])
{
    // Our epoll dispatcher (--event-loop epoll, the default): Qt's polls every connection in
    // each pass. With --event-loop qt, Qt's own instead of glib's: glib wakes itself through an
    // extra pipe write each time a socket's write notifier turns on, three times the write calls
    // per order under load (docs/benchmarks.md). An explicit QT_NO_GLIB=0 still wins.
    caps::ServerCommandLine::installEventDispatcher(argc, argv);
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Code Academy"));
    QCoreApplication::setApplicationName(QStringLiteral("caps-hub"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CAPS_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main",
        "The CAPS hub: a Socket.IO server (HTTP long-polling and WebSocket on one port) that routes "
        "pickup, in-transit and delivered events between vendors, drivers and customers."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption nspOption(
        QStringLiteral("namespace"),
        QCoreApplication::translate("main", "Socket.IO namespace of the hub (default /caps)."), QStringLiteral("name"),
        QStringLiteral("/caps"));
    const QCommandLineOption logFormatOption(
        QStringLiteral("log-format"),
        QCoreApplication::translate("main", "Event log format: inspect (the lab's EVENT lines, default) or json."),
        QStringLiteral("format"), QStringLiteral("inspect"));
    const QCommandLineOption dbOption(
        QStringLiteral("db"),
        QCoreApplication::translate("main",
                                    "Message queue database, kept across restarts: an SQLite file, or "
                                    "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (a libpq URI; "
                                    "?host=/socket/folder for a Unix socket) to run as one hub of a cluster; "
                                    "\":memory:\" for none that survives the hub (default %1).")
            .arg(caps::SqliteMessageStore::defaultPath()),
        QStringLiteral("path"), caps::SqliteMessageStore::defaultPath());
    const caps::PendingRetention retentionDefaults;
    const QCommandLineOption maxAgeOption(
        QStringLiteral("queue-max-age"),
        QCoreApplication::translate("main",
                                    "Drop a queued message nobody acknowledged after this many milliseconds "
                                    "(default %1: 7 days).")
            .arg(retentionDefaults.maxAge.count()),
        QStringLiteral("ms"), QString::number(retentionDefaults.maxAge.count()));
    const QCommandLineOption maxMessagesOption(
        QStringLiteral("queue-max-messages"),
        QCoreApplication::translate("main",
                                    "Keep at most this many queued messages, every queue together; the oldest "
                                    "go first (default %1).")
            .arg(retentionDefaults.maxCount),
        QStringLiteral("count"), QString::number(retentionDefaults.maxCount));
    const QCommandLineOption quietOption(QStringLiteral("quiet"),
                                         QCoreApplication::translate("main", "Do not log events."));
    const QCommandLineOption adminOpenOption(
        QStringLiteral("admin-open-on-loopback"),
        QCoreApplication::translate("main",
                                    "Without --tokens, let anyone who can reach the loopback address the hub listens "
                                    "on use the Socket.IO Admin UI (/admin/) without logging in. With tokens, the UI's "
                                    "login takes an admin token (caps-token --role admin) as its password."));
    // --port, --host, the timings, and connection state recovery (on for two minutes by default,
    // where socket.io has it off: a vendor or driver whose network blinks should miss nothing).
    // Unlike socket.io, the hub serves socket.io 2.x clients unless told not to: many CAPS labs
    // were written with them.
    // Only the hub's own pages may connect from a browser unless --cors-origin says otherwise.
    const caps::ServerCommandLine serverCommandLine({.recoveryWindow = 120000, .allowEio3 = true, .corsOrigins = {}});
    serverCommandLine.addTo(parser);
    parser.addOptions(
        {nspOption, logFormatOption, dbOption, maxAgeOption, maxMessagesOption, quietOption, adminOpenOption});
    // --tokens, --insecure, --tls-cert, --tls-key and every limit, --max-payload included (docs/security.md).
    caps::SecurityOptions::addTo(parser);
    parser.process(app);

    caps::ServerOptions options;
    const auto endpoint = serverCommandLine.read(parser, options);
    if (!endpoint) {
        std::fprintf(stderr, "caps-hub: %s\n", qPrintable(endpoint.error()));
        return 2;
    }
    const auto security = caps::SecurityOptions::fromParser(parser);
    if (!security) {
        std::fprintf(stderr, "caps-hub: %s\n", qPrintable(security.error()));
        return 2;
    }
    const QString logFormat = parser.value(logFormatOption);
    if (logFormat != QLatin1String("inspect") && logFormat != QLatin1String("json")) {
        std::fprintf(stderr, "%s\n",
                     qPrintable(QCoreApplication::translate("main", "Unknown --log-format: %1").arg(logFormat)));
        return 2;
    }
    // Up to ten years, and a billion messages: beyond either the bound means nothing.
    const auto maxAge
        = caps::wholeNumberOption(parser, maxAgeOption.names().first(), 1, qint64(3650) * 24 * 3600 * 1000);
    const auto maxMessages = caps::wholeNumberOption(parser, maxMessagesOption.names().first(), 1, 1000000000);
    for (const auto *value : {&maxAge, &maxMessages}) {
        if (!*value) {
            std::fprintf(stderr, "caps-hub: %s\n", qPrintable(value->error()));
            return 2;
        }
    }
    const QHostAddress host = endpoint->host;
    const caps::AdminInstrumentation::Options adminDefaults;
    // As Server::of() names it.
    const QString hubNamespace = parser.value(nspOption).startsWith(QLatin1Char('/'))
        ? parser.value(nspOption)
        : QLatin1Char('/') + parser.value(nspOption);
    if (hubNamespace == adminDefaults.namespaceName) {
        std::fprintf(stderr, "%s\n",
                     qPrintable(QCoreApplication::translate("main", "caps-hub: --namespace %1 is the Admin UI's")
                                    .arg(adminDefaults.namespaceName)));
        return 2;
    }

    // Token file, TLS files, and whether this address may be used without tokens.
    auto setup = security->setUp(host);
    if (!setup) {
        std::fprintf(stderr, "caps-hub: %s\n", qPrintable(setup.error()));
        return 1;
    }
    for (const QString &warning : std::as_const(setup->warnings))
        qCWarning(lcSecurity).noquote() << warning;
    // Checked before the queue is opened: a refused command line touches nothing.
    if (setup->policy.isOpen() && parser.isSet(adminOpenOption) && !caps::isLoopback(host)) {
        std::fprintf(stderr, "%s\n",
                     qPrintable(QCoreApplication::translate(
                                    "main", "caps-hub: --admin-open-on-loopback needs a loopback --host, not %1")
                                    .arg(host.toString())));
        return 2;
    }
    const caps::SecurityLimits &limits = security->limits;

    options.maxPayload = limits.maxPayload;
    options.maxHeaderSize = limits.maxHeaderBytes;
    options.handshakeTimeout = limits.handshakeTimeoutMs;
    // A request head that trickles in is a handshake that does not finish; the same bound also
    // closes idle keep-alive connections (Node's http server waits 5 s).
    options.httpIdleTimeout = limits.handshakeTimeoutMs;
    options.parserLimits = limits.sioLimits();
    options.maxConnectionsPerIp = limits.maxConnectionsPerIp;
    options.eventsPerSecond = limits.eventsPerSecond;
    options.eventBurst = limits.eventBurst;
    options.maxBufferedBytes = limits.maxUnsentBytes;
    options.tls = setup->tls;

    // Opened before listening: no event may arrive that could not be stored.
    // ":memory:" promises no durability, so it needs no SQL engine either: the plain in-memory
    // store costs a fraction of SQLite's per event.
    std::unique_ptr<caps::MessageStore> store;
    // With PostgreSQL this hub is one of several: broadcasts reach the others' sockets too.
    std::unique_ptr<caps::PostgresBus> bus;
    const QString db = parser.value(dbOption);
    if (db == caps::SqliteMessageStore::memoryPath()) {
        store = std::make_unique<caps::MemoryMessageStore>();
    } else if (caps::PostgresUri::looksLikeOne(db)) {
        const auto uri = caps::PostgresUri::parse(db);
        if (!uri) {
            std::fprintf(stderr, "%s\n",
                         qPrintable(QCoreApplication::translate("main", "caps-hub: --db: %1").arg(uri.error())));
            return 1;
        }
        auto opened = caps::PostgresMessageStore::open(*uri);
        if (!opened) {
            std::fprintf(stderr, "%s\n",
                         qPrintable(QCoreApplication::translate("main", "caps-hub: cannot open the message queue: %1")
                                        .arg(opened.error())));
            return 1;
        }
        store = std::move(opened).value();
        auto joined = caps::PostgresBus::open(*uri);
        if (!joined) {
            std::fprintf(
                stderr, "%s\n",
                qPrintable(
                    QCoreApplication::translate("main", "caps-hub: cannot join the cluster: %1").arg(joined.error())));
            return 1;
        }
        bus = std::move(joined).value();
        options.adapterFactory
            = [bus = bus.get(), recovery = options.recovery()](const QString &nsp) -> std::unique_ptr<caps::Adapter> {
            return std::make_unique<caps::PostgresAdapter>(bus, nsp, recovery);
        };
    } else {
        auto opened = caps::SqliteMessageStore::open(parser.value(dbOption));
        if (!opened) {
            std::fprintf(
                stderr, "%s\n",
                qPrintable(QCoreApplication::translate("main", "caps-hub: cannot open the message queue %1: %2")
                               .arg(parser.value(dbOption), opened.error())));
            return 1;
        }
        store = std::move(opened).value();
    }
    store->setPendingRetention({std::chrono::milliseconds(*maxAge), *maxMessages});
    caps::MessageQueue queue(*store);

    caps::Server server(options);
    const caps::AccessPolicy &policy = setup->policy;
    // Every namespace, "/" included, asks for a token in token mode.
    const auto guard = [&policy](const QJsonObject &auth) {
        const auto principal = policy.authenticate(auth);
        if (!principal)
            qCInfo(lcSecurity).noquote() << "CONNECT refused:" << principal.error();
        return principal ? QString() : principal.error();
    };
    server.of(QStringLiteral("/"))->setConnectGuard(guard);
    server.of(parser.value(nspOption))->setConnectGuard(guard);
    // The Socket.IO Admin UI's namespace: with tokens, an admin token logs in; without, it is
    // refused unless the operator opened it on a loopback address.
    caps::AdminInstrumentation::Options adminOptions;
    if (!policy.isOpen()) {
        adminOptions.authenticate = [&policy](const QString &username, const QString &password) {
            QString refusal = policy.checkAdminLogin(username, password);
            if (!refusal.isEmpty())
                qCInfo(lcSecurity).noquote() << "Admin UI login refused for" << username.left(64);
            return refusal;
        };
    } else if (!parser.isSet(adminOpenOption)) {
        adminOptions.authenticate = [](const QString &, const QString &) {
            return QStringLiteral("the Admin UI needs --tokens, or --admin-open-on-loopback");
        };
    }
    caps::AdminInstrumentation admin(&server, adminOptions);
    caps::CapsHub::Options hubOptions;
    hubOptions.policy = policy;
    hubOptions.maxRoomsPerSocket = limits.maxRoomsPerSocket;
    hubOptions.queue = &queue;
    if (bus) {
        hubOptions.serverId = bus->uid();
        hubOptions.serverAlive = [bus = bus.get()](const QString &uid) { return bus->mayBeAlive(uid); };
        hubOptions.serverQuietMs = [bus = bus.get()](const QString &uid) { return bus->quietMs(uid); };
        hubOptions.announceTakerLeft = [bus = bus.get()](const QString &taker) {
            // At most once, as every NOTIFY: a hub that misses it judges the taker gone when
            // this hub is.
            if (const auto sent = bus->publish(caps::CapsHub::kTakersChannel, {{QStringLiteral("taker"), taker}});
                !sent)
                qCWarning(lcCluster).noquote() << "could not announce that" << taker << "left:" << sent.error();
        };
    }
    caps::CapsHub hub(server.of(parser.value(nspOption)), hubOptions);
    if (bus) {
        QObject::connect(bus.get(), &caps::PostgresBus::serverGone, &hub, &caps::CapsHub::forgetServer);
        QObject::connect(bus.get(), &caps::PostgresBus::received, &hub,
                         [&hub](const QString &channel, const QJsonObject &message) {
                             if (channel == caps::CapsHub::kTakersChannel)
                                 hub.takerLeft(message.value(QLatin1String("taker")).toString());
                         });
        if (const auto listening = bus->listen(caps::CapsHub::kTakersChannel); !listening) {
            std::fprintf(stderr, "caps-hub: %s\n", qPrintable(listening.error()));
            return 1;
        }
    }
    caps::HubEventLog log(logFormat == QLatin1String("json") ? caps::HubEventLog::Format::Json
                                                             : caps::HubEventLog::Format::Inspect);
    if (!parser.isSet(quietOption))
        QObject::connect(&hub, &caps::CapsHub::eventReceived, &log, &caps::HubEventLog::write);

    const caps::HubSite site(policy.catalogue(), {.nsp = hub.nsp()->name(), .adminUi = true});
    server.engine()->setHttpHandler([&site](caps::HttpConnection *connection) { return site.handle(connection); });

    if (!server.listen(host, endpoint->port)) {
        std::fprintf(stderr, "%s\n",
                     qPrintable(QCoreApplication::translate("main", "caps-hub: cannot listen on %1:%2: %3")
                                    .arg(host.toString())
                                    .arg(endpoint->port)
                                    .arg(server.errorString())));
        return 1;
    }

    caps::SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &caps::SignalWatcher::terminationRequested, &app, [&server](int) {
        server.close();
        // Let the close packets and frames go out before leaving.
        QTimer::singleShot(100, QCoreApplication::instance(), &QCoreApplication::quit);
    });

    const QString hostText = host.protocol() == QAbstractSocket::IPv6Protocol
        ? QLatin1Char('[') + host.toString() + QLatin1Char(']')
        : host.toString();
    std::printf("caps-hub listening on %s://%s:%u%s\n", options.tls ? "https" : "http", qPrintable(hostText),
                unsigned(server.serverPort()), qPrintable(hub.nsp()->name()));
    // The other hubs' log lines name this one by its uid ("server … is gone").
    if (bus)
        std::printf("caps-hub is server %s of the cluster\n", qPrintable(bus->uid()));
    std::fflush(stdout);
    return app.exec();
}
