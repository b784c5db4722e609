#include "server/clientconnection.h"

#include "core/logging.h"
#include "security/securitylogging.h"
#include "server/enginesession.h"
#include "server/namespace.h"
#include "server/outgoingmessage.h"
#include "server/server.h"
#include "server/serversocket.h"

#include <QRandomGenerator>

namespace caps {

namespace {

QString socketId()
{
    QByteArray bytes(15, Qt::Uninitialized);
    for (char &c : bytes)
        c = char(QRandomGenerator::system()->bounded(256));
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

ClientConnection::ClientConnection(EngineSession *session, Server *server)
    : QObject(server), m_session(session), m_server(server), m_decoder(server->options().parserLimits),
      m_rateLimiter(server->options().eventsPerSecond, server->options().eventBurst)
{
    m_clock.start();
    connect(session, &EngineSession::messageReceived, this, &ClientConnection::onMessage);
    connect(session, &EngineSession::closed, this, &ClientConnection::onEngineClosed);
    server->m_connectDeadlines.add(this, 0);
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

ClientConnection::~ClientConnection() = default;

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
        const auto sockets = m_sockets.values();
        for (ServerSocket *s : sockets)
            s->onClose(QStringLiteral("parse error"));
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
    ServerSocket *socket = m_sockets.value(packet.nsp);
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
                                  {QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), QStringLiteral("Rate limit exceeded")}}}));
        return;
    }
    socket->onPacket(packet);
}

void ClientConnection::onConnect(const sio::Packet &packet)
{
    const bool v4 = isV4();
    // A v4 client's handshake query stands where a v5 client's auth object does.
    const sio::v4::ConnectTarget target = v4 ? sio::v4::splitConnectName(packet.nsp)
                                             : sio::v4::ConnectTarget{packet.nsp, packet.data.toObject()};
    const auto refuse = [this, v4, &target](const QString &message) {
        send(v4 ? sio::v4::connectError(target.nsp, message) : sio::Packet::connectError(target.nsp, message));
    };
    Namespace *nsp = m_server->findNamespace(target.nsp);
    if (!nsp) {
        refuse(QStringLiteral("Invalid namespace"));
        return;
    }
    if (m_sockets.contains(target.nsp)) {
        qCDebug(lcServer) << "second CONNECT to" << target.nsp << "ignored";
        return;
    }
    const QJsonObject &auth = target.query;
    const QString refusal = nsp->checkConnect(auth);
    if (!refusal.isEmpty()) {
        refuse(refusal);
        return;
    }
    if (v4) {
        connectV4(nsp, auth);
        return;
    }
    // A pid and offsets only for a client that says it takes them (RecoveryLog::isRequestedBy).
    RecoveryLog *recovery = nsp->recovery() && RecoveryLog::isRequestedBy(auth) ? nsp->recovery() : nullptr;
    std::optional<RecoveryLog::Restored> restored;
    if (recovery && auth.contains(QLatin1String("pid"))) {
        restored = recovery->restore(auth);
        // The old socket may not be gone yet (this client noticed the drop before we did).
        if (restored && nsp->socket(restored->session.sid))
            restored.reset();
    }
    auto *socket = new ServerSocket(restored ? restored->session.sid : socketId(), nsp, this, auth);
    m_sockets.insert(target.nsp, socket);
    nsp->add(socket);
    QJsonObject reply{{QStringLiteral("sid"), socket->id()}};
    if (recovery) {
        socket->m_pid = restored ? restored->session.pid : socketId();
        reply.insert(QStringLiteral("pid"), socket->m_pid);
    }
    if (restored) {
        socket->m_recovered = true;
        socket->m_resumeFrom = restored->resumeFrom;
        socket->m_lastSentOffset = restored->lastSent;
        for (auto it = restored->session.rooms.cbegin(); it != restored->session.rooms.cend(); ++it)
            socket->join(it.key(), it.value());
        socket->join(socket->id()); // a no-op unless the session somehow lacked it
        qCDebug(lcServer) << socket->id() << "recovered with" << restored->missed.size() << "missed events";
    } else {
        if (recovery)
            socket->m_resumeFrom = recovery->nextOffset();
        socket->join(socket->id());
    }
    send(sio::Packet::connect(target.nsp, reply));
    // After the CONNECT: a client drops events that come before it (socket.io-client would
    // buffer them, but not every client does).
    if (restored) {
        for (const OutgoingMessage &missed : std::as_const(restored->missed))
            send(missed);
    }
    emit nsp->connection(socket);
}

// Socket.IO v4 has no connection state recovery, and its client names its socket itself: the
// session id, prefixed with "<nsp>#" outside the main namespace (socket.io-client 2's
// generateId(), which socket.io 4 follows for these clients).
void ClientConnection::connectV4(Namespace *nsp, const QJsonObject &query)
{
    const QString name = nsp->name();
    const QString sid = name == QLatin1String("/") ? m_session->id() : name + QLatin1Char('#') + m_session->id();
    auto *socket = new ServerSocket(sid, nsp, this, query);
    m_sockets.insert(name, socket);
    nsp->add(socket);
    socket->join(socket->id());
    send(sio::Packet::connect(name));
    emit nsp->connection(socket);
}

void ClientConnection::onEngineClosed(const QString &reason)
{
    m_connectTimeoutActive = false;
    const auto sockets = m_sockets.values();
    for (ServerSocket *s : sockets)
        s->onClose(reason);
    m_sockets.clear();
    m_session = nullptr;
    deleteLater();
}

void ClientConnection::removeSocket(ServerSocket *socket)
{
    const auto it = m_sockets.find(socket->nsp() ? socket->nsp()->name() : QString());
    if (it != m_sockets.end() && it.value() == socket)
        m_sockets.erase(it);
}

} // namespace caps
