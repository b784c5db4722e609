#pragma once

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
class SecureTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit SecureTcpServer(QObject *parent = nullptr);

    // A null configuration (the default) switches TLS off for later connections.
    void setSslConfiguration(const QSslConfiguration &configuration);
    [[nodiscard]] bool isSecure() const { return !m_configuration.isNull(); }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    QSslConfiguration m_configuration;
};

} // namespace caps
