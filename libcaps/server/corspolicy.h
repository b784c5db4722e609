#pragma once

#include "server/httprequest.h"

#include <QByteArray>
#include <QStringList>

namespace caps {

// Which web pages may talk to the server (ServerOptions::corsOrigins): the server's own pages
// (an Origin naming the Host the request went to), programs that send no Origin (Node, Python,
// Qt clients), and the origins listed; "*" lets any page in, as socket.io's cors: { origin: '*' }.
// The answers follow the `cors` package engine.io uses: the origin echoed with Vary: Origin and
// credentials allowed, a preflight answered 204 with the methods and the requested headers.
// Browsers do not apply CORS to WebSocket, so the server refuses a foreign Origin itself.
class CorsPolicy
{
public:
    explicit CorsPolicy(QStringList origins)
        : m_origins(std::move(origins))
    { }

    // Whether the page behind `request` (if any) may use the server at all.
    [[nodiscard]] bool allows(const HttpRequest &request) const;
    // The Access-Control-* lines (each ending in CRLF) to add to the answer to `request`.
    [[nodiscard]] QByteArray headers(const HttpRequest &request) const;

    // "http://host:port" or "https://…" with nothing after it: a value --cors-origin accepts.
    [[nodiscard]] static bool isValidOrigin(const QString &origin);

private:
    [[nodiscard]] bool isListed(const QByteArray &origin) const;

    QStringList m_origins;
};

} // namespace caps
