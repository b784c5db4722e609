#pragma once

#include "server/deadlinequeue.h"
#include "server/enginesession.h"
#include "security/securetcpserver.h"
#include "server/serveroptions.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QWebSocketServer>

#include <functional>

class QTcpSocket;
class QTimer;

namespace caps {

class HttpConnection;

// The Engine.IO v4 server (and v3, with ServerOptions::allowEio3): one TCP port for both
// transports, as Node's engine.io attached to an http.Server. QTcpServer accepts; each connection is read as HTTP by HttpConnection; a
// WebSocket upgrade is checked here and then handed, unread, to a non-listening
// QWebSocketServer for the handshake.
class EngineServer : public QObject
{
    Q_OBJECT
public:
    explicit EngineServer(const ServerOptions &options, QObject *parent = nullptr);
    ~EngineServer() override;

    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    void close();
    [[nodiscard]] quint16 serverPort() const { return m_tcpServer.serverPort(); }
    [[nodiscard]] QString errorString() const { return m_tcpServer.errorString(); }
    [[nodiscard]] const ServerOptions &options() const { return m_options; }
    [[nodiscard]] qsizetype sessionCount() const { return m_sessions.size(); }
    [[nodiscard]] EngineSession *session(const QString &sid) const { return m_sessions.value(sid); }

    // The heartbeat deadlines every session shares (see DeadlineQueue). When one comes due the
    // session hears of it with the same token; a session cancels by moving to a new token.
    enum class Heartbeat {
        PingInterval, // v4: the server's next ping
        PingTimeout, // v4: the pong to the ping just sent
        ClientPingTimeout, // v3: the client's next ping (pingInterval + pingTimeout)
    };
    void scheduleHeartbeat(EngineSession *session, Heartbeat kind, quint64 token);
    // Answers an HTTP request outside the Engine.IO path (a GET for a page, say); returns false
    // when it is not one of its own, which then gets 404. Node's equivalent is the http.Server
    // request listener the engine is attached beside.
    using HttpHandler = std::function<bool(HttpConnection *connection)>;
    void setHttpHandler(HttpHandler handler) { m_httpHandler = std::move(handler); }

    // Sessions with WebSocket frames waiting for the end of this pass of the event loop
    // (EngineSession::queueFrame()): one posted call writes them all, rather than one per session.
    void scheduleFrameFlush(EngineSession *session);
    void forgetFrameFlush(EngineSession *session);
    // A session closed: its sid is free (EngineSession calls this, instead of a connection
    // from every session's closed()), and sessionClosed() tells whoever counts.
    void forgetSession(EngineSession *session, const QString &reason);

    // Milliseconds on the clock those deadlines run on.
    [[nodiscard]] qint64 elapsed() const { return m_clock.elapsed(); }

signals:
    // A new session is open; its first packet (OPEN) is on its way.
    void connection(caps::EngineSession *session);
    // A session closed, for `reason` (as in EngineSession::closed()). One connection here
    // serves a listener that would otherwise need one on every session (each costs some
    // 300 bytes for as long as the session lives).
    void sessionClosed(const QString &reason);

private:
    void onNewTcpConnection();
    void onRequest(HttpConnection *connection);
    void onUpgradeRequest(HttpConnection *connection);
    void onWebSocketReady();
    void onHandshakeTimeout(QTcpSocket *socket);
    void handshake(HttpConnection *connection);
    // engine.io's verify(): -1 when acceptable, else the error code for the 400 answer.
    [[nodiscard]] int verify(HttpConnection *connection, bool upgrade) const;
    EngineSession *createSession(int protocol, bool base64);
    void flushFrames();
    [[nodiscard]] QString generateId() const;

    ServerOptions m_options;
    HttpHandler m_httpHandler;
    SecureTcpServer m_tcpServer;
    QWebSocketServer m_webSocketServer;
    QHash<QString, EngineSession *> m_sessions;
    QList<EngineSession *> m_frameFlushes; // see scheduleFrameFlush()
    QList<EngineSession *> m_flushing; // the ones being written now (keeps a small capacity)
    static constexpr qsizetype kKeptFlushCapacity = 256;
    bool m_frameFlushPosted = false;
    // One queue per kind of deadline, shared by every session (see DeadlineQueue).
    DeadlineQueue m_pingIntervals;
    DeadlineQueue m_pingTimeouts;
    DeadlineQueue m_clientPingTimeouts;
    QElapsedTimer m_clock;
    DeadlineQueue m_handshakeDeadlines;
    // Sockets handed to QWebSocketServer and not yet through the handshake, by peer address,
    // with the connection that deletes one its peer leaves meanwhile (cut once it is through:
    // left in place it would cost each WebSocket some 250 bytes for as long as it lives).
    struct PendingHandshake
    {
        QPointer<QTcpSocket> socket;
        QMetaObject::Connection onDisconnect;
    };
    QHash<QString, PendingHandshake> m_handshakes;
};

} // namespace caps
