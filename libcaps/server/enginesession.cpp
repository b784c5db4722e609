#include "server/enginesession.h"

#include "server/engineserver.h"

#include "core/logging.h"
#include "server/httpconnection.h"
#include "server/outgoingmessage.h"

#include <QDateTime>
#include <QNetworkRequest>
#include <QTcpSocket>
#include <QTimer>
#include <QTimerEvent>
#include <QWebSocket>

#include <algorithm>
#include <array>
#include <cerrno>
#include <utility>

#include <sys/socket.h>
#include <sys/uio.h>

namespace caps {

namespace {

const eio::ControlPackets &wire()
{
    return eio::controlPackets();
}

// Writes as much of `frames` as the socket `fd` takes now, without blocking; returns the bytes
// written (0 when it takes nothing or fails: Qt's own write then meets the same error and
// reports it as usual).
qint64 writeNow(qintptr fd, const QVarLengthArray<QByteArray, 1> &frames)
{
    constexpr qsizetype kMaxIov = 64; // well under IOV_MAX; more frames per pass are rare
    std::array<iovec, kMaxIov> iov{};
    qint64 total = 0;
    for (qsizetype first = 0; first < frames.size(); first += kMaxIov) {
        const qsizetype count = std::min(kMaxIov, frames.size() - first);
        qint64 wanted = 0;
        for (qsizetype i = 0; i < count; ++i) {
            const QByteArray &frame = frames.at(first + i);
            iov[size_t(i)] = {const_cast<char *>(frame.constData()), size_t(frame.size())};
            wanted += frame.size();
        }
        msghdr msg{};
        msg.msg_iov = iov.data();
        msg.msg_iovlen = size_t(count);
        ssize_t written = 0;
        do {
            // MSG_NOSIGNAL: a peer gone meanwhile must not raise SIGPIPE in the hub.
            written = ::sendmsg(int(fd), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        } while (written < 0 && errno == EINTR);
        if (written <= 0)
            return total;
        total += written;
        if (written < wanted)
            return total;
    }
    return total;
}

} // namespace

EngineSession::EngineSession(const QString &sid, int protocol, bool base64, EngineServer *server)
    : QObject(server)
    , m_issued(QDateTime::currentMSecsSinceEpoch())
    , m_sid(sid)
    , m_server(server)
    , m_options(server->options())
    , m_protocol(protocol)
    , m_base64(base64)
{
    m_stallWindow.start();
}

EngineSession::~EngineSession()
{
    if (m_framesPosted)
        m_server->forgetFrameFlush(this);
}

QByteArray EngineSession::Handshake::joinHeaders(const QList<QPair<QByteArray, QByteArray>> &pairs)
{
    QByteArray joined;
    for (const auto &[name, value] : pairs)
        joined.append(name.toLower()).append(": ").append(value).append('\n');
    joined.squeeze();
    return joined;
}

EngineSession::Handshake EngineSession::handshake() const
{
    Handshake handshake;
    if (m_handshake) {
        handshake = *m_handshake;
    } else if (const QWebSocket *socket = m_socket) {
        handshake.address = socket->peerAddress().toString();
        handshake.url = socket->requestUrl().toString(QUrl::RemoveScheme | QUrl::RemoveAuthority);
        const QNetworkRequest request = socket->request();
        QList<QPair<QByteArray, QByteArray>> headers;
        for (const QByteArray &name : request.rawHeaderList())
            headers.append({name, request.rawHeader(name)});
        handshake.headers = Handshake::joinHeaders(headers);
    }
    handshake.time = m_issued;
    handshake.secure = m_options.tls.has_value();
    return handshake;
}

QList<QPair<QByteArray, QByteArray>> EngineSession::Handshake::headerList() const
{
    QList<QPair<QByteArray, QByteArray>> pairs;
    for (const QByteArray &line : headers.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            pairs.append({line.first(colon), line.sliced(colon + 1).trimmed()});
    }
    return pairs;
}

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
    } else if (id == m_peerCloseTimer.timerId()) {
        m_peerCloseTimer.stop();
        onClose(QStringLiteral("transport close"));
    } else if (id == m_openTimer.timerId()) {
        m_openTimer.stop();
        sendDelayedOpen();
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
    return eio::encodeText(eio::Packet::of(eio::PacketType::Open, eio::encodeHandshake(handshake)));
}

void EngineSession::openPolling(HttpConnection *handshakeRequest)
{
    m_transport = Transport::Polling;
    m_buffer.append(openPacket({QStringLiteral("websocket")}));
    if (isV3())
        expectClientPing();
    else
        schedulePing();
    handlePoll(handshakeRequest);
}

void EngineSession::openWebSocket(QWebSocket *socket, QTcpSocket *raw)
{
    m_transport = Transport::WebSocket;
    attachWebSocket(socket, raw);
    if (isV3()) {
        // Browser code of the Engine.IO 3 era (and the official v3 suite) listens for messages
        // only once the WebSocket's "open" event has fired; an OPEN packet that arrives in the
        // same read as the handshake's answer is then lost. So the answer goes out on its own,
        // and the OPEN packet, with whatever is sent meanwhile, a moment later.
        socket->flush();
        m_openDelayed = true;
        m_openTimer.start(kV3OpenDelay, this);
        expectClientPing();
        return;
    }
    sendText(openPacket({}));
    schedulePing();
}

void EngineSession::sendDelayedOpen()
{
    m_openDelayed = false;
    if (m_state != State::Open || !m_socket)
        return;
    m_socket->sendTextMessage(QString::fromUtf8(openPacket({})));
    drainBufferTo(m_socket);
}

void EngineSession::drainBufferTo(QWebSocket *socket)
{
    const QList<QByteArray> pending = std::exchange(m_buffer, {});
    m_bufferedBytes = 0;
    for (const QByteArray &text : pending) {
        // What this session buffered itself: always a packet in text form.
        const auto packet = eio::decodeTextPacket(text);
        if (packet && packet->binary)
            sendBinaryFrame(socket, packet->data);
        else
            socket->sendTextMessage(QString::fromUtf8(text));
    }
}

void EngineSession::attachWebSocket(QWebSocket *socket, QTcpSocket *raw)
{
    m_socket = socket;
    // Only if it is the same connection (QWebSocket writes whole frames into it synchronously,
    // so frames written here never interleave with its own).
    m_raw = raw && raw->peerPort() == socket->peerPort() && raw->peerAddress() == socket->peerAddress() ? raw : nullptr;
    // Bytes written past a QSslSocket would go out unencrypted.
    m_rawIsPlain = m_raw && !m_raw->inherits("QSslSocket");
    socket->setParent(this);
    connect(socket, &QWebSocket::textMessageReceived, this, &EngineSession::onWebSocketText);
    connect(socket, &QWebSocket::binaryMessageReceived, this, &EngineSession::onWebSocketBinary);
    connect(socket, &QWebSocket::disconnected, this, [this] { onClose(QStringLiteral("transport close")); });
    if (m_behind)
        watchProgress(true);
}

// What Qt writes from its own buffer counts as taken only while the peer is behind (see
// checkStalled()), so the connection exists only then: on every idle session it would cost a
// hundred-odd bytes for nothing. Frames written past Qt's buffer count in writeFrames().
void EngineSession::watchProgress(bool on)
{
    if (!on) {
        disconnect(m_progressWatch);
        m_progressWatch = {};
    } else if (m_socket && !m_progressWatch) {
        m_progressWatch = connect(m_socket, &QWebSocket::bytesWritten, this, &EngineSession::noteProgress);
    }
}

void EngineSession::handlePoll(HttpConnection *request)
{
    if (m_peerCloseTimer.isActive()) {
        m_peerCloseTimer.stop();
        m_poll = request;
        onClose(QStringLiteral("transport close")); // answers it with the noop (m_closedByPeer)
        return;
    }
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
        respondToPoll({wire().noop}); // let the client finish its pause quickly
}

void EngineSession::handleData(HttpConnection *request)
{
    const QByteArray &body = request->request().body;
    auto packets = !isV3()                                                        ? eio::decodePayload(body)
        : request->request().header("content-type") == "application/octet-stream" ? eio::v3::decodeBinaryPayload(body)
                                                                                  : eio::v3::decodeTextPayload(body);
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

void EngineSession::probe(QWebSocket *socket, QTcpSocket *raw)
{
    m_probe = socket;
    m_probeRaw = raw;
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
    if (!m_probed && frame == wire().probePing) {
        m_probe->sendTextMessage(QString::fromLatin1(wire().probePong));
        m_probed = true;
        if (m_poll && m_buffer.isEmpty())
            respondToPoll({wire().noop});
        return;
    }
    if (m_probed && frame == wire().upgrade) {
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
        respondToPoll({wire().noop});
    attachWebSocket(socket, m_probeRaw);
    m_probeRaw = nullptr;
    qCDebug(lcEngine) << m_sid << "upgraded to websocket";
    emit upgraded();
    drainBufferTo(socket);
    if (m_state == State::Closing)
        onClose(QStringLiteral("forced close"));
}

void EngineSession::abortProbe()
{
    m_upgradeTimer.stop();
    m_probed = false;
    m_probeRaw = nullptr;
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
    if (m_transport == Transport::WebSocket && !m_openDelayed) {
        if (!message.webSocketFrame.isEmpty() && m_raw) {
            queueFrame(message.webSocketFrame);
        } else if (!message.text.isEmpty()) {
            writeFrames();
            m_socket->sendTextMessage(message.webSocketText);
        }
        if (!message.attachments.isEmpty())
            writeFrames(); // they go through QWebSocket, after the frame they belong to
        for (const QByteArray &attachment : message.attachments)
            sendBinaryFrame(m_socket, attachment);
    } else {
        if (!message.text.isEmpty()) {
            m_buffer.append(message.text);
            m_bufferedBytes += message.text.size();
        }
        for (const QByteArray &attachment : message.attachments) {
            m_buffer.append(eio::encodeText(eio::Packet::binaryMessage(attachment)));
            m_bufferedBytes += m_buffer.constLast().size();
        }
        scheduleFlush();
    }
    checkStalled();
}

void EngineSession::sendBinaryFrame(QWebSocket *socket, const QByteArray &data)
{
    if (!isV3())
        socket->sendBinaryMessage(data);
    else if (m_base64)
        socket->sendTextMessage(QString::fromLatin1(eio::v3::encodeTextPacket(eio::Packet::binaryMessage(data))));
    else
        socket->sendBinaryMessage(eio::v3::encodeBinaryFrame(data));
}

qint64 EngineSession::pendingBytes() const
{
    qint64 pending = m_bufferedBytes;
    if (m_transport == Transport::WebSocket && m_socket)
        pending += (m_raw ? m_raw->bytesToWrite() : m_socket->bytesToWrite()) + m_framesBytes;
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
        // Nothing to restart while the backlog stays under the limit: reading the clock on
        // every send was 1.5 % of the hub's time in bench scenario (a).
        if (std::exchange(m_behind, false))
            watchProgress(false);
        return;
    }
    if (!m_behind) {
        // The window opens when the backlog is first seen over the limit (a send later than
        // the last one under it: the peer gets a little more time, never less).
        m_behind = true;
        watchProgress(true);
        m_stallWindow.start();
        m_takenInWindow = 0;
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

void EngineSession::queueFrame(const QByteArray &frame)
{
    m_frames.append(frame);
    m_framesBytes += frame.size();
    if (!m_framesPosted) {
        m_framesPosted = true;
        m_server->scheduleFrameFlush(this);
    }
}

void EngineSession::flushFramesNow()
{
    m_framesPosted = false;
    writeFrames();
}

void EngineSession::writeFrames()
{
    if (m_frames.isEmpty())
        return;
    // Moved out: m_frames keeps no heap block after a pass that sent a socket several.
    const QVarLengthArray<QByteArray, 1> frames = std::move(m_frames);
    m_frames.clear();
    m_framesBytes = 0;
    QTcpSocket *raw = m_raw;
    if (!raw || raw->state() != QAbstractSocket::ConnectedState)
        return;
    qint64 written = 0;
    // Behind what Qt's buffer holds (a pong, a backlog), frames queue there, in order.
    if (m_rawIsPlain && raw->bytesToWrite() == 0) {
        written = writeNow(raw->socketDescriptor(), frames);
        if (written > 0)
            noteProgress(written);
    }
    for (const QByteArray &frame : frames) {
        if (written >= frame.size()) {
            written -= frame.size();
            continue;
        }
        raw->write(written > 0 ? frame.sliced(written) : frame);
        written = 0;
    }
}

void EngineSession::sendText(const QByteArray &packet)
{
    if (m_transport == Transport::WebSocket && !m_openDelayed) {
        writeFrames();
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
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_flushScheduled = false;
            if (m_poll && !m_buffer.isEmpty())
                flush();
        },
        Qt::QueuedConnection);
}

void EngineSession::flush()
{
    if (!m_poll)
        return;
    if (m_state == State::Closing) {
        m_buffer.append(wire().close);
        m_bufferedBytes = 0;
        respondToPoll(std::exchange(m_buffer, {}));
        onClose(QStringLiteral("forced close"));
        return;
    }
    if (!m_buffer.isEmpty()) {
        m_bufferedBytes = 0;
        respondToPoll(std::exchange(m_buffer, {}));
    }
}

void EngineSession::respondToPoll(const QList<QByteArray> &packets)
{
    HttpConnection *request = m_poll;
    m_poll = nullptr;
    if (!request)
        return;
    disconnect(request, &HttpConnection::closed, this, nullptr);
    if (!isV3()) {
        const QByteArray payload = eio::joinTextPackets(packets);
        noteProgress(payload.size());
        request->respond(200, payload);
        return;
    }
    QList<eio::Packet> decoded;
    decoded.reserve(packets.size());
    for (const QByteArray &text : packets) {
        // What this session buffered itself: always a packet in text form.
        if (auto packet = eio::decodeTextPacket(text))
            decoded.append(std::move(packet).value());
    }
    const bool binary
        = !m_base64 && std::any_of(decoded.cbegin(), decoded.cend(), [](const eio::Packet &p) { return p.binary; });
    const QByteArray payload = binary ? eio::v3::encodeBinaryPayload(decoded) : eio::v3::encodeTextPayload(decoded);
    noteProgress(payload.size());
    request->respond(200, payload, binary ? "application/octet-stream" : "text/plain; charset=UTF-8");
}

void EngineSession::onWebSocketText(const QString &text)
{
    auto packet = isV3() ? eio::v3::decodeTextPacket(text.toUtf8()) : eio::decodeTextFrame(text.toUtf8());
    if (!packet) {
        qCDebug(lcEngine) << m_sid << "bad frame:" << packet.error();
        onClose(QStringLiteral("parse error"));
        return;
    }
    onPacket(*packet);
}

void EngineSession::onWebSocketBinary(const QByteArray &data)
{
    if (!isV3()) {
        onPacket(eio::decodeBinaryFrame(data));
        return;
    }
    auto packet = eio::v3::decodeBinaryFrame(data);
    if (!packet) {
        qCDebug(lcEngine) << m_sid << "bad frame:" << packet.error();
        onClose(QStringLiteral("parse error"));
        return;
    }
    onPacket(*packet);
}

void EngineSession::onPacket(const eio::Packet &packet)
{
    // Nothing after the client's own close packet counts.
    if (m_state != State::Open || m_peerCloseTimer.isActive())
        return;
    switch (packet.type) {
    case eio::PacketType::Pong:
        // A v3 client sends no pongs: ignored there, as by engine.io.
        if (!isV3())
            schedulePing();
        break;
    case eio::PacketType::Message:
        if (m_receiver)
            m_receiver->engineMessage(packet.data, packet.binary);
        emit messageReceived(packet.data, packet.binary);
        break;
    case eio::PacketType::Close:
        m_closedByPeer = true;
        if (m_transport == Transport::Polling && !m_poll) {
            // A GET that the client sent beside its close packet may not be here yet (the
            // official suites send both at once, on two connections): it gets the noop a waiting
            // GET would have got, if it comes within kPeerCloseGraceMs, and the session closes.
            m_peerCloseTimer.start(kPeerCloseGraceMs, this);
            break;
        }
        onClose(QStringLiteral("transport close"));
        break;
    case eio::PacketType::Ping:
        if (isV3()) {
            expectClientPing();
            sendText(eio::encodeText(eio::Packet::of(eio::PacketType::Pong, packet.data)));
            break;
        }
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
    m_heartbeatDeadline = -1;
    m_server->scheduleHeartbeat(this, EngineServer::Heartbeat::PingInterval, ++m_heartbeatToken);
}

void EngineSession::expectClientPing()
{
    m_heartbeatDeadline = m_server->elapsed() + m_options.pingInterval + m_options.pingTimeout;
    m_server->scheduleHeartbeat(this, EngineServer::Heartbeat::ClientPingTimeout, ++m_heartbeatToken);
}

bool EngineSession::expireIfOverdue()
{
    if (m_state == State::Closed)
        return true;
    if (m_heartbeatDeadline < 0 || m_server->elapsed() < m_heartbeatDeadline)
        return false;
    onClose(QStringLiteral("ping timeout"));
    return true;
}

void EngineSession::onPingIntervalElapsed(quint64 token)
{
    if (token != m_heartbeatToken)
        return;
    sendText(wire().ping);
    m_heartbeatDeadline = m_server->elapsed() + m_options.pingTimeout;
    m_server->scheduleHeartbeat(this, EngineServer::Heartbeat::PingTimeout, ++m_heartbeatToken);
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
    m_openTimer.stop();
    m_peerCloseTimer.stop();
    if (m_poll && m_abortTransport)
        m_poll->abort();
    else if (m_poll)
        // engine.io ends a waiting GET with a noop when the client itself closed (it has its
        // close packet already), and with a close packet otherwise.
        respondToPoll({m_closedByPeer ? wire().noop : wire().close});
    abortProbe();
    if (m_abortTransport)
        m_frames.clear();
    else
        writeFrames(); // what was sent before the close goes first
    m_framesBytes = 0;
    if (m_framesPosted) {
        // A closed session is deleted later: it must not be on the server's list by then.
        m_framesPosted = false;
        m_server->forgetFrameFlush(this);
    }
    if (QWebSocket *socket = m_socket) {
        m_socket = nullptr;
        m_raw = nullptr;
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
    // The server first (its sid may not find a closed session), then the receiver, then the rest.
    m_server->forgetSession(this, reason);
    if (Receiver *receiver = std::exchange(m_receiver, nullptr))
        receiver->engineClosed(reason);
    emit closed(reason);
    deleteLater();
}

} // namespace caps
