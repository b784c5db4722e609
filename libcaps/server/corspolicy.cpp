#include "server/corspolicy.h"

#include <QUrl>

namespace caps {

namespace {

// The part of an Origin after the scheme: what the Host header of a same-origin request holds.
QByteArray hostOf(const QByteArray &origin)
{
    const qsizetype at = origin.indexOf("://");
    return at < 0 ? QByteArray() : origin.mid(at + 3).toLower();
}

} // namespace

bool CorsPolicy::isListed(const QByteArray &origin) const
{
    for (const QString &allowed : m_origins) {
        if (allowed == QLatin1String("*") || allowed.toLatin1().compare(origin, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool CorsPolicy::allows(const HttpRequest &request) const
{
    if (!request.hasHeader("origin"))
        return true;
    const QByteArray origin = request.header("origin");
    const QByteArray host = request.header("host").toLower();
    return (!host.isEmpty() && hostOf(origin) == host) || isListed(origin);
}

QByteArray CorsPolicy::headers(const HttpRequest &request) const
{
    const QByteArray origin = request.header("origin");
    const bool any = m_origins.contains(QLatin1String("*"));
    // As the cors package: with origin '*' every answer says so, Origin or not.
    if (!any && (origin.isEmpty() || !isListed(origin)))
        return {};
    QByteArray out;
    if (any) {
        out.append("Access-Control-Allow-Origin: *\r\n");
    } else {
        out.append("Access-Control-Allow-Origin: ").append(origin).append("\r\n");
        out.append("Vary: Origin\r\nAccess-Control-Allow-Credentials: true\r\n");
    }
    if (request.method == "OPTIONS") {
        out.append("Access-Control-Allow-Methods: GET, HEAD, PUT, PATCH, POST, DELETE\r\n");
        // As the cors package: the headers the preflight asks for are the ones allowed.
        const QByteArray asked = request.header("access-control-request-headers");
        if (!asked.isEmpty()) {
            out.append("Access-Control-Allow-Headers: ").append(asked).append("\r\n");
            if (!out.contains("Vary: "))
                out.append("Vary: Access-Control-Request-Headers\r\n");
        }
    }
    return out;
}

bool CorsPolicy::isValidOrigin(const QString &origin)
{
    if (origin == QLatin1String("*"))
        return true;
    const QUrl url(origin, QUrl::StrictMode);
    return url.isValid() && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))
        && !url.host().isEmpty() && url.path().isEmpty() && !url.hasQuery() && !url.hasFragment()
        && url.userInfo().isEmpty();
}

} // namespace caps
