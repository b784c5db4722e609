#include "fakeserver.h"

#include <QWebSocket>
#include <QWebSocketServer>

FakeServer::FakeServer(QObject *parent)
    : QObject(parent)
    , m_server(new QWebSocketServer(QStringLiteral("fake"), QWebSocketServer::NonSecureMode, this))
{
    connect(m_server, &QWebSocketServer::newConnection, this, &FakeServer::onNewConnection);
}

FakeServer::~FakeServer()
{
    stop();
}

bool FakeServer::listen(quint16 port)
{
    if (!m_server->listen(QHostAddress::LocalHost, port))
        return false;
    m_port = m_server->serverPort();
    return true;
}

void FakeServer::stop()
{
    m_server->close();
    const QList<QWebSocket *> peers = std::exchange(m_peers, {});
    for (QWebSocket *peer : peers) {
        peer->disconnect(this);
        peer->abort();
        peer->deleteLater();
    }
}

QUrl FakeServer::url(const QString &nsp) const
{
    QUrl u;
    u.setScheme(QStringLiteral("http"));
    u.setHost(QStringLiteral("127.0.0.1"));
    u.setPort(m_port);
    u.setPath(nsp);
    return u;
}

void FakeServer::send(const QString &frame)
{
    if (!m_peers.isEmpty())
        m_peers.last()->sendTextMessage(frame);
}

void FakeServer::sendBinary(const QByteArray &frame)
{
    if (!m_peers.isEmpty())
        m_peers.last()->sendBinaryMessage(frame);
}

void FakeServer::closePeer()
{
    if (!m_peers.isEmpty())
        m_peers.last()->close();
}

void FakeServer::onNewConnection()
{
    while (QWebSocket *peer = m_server->nextPendingConnection()) {
        ++m_connections;
        m_peers.append(peer);
        m_lastRequestUrl = peer->requestUrl();
        connect(peer, &QWebSocket::textMessageReceived, this,
                [this, peer](const QString &frame) { onText(peer, frame); });
        connect(peer, &QWebSocket::disconnected, this, [this, peer] {
            m_peers.removeOne(peer);
            peer->deleteLater();
            Q_EMIT peerDisconnected();
        });
        if (m_behaviour.sendOpen) {
            peer->sendTextMessage(
                QStringLiteral(
                    R"(0{"sid":"eio-%1","upgrades":[],"pingInterval":%2,"pingTimeout":%3,"maxPayload":1000000})")
                    .arg(m_connections)
                    .arg(m_behaviour.pingInterval)
                    .arg(m_behaviour.pingTimeout));
        }
        Q_EMIT peerConnected();
    }
}

void FakeServer::onText(QWebSocket *peer, const QString &frame)
{
    m_received.append(frame);
    if (frame.startsWith(QLatin1String("40")) && m_behaviour.answerConnect) {
        // "40/nsp,{auth}" or "40{auth}" for the main namespace.
        QString nspPrefix;
        if (frame.size() > 2 && frame.at(2) == QLatin1Char('/')) {
            const qsizetype comma = frame.indexOf(QLatin1Char(','));
            nspPrefix = (comma < 0 ? frame.mid(2) : frame.mid(2, comma - 2)) + QLatin1Char(',');
        }
        if (m_behaviour.refuseWith.isEmpty())
            peer->sendTextMessage(QStringLiteral(R"(40%1{"sid":"sid-%2"})").arg(nspPrefix).arg(m_connections));
        else
            peer->sendTextMessage(QStringLiteral("44%1%2").arg(nspPrefix, m_behaviour.refuseWith));
    }
    Q_EMIT textReceived(frame);
}
