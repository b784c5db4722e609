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
    Namespace *nsp = m_server->findNamespace(packet.nsp);
    if (!nsp) {
        send(sio::Packet::connectError(packet.nsp, QStringLiteral("Invalid namespace")));
        return;
    }
    if (m_sockets.contains(packet.nsp)) {
        qCDebug(lcServer) << "second CONNECT to" << packet.nsp << "ignored";
        return;
    }
    const QJsonObject auth = packet.data.toObject();
    const QString refusal = nsp->checkConnect(auth);
    if (!refusal.isEmpty()) {
        send(sio::Packet::connectError(packet.nsp, refusal));
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
    m_sockets.insert(packet.nsp, socket);
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
    send(sio::Packet::connect(packet.nsp, reply));
    // After the CONNECT: a client drops events that come before it (socket.io-client would
    // buffer them, but not every client does).
    if (restored) {
        for (const OutgoingMessage &missed : std::as_const(restored->missed))
            send(missed);
    }
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
