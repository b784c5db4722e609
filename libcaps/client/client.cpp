#include "client/client.h"

#include "client/backoff.h"
#include "client/enginetransport.h"
#include "client/websockettransport.h"
#include "core/logging.h"
#include "protocol/socketio.h"

#include <QJsonDocument>
#include <QPointer>
#include <QTimer>

#include <algorithm>
#include <map>
#include <utility>

namespace caps {

namespace {

QString namespaceOf(const QUrl &url)
{
    const QString path = url.path();
    return path.isEmpty() ? QStringLiteral("/") : path;
}

// socket.io-client's reasons, so that logs read the same on both sides (the transport's own are
// EngineTransport's).
const QString kConnectTimeout = QStringLiteral("timeout");
const QString kServerDisconnect = QStringLiteral("io server disconnect");
const QString kClientDisconnect = QStringLiteral("io client disconnect");

} // namespace

class ClientPrivate
{
public:
    ClientPrivate(Client *client, const QUrl &u, const Client::Options &o, EngineTransport *transport);

    void openTransport();
    void teardownTransport(bool graceful);
    void onEngineOpen();
    void onEngineMessage(const QByteArray &data, bool binary);
    void onSocketIoPacket(sio::Packet packet);
    void onNamespaceConnected(const QString &socketId, const QString &pid);
    void onAck(const sio::Packet &packet);
    void onAckTimeout(qint64 ackId);
    void onConnectError(const QString &message);
    void onServerDisconnect();
    void onConnectionLost(const QString &reason);
    // After a failed attempt or a lost connection: schedules the next attempt or gives up.
    void scheduleReconnect(quint64 epoch);
    void dropSentAcksWithoutTimeout();

    void sendPacket(const sio::Packet &packet);
    void setState(Client::State s);
    [[nodiscard]] bool still(quint64 epoch) const { return m_epoch == epoch; }

    Client *q;
    QUrl m_url;
    QString m_nsp;
    Client::Options m_options;
    Backoff m_backoff;
    Client::State m_state = Client::State::Disconnected;
    QJsonObject m_auth;
    QString m_id;
    // Connection state recovery: the server's private session id and the offset of the last
    // event handled, sent back on reconnection (as socket.io-client's _pid and _lastOffset).
    QString m_pid;
    QString m_lastOffset;
    bool m_recovered = false;
    QString m_errorString;
    QStringList m_rooms;
    QStringList m_roomsAddedOffline; // joinRoom() while not connected: a recovered session lacks them
    QList<sio::Packet> m_sendBuffer;
    // Events that came on this connection before the namespace's CONNECT: socket.io sends a
    // recovered session's missed events first. Handed on once connected, as socket.io-client's
    // receiveBuffer.
    QList<sio::Packet> m_receiveBuffer;

    struct PendingAck
    {
        Client::AckCallback onAck;
        Client::AckTimeoutCallback onTimeout;
        QTimer *timer = nullptr;
    };
    std::map<qint64, PendingAck> m_acks;
    qint64 m_nextAckId = 0;

    EngineTransport *m_transport;
    sio::Decoder m_decoder;
    QTimer *m_connectTimer;
    QTimer *m_reconnectTimer;
    // Bumped by every state change: a sequence of signal emissions stops when a slot has
    // changed the state under it (disconnectFromHub() from a `disconnected` slot, say).
    quint64 m_epoch = 0;
    const QList<QByteArray> *m_currentAttachments = nullptr;
};

ClientPrivate::ClientPrivate(Client *client, const QUrl &u, const Client::Options &o, EngineTransport *transport)
    : q(client)
    , m_url(u)
    , m_nsp(namespaceOf(u))
    , m_options(o)
    , m_backoff(o.reconnectionDelayMs, o.reconnectionDelayMaxMs, o.randomizationFactor)
    , m_transport(transport ? transport : new WebSocketTransport(client))
    , m_connectTimer(new QTimer(client))
    , m_reconnectTimer(new QTimer(client))
{
    m_transport->setParent(client);
    QObject::connect(m_transport, &EngineTransport::opened, q, [this] { onEngineOpen(); });
    QObject::connect(m_transport, &EngineTransport::messageReceived, q,
                     [this](const QByteArray &data, bool binary) { onEngineMessage(data, binary); });
    QObject::connect(m_transport, &EngineTransport::closed, q,
                     [this](const QString &reason) { onConnectionLost(reason); });
    m_connectTimer->setSingleShot(true);
    m_reconnectTimer->setSingleShot(true);
    // A coarse timer may fire (and report its remaining time) 5 % late; reconnectIn() should
    // never exceed the delay that reconnectScheduled() announced.
    m_reconnectTimer->setTimerType(Qt::PreciseTimer);
    QObject::connect(m_connectTimer, &QTimer::timeout, q, [this] { onConnectionLost(kConnectTimeout); });
    QObject::connect(m_reconnectTimer, &QTimer::timeout, q, [this] {
        qCDebug(lcClient) << "reconnection attempt" << m_backoff.attempts() << "to" << m_url;
        openTransport();
    });
}

void ClientPrivate::setState(Client::State s)
{
    ++m_epoch;
    m_state = s;
}

void ClientPrivate::openTransport()
{
    teardownTransport(false);
    if (m_options.connectTimeoutMs >= 0)
        m_connectTimer->start(m_options.connectTimeoutMs);
    m_transport->open(m_url);
}

void ClientPrivate::teardownTransport(bool graceful)
{
    m_connectTimer->stop();
    m_decoder.reset();
    m_id.clear();
    m_receiveBuffer.clear();
    m_transport->close(graceful);
}

void ClientPrivate::sendPacket(const sio::Packet &packet)
{
    const sio::Encoded encoded = sio::encode(packet);
    m_transport->sendMessage(encoded.text);
    for (const QByteArray &attachment : encoded.attachments)
        m_transport->sendMessage(attachment, true);
}

void ClientPrivate::onEngineMessage(const QByteArray &data, bool binary)
{
    auto fed = binary ? m_decoder.feedBinary(data) : m_decoder.feedText(data);
    if (!fed) {
        qCWarning(lcClient) << (binary ? "unexpected binary frame from" : "bad Socket.IO packet from") << m_url
                            << fed.error();
        onConnectionLost(EngineTransport::kParseError);
        return;
    }
    if (fed->has_value())
        onSocketIoPacket(std::move(**fed));
}

void ClientPrivate::onEngineOpen()
{
    qCDebug(lcClient) << "joining" << m_nsp;
    QJsonObject auth = m_auth;
    // A server with connection state recovery sends offsets (and a pid) only to clients that
    // ask; we keep both, so we always ask. Servers without it ignore the key.
    if (!auth.contains(QLatin1String("recovery")))
        auth.insert(QStringLiteral("recovery"), true);
    if (!m_pid.isEmpty()) {
        // As socket.io-client: the application's own auth keys win.
        if (!auth.contains(QLatin1String("pid")))
            auth.insert(QStringLiteral("pid"), m_pid);
        if (!m_lastOffset.isEmpty() && !auth.contains(QLatin1String("offset")))
            auth.insert(QStringLiteral("offset"), m_lastOffset);
    }
    sendPacket(sio::Packet::connect(m_nsp, auth));
}

void ClientPrivate::onSocketIoPacket(sio::Packet packet)
{
    if (packet.nsp != m_nsp) {
        qCDebug(lcClient) << "ignoring packet for namespace" << packet.nsp;
        return;
    }
    switch (packet.type) {
    case sio::PacketType::Connect: {
        if (m_state == Client::State::Connected)
            return;
        const QString sid = packet.data.toObject().value(QLatin1String("sid")).toString();
        if (sid.isEmpty()) {
            qCWarning(lcClient) << "CONNECT without a sid from" << m_url;
            onConnectionLost(EngineTransport::kParseError);
            return;
        }
        onNamespaceConnected(sid, packet.data.toObject().value(QLatin1String("pid")).toString());
        return;
    }
    case sio::PacketType::ConnectError: {
        // v5 sends {"message": ...}; older servers sent the bare string.
        QString message = packet.data.isObject() ? packet.data.toObject().value(QLatin1String("message")).toString()
                                                 : packet.data.toString();
        if (message.isEmpty())
            message = QStringLiteral("connection refused");
        onConnectError(message);
        return;
    }
    case sio::PacketType::Disconnect:
        onServerDisconnect();
        return;
    case sio::PacketType::Event:
    case sio::PacketType::BinaryEvent: {
        if (m_state != Client::State::Connected) {
            // Bounded by the connect timeout and the server's own limits; an event is small.
            if (m_receiveBuffer.size() < 10000)
                m_receiveBuffer.append(std::move(packet));
            else
                qCWarning(lcClient) << "dropping an event before CONNECT: too many waiting";
            return;
        }
        const QString name = packet.eventName();
        const QJsonArray args = packet.eventArgs();
        const auto *previous = m_currentAttachments;
        m_currentAttachments = &packet.attachments;
        QPointer<Client> guard(q);
        Q_EMIT q->eventReceived(name, args, packet.id);
        if (!guard)
            return;
        m_currentAttachments = previous;
        // A server with connection state recovery appends the event's offset as its last
        // argument; having handled the event, the next CONNECT asks for what came after it.
        if (!m_pid.isEmpty() && !args.isEmpty() && args.last().isString())
            m_lastOffset = args.last().toString();
        return;
    }
    case sio::PacketType::Ack:
    case sio::PacketType::BinaryAck:
        onAck(packet);
        return;
    }
}

void ClientPrivate::onNamespaceConnected(const QString &socketId, const QString &pid)
{
    m_connectTimer->stop();
    m_reconnectTimer->stop();
    m_backoff.reset();
    m_errorString.clear();
    setState(Client::State::Connected);
    m_id = socketId;
    m_recovered = !pid.isEmpty() && pid == m_pid;
    m_pid = pid;
    if (!m_recovered)
        m_lastOffset.clear();
    const quint64 epoch = m_epoch;
    qCDebug(lcClient) << "connected to" << m_nsp << "as" << socketId << (m_recovered ? "(recovered)" : "");
    // A new server-side socket is in no room; the rooms go first so that buffered emits that
    // rely on them (and replies to them) find the client there. A recovered one kept its rooms
    // and lacks only those asked for while away.
    const QStringList rooms = m_recovered ? m_roomsAddedOffline : m_rooms;
    m_roomsAddedOffline.clear();
    for (const QString &room : rooms)
        sendPacket(sio::Packet::event(m_nsp, QStringLiteral("join"), QJsonArray{room}));
    const QList<sio::Packet> buffered = std::exchange(m_sendBuffer, {});
    for (const sio::Packet &packet : buffered)
        sendPacket(packet);
    Q_EMIT q->stateChanged(Client::State::Connected);
    if (still(epoch))
        Q_EMIT q->connected();
    // The events that came before the CONNECT, in order, unless a slot has moved on.
    const QList<sio::Packet> early = std::exchange(m_receiveBuffer, {});
    for (const sio::Packet &packet : early) {
        if (!still(epoch))
            return;
        onSocketIoPacket(packet);
    }
}

void ClientPrivate::onAck(const sio::Packet &packet)
{
    const auto it = m_acks.find(packet.id);
    if (it == m_acks.end()) {
        qCDebug(lcClient) << "ack for unknown id" << packet.id;
        return;
    }
    PendingAck pending = std::move(it->second);
    m_acks.erase(it);
    if (pending.timer)
        pending.timer->deleteLater();
    if (!pending.onAck)
        return;
    const auto *previous = m_currentAttachments;
    m_currentAttachments = &packet.attachments;
    QPointer<Client> guard(q);
    pending.onAck(packet.data.toArray());
    if (guard)
        m_currentAttachments = previous;
}

void ClientPrivate::onAckTimeout(qint64 ackId)
{
    const auto it = m_acks.find(ackId);
    if (it == m_acks.end())
        return;
    PendingAck pending = std::move(it->second);
    m_acks.erase(it);
    if (pending.timer)
        pending.timer->deleteLater();
    // As socket.io-client: a timed-out emit that is still buffered is never sent.
    m_sendBuffer.removeIf([ackId](const sio::Packet &p) { return p.id == ackId; });
    if (pending.onTimeout)
        pending.onTimeout();
}

void ClientPrivate::dropSentAcksWithoutTimeout()
{
    // The server-side socket that owed these answers is gone; acks with a timeout keep it and
    // report it, as the API promises, the others would wait forever.
    for (auto it = m_acks.begin(); it != m_acks.end();) {
        const qint64 ackId = it->first;
        const bool buffered = std::any_of(m_sendBuffer.cbegin(), m_sendBuffer.cend(),
                                          [ackId](const sio::Packet &p) { return p.id == ackId; });
        if (!buffered && !it->second.timer)
            it = m_acks.erase(it);
        else
            ++it;
    }
}

void ClientPrivate::onConnectError(const QString &message)
{
    qCWarning(lcClient) << "namespace" << m_nsp << "refused:" << message;
    // socket.io-client does not retry a refused namespace: the application decides.
    const bool wasConnected = m_state == Client::State::Connected;
    teardownTransport(true);
    m_reconnectTimer->stop();
    m_backoff.reset();
    m_errorString = message;
    dropSentAcksWithoutTimeout();
    setState(Client::State::Disconnected);
    const quint64 epoch = m_epoch;
    Q_EMIT q->stateChanged(Client::State::Disconnected);
    if (wasConnected && still(epoch))
        Q_EMIT q->disconnected(message);
    if (still(epoch))
        Q_EMIT q->connectError(message);
}

void ClientPrivate::onServerDisconnect()
{
    // socket.io-client does not reconnect after the server kicked the socket on purpose.
    const bool wasConnected = m_state == Client::State::Connected;
    qCDebug(lcClient) << "server disconnected" << m_nsp;
    teardownTransport(true);
    m_reconnectTimer->stop();
    m_backoff.reset();
    m_errorString = kServerDisconnect;
    dropSentAcksWithoutTimeout();
    setState(Client::State::Disconnected);
    const quint64 epoch = m_epoch;
    Q_EMIT q->stateChanged(Client::State::Disconnected);
    if (wasConnected && still(epoch))
        Q_EMIT q->disconnected(kServerDisconnect);
}

void ClientPrivate::onConnectionLost(const QString &reason)
{
    if (m_state == Client::State::Disconnected)
        return;
    const bool wasConnected = m_state == Client::State::Connected;
    qCDebug(lcClient) << (wasConnected ? "connection lost:" : "attempt failed:") << reason << m_url;
    teardownTransport(false);
    m_errorString = reason;
    dropSentAcksWithoutTimeout();
    if (wasConnected) {
        // socket.io-client's Manager.onclose: a fresh backoff for a fresh outage.
        m_backoff.reset();
        setState(m_options.reconnection ? Client::State::Reconnecting : Client::State::Disconnected);
        const quint64 epoch = m_epoch;
        Q_EMIT q->stateChanged(m_state);
        if (!still(epoch))
            return;
        Q_EMIT q->disconnected(reason);
        if (!still(epoch) || !m_options.reconnection)
            return;
        scheduleReconnect(epoch);
        return;
    }
    if (!m_options.reconnection) {
        setState(Client::State::Disconnected);
        Q_EMIT q->stateChanged(m_state);
        return;
    }
    scheduleReconnect(m_epoch);
}

void ClientPrivate::scheduleReconnect(quint64 epoch)
{
    if (m_options.reconnectionAttempts >= 0 && m_backoff.attempts() >= m_options.reconnectionAttempts) {
        qCDebug(lcClient) << "giving up after" << m_backoff.attempts() << "attempts";
        m_backoff.reset();
        setState(Client::State::Disconnected);
        const quint64 failedEpoch = m_epoch;
        Q_EMIT q->stateChanged(m_state);
        if (still(failedEpoch))
            Q_EMIT q->reconnectFailed();
        return;
    }
    const int delay = m_backoff.duration();
    const int attempt = m_backoff.attempts();
    m_reconnectTimer->start(delay);
    if (m_state != Client::State::Reconnecting) {
        setState(Client::State::Reconnecting);
        epoch = m_epoch;
        Q_EMIT q->stateChanged(m_state);
    }
    if (still(epoch))
        Q_EMIT q->reconnectScheduled(attempt, delay);
}

Client::Client(const QUrl &url, QObject *parent)
    : Client(url, Options{}, parent)
{ }

Client::Client(const QUrl &url, const Options &options, QObject *parent)
    : Client(url, options, nullptr, parent)
{ }

Client::Client(const QUrl &url, const Options &options, EngineTransport *transport, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<ClientPrivate>(this, url, options, transport))
{ }

Client::~Client()
{
    d->m_reconnectTimer->stop();
    d->teardownTransport(false);
}

QUrl Client::url() const
{
    return d->m_url;
}

QString Client::nsp() const
{
    return d->m_nsp;
}

Client::State Client::state() const
{
    return d->m_state;
}

QString Client::id() const
{
    return d->m_state == State::Connected ? d->m_id : QString();
}

bool Client::isRecovered() const
{
    return d->m_state == State::Connected && d->m_recovered;
}

int Client::reconnectIn() const
{
    if (d->m_state != State::Reconnecting)
        return -1;
    // 0 while the attempt itself is under way.
    if (!d->m_reconnectTimer->isActive())
        return 0;
    return std::clamp(d->m_reconnectTimer->remainingTime(), 0, d->m_reconnectTimer->interval());
}

void Client::setAuth(const QJsonObject &auth)
{
    d->m_auth = auth;
}

void Client::setAuthValue(const QString &key, const QJsonValue &value)
{
    d->m_auth.insert(key, value);
}

void Client::connectToHub()
{
    // Already connected, or an attempt is under way or scheduled: like socket.connect().
    if (d->m_state != State::Disconnected)
        return;
    d->m_backoff.reset();
    d->m_errorString.clear();
    d->setState(State::Connecting);
    const quint64 epoch = d->m_epoch;
    Q_EMIT stateChanged(State::Connecting);
    if (d->still(epoch))
        d->openTransport();
}

void Client::disconnectFromHub()
{
    if (d->m_state == State::Disconnected)
        return;
    const bool wasConnected = d->m_state == State::Connected;
    d->m_reconnectTimer->stop();
    if (wasConnected)
        d->sendPacket(sio::Packet::disconnect(d->m_nsp));
    d->teardownTransport(true);
    d->m_backoff.reset();
    d->dropSentAcksWithoutTimeout();
    d->setState(State::Disconnected);
    const quint64 epoch = d->m_epoch;
    Q_EMIT stateChanged(State::Disconnected);
    if (wasConnected && d->still(epoch))
        Q_EMIT disconnected(kClientDisconnect);
}

void Client::emitEvent(const QString &event, const QJsonArray &args)
{
    if (sio::isReservedEventName(event)) {
        qCWarning(lcClient) << "not emitting reserved event name" << event;
        return;
    }
    auto packet = sio::Packet::event(d->m_nsp, event, args);
    if (d->m_state == State::Connected)
        d->sendPacket(packet);
    else
        d->m_sendBuffer.append(std::move(packet));
}

void Client::emitWithAck(const QString &event, const QJsonArray &args, AckCallback onAck, int timeoutMs,
                         AckTimeoutCallback onTimeout)
{
    if (sio::isReservedEventName(event)) {
        qCWarning(lcClient) << "not emitting reserved event name" << event;
        return;
    }
    const qint64 ackId = d->m_nextAckId++;
    ClientPrivate::PendingAck pending{std::move(onAck), std::move(onTimeout), nullptr};
    if (timeoutMs >= 0) {
        pending.timer = new QTimer(this);
        pending.timer->setSingleShot(true);
        connect(pending.timer, &QTimer::timeout, this, [this, ackId] { d->onAckTimeout(ackId); });
        pending.timer->start(timeoutMs);
    }
    d->m_acks.emplace(ackId, std::move(pending));
    auto packet = sio::Packet::event(d->m_nsp, event, args, ackId);
    if (d->m_state == State::Connected)
        d->sendPacket(packet);
    else
        d->m_sendBuffer.append(std::move(packet));
}

void Client::joinRoom(const QString &room)
{
    if (d->m_rooms.contains(room))
        return;
    d->m_rooms.append(room);
    if (d->m_state == State::Connected)
        d->sendPacket(sio::Packet::event(d->m_nsp, QStringLiteral("join"), QJsonArray{room}));
    else
        d->m_roomsAddedOffline.append(room);
}

QStringList Client::rooms() const
{
    return d->m_rooms;
}

int Client::bufferedCount() const
{
    return int(d->m_sendBuffer.size());
}

QList<QByteArray> Client::currentAttachments() const
{
    return d->m_currentAttachments ? *d->m_currentAttachments : QList<QByteArray>{};
}

QString Client::errorString() const
{
    return d->m_errorString;
}

void Client::sendAck(qint64 ackId, const QJsonArray &args)
{
    if (ackId < 0)
        return;
    if (d->m_state != State::Connected) {
        // The server-side socket that asked is gone; a new one would not know the id.
        qCDebug(lcClient) << "dropping ack" << ackId << "while not connected";
        return;
    }
    d->sendPacket(sio::Packet::ack(d->m_nsp, ackId, args));
}

} // namespace caps
