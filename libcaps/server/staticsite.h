#pragma once

#include "server/httpconnection.h"

#include <QByteArray>
#include <QHash>
#include <QString>

namespace caps {

// Files a server hands to browsers, from Qt resources only: each URL is registered up front
// (one file, or every file under a resource folder), and a request is a lookup in that table,
// so no path a client sends can reach anything else. GET and HEAD; each answer has its type,
// Content-Security-Policy, X-Content-Type-Options: nosniff, an ETag and Cache-Control.
//
//   StaticSite site;
//   site.addFile(u"/", u":/web/index.html", policy);
//   site.addDirectory(u"/admin/", u":/web/admin", adminPolicy);
//   engine->setHttpHandler([&site](HttpConnection *c) { return site.handle(c); });
// The headers a StaticSite file is served with (outside the class: GCC cannot take a nested
// struct's default member initialisers in default arguments of the same class).
struct StaticFilePolicy
{
    QByteArray contentSecurityPolicy = "default-src 'self'; base-uri 'none'; frame-ancestors 'none'";
    QByteArray cacheControl = "no-cache"; // revalidate with the ETag
};

class StaticSite
{
public:
    using Policy = StaticFilePolicy;

    // `url` answers with `body`, of type `contentType`.
    void addContent(const QString &url, const QByteArray &body, const QByteArray &contentType,
                    const Policy &policy = {});
    // `url` answers with the resource file `resource`; false if there is no such resource.
    bool addFile(const QString &url, const QString &resource, const Policy &policy = {});
    // Every file under the resource folder `folder` at `prefix` + its relative path (prefix
    // ending in '/'), and `prefix` itself with the folder's index.html; `prefix` without its
    // slash redirects there, so that the pages' relative links resolve. False if the folder has
    // no file.
    bool addDirectory(const QString &prefix, const QString &folder, const Policy &policy = {});
    // A 301 from `url` to `target`.
    void addRedirect(const QString &url, const QString &target);

    [[nodiscard]] bool contains(const QString &url) const { return m_files.contains(url); }
    // Answers the request if its path is one of the site's, or a malformed path (400); false
    // when it is neither, for the caller to answer.
    bool handle(HttpConnection *connection) const;

    // The Content-Type of a file name (by its suffix; application/octet-stream if unknown).
    [[nodiscard]] static QByteArray contentType(const QString &fileName);

private:
    struct File
    {
        QByteArray body;
        QByteArray type;
        QByteArray etag;
        Policy policy;
    };

    QHash<QString, File> m_files;
    QHash<QString, QString> m_redirects;
};

} // namespace caps
