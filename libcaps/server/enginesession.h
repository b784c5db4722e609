#pragma once

#include "protocol/engineio.h"
#include "server/httpconnection.h"
#include "server/serveroptions.h"

#include <QBasicTimer>
#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>

#include <QTcpSocket>
#include <QVarLengthArray>
#include <QWebSocket>

#include <memory>

namespace caps {

class EngineServer;
struct OutgoingMessage;

// One Engine.IO session: its transport (long-polling, or a WebSocket reached directly or by
// upgrade), the heartbeat, and the write buffer that long-polling drains. It knows nothing of
// Socket.IO: message packets go up through messageReceived(). A v4 session's server sends the
// pings; a v3 session's client does (engine.io 3), and its framing is v3's (eio::v3).
class EngineSession : public QObject
{
    Q_OBJECT
public:
    enum class Transport : quint8 { Polling, WebSocket };
    Q_ENUM(Transport)

    // The server owns the session and the heartbeat deadlines that all its sessions share.
    // `protocol` is the Engine.IO version, 3 or 4; `base64` (v3 only) that the client asked for
    // text polling payloads (b64=1).
    EngineSession(const QString &sid, int protocol, bool base64, EngineServer *server);
    ~EngineSession() override;

    // The request that opened the session, as socket.io's socket.handshake describes it.
    struct Handshake
    {
        QString address; // the peer's
        QString url; // path and query
        // "name: value" lines, names lower-cased: one allocation for all of them, since every
        // idle connection keeps this (two per header cost about 1 KiB per connection).
        QByteArray headers;
        [[nodiscard]] static QByteArray joinHeaders(const QList<QPair<QByteArray, QByteArray>> &pairs);
        [[nodiscard]] QList<QPair<QByteArray, QByteArray>> headerList() const;
        qint64 time = 0; // ms since the epoch; EngineSession sets it
        bool secure = false; // EngineSession sets it
    };

    // Who takes the session's messages and its close by a direct call: the Socket.IO layer's
    // ClientConnection, one per session. A signal connection each way cost every idle
    // connection some 300 bytes; the signals below are still emitted for anyone else (the Admin
    // UI, tests, the echo example). Set it to null before the receiver goes.
    class Receiver
    {
    public:
        virtual void engineMessage(const QByteArray &data, bool binary) = 0;
        virtual void engineClosed(const QString &reason) = 0;

    protected:
        ~Receiver() = default;
    };
    void setReceiver(Receiver *receiver) { m_receiver = receiver; }

    [[nodiscard]] QString id() const { return m_sid; }
    // The end of this pass of the event loop: the frames queued in it go (EngineServer calls it).
    void flushFramesNow();
    [[nodiscard]] Transport transport() const { return m_transport; }
    // The request that opened the session. One that opened by WebSocket is read from its
    // QWebSocket, which keeps the request anyway, when asked (only the Admin UI asks); a copy
    // cost every idle connection about 400 bytes. One that opened by long-polling keeps its
    // own (setHandshake()): the WebSocket it may upgrade to had another request.
    [[nodiscard]] Handshake handshake() const;
    void setHandshake(Handshake handshake) { m_handshake = std::make_unique<Handshake>(std::move(handshake)); }
    [[nodiscard]] int protocol() const { return m_protocol; }
    // A polling session that no WebSocket is probing yet.
    [[nodiscard]] bool canUpgrade() const;

    // Called by EngineServer with requests and sockets that carry this session's sid.
    void openPolling(HttpConnection *handshakeRequest);
    // `raw` is the TCP socket under `socket` (EngineServer handed it to QWebSocketServer), for
    // writing prebuilt frames (OutgoingMessage::webSocketFrame); null: everything goes through
    // QWebSocket.
    void openWebSocket(QWebSocket *socket, QTcpSocket *raw);
    void handlePoll(HttpConnection *request);
    void handleData(HttpConnection *request);
    void probe(QWebSocket *socket, QTcpSocket *raw);

    void send(const OutgoingMessage &message);
    // Server-side close: what is buffered is still delivered, then the transport closes.
    void close();

    // The heartbeat, as EngineServer's shared deadline queues run it (scheduleHeartbeat()): a
    // token that is not the current one was cancelled.
    void onPingIntervalElapsed(quint64 token);
    void onPingTimeoutElapsed(quint64 token);
    // Closes the session ("ping timeout") if its ping timeout has passed, whether or not its
    // deadline has been handled yet; true if it did (or was closed already).
    bool expireIfOverdue();

signals:
    void messageReceived(const QByteArray &data, bool binary);
    // Once, with engine.io's reason: "transport close", "ping timeout", "parse error",
    // "transport error", "forced close".
    void closed(const QString &reason);
    // The WebSocket took over from long-polling.
    void upgraded();

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    std::unique_ptr<Handshake> m_handshake; // long-polling only
    const qint64 m_issued; // ms since the epoch
    enum class State : quint8 { Open, Closing, Closed };

    [[nodiscard]] QByteArray openPacket(const QStringList &upgrades) const;
    [[nodiscard]] bool isV3() const { return m_protocol == eio::v3::kProtocolVersion; }
    void sendBinaryFrame(QWebSocket *socket, const QByteArray &data);
    void sendDelayedOpen();
    // Sends what the polling buffer holds over the WebSocket, and empties it.
    void drainBufferTo(QWebSocket *socket);
    void sendText(const QByteArray &packet);
    // A prebuilt WebSocket frame for the socket under m_socket: kept until the end of this pass of
    // the event loop, then written with the others (flushFramesNow()).
    void queueFrame(const QByteArray &frame);
    // Writes the queued frames now (before anything else goes to the socket).
    void writeFrames();
    void scheduleFlush();
    void flush();
    // Answers the waiting GET with these packets (in text form), framed as the protocol wants.
    void respondToPoll(const QList<QByteArray> &packets);
    void onPacket(const eio::Packet &packet);
    void onWebSocketText(const QString &text);
    void onWebSocketBinary(const QByteArray &data);
    void onProbeText(const QString &text);
    void attachWebSocket(QWebSocket *socket, QTcpSocket *raw);
    void finishUpgrade();
    void abortProbe();
    void schedulePing();
    void expectClientPing();
    void stopHeartbeat()
    {
        ++m_heartbeatToken;
        m_heartbeatDeadline = -1;
    }
    void releaseWebSocket(QWebSocket *socket);
    [[nodiscard]] qint64 pendingBytes() const;
    void checkStalled();
    void noteProgress(qint64 bytes);
    void watchProgress(bool on);
    void onClose(const QString &reason);

    const QString m_sid;
    EngineServer *const m_server;
    Receiver *m_receiver = nullptr;
    const ServerOptions &m_options;
    const int m_protocol;
    const bool m_base64;
    // The small members together, where they leave no padding holes (32 bytes of every session).
    Transport m_transport = Transport::Polling;
    State m_state = State::Open;
    bool m_behind = false; // the backlog was over maxBufferedBytes at the last check
    bool m_probed = false; // "2probe" answered, waiting for "5"
    bool m_flushScheduled = false;
    bool m_framesPosted = false; // on the server's list for this pass (EngineServer::scheduleFrameFlush())
    bool m_rawIsPlain = false; // m_raw is a plain TCP socket (not TLS): frames may bypass it
    bool m_abortTransport = false; // drop the connection without flushing what is queued
    bool m_closedByPeer = false; // the client sent a close packet
    bool m_openDelayed = false; // v3 WebSocket: OPEN not sent yet, packets go to m_buffer (openWebSocket())
    qint64 m_heartbeatDeadline = -1; // on EngineServer::elapsed(), while a pong or a v3 ping is awaited
    static constexpr int kV3OpenDelay = 5; // ms
    static constexpr int kPeerCloseGraceMs = 50;
    QList<QByteArray> m_buffer; // packets in text form, waiting for a long-polling GET
    qint64 m_bufferedBytes = 0; // their size
    QElapsedTimer m_stallWindow; // see checkStalled()
    qint64 m_takenInWindow = 0; // bytes the peer took in that window
    QMetaObject::Connection m_progressWatch; // m_socket's bytesWritten, while m_behind
    QPointer<HttpConnection> m_poll;
    QPointer<QWebSocket> m_socket;
    QPointer<QWebSocket> m_probe;
    QPointer<QTcpSocket> m_raw; // under m_socket: see openWebSocket()
    QPointer<QTcpSocket> m_probeRaw; // under m_probe
    // The frames queueFrame() holds (shared with every other recipient: no copies) and their size.
    // Written in one system call per pass straight to the socket when Qt's write buffer is empty,
    // rather than copied into that buffer with its write notifier switched on and off: in a
    // broadcast to a thousand sockets that bookkeeping cost as much as the sends, and every
    // socket that was once behind kept the pages of its 32 KiB buffer chunk it had touched.
    QVarLengthArray<QByteArray, 1> m_frames; // most passes send a socket one message
    qint64 m_framesBytes = 0;
    quint64 m_heartbeatToken = 0; // the ping interval or ping timeout now running
    // Rarely running, single-shot (stopped in timerEvent). QBasicTimer rather than QTimer: an
    // idle session then carries no timer objects or connections at all.
    QBasicTimer m_upgradeTimer;
    QBasicTimer m_closeTimer;
    QBasicTimer m_stallTimer;
    QBasicTimer m_openTimer;
    QBasicTimer m_peerCloseTimer; // a polling client sent its close packet with no GET waiting
};

} // namespace caps
