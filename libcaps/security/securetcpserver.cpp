#include "security/securetcpserver.h"

#include "security/securitylogging.h"

#include <QPointer>
#include <QSslSocket>

namespace caps {

// A socket that gives its address's slot back to the server's limiter when it is deleted.
// The server may be gone by then (sockets outlive it as children of QWebSockets): the QPointer
// says so, and shares the server's one weak-reference block rather than allocating.
template <class Base> class CountedSocket final : public Base
{
public:
    CountedSocket(SecureTcpServer *server)
        : Base(server)
        , m_server(server)
    { }
    ~CountedSocket() override
    {
        if (m_server && !m_peer.isNull())
            m_server->m_limiter.release(m_peer);
    }
    // Counts the peer in; false (the socket then stays uncounted) if it has its limit already.
    bool acquire()
    {
        const QHostAddress peer = Base::peerAddress();
        if (!m_server->m_limiter.tryAcquire(peer)) {
            qCInfo(lcSecurity).noquote() << "refused a connection from" << peer.toString() << "- it has"
                                         << m_server->m_limiter.count(peer) << "open";
            return false;
        }
        m_peer = peer;
        return true;
    }

private:
    QPointer<SecureTcpServer> m_server;
    QHostAddress m_peer;
};

SecureTcpServer::SecureTcpServer(QObject *parent)
    : QTcpServer(parent)
{ }

void SecureTcpServer::setSslConfiguration(const QSslConfiguration &configuration)
{
    m_configuration = configuration;
}

namespace {

// A socket on `descriptor`, counted in; nullptr (the connection closed) if that fails.
template <class Socket> CountedSocket<Socket> *take(SecureTcpServer *server, qintptr descriptor)
{
    auto *socket = new CountedSocket<Socket>(server);
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcSecurity) << "cannot take incoming connection:" << socket->errorString();
        delete socket;
        return nullptr;
    }
    if (!socket->acquire()) {
        socket->abort();
        delete socket;
        return nullptr;
    }
    return socket;
}

} // namespace

void SecureTcpServer::incomingConnection(qintptr descriptor)
{
    if (!isSecure()) {
        if (QTcpSocket *socket = take<QTcpSocket>(this, descriptor))
            addPendingConnection(socket);
        return;
    }
    QSslSocket *socket = take<QSslSocket>(this, descriptor);
    if (!socket)
        return;
    socket->setSslConfiguration(m_configuration);
    connect(socket, &QSslSocket::errorOccurred, socket, [socket](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::SslHandshakeFailedError)
            qCInfo(lcSecurity).noquote() << "TLS handshake with" << socket->peerAddress().toString()
                                         << "failed:" << socket->errorString();
    });
    socket->startServerEncryption();
    // QTcpServer emits newConnection() once this returns.
    addPendingConnection(socket);
}

} // namespace caps
