#pragma once

#include "client/enginetransport.h"

class QWebSocket;

namespace caps {

// Engine.IO over a QWebSocket from the start (?transport=websocket, no long-polling first): one
// packet per frame, a binary message as a binary frame of its bytes.
class WebSocketTransport : public EngineTransport
{
    Q_OBJECT
public:
    explicit WebSocketTransport(QObject *parent = nullptr);
    ~WebSocketTransport() override;

    [[nodiscard]] QString name() const override;
    // ws(s)://host:port/socket.io/?EIO=4&transport=websocket
    [[nodiscard]] QUrl endpoint(const QUrl &url) const override;

protected:
    void startConnection(const QUrl &endpoint) override;
    void writePacket(const eio::Packet &packet) override;
    void closeConnection(bool graceful) override;

private:
    void onTextFrame(const QString &frame);

    QWebSocket *m_socket = nullptr;
};

} // namespace caps
