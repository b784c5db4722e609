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

#include <QWebSocket>

namespace caps {

class EngineServer;
struct OutgoingMessage;

// One Engine.IO v4 session: its transport (long-polling, or a WebSocket reached directly or by
// upgrade), the server-driven heartbeat, and the write buffer that long-polling drains. It knows
// nothing of Socket.IO: message packets go up through messageReceived().
class EngineSession : public QObject
{
    Q_OBJECT
public:
    enum class Transport { Polling, WebSocket };
    Q_ENUM(Transport)

    // The server owns the session and the heartbeat deadlines that all its sessions share.
    EngineSession(const QString &sid, EngineServer *server);
    ~EngineSession() override;

    [[nodiscard]] QString id() const { return m_sid; }
    [[nodiscard]] Transport transport() const { return m_transport; }
    [[nodiscard]] bool isOpen() const { return m_state == State::Open; }
    [[nodiscard]] bool isUpgrading() const { return m_probe != nullptr; }
    // A polling session that no WebSocket is probing yet.
    [[nodiscard]] bool canUpgrade() const;

    // Called by EngineServer with requests and sockets that carry this session's sid.
    void openPolling(HttpConnection *handshakeRequest);
    void openWebSocket(QWebSocket *socket);
    void handlePoll(HttpConnection *request);
    void handleData(HttpConnection *request);
    void probe(QWebSocket *socket);

    void send(const OutgoingMessage &message);
    // Server-side close: what is buffered is still delivered, then the transport closes.
    void close();

signals:
    void messageReceived(const QByteArray &data, bool binary);
    // Once, with engine.io's reason: "transport close", "ping timeout", "parse error",
    // "transport error", "forced close".
    void closed(const QString &reason);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    friend class EngineServer;
    enum class State { Open, Closing, Closed };

    [[nodiscard]] QByteArray openPacket(const QStringList &upgrades) const;
    void sendText(const QByteArray &packet);
    void scheduleFlush();
    void flush();
    void respondToPoll(const QByteArray &payload);
    void onPacket(const eio::Packet &packet);
    void onWebSocketText(const QString &text);
    void onWebSocketBinary(const QByteArray &data);
    void onProbeText(const QString &text);
    void attachWebSocket(QWebSocket *socket);
    void finishUpgrade();
    void abortProbe();
    void schedulePing();
    void stopHeartbeat() { ++m_heartbeatToken; }
    // From EngineServer's deadline queues; a token that is not the current one was cancelled.
    void onPingIntervalElapsed(quint64 token);
    void onPingTimeoutElapsed(quint64 token);
    void releaseWebSocket(QWebSocket *socket);
    [[nodiscard]] qint64 pendingBytes() const;
    void checkStalled();
    void noteProgress(qint64 bytes);
    void onClose(const QString &reason);

    const QString m_sid;
    EngineServer *const m_server;
    const ServerOptions &m_options;
    Transport m_transport = Transport::Polling;
    State m_state = State::Open;
    QList<QByteArray> m_buffer;     // packets in text form, waiting for a long-polling GET
    qint64 m_bufferedBytes = 0;     // their size
    QElapsedTimer m_stallWindow;    // see checkStalled()
    qint64 m_takenInWindow = 0;     // bytes the peer took in that window
    QPointer<HttpConnection> m_poll;
    QPointer<QWebSocket> m_socket;
    QPointer<QWebSocket> m_probe;
    bool m_probed = false;          // "2probe" answered, waiting for "5"
    bool m_flushScheduled = false;
    bool m_abortTransport = false;  // drop the connection without flushing what is queued
    quint64 m_heartbeatToken = 0;   // the ping interval or ping timeout now running
    // Rarely running, single-shot (stopped in timerEvent). QBasicTimer rather than QTimer: an
    // idle session then carries no timer objects or connections at all.
    QBasicTimer m_upgradeTimer;
    QBasicTimer m_closeTimer;
    QBasicTimer m_stallTimer;
};

} // namespace caps
