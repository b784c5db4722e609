#include "security/securetcpserver.h"

#include "security/securitylogging.h"

#include <QSslSocket>

namespace caps {

SecureTcpServer::SecureTcpServer(QObject *parent)
    : QTcpServer(parent)
{ }

void SecureTcpServer::setSslConfiguration(const QSslConfiguration &configuration)
{
    m_configuration = configuration;
}

void SecureTcpServer::incomingConnection(qintptr descriptor)
{
    if (!isSecure()) {
        QTcpServer::incomingConnection(descriptor);
        return;
    }
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcSecurity) << "cannot take incoming connection:" << socket->errorString();
        delete socket;
        return;
    }
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
