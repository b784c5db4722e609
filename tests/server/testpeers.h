#pragma once

// Raw Engine.IO / Socket.IO peers for the server tests: a WebSocket peer that records every
// frame, and blocking HTTP helpers over QNetworkAccessManager and a plain QTcpSocket.

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

namespace testpeers {

inline QUrl engineUrl(quint16 port, const QString &query, const QString &scheme = QStringLiteral("http"))
{
    return QUrl(QStringLiteral("%1://127.0.0.1:%2/socket.io/?%3").arg(scheme).arg(port).arg(query));
}

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QByteArray allowOrigin;
};

inline HttpResult finish(QNetworkReply *reply, int timeoutMs = 5000)
{
    if (!reply->isFinished())
        (void)QTest::qWaitFor([reply] { return reply->isFinished(); }, timeoutMs);
    HttpResult r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.contentType = reply->rawHeader("Content-Type");
    r.allowOrigin = reply->rawHeader("Access-Control-Allow-Origin");
    reply->deleteLater();
    return r;
}

inline QNetworkReply *startGet(QNetworkAccessManager &nam, const QUrl &url)
{
    return nam.get(QNetworkRequest(url));
}

inline HttpResult get(QNetworkAccessManager &nam, const QUrl &url)
{
    return finish(startGet(nam, url));
}

inline HttpResult post(QNetworkAccessManager &nam, const QUrl &url, const QByteArray &body)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/plain;charset=UTF-8"));
    return finish(nam.post(request, body));
}

inline HttpResult put(QNetworkAccessManager &nam, const QUrl &url, const QByteArray &body)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/plain;charset=UTF-8"));
    return finish(nam.put(request, body));
}

// The sid of an OPEN packet ("0{...}"), empty if it is not one.
inline QString sidOf(const QByteArray &openPacket)
{
    if (!openPacket.startsWith('0'))
        return {};
    return QJsonDocument::fromJson(openPacket.mid(1)).object().value(QStringLiteral("sid")).toString();
}

// Sends raw bytes on a fresh TCP connection; returns what came back until the server closed
// the connection or timeoutMs passed.
inline QByteArray rawExchange(quint16 port, const QByteArray &bytes, int timeoutMs = 3000)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs))
        return {};
    socket.write(bytes);
    QByteArray received;
    (void)QTest::qWaitFor(
        [&] {
            received += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    received += socket.readAll();
    return received;
}

// A WebSocket Engine.IO peer that keeps every frame it receives.
class WsPeer : public QObject
{
public:
    explicit WsPeer(bool answerPings = true)
        : m_answerPings(answerPings)
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            if (m_answerPings && text == QLatin1String("2")) {
                ++pings;
                socket.sendTextMessage(QStringLiteral("3"));
                return;
            }
            if (text == QLatin1String("2"))
                ++pings;
            texts.append(text);
        });
        connect(&socket, &QWebSocket::binaryMessageReceived, this,
                [this](const QByteArray &data) { binaries.append(data); });
        connect(&socket, &QWebSocket::disconnected, this, [this] { closed = true; });
        connect(&socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
                [this] { failed = true; });
    }

    // Opens a WebSocket session (or probes `sid`); returns once connected (and, without sid,
    // once the OPEN packet arrived).
    bool open(quint16 port, const QString &sid = {})
    {
        QString query = QStringLiteral("EIO=4&transport=websocket");
        if (!sid.isEmpty())
            query += QStringLiteral("&sid=") + sid;
        socket.open(engineUrl(port, query, QStringLiteral("ws")));
        if (!QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState || closed || failed; },
                             5000))
            return false;
        if (socket.state() != QAbstractSocket::ConnectedState)
            return false;
        if (!sid.isEmpty())
            return true;
        const QString open = next();
        this->sid = sidOf(open.toUtf8());
        openPacket = open;
        return !this->sid.isEmpty();
    }

    // The oldest text frame not yet taken, waiting up to timeoutMs for one.
    QString next(int timeoutMs = 5000)
    {
        if (texts.isEmpty())
            (void)QTest::qWaitFor([this] { return !texts.isEmpty(); }, timeoutMs);
        return texts.isEmpty() ? QString() : texts.takeFirst();
    }

    QByteArray nextBinary(int timeoutMs = 5000)
    {
        if (binaries.isEmpty())
            (void)QTest::qWaitFor([this] { return !binaries.isEmpty(); }, timeoutMs);
        return binaries.isEmpty() ? QByteArray() : binaries.takeFirst();
    }

    void send(const QString &text) { socket.sendTextMessage(text); }
    void sendBinary(const QByteArray &data) { socket.sendBinaryMessage(data); }

    // Socket.IO CONNECT to `nsp`; returns the server's answer ("40..." or "44...").
    QString connectNamespace(const QString &nsp = QStringLiteral("/"), const QByteArray &auth = {})
    {
        QString packet = QStringLiteral("40");
        if (nsp != QLatin1String("/"))
            packet += nsp + QLatin1Char(',');
        packet += QString::fromUtf8(auth);
        send(packet);
        return next();
    }

    bool waitClosed(int timeoutMs = 5000)
    {
        return QTest::qWaitFor([this] { return closed; }, timeoutMs);
    }

    QWebSocket socket;
    QString sid;
    QString openPacket;
    QStringList texts;
    QList<QByteArray> binaries;
    int pings = 0;
    bool closed = false;
    bool failed = false;

private:
    bool m_answerPings;
};

} // namespace testpeers
