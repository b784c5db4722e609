#include "server/outgoingmessage.h"

#include "protocol/engineio.h"

namespace caps {

OutgoingMessage OutgoingMessage::fromPacket(const sio::Packet &packet)
{
    sio::Encoded encoded = sio::encode(packet);
    OutgoingMessage m = engineMessage(encoded.text, false);
    m.attachments = std::move(encoded.attachments);
    return m;
}

OutgoingMessage OutgoingMessage::engineMessage(const QByteArray &data, bool binary)
{
    OutgoingMessage m;
    if (binary) {
        m.attachments.append(data);
        return m;
    }
    m.text = eio::encodeText(eio::Packet::message(data));
    m.makeWebSocketForms();
    return m;
}

void OutgoingMessage::makeWebSocketForms()
{
    webSocketText = QString::fromUtf8(text);
    webSocketFrame = textFrame(text);
}

QByteArray OutgoingMessage::textFrame(const QByteArray &utf8)
{
    const auto size = quint64(utf8.size());
    QByteArray frame;
    frame.reserve(qsizetype(size) + 10);
    frame.append(char(0x81)); // FIN, opcode 1 (text)
    if (size < 126) {
        frame.append(char(size)); // no mask bit: server to client
    } else if (size <= 0xFFFF) {
        frame.append(char(126));
        frame.append(char(size >> 8));
        frame.append(char(size & 0xFF));
    } else {
        frame.append(char(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.append(char((size >> shift) & 0xFF));
    }
    frame.append(utf8);
    return frame;
}

} // namespace caps
