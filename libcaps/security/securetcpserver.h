#pragma once

#include "security/connectionlimiter.h"

#include <QSslConfiguration>
#include <QTcpServer>

namespace caps {

// A QTcpServer that, once given a TLS configuration, hands out QSslSocket connections in
// server mode with the handshake already started. Unlike QSslServer (Qt 6.4) a socket is
// pending at once, before its handshake ends: the server's own accounting (connections per
// IP, handshake timeout) covers a peer that opens TLS connections and never finishes them,
// and half-done handshakes never fill the pending queue. Reading and writing go through the
// QTcpSocket interface as usual (cleartext in, cleartext out); QWebSocketServer::handleConnection()
// takes such a socket in NonSecureMode.
//
// Without a configuration it is a plain QTcpServer.
//
// It also counts the open connections of each peer address (ConnectionLimiter) and refuses
// one over the limit before anyone sees it. A connection's slot is given back when its
// socket is deleted, by the socket itself: a signal connection per socket for that would cost
// each idle connection some 300 bytes. (Every holder deletes a socket soon after it
// disconnects: QWebSocket, HttpConnection, the handshake's own guard.)
class SecureTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit SecureTcpServer(QObject *parent = nullptr);

    // A null configuration (the default) switches TLS off for later connections.
    void setSslConfiguration(const QSslConfiguration &configuration);
    [[nodiscard]] bool isSecure() const { return !m_configuration.isNull(); }
    // At most `max` open connections from one address (<= 0: no limit); for later connections.
    void setMaxConnectionsPerAddress(int max) { m_limiter = ConnectionLimiter(max); }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    template <class Base> friend class CountedSocket;

    QSslConfiguration m_configuration;
    ConnectionLimiter m_limiter{0};
};

} // namespace caps
