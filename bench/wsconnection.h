#pragma once

// One Socket.IO client socket on one namespace, written lean for load generation: a non-blocking
// TCP socket in an EpollLoop that does the WebSocket handshake and framing itself (so that it can
// bind a loopback source address, which QWebSocket cannot, and so that 10,000 of them stay
// cheap), Engine.IO v4 on the WebSocket transport (answers pings), and just enough Socket.IO v5
// to join the namespace, emit events and hand received events on without building a JSON tree.

#include "epollloop.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QObject>
#include <QString>

class WsConnection : public QObject, public EpollLoop::Client
{
    Q_OBJECT
public:
    // Called straight from the epoll dispatch: no queued signal per message.
    class Handler
    {
    public:
        virtual ~Handler() = default;
        virtual void connectionReady(WsConnection *connection) = 0;
        // The attempt failed, or an established connection ended or broke the protocol.
        virtual void connectionLost(WsConnection *connection, const QString &reason) = 0;
        // `payload` is the JSON text of the first argument (empty if none).
        virtual void eventReceived(WsConnection *connection, QByteArrayView name, QByteArrayView payload) = 0;
    };

    enum class State { Idle, Connecting, Handshaking, Opening, Joining, Ready, Closed };

    WsConnection(Handler *handler, EpollLoop *loop, int index, QObject *parent = nullptr);
    ~WsConnection() override;

    // `nsp` such as "/caps"; `source` may be null (any address).
    void open(const QHostAddress &host, quint16 port, const QByteArray &nsp, const QHostAddress &source);
    // 42<nsp>,["name",payload] ; `payload` must be valid JSON text (or empty for none).
    void emitEvent(QByteArrayView name, QByteArrayView payload);
    // Closes at once with a TCP reset, so that thousands of closes leave no TIME_WAIT behind.
    void abortHard();

    [[nodiscard]] int index() const { return m_index; }
    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] bool isReady() const { return m_state == State::Ready; }

    void readyRead() override;
    void readyWrite() override;
    void hangUp() override;

private:
    void onConnected();
    void write(const char *data, qsizetype size);
    void closeSocket();
    void fail(const QString &reason);
    bool parseHandshakeResponse();
    void parseFrames();
    void handleText(QByteArrayView message);
    void handleSocketIo(QByteArrayView packet);
    void sendFrame(int opcode, QByteArrayView payload);
    void sendText(QByteArrayView payload) { sendFrame(1, payload); }

    Handler *m_handler;
    EpollLoop *m_loop;
    int m_fd = -1;
    bool m_wantWrite = false;
    QByteArray m_out;
    QByteArray m_nsp;
    QByteArray m_key;
    QByteArray m_hostHeader;
    QByteArray m_in;
    qsizetype m_inPos = 0;
    QByteArray m_fragment;
    int m_index;
    State m_state = State::Idle;
};
