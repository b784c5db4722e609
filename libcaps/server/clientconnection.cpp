#include "server/clientconnection.h"

#include "core/logging.h"
#include "security/securitylogging.h"
#include "server/enginesession.h"
#include "server/namespace.h"
#include "server/outgoingmessage.h"
#include "server/server.h"
#include "server/serversocket.h"

namespace caps {

ClientConnection::ClientConnection(EngineSession *session, Server *server)
    : QObject(server)
    , m_session(session)
    , m_server(server)
    , m_decoder(server->options().parserLimits)
    , m_rateLimiter(server->options().eventsPerSecond, server->options().eventBurst)
{
    m_clock.start();
    session->setReceiver(this);
    // Socket.IO v4 (socket.io 2.x): the main namespace is joined as soon as the session opens.
    if (isV4())
        onConnect(sio::Packet::connect(QStringLiteral("/")));
}

bool ClientConnection::isV4() const
{
    return m_session && m_session->protocol() == eio::v3::kProtocolVersion;
}

void ClientConnection::onConnectTimeout()
{
    if (m_connectTimeoutActive && m_sockets.isEmpty()) {
        qCDebug(lcServer) << "no namespace joined in time, closing";
        close();
    }
}

ClientConnection::~ClientConnection()
{
    if (m_session)
        m_session->setReceiver(nullptr);
}

EngineSession *ClientConnection::session() const
{
    return m_session;
}

void ClientConnection::send(const sio::Packet &packet)
{
    send(OutgoingMessage::fromPacket(packet));
}

void ClientConnection::send(const OutgoingMessage &message)
{
    if (m_session)
        m_session->send(message);
}

void ClientConnection::close()
{
    if (m_session)
        m_session->close();
}

void ClientConnection::onMessage(const QByteArray &data, bool binary)
{
    auto result = binary ? m_decoder.feedBinary(data) : m_decoder.feedText(data);
    if (!result) {
        // socket.io closes the whole connection on a packet it cannot decode.
        qCDebug(lcServer) << "parse error:" << result.error();
        const auto sockets = this->sockets();
        for (ServerSocket *s : sockets)
            s->handleClose(QStringLiteral("parse error"));
        close();
        return;
    }
    if (result->has_value())
        onPacket(**result);
}

void ClientConnection::onPacket(const sio::Packet &packet)
{
    if (packet.type == sio::PacketType::Connect) {
        onConnect(packet);
        return;
    }
    ServerSocket *socket = this->socket(packet.nsp);
    if (!socket) {
        qCDebug(lcServer) << "packet for a namespace not joined:" << packet.nsp;
        return;
    }
    if ((packet.type == sio::PacketType::Event || packet.type == sio::PacketType::BinaryEvent)
        && !m_rateLimiter.tryAcquire(m_clock.elapsed())) {
        if (m_rateLimiter.rejectedInARow() >= m_server->options().eventBurst) {
            qCInfo(lcSecurity) << "disconnecting a client that keeps sending over the event rate limit";
            close();
            return;
        }
        if (packet.id >= 0)
            send(sio::Packet::ack(packet.nsp, packet.id,
                                  {QJsonObject{{QStringLiteral("ok"), false},
                                               {QStringLiteral("error"), QStringLiteral("Rate limit exceeded")}}}));
        return;
    }
    socket->handlePacket(packet);
}

void ClientConnection::onConnect(const sio::Packet &packet)
{
    const bool v4 = isV4();
    // A v4 client's handshake query stands where a v5 client's auth object does.
    const sio::v4::ConnectTarget target
        = v4 ? sio::v4::splitConnectName(packet.nsp) : sio::v4::ConnectTarget{packet.nsp, packet.data.toObject()};
    const auto refuse = [this, v4, &target](const QString &message) {
        send(v4 ? sio::v4::connectError(target.nsp, message) : sio::Packet::connectError(target.nsp, message));
    };
    Namespace *nsp = m_server->findNamespace(target.nsp);
    if (!nsp) {
        refuse(QStringLiteral("Invalid namespace"));
        return;
    }
    if (socket(target.nsp)) {
        qCDebug(lcServer) << "second CONNECT to" << target.nsp << "ignored";
        return;
    }
    // Socket.IO v4 has no connection state recovery, and its client names its socket itself:
    // the session id, prefixed with "<nsp>#" outside the main namespace (socket.io-client 2's
    // generateId(), which socket.io 4 follows for these clients).
    QString v4Id;
    if (v4)
        v4Id = target.nsp == QLatin1String("/") ? m_session->id() : target.nsp + QLatin1Char('#') + m_session->id();
    const Namespace::Admission admission = nsp->admit(target.query, v4Id);
    if (!admission.refusal.isEmpty()) {
        refuse(admission.refusal);
        return;
    }
    // v4's answer carries no data; v5's the id, and the pid for a socket that takes part in
    // recovery.
    QJsonObject reply{{QStringLiteral("sid"), admission.socket.id}};
    if (!admission.socket.pid.isEmpty())
        reply.insert(QStringLiteral("pid"), admission.socket.pid);
    open(nsp, admission, v4 ? sio::Packet::connect(target.nsp) : sio::Packet::connect(target.nsp, reply));
}

void ClientConnection::open(Namespace *nsp, const Namespace::Admission &admission, const sio::Packet &reply)
{
    auto *socket = new ServerSocket(admission.socket, nsp, this);
    m_sockets.append({nsp->name(), socket}); // until forgetSocket(), from its handleClose()
    send(reply);
    // After the CONNECT: a client drops events that come before it (socket.io-client would
    // buffer them, but not every client does), so accept() sends the missed ones only now.
    nsp->accept(socket, admission);
}

void ClientConnection::forgetSocket(const ServerSocket *socket)
{
    m_sockets.removeIf([socket](const auto &entry) { return entry.second == socket; });
}

ServerSocket *ClientConnection::socket(const QString &nsp) const
{
    for (const auto &[name, socket] : m_sockets) {
        if (name == nsp)
            return socket;
    }
    return nullptr;
}

QList<ServerSocket *> ClientConnection::sockets() const
{
    QList<ServerSocket *> out;
    out.reserve(m_sockets.size());
    for (const auto &entry : m_sockets)
        out.append(entry.second);
    return out;
}

void ClientConnection::onEngineClosed(const QString &reason)
{
    m_connectTimeoutActive = false;
    const auto sockets = this->sockets();
    for (ServerSocket *s : sockets)
        s->handleClose(reason);
    m_sockets.clear();
    m_session = nullptr;
    deleteLater();
}

} // namespace caps
