#pragma once

#include "protocol/socketio.h"
#include "server/enginesession.h"
#include "server/namespace.h"

#include "security/ratelimiter.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QVarLengthArray>

namespace caps {

class Server;
class ServerSocket;
struct OutgoingMessage;

// The Socket.IO side of one Engine.IO session (socket.io's Client): decodes its messages,
// opens and routes to one ServerSocket per joined namespace, and closes a connection that
// joins none within connectTimeout.
class ClientConnection : public QObject, private EngineSession::Receiver
{
    Q_OBJECT
public:
    ClientConnection(EngineSession *session, Server *server);
    ~ClientConnection() override;

    [[nodiscard]] EngineSession *session() const;
    [[nodiscard]] ServerSocket *socket(const QString &nsp) const;
    // A socket of this connection closed (ServerSocket::handleClose() calls it).
    void forgetSocket(const ServerSocket *socket);

    void send(const sio::Packet &packet);
    void send(const OutgoingMessage &message);
    // Closes the Engine.IO session; every socket disconnects with "forced close".
    void close();
    // The server's connectTimeout has passed (Server runs the deadlines of all connections):
    // closes the connection if it has joined no namespace.
    void onConnectTimeout();
    // Milliseconds since the Engine.IO session began (its sockets connected then or later).
    [[nodiscard]] qint64 connectedMs() const { return m_clock.elapsed(); }

private:
    void engineMessage(const QByteArray &data, bool binary) override { onMessage(data, binary); }
    void engineClosed(const QString &reason) override { onEngineClosed(reason); }
    void onMessage(const QByteArray &data, bool binary);
    void onPacket(const sio::Packet &packet);
    void onConnect(const sio::Packet &packet);
    // The session speaks Engine.IO 3, so this connection Socket.IO v4 (socket.io 2.x).
    [[nodiscard]] bool isV4() const;
    void open(Namespace *nsp, const Namespace::Admission &admission, const sio::Packet &reply);
    void onEngineClosed(const QString &reason);

    QPointer<EngineSession> m_session;
    Server *m_server;
    sio::Decoder m_decoder;
    [[nodiscard]] QList<ServerSocket *> sockets() const;
    // By namespace. An array with room for one in place, not a hash or a QList: a client joins
    // one or two namespaces, and every idle connection keeps this (a QHash's first storage
    // block is 1.5 KiB, a QList's 64 bytes).
    QVarLengthArray<std::pair<QString, ServerSocket *>, 1> m_sockets;
    bool m_connectTimeoutActive = true;
    RateLimiter m_rateLimiter;
    QElapsedTimer m_clock;
};

} // namespace caps
