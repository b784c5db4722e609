#pragma once

#include "server/inmemoryadapter.h"

namespace caps {

class PostgresBus;

// The Adapter of one namespace on a server that is one of several (socket.io's
// @socket.io/postgres-adapter): rooms and recovery stay in memory, as InMemoryAdapter keeps
// them, and every broadcast that may reach a socket on another server is also published on the
// namespace's channel of the PostgresBus with its targets (room names). What another server
// publishes is delivered here as a broadcast of this server's own, to its local sockets.
//
// A broadcast to sockets' own rooms only, all of them here, stays here: a socket id exists on one
// server. (That is every direct emit with connection state recovery, which goes through the
// adapter to keep its offset.)
class PostgresAdapter final : public InMemoryAdapter
{
    Q_OBJECT
public:
    // `bus` must outlive the adapter.
    PostgresAdapter(PostgresBus *bus, const QString &nsp,
                    const std::optional<RecoveryLog::Options> &recovery = std::nullopt, QObject *parent = nullptr);

    void broadcast(sio::Packet packet, const QList<BroadcastTarget> &targets) override;

    // Broadcasts published, and delivered from other servers (for tests and the log).
    [[nodiscard]] qint64 published() const { return m_published; }
    [[nodiscard]] qint64 delivered() const { return m_delivered; }

signals:
    // A broadcast from another server was delivered here (after its local sends).
    void remoteBroadcastDelivered();

private:
    [[nodiscard]] bool staysHere(const QList<BroadcastTarget> &targets) const;
    void onReceived(const QString &channel, const QJsonObject &message);

    PostgresBus *m_bus;
    QString m_nsp;
    QString m_channel;
    qint64 m_published = 0;
    qint64 m_delivered = 0;
};

} // namespace caps
