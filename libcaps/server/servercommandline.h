#pragma once

// The command line every CAPS server program shares (caps-hub, caps-echo-server):
//   --port  --host  --ping-interval  --ping-timeout  --connect-timeout  --recovery-window  --recovery-max-bytes
//   --cors-origin (repeatable)  --event-loop
//   and --allow-eio3 or --no-eio3, whichever turns the program's default around
//
//   caps::ServerCommandLine::installEventDispatcher(argc, argv);   // first, before the app exists
//   QCoreApplication app(argc, argv);
//   caps::ServerCommandLine serverOptions({.recoveryWindow = 120000});
//   serverOptions.addTo(parser);  parser.process(app);
//   caps::ServerOptions options;
//   auto endpoint = serverOptions.read(parser, options);   // bad values: endpoint.error()

#include "core/result.h"
#include "server/serveroptions.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QString>

class QCommandLineParser;

namespace caps {

class ServerCommandLine
{
    Q_DECLARE_TR_FUNCTIONS(ServerCommandLine)
public:
    // What the program offers when an option is not given; the timings default to ServerOptions'
    // (socket.io's).
    struct Defaults
    {
        quint16 port = 3000;
        QString host = QStringLiteral("127.0.0.1");
        int recoveryWindow = 0; // socket.io's default: off
        bool allowEio3 = false; // socket.io's default: Engine.IO 3 (socket.io 2.x) clients refused
        // The pages of other origins that may connect when no --cors-origin is given ("*": any).
        QStringList corsOrigins{QStringLiteral("*")};
    };
    struct Endpoint
    {
        QHostAddress host;
        quint16 port = 0;
    };

    ServerCommandLine()
        : ServerCommandLine(Defaults{})
    { }
    explicit ServerCommandLine(const Defaults &defaults)
        : m_defaults(defaults)
    { }

    // The event loops a server can run on: `epoll` (EpollEventDispatcher, the default on Linux)
    // or `qt` (Qt's own dispatcher, which polls every socket in each pass).
    [[nodiscard]] static QStringList eventLoops();
    // Installs the event dispatcher that --event-loop names for the main thread. It must run
    // before the QCoreApplication exists, so before the parser has read anything: it reads the
    // one option from argv itself, and read() refuses a value that is not one of eventLoops()
    // (nothing is installed for it here, and the program then stops with that error).
    static void installEventDispatcher(int argc, char **argv);

    void addTo(QCommandLineParser &parser) const;
    // Sets the timings and the recovery options in `options`; the address to listen on.
    [[nodiscard]] Result<Endpoint> read(const QCommandLineParser &parser, ServerOptions &options) const;

private:
    Defaults m_defaults;
};

} // namespace caps
