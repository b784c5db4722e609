#include "wsconnection.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// RFC 6455 wants a fresh mask per frame; a cheap generator is plenty for that.
quint32 nextMask()
{
    static quint64 state = QRandomGenerator::global()->generate64() | 1;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return quint32(state);
}

bool startsWith(QByteArrayView view, QByteArrayView prefix)
{
    return view.size() >= prefix.size() && std::memcmp(view.data(), prefix.data(), size_t(prefix.size())) == 0;
}

} // namespace

WsConnection::WsConnection(Handler *handler, EpollLoop *loop, int index, QObject *parent)
    : QObject(parent)
    , m_handler(handler)
    , m_loop(loop)
    , m_index(index)
{ }

WsConnection::~WsConnection()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

void WsConnection::open(const QHostAddress &host, quint16 port, const QByteArray &nsp, const QHostAddress &source)
{
    m_nsp = nsp;
    m_state = State::Connecting;
    m_hostHeader = host.toString().toLatin1() + ':' + QByteArray::number(port);
    auto failLater = [this](const QString &reason) {
        // Reported from the event loop, like every other failure, not from inside open().
        QMetaObject::invokeMethod(
            this, [this, reason] { fail(reason); }, Qt::QueuedConnection);
    };
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        failLater(QStringLiteral("socket: ") + QString::fromLocal8Bit(std::strerror(errno)));
        return;
    }
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (!source.isNull()) {
        // Leave the port to connect(), which can reuse one per destination.
        ::setsockopt(m_fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        sockaddr_in local{};
        local.sin_family = AF_INET;
        local.sin_addr.s_addr = htonl(source.toIPv4Address());
        if (::bind(m_fd, reinterpret_cast<sockaddr *>(&local), sizeof local) != 0) {
            failLater(QStringLiteral("bind: ") + QString::fromLocal8Bit(std::strerror(errno)));
            return;
        }
    }
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(port);
    remote.sin_addr.s_addr = htonl(host.toIPv4Address());
    if (::connect(m_fd, reinterpret_cast<sockaddr *>(&remote), sizeof remote) != 0 && errno != EINPROGRESS) {
        failLater(QStringLiteral("connect: ") + QString::fromLocal8Bit(std::strerror(errno)));
        return;
    }
    m_wantWrite = true;
    if (!m_loop->add(m_fd, this, true))
        failLater(QStringLiteral("epoll: ") + QString::fromLocal8Bit(std::strerror(errno)));
}

void WsConnection::onConnected()
{
    QByteArray nonce(16, Qt::Uninitialized);
    for (int i = 0; i < 16; i += 4) {
        const quint32 r = nextMask();
        std::memcpy(nonce.data() + i, &r, 4);
    }
    m_key = nonce.toBase64();
    QByteArray request;
    request.reserve(256);
    request += "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ";
    request += m_hostHeader;
    request += "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ";
    request += m_key;
    request += "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    m_state = State::Handshaking;
    write(request.constData(), request.size());
}

void WsConnection::readyWrite()
{
    if (m_state == State::Closed)
        return;
    if (m_state == State::Connecting) {
        int error = 0;
        socklen_t len = sizeof error;
        ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &len);
        if (error != 0) {
            fail(QStringLiteral("connect: ") + QString::fromLocal8Bit(std::strerror(error)));
            return;
        }
        m_wantWrite = false;
        m_loop->setWantWrite(m_fd, this, false);
        onConnected();
        return;
    }
    while (!m_out.isEmpty()) {
        const ssize_t n = ::send(m_fd, m_out.constData(), size_t(m_out.size()), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return;
            fail(QStringLiteral("send: ") + QString::fromLocal8Bit(std::strerror(errno)));
            return;
        }
        m_out.remove(0, n);
    }
    m_wantWrite = false;
    m_loop->setWantWrite(m_fd, this, false);
}

void WsConnection::write(const char *data, qsizetype size)
{
    if (m_fd < 0 || m_state == State::Closed)
        return;
    if (m_out.isEmpty()) {
        const ssize_t n = ::send(m_fd, data, size_t(size), MSG_NOSIGNAL);
        if (n == size)
            return;
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                fail(QStringLiteral("send: ") + QString::fromLocal8Bit(std::strerror(errno)));
                return;
            }
        } else {
            data += n;
            size -= n;
        }
    }
    m_out.append(data, size);
    if (!m_wantWrite) {
        m_wantWrite = true;
        m_loop->setWantWrite(m_fd, this, true);
    }
}

void WsConnection::readyRead()
{
    if (m_state == State::Closed || m_state == State::Connecting)
        return;
    // One read per wakeup: the epoll set is level-triggered and reports the rest again.
    constexpr qsizetype chunk = 65536;
    const qsizetype old = m_in.size();
    m_in.resize(old + chunk);
    const ssize_t n = ::recv(m_fd, m_in.data() + old, size_t(chunk), 0);
    if (n <= 0) {
        m_in.resize(old);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        fail(n == 0 ? QStringLiteral("transport close")
                    : QStringLiteral("recv: ") + QString::fromLocal8Bit(std::strerror(errno)));
        return;
    }
    m_in.resize(old + n);
    if (m_state == State::Handshaking && !parseHandshakeResponse())
        return;
    parseFrames();
    if (m_inPos > 0) {
        m_in.remove(0, m_inPos);
        m_inPos = 0;
    }
}

void WsConnection::hangUp()
{
    fail(QStringLiteral("transport close"));
}

bool WsConnection::parseHandshakeResponse()
{
    const qsizetype end = m_in.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_in.size() > 16384)
            fail(QStringLiteral("handshake response too long"));
        return false;
    }
    const QByteArrayView head(m_in.constData(), end);
    if (!startsWith(head, "HTTP/1.1 101")) {
        fail(QStringLiteral("handshake refused: ")
             + QString::fromLatin1(head.first(std::max<qsizetype>(head.indexOf('\r'), 0))));
        return false;
    }
    const QByteArray accept
        = QCryptographicHash::hash(m_key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1).toBase64();
    if (m_in.left(end).toLower().indexOf(accept.toLower()) < 0) {
        fail(QStringLiteral("bad Sec-WebSocket-Accept"));
        return false;
    }
    m_inPos = end + 4;
    m_state = State::Opening;
    return true;
}

void WsConnection::parseFrames()
{
    while (m_state != State::Closed) {
        const qsizetype avail = m_in.size() - m_inPos;
        if (avail < 2)
            return;
        const auto *p = reinterpret_cast<const unsigned char *>(m_in.constData() + m_inPos);
        const bool fin = p[0] & 0x80;
        const int opcode = p[0] & 0x0f;
        const bool masked = p[1] & 0x80;
        quint64 length = p[1] & 0x7f;
        qsizetype header = 2;
        if (length == 126) {
            if (avail < 4)
                return;
            length = (quint64(p[2]) << 8) | p[3];
            header = 4;
        } else if (length == 127) {
            if (avail < 10)
                return;
            length = 0;
            for (int i = 0; i < 8; ++i)
                length = (length << 8) | p[2 + i];
            header = 10;
        }
        if (length > quint64(64) * 1024 * 1024) {
            fail(QStringLiteral("frame too large"));
            return;
        }
        const qsizetype maskAt = header;
        if (masked)
            header += 4;
        if (avail < header + qsizetype(length))
            return;
        char *payload = m_in.data() + m_inPos + header;
        if (masked) {
            const char *mask = m_in.constData() + m_inPos + maskAt;
            for (quint64 i = 0; i < length; ++i)
                payload[i] = char(payload[i] ^ mask[i % 4]);
        }
        const QByteArrayView data(payload, qsizetype(length));
        m_inPos += header + qsizetype(length);
        switch (opcode) {
        case 0x0: // continuation
            m_fragment += data;
            if (fin) {
                const QByteArray whole = std::exchange(m_fragment, {});
                handleText(whole);
            }
            break;
        case 0x1:
            if (fin)
                handleText(data);
            else
                m_fragment = data.toByteArray();
            break;
        case 0x2: // binary attachments: the bench sends none and ignores any
            break;
        case 0x8:
            sendFrame(0x8, {});
            fail(QStringLiteral("closed by server"));
            return;
        case 0x9:
            sendFrame(0xA, data);
            break;
        default:
            break;
        }
    }
}

void WsConnection::handleText(QByteArrayView message)
{
    if (message.isEmpty())
        return;
    switch (message.front()) {
    case '4':
        handleSocketIo(message.sliced(1));
        break;
    case '2': // Engine.IO ping: pong with the same data
        sendText(QByteArray("3").append(message.sliced(1)));
        break;
    case '0':
        if (m_state == State::Opening) {
            m_state = State::Joining;
            // Asks for connection state recovery as the Qt clients do, so that a hub that has
            // it does the same work for the bench as for them (Node's socket.io ignores it).
            sendText((m_nsp == "/" ? QByteArray("40") : QByteArray("40") + m_nsp + ',') + R"({"recovery":true})");
        }
        break;
    case '1':
        fail(QStringLiteral("engine.io close"));
        break;
    default:
        break;
    }
}

void WsConnection::handleSocketIo(QByteArrayView packet)
{
    if (packet.isEmpty())
        return;
    const char type = packet.front();
    packet = packet.sliced(1);
    // Namespace: "/caps," unless the namespace is the main one.
    if (!packet.isEmpty() && packet.front() == '/') {
        const qsizetype comma = packet.indexOf(',');
        const QByteArrayView nsp = comma < 0 ? packet : packet.first(comma);
        if (nsp != QByteArrayView(m_nsp))
            return;
        packet = comma < 0 ? QByteArrayView() : packet.sliced(comma + 1);
    }
    switch (type) {
    case '0':
        if (m_state == State::Joining) {
            m_state = State::Ready;
            m_handler->connectionReady(this);
        }
        return;
    case '1':
        fail(QStringLiteral("namespace disconnect"));
        return;
    case '4':
        fail(QStringLiteral("connect error: ") + QString::fromUtf8(packet));
        return;
    case '2':
        break;
    default:
        return; // acks and binary packets are not used by the bench
    }
    while (!packet.isEmpty() && packet.front() >= '0' && packet.front() <= '9')
        packet = packet.sliced(1); // an ack id the bench never asks for
    // ["name"] or ["name",payload]; event names here carry no escapes.
    if (packet.size() < 4 || packet.front() != '[' || packet[1] != '"' || packet.back() != ']') {
        m_handler->eventReceived(this, {}, packet);
        return;
    }
    const qsizetype nameEnd = packet.indexOf('"', 2);
    if (nameEnd < 0) {
        m_handler->eventReceived(this, {}, packet);
        return;
    }
    const QByteArrayView name = packet.sliced(2, nameEnd - 2);
    QByteArrayView payload;
    if (nameEnd + 1 < packet.size() - 1 && packet[nameEnd + 1] == ',')
        payload = packet.sliced(nameEnd + 2, packet.size() - 1 - (nameEnd + 2));
    m_handler->eventReceived(this, name, payload);
}

void WsConnection::emitEvent(QByteArrayView name, QByteArrayView payload)
{
    if (m_state != State::Ready)
        return;
    // Built in one reused buffer: the bench emits hundreds of thousands of these.
    static thread_local QByteArray text;
    text.clear();
    text += "42";
    if (m_nsp != "/") {
        text += m_nsp;
        text += ',';
    }
    text += "[\"";
    text += name;
    text += '"';
    if (!payload.isEmpty()) {
        text += ',';
        text += payload;
    }
    text += ']';
    sendText(text);
}

void WsConnection::sendFrame(int opcode, QByteArrayView payload)
{
    static thread_local QByteArray frame;
    const qsizetype n = payload.size();
    frame.resize(14 + n);
    auto *p = reinterpret_cast<unsigned char *>(frame.data());
    p[0] = 0x80 | quint8(opcode);
    qsizetype at = 2;
    if (n < 126) {
        p[1] = 0x80 | quint8(n);
    } else if (n < 65536) {
        p[1] = 0x80 | 126;
        p[2] = quint8(n >> 8);
        p[3] = quint8(n);
        at = 4;
    } else {
        p[1] = 0x80 | 127;
        for (int i = 0; i < 8; ++i)
            p[2 + i] = quint8(quint64(n) >> (8 * (7 - i)));
        at = 10;
    }
    const quint32 mask = nextMask();
    std::memcpy(p + at, &mask, 4);
    const auto *m = p + at;
    at += 4;
    const auto *src = reinterpret_cast<const unsigned char *>(payload.data());
    for (qsizetype i = 0; i < n; ++i)
        p[at + i] = src[i] ^ m[i & 3];
    write(frame.constData(), at + n);
}

void WsConnection::abortHard()
{
    if (m_fd >= 0) {
        linger l{1, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    m_state = State::Closed;
    closeSocket();
}

void WsConnection::closeSocket()
{
    if (m_fd < 0)
        return;
    m_loop->remove(m_fd);
    ::close(m_fd);
    m_fd = -1;
    m_out.clear();
}

void WsConnection::fail(const QString &reason)
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    closeSocket();
    m_handler->connectionLost(this, reason);
}
