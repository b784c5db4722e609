// qt-floor: the least a Qt 6 WebSocket server can hold per idle Socket.IO connection. It accepts
// connections as caps-hub does (QTcpServer with a 511 backlog, QWebSocketServer::handleConnection,
// no Nagle), answers the Engine.IO handshake and one namespace CONNECT with fixed text, and then
// keeps the QWebSocket and does nothing. bench/compare's scenario (c) measures it beside the two
// hubs: what caps-hub holds per idle connection above this is the hub's own share.
//
//   qt-floor [--host 127.0.0.1] [--port 0]      prints "listening on http://HOST:PORT"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketServer>

#include <cstdio>

int main(int argc, char *argv[])
{
    // The same event dispatcher as caps-hub (apps/hub/main.cpp).
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The Qt floor: idle Socket.IO connections held by QWebSocket, "
                                                    "nothing else (bench/compare, scenario c)."));
    parser.addHelpOption();
    const QCommandLineOption hostOption(QStringLiteral("host"), QStringLiteral("Address to listen on."),
                                        QStringLiteral("address"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption portOption(QStringLiteral("port"), QStringLiteral("Port (0: any free one)."),
                                        QStringLiteral("port"), QStringLiteral("0"));
    parser.addOptions({hostOption, portOption});
    parser.process(app);
    const QHostAddress host(parser.value(hostOption));
    bool portOk = false;
    const uint port = parser.value(portOption).toUInt(&portOk);
    if (host.isNull() || !portOk || port > 65535) {
        std::fprintf(stderr, "qt-floor: --host wants an IP address and --port a number up to 65535\n");
        return 2;
    }

    QTcpServer tcp;
    tcp.setListenBacklogSize(511);
    QWebSocketServer ws(QStringLiteral("qt-floor"), QWebSocketServer::NonSecureMode);
    if (!tcp.listen(host, quint16(port))) {
        std::fprintf(stderr, "qt-floor: %s\n", qPrintable(tcp.errorString()));
        return 1;
    }
    QObject::connect(&tcp, &QTcpServer::pendingConnectionAvailable, &ws, [&] {
        while (QTcpSocket *socket = tcp.nextPendingConnection()) {
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            ws.handleConnection(socket);
        }
    });
    quint64 next = 0;
    QObject::connect(&ws, &QWebSocketServer::newConnection, &ws, [&] {
        while (QWebSocket *socket = ws.nextPendingConnection()) {
            const QString sid = QString::number(++next);
            QObject::connect(socket, &QWebSocket::textMessageReceived, socket, [socket, sid](const QString &text) {
                if (text.startsWith(QLatin1String("40"))) {
                    // "40/nsp,{auth}" -> "40/nsp,{"sid":...}"
                    const qsizetype comma = text.indexOf(QLatin1Char(','));
                    const QString nsp
                        = text.startsWith(QLatin1String("40/")) && comma > 0 ? text.mid(2, comma - 1) : QString();
                    socket->sendTextMessage(QStringLiteral("40%1{\"sid\":\"n%2\"}").arg(nsp, sid));
                } else if (text == QLatin1String("2")) {
                    socket->sendTextMessage(QStringLiteral("3"));
                }
            });
            QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            socket->sendTextMessage(QStringLiteral(R"(0{"sid":"%1","upgrades":[],"pingInterval":25000,)"
                                                   R"("pingTimeout":20000,"maxPayload":1000000})")
                                        .arg(sid));
        }
    });
    std::printf("qt-floor listening on http://%s:%u\n", qPrintable(tcp.serverAddress().toString()),
                unsigned(tcp.serverPort()));
    std::fflush(stdout);
    return app.exec();
}
