#include "server/staticsite.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QUrl>

namespace caps {

namespace {

// Only what the embedded files are; a fixed table rather than QMimeDatabase, whose answers
// depend on the machine's shared-mime-info.
struct TypeOf
{
    const char *suffix;
    const char *type;
};
constexpr TypeOf kTypes[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

// A path no file of ours can have: a NUL or a backslash, a dot segment, an empty segment. Such
// a request is a traversal attempt or a broken client, and is told so.
bool isMalformed(const QString &path)
{
    if (!path.startsWith(QLatin1Char('/')) || path.contains(QChar(0)) || path.contains(QLatin1Char('\\')))
        return true;
    const QStringList segments = path.mid(1).split(QLatin1Char('/'));
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QString &s = segments.at(i);
        if (s == QLatin1String(".") || s == QLatin1String("..") || (s.isEmpty() && i + 1 < segments.size()))
            return true;
    }
    return false;
}

} // namespace

QByteArray StaticSite::contentType(const QString &fileName)
{
    for (const TypeOf &t : kTypes) {
        if (fileName.endsWith(QLatin1String(t.suffix), Qt::CaseInsensitive))
            return t.type;
    }
    return "application/octet-stream";
}

void StaticSite::addContent(const QString &url, const QByteArray &body, const QByteArray &contentType,
                            const Policy &policy)
{
    File entry;
    entry.body = body;
    entry.type = contentType;
    entry.etag = '"' + QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex().left(32) + '"';
    entry.policy = policy;
    m_files.emplace(url, std::move(entry));
}

bool StaticSite::addFile(const QString &url, const QString &resource, const Policy &policy)
{
    QFile file(resource);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    addContent(url, file.readAll(), contentType(resource), policy);
    return true;
}

bool StaticSite::addDirectory(const QString &prefix, const QString &folder, const Policy &policy)
{
    bool any = false;
    QDirIterator it(folder, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString resource = it.next();
        const QString relative = QDir(folder).relativeFilePath(resource);
        any |= addFile(prefix + relative, resource, policy);
    }
    if (!any)
        return false;
    if (const QString index = folder + QStringLiteral("/index.html"); QFile::exists(index))
        addFile(prefix, index, policy);
    if (prefix.size() > 1 && prefix.endsWith(QLatin1Char('/')))
        addRedirect(prefix.chopped(1), prefix);
    return true;
}

void StaticSite::addRedirect(const QString &url, const QString &target)
{
    m_redirects.insert(url, target);
}

bool StaticSite::handle(HttpConnection *connection) const
{
    const HttpRequest &request = connection->request();
    const auto file = m_files.constFind(request.path);
    const auto redirect = m_redirects.constFind(request.path);
    if (file == m_files.constEnd() && redirect == m_redirects.constEnd()) {
        if (!isMalformed(request.path))
            return false;
        connection->respond(400, QByteArrayLiteral("Bad Request: malformed path"));
        return true;
    }
    if (request.method != "GET" && request.method != "HEAD") {
        connection->respond(405, QByteArrayLiteral("Method Not Allowed"), "text/plain; charset=UTF-8",
                            {{"Allow", "GET, HEAD"}});
        return true;
    }
    if (redirect != m_redirects.constEnd()) {
        // Relative to the request's own path, so that it holds behind a proxy's prefix too.
        const QByteArray query = request.target.contains('?') ? request.target.mid(request.target.indexOf('?')) : "";
        connection->respond(301, {}, {}, {{"Location", QUrl::toPercentEncoding(*redirect, "/") + query}});
        return true;
    }
    const HttpConnection::HeaderList headers{
        {"Content-Security-Policy", file->policy.contentSecurityPolicy},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
        {"Cache-Control", file->policy.cacheControl},
        {"ETag", file->etag},
    };
    if (request.header("if-none-match") == file->etag) {
        connection->respond(304, {}, {}, headers);
        return true;
    }
    connection->respond(200, file->body, file->type, headers);
    return true;
}

} // namespace caps
