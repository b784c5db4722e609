#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace caps {

// One HTTP/1.x request as the server needs it: the head parsed, the body as read.
struct HttpRequest
{
    QByteArray method;
    QByteArray target; // as on the request line: path and query
    QString path; // decoded path, without the query
    QUrlQuery query;
    int minorVersion = 1; // HTTP/1.<minor>
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased, values trimmed
    QByteArray body;

    // The value of a header (name in lower case), empty if absent.
    [[nodiscard]] QByteArray header(QByteArrayView name) const;
    [[nodiscard]] bool hasHeader(QByteArrayView name) const;
    [[nodiscard]] QString queryValue(const QString &key) const;
    [[nodiscard]] bool hasQueryValue(const QString &key) const { return query.hasQueryItem(key); }
    // -1 when there is no Content-Length.
    [[nodiscard]] qint64 contentLength() const;
    [[nodiscard]] bool keepAlive() const;
    [[nodiscard]] bool isWebSocketUpgrade() const;

    // Parses a request head (up to, not including, the blank line).
    [[nodiscard]] static Result<HttpRequest> parseHead(QByteArrayView head);
};

} // namespace caps
