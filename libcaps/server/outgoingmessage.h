#pragma once

#include "protocol/socketio.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace caps {

// A Socket.IO packet encoded once for every recipient: the Engine.IO text message and the
// binary attachments. A broadcast builds one and hands the same (implicitly shared) bytes to
// each session, so no recipient costs a JSON serialisation.
struct OutgoingMessage
{
    QByteArray text; // Engine.IO text packet: "4" + Socket.IO text
    QString webSocketText; // `text` as QWebSocket::sendTextMessage() wants it, made once
    // `text` as one WebSocket text frame (RFC 6455 5.2). A server's frames are unmasked, so these
    // are the same bytes for every recipient: a session writes them to its socket as they are,
    // with no UTF-8 conversion and no frame built per recipient (that was most of the cost of
    // a fan-out). Empty: the session falls back to sendTextMessage(webSocketText).
    QByteArray webSocketFrame;
    QList<QByteArray> attachments; // each one binary Engine.IO message

    [[nodiscard]] static OutgoingMessage fromPacket(const sio::Packet &packet);
    // One raw Engine.IO message, for servers without Socket.IO on top (caps-echo-server --engine-io).
    [[nodiscard]] static OutgoingMessage engineMessage(const QByteArray &data, bool binary);
    // The WebSocket forms of `text` (webSocketText, webSocketFrame), made again after a holder
    // dropped them to save memory (RecoveryLog).
    void makeWebSocketForms();
    [[nodiscard]] static QByteArray textFrame(const QByteArray &utf8);
};

} // namespace caps
