#include "server/outgoingmessage.h"

namespace caps {

OutgoingMessage OutgoingMessage::fromPacket(const sio::Packet &packet)
{
    sio::Encoded encoded = sio::encode(packet);
    OutgoingMessage m;
    m.text.reserve(encoded.text.size() + 1);
    m.text.append('4').append(encoded.text);
    m.webSocketText = QString::fromUtf8(m.text);
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
    m.text.reserve(data.size() + 1);
    m.text.append('4').append(data);
    m.webSocketText = QString::fromUtf8(m.text);
    return m;
}

} // namespace caps
