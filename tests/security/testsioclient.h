#pragma once

// A minimal, well-behaved Socket.IO client on the WebSocket transport for the tests that drive
// a real caps-hub, built on our codecs so that they depend on nothing but the hub.

#include "protocol/engineio.h"
#include "protocol/socketio.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QSslConfiguration>
#include <QTest>
#include <QWebSocket>

#include <optional>

class SioClient : public QObject
{
public:
    struct Event
    {
        QString name;
        QJsonArray args;
    };

    // `scheme` ws or wss; `auth` goes in the CONNECT packet when not empty.
    explicit SioClient(quint16 port, const QJsonObject &auth = {}, const QString &nsp = QStringLiteral("/caps"),
                       const QString &scheme = QStringLiteral("ws"),
                       const std::optional<QSslConfiguration> &tls = std::nullopt, QObject *parent = nullptr)
        : QObject(parent)
        , m_nsp(nsp)
        , m_auth(auth)
    {
        connect(&m_ws, &QWebSocket::textMessageReceived, this, [this](const QString &text) { onText(text.toUtf8()); });
        connect(&m_ws, &QWebSocket::disconnected, this, [this] { m_closed = true; });
        if (tls)
            m_ws.setSslConfiguration(*tls);
        const QString host = scheme == QLatin1String("wss") ? QStringLiteral("localhost") : QStringLiteral("127.0.0.1");
        m_ws.open(QUrl(QStringLiteral("%1://%2:%3/socket.io/?EIO=4&transport=websocket").arg(scheme, host).arg(port)));
    }

    // Joined the namespace, or refused / closed (false).
    bool waitJoined(int ms = 10000)
    {
        return QTest::qWaitFor([this] { return m_joined || m_closed || !m_connectError.isEmpty(); }, ms) && m_joined;
    }
    bool waitClosed(int ms)
    {
        return QTest::qWaitFor([this] { return m_closed; }, ms);
    }
    bool waitOpened(int ms = 10000)
    {
        return QTest::qWaitFor([this] { return m_opened || m_closed; }, ms) && m_opened;
    }
    [[nodiscard]] bool isClosed() const { return m_closed; }
    [[nodiscard]] bool isJoined() const { return m_joined; }
    [[nodiscard]] QString connectError() const { return m_connectError; }
    // The CONNECT answer's data: { sid } and, with connection state recovery, { pid }.
    [[nodiscard]] const QJsonObject &connectData() const { return m_connectData; }
    QWebSocket &socket() { return m_ws; }

    void emitEvent(const QString &name, const QJsonArray &args, qint64 ackId = -1)
    {
        m_ws.sendTextMessage(
            QString::fromUtf8('4' + caps::sio::encode(caps::sio::Packet::event(m_nsp, name, args, ackId)).text));
    }
    // Emits with an ack id and returns it; ack(id) has the answer once it came.
    qint64 emitWithAck(const QString &name, const QJsonArray &args)
    {
        const qint64 id = m_nextAckId++;
        emitEvent(name, args, id);
        return id;
    }
    std::optional<QJsonArray> waitAck(qint64 id, int ms = 10000)
    {
        (void)QTest::qWaitFor([&] { return m_acks.contains(id) || m_closed; }, ms);
        if (!m_acks.contains(id))
            return std::nullopt;
        return m_acks.value(id);
    }
    void sendRaw(const QByteArray &text) { m_ws.sendTextMessage(QString::fromUtf8(text)); }

    // Waits for `name` whose first argument has orderID `orderId`.
    bool waitOrderEvent(const QString &name, const QString &orderId, int ms)
    {
        return QTest::qWaitFor([&] { return findOrderEvent(name, orderId) || m_closed; }, ms)
            && findOrderEvent(name, orderId);
    }
    [[nodiscard]] bool findOrderEvent(const QString &name, const QString &orderId) const
    {
        for (const Event &e : m_events) {
            if (e.name == name && e.args.first().toObject().value(QLatin1String("orderID")).toString() == orderId)
                return true;
        }
        return false;
    }
    [[nodiscard]] const QList<Event> &events() const { return m_events; }
    // Forget what came so far (a flood of pickups), so that searches stay short.
    void clearEvents() { m_events.clear(); }

    // Text bytes received so far: what the hub sent this client.
    qint64 receivedBytes = 0;

private:
    void onText(const QByteArray &frame)
    {
        receivedBytes += frame.size();
        const auto packet = caps::eio::decodeTextFrame(frame);
        if (!packet)
            return;
        switch (packet->type) {
        case caps::eio::PacketType::Open: {
            m_opened = true;
            caps::sio::Packet connectPacket = caps::sio::Packet::connect(m_nsp, m_auth);
            m_ws.sendTextMessage(QString::fromUtf8('4' + caps::sio::encode(connectPacket).text));
            break;
        }
        case caps::eio::PacketType::Ping:
            m_ws.sendTextMessage(QStringLiteral("3"));
            break;
        case caps::eio::PacketType::Message: {
            auto sio = m_decoder.feedText(packet->data);
            if (!sio || !sio->has_value())
                return;
            const caps::sio::Packet &p = **sio;
            if (p.type == caps::sio::PacketType::Connect && p.nsp == m_nsp) {
                m_joined = true;
                m_connectData = p.data.toObject();
            } else if (p.type == caps::sio::PacketType::ConnectError)
                m_connectError = p.data.toObject().value(QLatin1String("message")).toString();
            else if (p.type == caps::sio::PacketType::Event)
                m_events.append({p.eventName(), p.eventArgs()});
            else if (p.type == caps::sio::PacketType::Ack)
                m_acks.insert(p.id, p.data.toArray());
            break;
        }
        default:
            break;
        }
    }

    QWebSocket m_ws;
    QString m_nsp;
    QJsonObject m_auth;
    caps::sio::Decoder m_decoder;
    bool m_opened = false;
    bool m_joined = false;
    bool m_closed = false;
    QString m_connectError;
    QJsonObject m_connectData;
    QList<Event> m_events;
    QHash<qint64, QJsonArray> m_acks;
    qint64 m_nextAckId = 0;
};
