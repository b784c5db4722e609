#pragma once

#include "core/result.h"
#include "protocol/socketio.h"
#include "server/serverevent.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <functional>

class QTimer;

namespace caps {

class ClientConnection;
class Namespace;
struct OutgoingMessage;

// One client's socket on one namespace (socket.io's server-side Socket). Its rooms are kept by
// the namespace's Adapter; join() and leave() go there.
class ServerSocket : public QObject
{
    Q_OBJECT
public:
    // The client's ack arguments (packet.data is the argument array), or an error on timeout
    // or disconnection.
    using AckCallback = std::function<void(const Result<sio::Packet> &reply)>;

    // Who the socket is, as Namespace::admit() decided.
    struct Init
    {
        QString id;
        // The auth object of the CONNECT packet (for Socket.IO v4, the handshake query).
        QJsonObject auth;
        // Connection state recovery: the private session id sent only to this client; empty
        // when the socket takes no part (see takesOffsets()).
        QString pid;
        // It took back the session of `pid` (id, rooms, missed events).
        bool recovered = false;
        // Not recovered, but it proved (pid and token) that it is the client of this earlier
        // socket, which is therefore gone, wherever it was connected.
        QString previousId;
    };

    // A child of `client`. It is not in its namespace until Namespace::accept().
    ServerSocket(Init init, Namespace *nsp, ClientConnection *client);
    ~ServerSocket() override;

    [[nodiscard]] QString id() const { return m_init.id; }
    [[nodiscard]] Namespace *nsp() const;
    [[nodiscard]] ClientConnection *client() const;
    // The auth object of the CONNECT packet (socket.handshake.auth), {} when none was sent.
    // Kept as compact JSON and parsed when asked (at connect and disconnect, by the Admin UI):
    // a parsed QJsonObject of a token or two cost every idle connection some 200 bytes.
    [[nodiscard]] QJsonObject auth() const;
    [[nodiscard]] QSet<QString> rooms() const;
    [[nodiscard]] bool isIn(const QString &room) const;
    [[nodiscard]] bool isConnected() const { return m_connected; }
    // Whether this socket took back the id, rooms and missed events of one that dropped
    // (connection state recovery; socket.io's socket.recovered).
    [[nodiscard]] bool isRecovered() const { return m_init.recovered; }
    // The id of the socket this client had before, when it came back with that session's pid
    // and token but the session could not be restored (Init::previousId); empty otherwise.
    [[nodiscard]] QString previousId() const { return m_init.previousId; }
    // Whether this socket asked for connection state recovery (RecoveryLog::isRequestedBy) on
    // a namespace that has it: it got a pid, its events carry offsets and it leaves a session
    // when it drops. Every other socket gets events with exactly the arguments emitted.
    [[nodiscard]] bool takesOffsets() const { return !m_init.pid.isEmpty(); }
    [[nodiscard]] QString pid() const { return m_init.pid; }

    void join(const QString &room);
    void leave(const QString &room);

    void emitEvent(const QString &event, const QJsonArray &args = {}, const QList<QByteArray> &attachments = {});
    // To a socket that takesOffsets(), an emit without acknowledgement is kept for recovery and
    // carries an offset, as socket.io does.
    // timeoutMs < 0: wait as long as the socket lives.
    void emitWithAck(const QString &event, const QJsonArray &args, AckCallback callback, int timeoutMs = -1,
                     const QList<QByteArray> &attachments = {});
    void send(const sio::Packet &packet);
    void send(const OutgoingMessage &message);
    // Answers the client's event `ack.id` (ServerEvent::ack()); a second answer is dropped.
    void sendAck(const sio::Packet &ack);

    // socket.disconnect(close): the client gets a DISCONNECT for this namespace; with
    // closeConnection the whole Engine.IO connection goes too.
    void disconnectSocket(bool closeConnection = false);

    // What its ClientConnection hands on: a packet for this namespace (not CONNECT), and the
    // end of the connection, with socket.io's reason.
    void handlePacket(const sio::Packet &packet);
    void handleClose(const QString &reason);

signals:
    void eventReceived(const caps::ServerEvent &event);
    // This socket's own emitEvent() / emitWithAck() (socket.io's onAnyOutgoing; broadcasts
    // through the namespace or the adapter are not announced per socket, as there).
    void eventSent(const QString &event, const QJsonArray &args);
    // reason as socket.io's: "client namespace disconnect", "server namespace disconnect",
    // "transport close", "ping timeout", "parse error", ...
    void disconnected(const QString &reason);

private:
    struct PendingAck
    {
        AckCallback callback;
        QTimer *timer = nullptr;
    };

    void onAck(const sio::Packet &packet);

    const QByteArray m_auth; // before m_init: taken out of the Init first
    const Init m_init; // without its auth
    QPointer<Namespace> m_nsp;
    QPointer<ClientConnection> m_client;
    bool m_connected = true;
    qint64 m_nextAckId = 0;
    QHash<qint64, PendingAck> m_pendingAcks; // our emits waiting for the client's ack
    QSet<qint64> m_acksOwed; // the client's emits waiting for our ack
};

} // namespace caps
