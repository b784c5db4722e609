// caps-echo-server: a small Socket.IO server for tests and for trying clients out, and the
// server that the official Socket.IO and Engine.IO protocol suites run against.
//  - on connection to "/" or "/custom" it emits `auth` with the handshake's auth object;
//  - `message` comes back as `message-back` with the same arguments, attachments included;
//  - `message-with-ack` is acknowledged with its own arguments;
//  - `ask` makes the server emit `question` with the same arguments and an ack callback
//    (2 s timeout); what the client acknowledges comes back as `answer`, or `answer-timeout`.
// With --engine-io it is a raw Engine.IO echo server at /engine.io/ instead: every message goes
// back as it came, text as text and binary as binary.

#include "server/engineserver.h"
#include "server/enginesession.h"
#include "server/namespace.h"
#include "server/outgoingmessage.h"
#include "server/server.h"
#include "server/servercommandline.h"
#include "server/serversocket.h"
#include "server/signalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QPointer>
#include <QTimer>

#include <cstdio>

namespace {

void serveEcho(caps::Namespace *nsp)
{
    QObject::connect(nsp, &caps::Namespace::connection, nsp, [](caps::ServerSocket *socket) {
        socket->emitEvent(QStringLiteral("auth"), {socket->auth()});
        QObject::connect(socket, &caps::ServerSocket::eventReceived, socket, [socket](const caps::ServerEvent &event) {
            if (event.name() == QLatin1String("message")) {
                socket->emitEvent(QStringLiteral("message-back"), event.args(), event.attachments());
            } else if (event.name() == QLatin1String("message-with-ack")) {
                event.ack(event.args(), event.attachments());
            } else if (event.name() == QLatin1String("ask")) {
                QPointer<caps::ServerSocket> guard(socket);
                socket->emitWithAck(
                    QStringLiteral("question"), event.args(),
                    [guard](const caps::Result<caps::sio::Packet> &reply) {
                        if (!guard)
                            return;
                        if (reply)
                            guard->emitEvent(QStringLiteral("answer"), reply->data.toArray(), reply->attachments);
                        else
                            guard->emitEvent(QStringLiteral("answer-timeout"), {reply.error()});
                    },
                    2000, event.attachments());
            }
        });
    });
}

int serve(QCoreApplication &app, auto &server, const caps::ServerCommandLine::Endpoint &endpoint)
{
    if (!server.listen(endpoint.host, endpoint.port)) {
        std::fprintf(
            stderr, "%s\n",
            qPrintable(
                QCoreApplication::translate("main", "caps-echo-server: cannot listen: %1").arg(server.errorString())));
        return 1;
    }
    caps::SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &caps::SignalWatcher::terminationRequested, &app, [&server](int) {
        server.close();
        QTimer::singleShot(100, QCoreApplication::instance(), &QCoreApplication::quit);
    });
    std::printf("caps-echo-server listening on http://%s:%u\n", qPrintable(endpoint.host.toString()),
                unsigned(server.serverPort()));
    std::fflush(stdout);
    return app.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    // --event-loop: epoll (ours) by default, so that the conformance suites run on it too.
    caps::ServerCommandLine::installEventDispatcher(argc, argv);
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Code Academy"));
    QCoreApplication::setApplicationName(QStringLiteral("caps-echo-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CAPS_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Socket.IO echo server."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption engineIoOption(
        QStringLiteral("engine-io"),
        QCoreApplication::translate(
            "main",
            "Be a raw Engine.IO echo server at /engine.io/ (no Socket.IO): every message goes back as it came."));
    parser.addOption(engineIoOption);
    // Connection state recovery off and Engine.IO 3 refused unless asked for, as in socket.io.
    const caps::ServerCommandLine serverCommandLine;
    serverCommandLine.addTo(parser);
    parser.process(app);

    caps::ServerOptions options;
    const auto endpoint = serverCommandLine.read(parser, options);
    if (!endpoint) {
        std::fprintf(stderr, "caps-echo-server: %s\n", qPrintable(endpoint.error()));
        return 2;
    }

    if (parser.isSet(engineIoOption)) {
        options.path = QStringLiteral("/engine.io/");
        caps::EngineServer server(options);
        QObject::connect(&server, &caps::EngineServer::connection, &server, [](caps::EngineSession *session) {
            QObject::connect(session, &caps::EngineSession::messageReceived, session,
                             [session](const QByteArray &data, bool binary) {
                                 session->send(caps::OutgoingMessage::engineMessage(data, binary));
                             });
        });
        return serve(app, server, *endpoint);
    }

    caps::Server server(options);
    serveEcho(server.of(QStringLiteral("/")));
    serveEcho(server.of(QStringLiteral("/custom")));
    return serve(app, server, *endpoint);
}
