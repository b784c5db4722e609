#pragma once

// A scripted Socket.IO server for the client tests: it speaks raw Engine.IO v4 / Socket.IO v5
// frames written by hand (not through caps_protocol), so that a test controls every byte the
// client sees: pings or none, malformed frames, CONNECT_ERROR, acks, closes.

#include <QList>
#include <QObject>
#include <QStringList>
#include <QUrl>

class QWebSocket;
class QWebSocketServer;

class FakeServer : public QObject
{
    Q_OBJECT
public:
    struct Behaviour
    {
        bool sendOpen = true; // send the Engine.IO OPEN on connection
        bool answerConnect = true; // answer a CONNECT at all
        QString refuseWith; // non-empty: answer CONNECT with this raw CONNECT_ERROR data
        int pingInterval = 25000;
        int pingTimeout = 20000;
    };

    explicit FakeServer(QObject *parent = nullptr);
    ~FakeServer() override;

    bool listen(quint16 port = 0);
    // Stops listening and drops every peer, as a crashed server would.
    void stop();
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] QUrl url(const QString &nsp = QStringLiteral("/caps")) const;
    Behaviour &behaviour() { return m_behaviour; }

    [[nodiscard]] int connections() const { return m_connections; }
    [[nodiscard]] bool hasPeer() const { return !m_peers.isEmpty(); }
    // Every text frame from every peer, in arrival order, across restarts.
    [[nodiscard]] QStringList received() const { return m_received; }
    [[nodiscard]] int receivedCount(const QString &frame) const { return int(m_received.count(frame)); }
    [[nodiscard]] QUrl lastRequestUrl() const { return m_lastRequestUrl; }

    // To the newest peer.
    void send(const QString &frame);
    void sendBinary(const QByteArray &frame);
    void closePeer();

Q_SIGNALS:
    void peerConnected();
    void textReceived(const QString &frame);
    void peerDisconnected();

private:
    void onNewConnection();
    void onText(QWebSocket *peer, const QString &frame);

    QWebSocketServer *m_server;
    QList<QWebSocket *> m_peers;
    Behaviour m_behaviour;
    quint16 m_port = 0;
    int m_connections = 0;
    QStringList m_received;
    QUrl m_lastRequestUrl;
};
