#pragma once

#include "server/httprequest.h"
#include "server/serveroptions.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <QTcpSocket>

namespace caps {

// One TCP connection speaking HTTP/1.1: reads one request at a time (head limited to
// maxHeaderSize, body to maxPayload), hands it on, and writes the answer. Keep-alive is
// honoured; the next request is read only once the current one is answered, which is what a
// long-polling GET needs. A WebSocket upgrade request is left unread in the socket so that
// QWebSocketServer can do the handshake.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, const ServerOptions &options, QObject *parent = nullptr);
    ~HttpConnection() override;

    [[nodiscard]] const HttpRequest &request() const { return m_request; }
    [[nodiscard]] QHostAddress peerAddress() const { return m_socket ? m_socket->peerAddress() : QHostAddress(); }

    // More header lines for an answer: name and value, without CRLF.
    using HeaderList = QList<QPair<QByteArray, QByteArray>>;

    // Answers the current request. CORS headers are added as ServerOptions::corsOrigins says;
    // the answer to a HEAD request has the head only.
    void respond(int status, const QByteArray &body, const QByteArray &contentType = "text/plain; charset=UTF-8",
                 const HeaderList &headers = {});
    // Answers 400 with engine.io's JSON error body.
    void respondError(int status, int code, const QString &message);
    // Gives up the socket, head still unread, for a WebSocket handshake; this object is then
    // inert and deletes itself.
    [[nodiscard]] QTcpSocket *takeSocket();
    void abort();

signals:
    void requestReceived(caps::HttpConnection *connection);
    void upgradeRequested(caps::HttpConnection *connection);
    // The peer went away; a request still awaiting its answer is dropped.
    void closed(caps::HttpConnection *connection);

private:
    enum class State { ReadingHead, ReadingBody, Handling, Upgrading, Closed };

    void onReadyRead();
    void onDisconnected();
    void readHead();
    void readBody();
    void fail(int status, const QByteArray &reason);
    void writeResponse(int status, const QByteArray &body, const QByteArray &contentType, bool keepAlive,
                       const HeaderList &headers = {});

    QPointer<QTcpSocket> m_socket;
    const ServerOptions &m_options;
    State m_state = State::ReadingHead;
    HttpRequest m_request;
    qint64 m_bodyExpected = 0;
    QTimer m_idleTimer;
};

} // namespace caps
