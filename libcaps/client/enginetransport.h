#pragma once

// The client side of Engine.IO v4 under caps::Client, as EngineSession is the server side under
// ClientConnection: one session at a time, from the server's OPEN to the close, with the
// heartbeat (answering the server's pings, giving up when they stop). It knows nothing of
// Socket.IO: message packets go up through messageReceived(). How packets travel is a
// subclass's part: WebSocketTransport; HTTP long-polling would be one more subclass.

#include "protocol/engineio.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>

class QTimer;

namespace caps {

class EngineTransport : public QObject
{
    Q_OBJECT
public:
    // engine.io-client's reasons, so that logs read the same on both sides.
    static constexpr QLatin1String kTransportClose{"transport close"};
    static constexpr QLatin1String kTransportError{"transport error"};
    static constexpr QLatin1String kPingTimeout{"ping timeout"};
    static constexpr QLatin1String kParseError{"parse error"};

    ~EngineTransport() override;

    // Starts a session with the server of `url` (http(s):// or ws(s)://host:port; its query
    // items travel with the handshake, as in socket.io-client). A current session is dropped
    // first, without closed().
    void open(const QUrl &url);
    // Ends the session without closed(); `graceful` lets what was just sent go out first.
    void close(bool graceful);
    // One message packet; dropped while no session is open.
    void sendMessage(const QByteArray &data, bool binary = false);

    [[nodiscard]] bool isOpen() const { return m_open; }
    // The server's OPEN, while isOpen().
    [[nodiscard]] const eio::Handshake &handshake() const { return m_handshake; }
    // Its name in the handshake's query: "websocket", "polling".
    [[nodiscard]] virtual QString name() const = 0;
    // Where the handshake for `url` goes: http(s)://host:port/socket.io/?EIO=4&transport=name().
    [[nodiscard]] virtual QUrl endpoint(const QUrl &url) const;

Q_SIGNALS:
    // The server's OPEN has come (handshake()).
    void opened();
    void messageReceived(const QByteArray &data, bool binary);
    // Once for a session that ends otherwise than by close() or open(), with one of the reasons
    // below.
    void closed(const QString &reason);

protected:
    explicit EngineTransport(QObject *parent = nullptr);

    // The subclass's part: reach the server, carry packets, let go. After closeConnection() it
    // reports nothing more of that connection. A subclass's destructor calls close(false).
    virtual void startConnection(const QUrl &endpoint) = 0;
    virtual void writePacket(const eio::Packet &packet) = 0;
    virtual void closeConnection(bool graceful) = 0;

    // From the subclass: every packet the server sent, in order; a connection that broke.
    void packetReceived(const eio::Packet &packet);
    void connectionLost(const QString &reason);

private:
    void onOpenPacket(const QByteArray &data);
    void restartHeartbeat();

    QTimer *m_pingTimer;
    QUrl m_endpoint;
    eio::Handshake m_handshake;
    bool m_active = false; // between open() and the end of that session
    bool m_open = false; // the server's OPEN has come
};

} // namespace caps
