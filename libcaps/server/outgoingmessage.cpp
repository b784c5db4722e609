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
    m.webSocketText = QString::fromUtf8(m.text);
    return m;
}

} // namespace caps
