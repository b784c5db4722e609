#pragma once

// A Socket.IO v5 client with socket.io-client's reconnection policy. One Client is one socket on
// one namespace. Engine.IO v4 is its EngineTransport's: a WebSocketTransport (WebSocket from the
// start) unless another is given.

#include <QAbstractSocket>
#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>

namespace caps {

class ClientPrivate;
class EngineTransport;

class Client : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Disconnected, // not started, or stopped with disconnectFromHub()
        Connecting, // first attempt under way
        Connected, // namespace joined
        Reconnecting, // lost; the next attempt is scheduled (see reconnectIn())
    };
    Q_ENUM(State)

    struct Options
    {
        bool reconnection = true;
        int reconnectionDelayMs = 1000; // socket.io-client defaults
        int reconnectionDelayMaxMs = 5000;
        double randomizationFactor = 0.5;
        int reconnectionAttempts = -1; // -1: forever
        int connectTimeoutMs = 20000;
    };

    // `url` is http(s)://host:port/namespace (or ws(s)://); the path names the namespace,
    // "/" when empty. The Engine.IO path is /socket.io/ as socket.io-client's default.
    explicit Client(const QUrl &url, QObject *parent = nullptr);
    Client(const QUrl &url, const Options &options, QObject *parent = nullptr);
    // Over `transport` instead, which the Client takes over (it becomes its parent).
    Client(const QUrl &url, const Options &options, EngineTransport *transport, QObject *parent);
    ~Client() override;

    [[nodiscard]] QUrl url() const;
    [[nodiscard]] QString nsp() const;
    [[nodiscard]] State state() const;
    [[nodiscard]] bool isConnected() const { return state() == State::Connected; }
    // The socket id the server gave on CONNECT; empty while not connected.
    [[nodiscard]] QString id() const;
    // Whether the server restored this connection's previous session (Socket.IO connection
    // state recovery): same id(), rooms kept, and the events missed while away delivered
    // before any new ones. Such a server appends each event's offset as its last argument.
    [[nodiscard]] bool isRecovered() const;
    // Milliseconds until the next reconnection attempt while Reconnecting (0 while that attempt
    // is under way), else -1.
    [[nodiscard]] int reconnectIn() const;

    // Sent in every CONNECT packet (socket.io-client's `auth` option), with `recovery: true`
    // added unless `auth` has a `recovery` key: the client asks for connection state recovery.
    void setAuth(const QJsonObject &auth);
    // One key of that object, the others kept (a token and the notices a driver asks for).
    void setAuthValue(const QString &key, const QJsonValue &value);

    void connectToHub();
    void disconnectFromHub();

    using AckCallback = std::function<void(const QJsonArray &args)>;
    using AckTimeoutCallback = std::function<void()>;

    // Emits an event. While not connected the emit is buffered and sent in order once
    // (re)connected, like socket.io-client's sendBuffer.
    void emitEvent(const QString &event, const QJsonArray &args = {});
    // With an acknowledgement; `onTimeout` runs instead of `onAck` if no ack comes within
    // `timeoutMs` (-1: wait forever). Callbacks run on this object's thread; they are dropped
    // with the Client.
    void emitWithAck(const QString &event, const QJsonArray &args, AckCallback onAck, int timeoutMs = -1,
                     AckTimeoutCallback onTimeout = {});

    // Rooms this client asks to be in: emits `join` with the room now (or when connected) and
    // again after every reconnection, since a new server-side socket starts in no room.
    void joinRoom(const QString &room);
    [[nodiscard]] QStringList rooms() const;

    // Number of emits waiting for a connection.
    [[nodiscard]] int bufferedCount() const;

    // While an eventReceived() slot or an ack callback runs, the binary attachments of that
    // BINARY_EVENT/BINARY_ACK, indexed by the placeholders' "num"; empty otherwise.
    [[nodiscard]] QList<QByteArray> currentAttachments() const;
    // Why the last attempt failed or the connection ended ("transport close", "ping timeout",
    // "parse error", "timeout", the server's CONNECT_ERROR message...); empty before any.
    [[nodiscard]] QString errorString() const;

Q_SIGNALS:
    void stateChanged(caps::Client::State state);
    void connected();
    void disconnected(const QString &reason);
    // The server refused the namespace (CONNECT_ERROR); `message` is its text.
    void connectError(const QString &message);
    // Every event from the server. `ackId` >= 0 when the server wants an acknowledgement:
    // answer with sendAck(ackId, ...).
    void eventReceived(const QString &event, const QJsonArray &args, qint64 ackId);
    void reconnectScheduled(int attempt, int delayMs);
    void reconnectFailed();

public Q_SLOTS:
    void sendAck(qint64 ackId, const QJsonArray &args);

private:
    std::unique_ptr<ClientPrivate> d;
};

} // namespace caps
