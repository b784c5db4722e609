#pragma once

#include "protocol/socketio.h"
#include "server/recoverylog.h"

#include <QSslConfiguration>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace caps {

class Adapter;

// Everything a Server can be tuned with. Defaults are those of Node's socket.io 4 / engine.io 6,
// so that a socket.io-client program meets the same timings against us as against Node.
struct ServerOptions
{
    // Engine.IO
    QString path = QStringLiteral("/socket.io/");
    int pingInterval = 25000; // ms between two server pings
    int pingTimeout = 20000; // ms to wait for the pong
    qint64 maxPayload = 1000000; // bytes: a POST body, a WebSocket message
    int upgradeTimeout = 10000; // ms for a probing WebSocket to finish the upgrade
    // The web pages that may connect besides the server's own (caps::CorsPolicy): origins such
    // as "https://shop.example", or "*" for any (socket.io's cors: { origin: '*' }). Empty: only
    // same-origin pages, and clients that send no Origin.
    QStringList corsOrigins{QStringLiteral("*")};
    // Engine.IO 3 clients (socket.io 2.x) too, as Node's allowEIO3; off by default, as there.
    // Their Socket.IO protocol is v4: see ClientConnection.
    bool allowEio3 = false;

    // Socket.IO
    int connectTimeout = 45000; // ms for a connection to join its first namespace
    sio::Limits parserLimits;
    // Connection state recovery (socket.io's connectionStateRecovery.maxDisconnectionDuration):
    // how long a dropped socket's session and the events it missed are kept; 0 = off, as in
    // socket.io. The kept events are bounded by recoveryMaxBytes and the sessions by
    // recoveryMaxSessions (per namespace; oldest go first). See caps::RecoveryLog.
    int recoveryWindow = 0;
    qint64 recoveryMaxBytes = qint64(64) * 1024 * 1024;
    int recoveryMaxSessions = 100000;
    // Makes the Adapter of each namespace (its rooms, broadcasts and recovery sessions), given
    // the namespace's name: the seam where several hubs share them. Empty: an InMemoryAdapter,
    // with recovery as set above.
    std::function<std::unique_ptr<Adapter>(const QString &nsp)> adapterFactory;
    // What the recovery options above ask of an Adapter; nullopt: no recovery. For the default
    // adapter and any adapterFactory alike.
    [[nodiscard]] std::optional<RecoveryLog::Options> recovery() const
    {
        if (recoveryWindow <= 0)
            return std::nullopt;
        return RecoveryLog::Options{recoveryWindow, recoveryMaxBytes, recoveryMaxSessions};
    }

    // Plain HTTP and WebSocket handshakes
    qint64 maxHeaderSize = 16384; // bytes of request line + headers
    int httpIdleTimeout = 30000; // ms a connection may sit without a complete request
    int handshakeTimeout = 10000; // ms for a WebSocket handshake (QWebSocketServer gives none
        // to sockets passed through handleConnection())

    // Limits (0 = unlimited)
    int maxSessions = 0; // Engine.IO sessions open at once
    int maxConnectionsPerIp = 0; // TCP connections from one address (SecureTcpServer's ConnectionLimiter)
    int eventsPerSecond = 0; // events per connection (caps::RateLimiter) ...
    int eventBurst = 40; // ... its bucket; this many refusals in a row disconnect
    // A session with more than maxBufferedBytes waiting to be sent (WebSocket write buffer, or
    // the long-polling buffer) must take at least maxBufferedBytes per sendStallTimeout ms until
    // it is back under the limit, or it is dropped as a client that does not read: otherwise
    // one stalled peer keeps a copy of every broadcast. A client that is merely behind a burst
    // (it keeps reading) is not dropped.
    qint64 maxBufferedBytes = qint64(8) * 1024 * 1024;
    int sendStallTimeout = 2000;
    int listenBacklog = 511; // as Node's net.Server

    // HTTPS and WSS on the one port when set (caps::serverTlsConfiguration()).
    std::optional<QSslConfiguration> tls;
};

} // namespace caps
