#pragma once

#include "protocol/socketio.h"
#include "server/recoverylog.h"
#include "server/serversocket.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <functional>
#include <memory>

class QTimer;

namespace caps {

struct OutgoingMessage;

// A Socket.IO namespace: its sockets and rooms, and broadcasting to them. A broadcast is
// encoded once; every recipient gets the same bytes. With connection state recovery enabled
// (enableRecovery()), every event sent without an acknowledgement is kept in recovery() for
// the sockets that asked for recovery (ServerSocket::takesOffsets()), should they drop and
// come back, and reaches them with an offset; the others get it as emitted. A broadcast is
// then encoded twice at most: with the offset and without.
class Namespace : public QObject
{
    Q_OBJECT
public:
    // Whom a broadcast reaches: the sockets in any of `rooms` (every socket when empty), less
    // those in any of `exceptRooms` and those in `exceptSockets`.
    struct Target
    {
        QStringList rooms;
        QStringList exceptRooms;
        QSet<const ServerSocket *> exceptSockets;
    };
    // Decides on a CONNECT: an empty string admits, anything else is the CONNECT_ERROR message.
    using ConnectGuard = std::function<QString(const QJsonObject &auth)>;

    explicit Namespace(const QString &name, QObject *parent = nullptr);
    ~Namespace() override;

    [[nodiscard]] QString name() const { return m_name; }
    [[nodiscard]] qsizetype socketCount() const { return m_sockets.size(); }
    [[nodiscard]] QList<ServerSocket *> sockets() const { return m_sockets.values(); }
    [[nodiscard]] ServerSocket *socket(const QString &id) const { return m_sockets.value(id); }
    [[nodiscard]] QSet<ServerSocket *> socketsIn(const QString &room) const { return m_rooms.value(room); }
    [[nodiscard]] QList<ServerSocket *> recipients(const Target &target) const;
    // The sockets any of `targets` reaches, each once.
    [[nodiscard]] QList<ServerSocket *> recipients(const QList<Target> &targets) const;
    [[nodiscard]] static bool reaches(const Target &target, const ServerSocket *socket);

    void emitEvent(const QString &event, const QJsonArray &args = {}, const QList<QByteArray> &attachments = {});
    void broadcast(const Target &target, const QString &event, const QJsonArray &args = {},
                   const QList<QByteArray> &attachments = {});
    // Sends `packet` (its nsp is set to this namespace), encoded once, to every socket any of
    // `targets` reaches; a socket reached twice gets it once. The relay path of the hub: a
    // packet with rawData keeps its bytes (plus the recovery offset, for those that take it).
    void broadcast(const QList<Target> &targets, sio::Packet packet);

    // Connection state recovery; off until enabled (Server::of() enables it when
    // ServerOptions::recoveryWindow > 0).
    void enableRecovery(const RecoveryLog::Options &options);
    [[nodiscard]] RecoveryLog *recovery() const { return m_recovery.get(); }

    void setConnectGuard(ConnectGuard guard) { m_connectGuard = std::move(guard); }
    [[nodiscard]] QString checkConnect(const QJsonObject &auth) const;

signals:
    void connection(caps::ServerSocket *socket);
    void disconnection(caps::ServerSocket *socket, const QString &reason);

private:
    friend class ServerSocket;
    friend class ClientConnection;

    void add(ServerSocket *socket);
    void remove(ServerSocket *socket);
    void addToRoom(const QString &room, ServerSocket *socket);
    void removeFromRoom(const QString &room, ServerSocket *socket);

    const QString m_name;
    QHash<QString, ServerSocket *> m_sockets;
    QHash<QString, QSet<ServerSocket *>> m_rooms;
    ConnectGuard m_connectGuard;
    std::unique_ptr<RecoveryLog> m_recovery;
    QTimer *m_recoveryPruner = nullptr;
};

} // namespace caps
