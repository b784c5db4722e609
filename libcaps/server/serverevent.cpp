#include "server/serverevent.h"

#include "server/serversocket.h"

namespace caps {

ServerEvent::ServerEvent(ServerSocket *socket, sio::Packet packet)
    : m_socket(socket)
    , m_packet(std::move(packet))
    , m_name(m_packet.eventName())
{ }

QJsonValue ServerEvent::arg(qsizetype i) const
{
    const QJsonArray data = m_packet.data.toArray();
    return i + 1 < data.size() ? data.at(i + 1) : QJsonValue(QJsonValue::Undefined);
}

void ServerEvent::ack(const QJsonArray &args, const QList<QByteArray> &attachments) const
{
    if (m_socket && wantsAck())
        m_socket->sendAck(sio::Packet::ack(m_packet.nsp, m_packet.id, args, attachments));
}

void ServerEvent::ackRaw(const QByteArray &argsJson) const
{
    if (!m_socket || !wantsAck())
        return;
    sio::Packet packet = sio::Packet::ack(m_packet.nsp, m_packet.id, {});
    packet.rawData = argsJson;
    m_socket->sendAck(packet);
}

} // namespace caps
