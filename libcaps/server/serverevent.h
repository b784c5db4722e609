#pragma once

#include "protocol/socketio.h"

#include <QJsonArray>
#include <QPointer>
#include <QString>

namespace caps {

class ServerSocket;

// An event a client emitted, as a handler receives it. The packet is kept whole, rawData
// included, so that a relay can send the payload on byte for byte.
class ServerEvent
{
public:
    ServerEvent() = default;
    ServerEvent(ServerSocket *socket, sio::Packet packet);

    [[nodiscard]] QString name() const { return m_name; }
    [[nodiscard]] QJsonArray args() const { return m_packet.eventArgs(); }
    // Argument i (0 = the first after the name); Undefined when absent.
    [[nodiscard]] QJsonValue arg(qsizetype i) const;
    [[nodiscard]] const QList<QByteArray> &attachments() const { return m_packet.attachments; }
    [[nodiscard]] const sio::Packet &packet() const { return m_packet; }
    [[nodiscard]] ServerSocket *socket() const { return m_socket; }

    // The client passed a callback: answer it with ack(), once.
    [[nodiscard]] bool wantsAck() const { return m_packet.id >= 0; }
    void ack(const QJsonArray &args = {}, const QList<QByteArray> &attachments = {}) const;
    // The same, with the JSON text of the argument array written as is (e.g. `[{"ok":true}]`).
    void ackRaw(const QByteArray &argsJson) const;

private:
    QPointer<ServerSocket> m_socket;
    sio::Packet m_packet;
    QString m_name;
};

} // namespace caps
