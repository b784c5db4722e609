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

// One client's socket on one namespace (socket.io's server-side Socket).
class ServerSocket : public QObject
{
    Q_OBJECT
public:
    // The client's ack arguments (packet.data is the argument array), or an error on timeout
    // or disconnection.
    using AckCallback = std::function<void(const Result<sio::Packet> &reply)>;

    ServerSocket(const QString &id, Namespace *nsp, ClientConnection *client, const QJsonObject &auth);
    ~ServerSocket() override;

    [[nodiscard]] QString id() const { return m_id; }
    [[nodiscard]] Namespace *nsp() const;
    [[nodiscard]] ClientConnection *client() const;
    // The auth object of the CONNECT packet (socket.handshake.auth), {} when none was sent.
    [[nodiscard]] const QJsonObject &auth() const { return m_auth; }
    [[nodiscard]] const QSet<QString> &rooms() const { return m_rooms; }
    [[nodiscard]] bool isIn(const QString &room) const { return m_rooms.contains(room); }
    [[nodiscard]] bool isConnected() const { return m_connected; }
    // Whether this socket took back the id, rooms and missed events of one that dropped
    // (connection state recovery; socket.io's socket.recovered).
    [[nodiscard]] bool isRecovered() const { return m_recovered; }
    // Whether this socket asked for connection state recovery (RecoveryLog::isRequestedBy) on
    // a namespace that has it: it got a pid, its events carry offsets and it leaves a session
    // when it drops. Every other socket gets events with exactly the arguments emitted.
    [[nodiscard]] bool takesOffsets() const { return !m_pid.isEmpty(); }

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

    // socket.disconnect(close): the client gets a DISCONNECT for this namespace; with
    // closeConnection the whole Engine.IO connection goes too.
    void disconnectSocket(bool closeConnection = false);

signals:
    void eventReceived(const caps::ServerEvent &event);
    // reason as socket.io's: "client namespace disconnect", "server namespace disconnect",
    // "transport close", "ping timeout", "parse error", ...
    void disconnected(const QString &reason);

private:
    friend class ClientConnection;
    friend class ServerEvent;
    friend class Namespace;

    struct PendingAck
    {
        AckCallback callback;
        QTimer *timer = nullptr;
    };

    void onPacket(const sio::Packet &packet);
    void onAck(const sio::Packet &packet);
    void onClose(const QString &reason);
    void sendAck(const sio::Packet &ack);
    // Joins `room` as of `since` (an offset of the namespace's recovery log; -1: now).
    void join(const QString &room, qint64 since);

    const QString m_id;
    QPointer<Namespace> m_nsp;
    QPointer<ClientConnection> m_client;
    const QJsonObject m_auth;
    QSet<QString> m_rooms;
    bool m_connected = true;
    qint64 m_nextAckId = 0;
    QHash<qint64, PendingAck> m_pendingAcks;   // our emits waiting for the client's ack
    QSet<qint64> m_acksOwed;                   // the client's emits waiting for our ack

    // Connection state recovery (RecoveryLog), when the namespace has it.
    QString m_pid;                             // private session id, sent only to this client; empty: no recovery
    bool m_recovered = false;
    qint64 m_resumeFrom = 0;                   // the first offset this socket may not have handled
    qint64 m_lastSentOffset = -1;
    QHash<QString, qint64> m_joinedAt;         // room -> the first offset sent while in it
};

} // namespace caps
