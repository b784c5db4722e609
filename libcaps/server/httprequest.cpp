#include "server/httprequest.h"

#include <QUrl>

namespace caps {

namespace {

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// Comma-separated header values such as "keep-alive, Upgrade" hold a token case-insensitively.
bool listContains(const QByteArray &value, QByteArrayView token)
{
    const QList<QByteArray> parts = value.split(',');
    for (const QByteArray &part : parts) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (h.first == name)
            return h.second;
    }
    return {};
}

bool HttpRequest::hasHeader(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (h.first == name)
            return true;
    }
    return false;
}

QString HttpRequest::queryValue(const QString &key) const
{
    return query.queryItemValue(key, QUrl::FullyDecoded);
}

qint64 HttpRequest::contentLength() const
{
    if (!hasHeader("content-length"))
        return -1;
    bool ok = false;
    const qint64 n = header("content-length").toLongLong(&ok);
    return ok && n >= 0 ? n : -2;
}

bool HttpRequest::keepAlive() const
{
    const QByteArray connection = header("connection");
    if (minorVersion >= 1)
        return !listContains(connection, "close");
    return listContains(connection, "keep-alive");
}

bool HttpRequest::isWebSocketUpgrade() const
{
    return method == "GET" && listContains(header("upgrade"), "websocket");
}

Result<HttpRequest> HttpRequest::parseHead(QByteArrayView head)
{
    using R = Result<HttpRequest>;
    HttpRequest r;
    qsizetype lineEnd = head.indexOf("\r\n");
    const QByteArrayView requestLine = lineEnd < 0 ? head : head.first(lineEnd);
    const QList<QByteArray> parts = requestLine.toByteArray().split(' ');
    if (parts.size() != 3 || !isToken(parts.at(0)) || parts.at(1).isEmpty())
        return R::failure(QStringLiteral("malformed request line"));
    r.method = parts.at(0);
    r.target = parts.at(1);
    const QByteArray &version = parts.at(2);
    if (version == "HTTP/1.1")
        r.minorVersion = 1;
    else if (version == "HTTP/1.0")
        r.minorVersion = 0;
    else
        return R::failure(QStringLiteral("unsupported HTTP version"));
    if (r.target.front() != '/')
        return R::failure(QStringLiteral("request target is not a path"));
    for (char c : std::as_const(r.target)) {
        if (uchar(c) <= 0x20 || uchar(c) >= 0x7f)
            return R::failure(QStringLiteral("invalid character in request target"));
    }
    const qsizetype q = r.target.indexOf('?');
    r.path = QUrl::fromPercentEncoding(q < 0 ? r.target : r.target.first(q));
    if (q >= 0)
        r.query.setQuery(QString::fromLatin1(r.target.sliced(q + 1)));

    while (lineEnd >= 0) {
        const qsizetype start = lineEnd + 2;
        lineEnd = head.indexOf("\r\n", start);
        const QByteArrayView line = head.sliced(start, (lineEnd < 0 ? head.size() : lineEnd) - start);
        if (line.isEmpty())
            break;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon)))
            return R::failure(QStringLiteral("malformed header line"));
        r.headers.append({line.first(colon).toByteArray().toLower(), line.sliced(colon + 1).toByteArray().trimmed()});
    }
    if (r.contentLength() == -2)
        return R::failure(QStringLiteral("invalid Content-Length"));
    return r;
}

} // namespace caps
