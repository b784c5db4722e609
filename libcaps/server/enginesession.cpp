#include "server/enginesession.h"

#include "server/engineserver.h"

#include "core/logging.h"
#include "server/httpconnection.h"
#include "server/outgoingmessage.h"

#include <QTimer>
#include <QTimerEvent>
#include <QWebSocket>

namespace caps {

namespace {

const QByteArray kNoop = QByteArrayLiteral("6");
const QByteArray kClose = QByteArrayLiteral("1");
const QByteArray kPing = QByteArrayLiteral("2");
const QByteArray kProbePing = QByteArrayLiteral("2probe");
const QByteArray kProbePong = QByteArrayLiteral("3probe");
const QByteArray kUpgrade = QByteArrayLiteral("5");

QByteArray joinPayload(const QList<QByteArray> &packets)
{
    qsizetype size = 0;
    for (const QByteArray &p : packets)
        size += p.size() + 1;
    QByteArray out;
    out.reserve(size);
    for (const QByteArray &p : packets) {
        if (!out.isEmpty())
            out.append(eio::kRecordSeparator);
        out.append(p);
    }
    return out;
}

} // namespace

EngineSession::EngineSession(const QString &sid, EngineServer *server)
    : QObject(server), m_sid(sid), m_server(server), m_options(server->options())
{
    m_stallWindow.start();
}

EngineSession::~EngineSession() = default;

void EngineSession::timerEvent(QTimerEvent *event)
{
    const int id = event->timerId();
    if (id == m_upgradeTimer.timerId()) {
        m_upgradeTimer.stop();
        qCDebug(lcEngine) << m_sid << "upgrade timed out";
        abortProbe();
    } else if (id == m_closeTimer.timerId()) {
        // A polling client that stopped polling never collects its close packet.
        m_closeTimer.stop();
        onClose(QStringLiteral("forced close"));
    } else if (id == m_stallTimer.timerId()) {
        m_stallTimer.stop();
        checkStalled();
    } else {
        QObject::timerEvent(event);
    }
}

bool EngineSession::canUpgrade() const
{
    return m_state == State::Open && m_transport == Transport::Polling && !m_probe;
}

QByteArray EngineSession::openPacket(const QStringList &upgrades) const
{
    eio::Handshake handshake;
    handshake.sid = m_sid;
    handshake.upgrades = upgrades;
    handshake.pingInterval = m_options.pingInterval;
    handshake.pingTimeout = m_options.pingTimeout;
    handshake.maxPayload = m_options.maxPayload;
    return '0' + eio::encodeHandshake(handshake);
}

void EngineSession::openPolling(HttpConnection *handshakeRequest)
{
    m_transport = Transport::Polling;
    m_buffer.append(openPacket({QStringLiteral("websocket")}));
    schedulePing();
    handlePoll(handshakeRequest);
}

void EngineSession::openWebSocket(QWebSocket *socket)
{
    m_transport = Transport::WebSocket;
    attachWebSocket(socket);
    sendText(openPacket({}));
    schedulePing();
}

void EngineSession::attachWebSocket(QWebSocket *socket)
{
    m_socket = socket;
    socket->setParent(this);
    connect(socket, &QWebSocket::textMessageReceived, this, &EngineSession::onWebSocketText);
    connect(socket, &QWebSocket::binaryMessageReceived, this, &EngineSession::onWebSocketBinary);
    connect(socket, &QWebSocket::disconnected, this, [this] { onClose(QStringLiteral("transport close")); });
    connect(socket, &QWebSocket::bytesWritten, this, &EngineSession::noteProgress);
}

void EngineSession::handlePoll(HttpConnection *request)
{
    if (m_poll) {
        // engine.io: "overlap from client"; the session dies, the pending GET gets its close packet.
        qCDebug(lcEngine) << m_sid << "second concurrent GET";
        request->respondError(400, 3, QStringLiteral("Bad request"));
        onClose(QStringLiteral("transport error"));
        return;
    }
    m_poll = request;
    connect(request, &HttpConnection::closed, this, [this](HttpConnection *c) {
        if (m_poll == c)
            onClose(QStringLiteral("transport error"));
    });
    if (m_state == State::Closing || !m_buffer.isEmpty())
        flush();
    else if (m_probed)
        respondToPoll(kNoop);   // let the client finish its pause quickly
}

void EngineSession::handleData(HttpConnection *request)
{
    auto packets = eio::decodePayload(request->request().body);
    if (!packets) {
        qCDebug(lcEngine) << m_sid << "bad POST payload:" << packets.error();
        request->respondError(400, 3, QStringLiteral("Bad request"));
        onClose(QStringLiteral("parse error"));
        return;
    }
    request->respond(200, QByteArrayLiteral("ok"), "text/html");
    for (const eio::Packet &packet : std::as_const(*packets)) {
        if (m_state != State::Open)
            break;
        onPacket(packet);
    }
}

void EngineSession::probe(QWebSocket *socket)
{
    m_probe = socket;
    m_probed = false;
    socket->setParent(this);
    connect(socket, &QWebSocket::textMessageReceived, this, &EngineSession::onProbeText);
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this] { abortProbe(); });
    connect(socket, &QWebSocket::disconnected, this, [this] { abortProbe(); });
    m_upgradeTimer.start(m_options.upgradeTimeout, this);
}

void EngineSession::onProbeText(const QString &text)
{
    if (!m_probe)
        return;
    const QByteArray frame = text.toUtf8();
    if (!m_probed && frame == kProbePing) {
        m_probe->sendTextMessage(QString::fromLatin1(kProbePong));
        m_probed = true;
        if (m_poll && m_buffer.isEmpty())
            respondToPoll(kNoop);
        return;
    }
    if (m_probed && frame == kUpgrade) {
        finishUpgrade();
        return;
    }
    qCDebug(lcEngine) << m_sid << "unexpected packet on probing WebSocket";
    abortProbe();
}

void EngineSession::finishUpgrade()
{
    QWebSocket *socket = m_probe;
    m_upgradeTimer.stop();
    disconnect(socket, nullptr, this, nullptr);
    m_probe = nullptr;
    m_probed = false;
    m_transport = Transport::WebSocket;
    if (m_poll)
        respondToPoll(kNoop);
    attachWebSocket(socket);
    qCDebug(lcEngine) << m_sid << "upgraded to websocket";
    const QList<QByteArray> pending = std::exchange(m_buffer, {});
    m_bufferedBytes = 0;
    for (const QByteArray &packet : pending) {
        if (packet.startsWith('b'))
            socket->sendBinaryMessage(QByteArray::fromBase64(packet.sliced(1)));
        else
            socket->sendTextMessage(QString::fromUtf8(packet));
    }
    if (m_state == State::Closing)
        onClose(QStringLiteral("forced close"));
}

void EngineSession::abortProbe()
{
    m_upgradeTimer.stop();
    m_probed = false;
    if (QWebSocket *socket = m_probe) {
        m_probe = nullptr;
        disconnect(socket, nullptr, this, nullptr);
        releaseWebSocket(socket);
    }
}

void EngineSession::send(const OutgoingMessage &message)
{
    if (m_state != State::Open)
        return;
    if (m_transport == Transport::WebSocket) {
        if (!message.text.isEmpty())
            m_socket->sendTextMessage(message.webSocketText);
        for (const QByteArray &attachment : message.attachments)
            m_socket->sendBinaryMessage(attachment);
    } else {
        if (!message.text.isEmpty()) {
            m_buffer.append(message.text);
            m_bufferedBytes += message.text.size();
        }
        for (const QByteArray &attachment : message.attachments) {
            m_buffer.append('b' + attachment.toBase64());
            m_bufferedBytes += m_buffer.constLast().size();
        }
        scheduleFlush();
    }
    checkStalled();
}

qint64 EngineSession::pendingBytes() const
{
    qint64 pending = m_bufferedBytes;
    if (m_transport == Transport::WebSocket && m_socket)
        pending += m_socket->bytesToWrite();
    return pending;
}

void EngineSession::noteProgress(qint64 bytes)
{
    m_takenInWindow += bytes;
}

// A peer with a backlog over maxBufferedBytes must take at least maxBufferedBytes in every
// sendStallTimeout window until the backlog is back under the limit (4 MB/s with the
// defaults). A peer that reads nothing, or trickles a few bytes to look alive, is dropped;
// one that is merely behind a burst keeps up and stays.
void EngineSession::checkStalled()
{
    if (m_state != State::Open || m_options.maxBufferedBytes <= 0)
        return;
    if (pendingBytes() <= m_options.maxBufferedBytes) {
        m_stallWindow.start();
        m_takenInWindow = 0;
        return;
    }
    const qint64 left = m_options.sendStallTimeout - m_stallWindow.elapsed();
    if (left > 0) {
        // Look again even if nothing more is sent.
        if (!m_stallTimer.isActive())
            m_stallTimer.start(int(left) + 1, this);
        return;
    }
    if (m_takenInWindow >= m_options.maxBufferedBytes) {
        qCDebug(lcEngine) << m_sid << "behind but reading:" << m_takenInWindow << "bytes in" << m_stallWindow.elapsed()
                          << "ms," << pendingBytes() << "waiting";
        m_stallWindow.start();
        m_takenInWindow = 0;
        m_stallTimer.start(m_options.sendStallTimeout + 1, this);
        return;
    }
    qCDebug(lcEngine) << m_sid << "took" << m_takenInWindow << "bytes in" << m_stallWindow.elapsed() << "ms with"
                      << pendingBytes() << "waiting: dropping it";
    // No close handshake behind megabytes the peer will not read: the memory goes now.
    m_abortTransport = true;
    onClose(QStringLiteral("transport error"));
}

void EngineSession::sendText(const QByteArray &packet)
{
    if (m_transport == Transport::WebSocket) {
        if (m_socket)
            m_socket->sendTextMessage(QString::fromUtf8(packet));
        return;
    }
    m_buffer.append(packet);
    m_bufferedBytes += packet.size();
    scheduleFlush();
}

// Packets sent in one pass of the event loop share one polling response.
void EngineSession::scheduleFlush()
{
    if (m_flushScheduled || !m_poll)
        return;
    m_flushScheduled = true;
    QMetaObject::invokeMethod(this, [this] {
        m_flushScheduled = false;
        if (m_poll && !m_buffer.isEmpty())
            flush();
    }, Qt::QueuedConnection);
}

void EngineSession::flush()
{
    if (!m_poll)
        return;
    if (m_state == State::Closing) {
        m_buffer.append(kClose);
        m_bufferedBytes = 0;
        respondToPoll(joinPayload(std::exchange(m_buffer, {})));
        onClose(QStringLiteral("forced close"));
        return;
    }
    if (!m_buffer.isEmpty()) {
        m_bufferedBytes = 0;
        respondToPoll(joinPayload(std::exchange(m_buffer, {})));
    }
}

void EngineSession::respondToPoll(const QByteArray &payload)
{
    HttpConnection *request = m_poll;
    m_poll = nullptr;
    if (!request)
        return;
    disconnect(request, &HttpConnection::closed, this, nullptr);
    noteProgress(payload.size());
    request->respond(200, payload);
}

void EngineSession::onWebSocketText(const QString &text)
{
    auto packet = eio::decodeTextFrame(text.toUtf8());
    if (!packet) {
        qCDebug(lcEngine) << m_sid << "bad frame:" << packet.error();
        onClose(QStringLiteral("parse error"));
        return;
    }
    onPacket(*packet);
}

void EngineSession::onWebSocketBinary(const QByteArray &data)
{
    onPacket(eio::decodeBinaryFrame(data));
}

void EngineSession::onPacket(const eio::Packet &packet)
{
    if (m_state != State::Open)
        return;
    switch (packet.type) {
    case eio::PacketType::Pong:
        schedulePing();
        break;
    case eio::PacketType::Message:
        emit messageReceived(packet.data, packet.binary);
        break;
    case eio::PacketType::Close:
        onClose(QStringLiteral("transport close"));
        break;
    case eio::PacketType::Ping:
        // Engine.IO v4 heartbeats go from server to client only.
        qCDebug(lcEngine) << m_sid << "invalid heartbeat direction";
        onClose(QStringLiteral("transport error"));
        break;
    case eio::PacketType::Open:
    case eio::PacketType::Upgrade:
    case eio::PacketType::Noop:
        break;
    }
}

void EngineSession::schedulePing()
{
    m_server->m_pingIntervals.add(this, ++m_heartbeatToken);
}

void EngineSession::onPingIntervalElapsed(quint64 token)
{
    if (token != m_heartbeatToken)
        return;
    sendText(kPing);
    m_server->m_pingTimeouts.add(this, ++m_heartbeatToken);
}

void EngineSession::onPingTimeoutElapsed(quint64 token)
{
    if (token == m_heartbeatToken)
        onClose(QStringLiteral("ping timeout"));
}

void EngineSession::close()
{
    if (m_state != State::Open)
        return;
    m_state = State::Closing;
    if (m_transport == Transport::WebSocket) {
        onClose(QStringLiteral("forced close"));
        return;
    }
    if (m_poll) {
        flush();
        return;
    }
    if (!m_probe)
        m_closeTimer.start(m_options.pingTimeout, this);
}

// The socket may still have a close handshake to do: it goes on living on its own, without
// this session, until it is disconnected (or a few seconds have passed).
void EngineSession::releaseWebSocket(QWebSocket *socket)
{
    disconnect(socket, nullptr, this, nullptr);
    socket->setParent(nullptr);
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(5000, socket, &QObject::deleteLater);
    if (socket->state() == QAbstractSocket::UnconnectedState)
        socket->deleteLater();
    else
        socket->close();
}

void EngineSession::onClose(const QString &reason)
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    qCDebug(lcEngine) << m_sid << "closed:" << reason;
    stopHeartbeat();
    m_closeTimer.stop();
    m_stallTimer.stop();
    if (m_poll && m_abortTransport)
        m_poll->abort();
    else if (m_poll)
        respondToPoll(kClose);
    abortProbe();
    if (QWebSocket *socket = m_socket) {
        m_socket = nullptr;
        if (m_abortTransport) {
            disconnect(socket, nullptr, this, nullptr);
            socket->abort();
            socket->deleteLater();
        } else {
            releaseWebSocket(socket);
        }
    }
    m_buffer.clear();
    m_bufferedBytes = 0;
    emit closed(reason);
    deleteLater();
}

} // namespace caps
