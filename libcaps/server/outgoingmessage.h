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
    QList<QByteArray> attachments; // each one binary Engine.IO message

    [[nodiscard]] static OutgoingMessage fromPacket(const sio::Packet &packet);
    // One raw Engine.IO message, for servers without Socket.IO on top (caps-echo-server --engine-io).
    [[nodiscard]] static OutgoingMessage engineMessage(const QByteArray &data, bool binary);
};

} // namespace caps
