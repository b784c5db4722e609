#pragma once

#include "core/result.h"

#include <QSqlDatabase>
#include <QString>

namespace caps {

// Where a PostgreSQL database is, from a libpq connection URI:
//   postgresql://USER[:PASSWORD]@[HOST][:PORT]/DATABASE[?host=/socket/folder&port=N&sslmode=...]
// (`postgres://` too). The query string takes libpq's host, port, user, password, dbname,
// sslmode, connect_timeout and application_name; any other option is refused rather than
// silently dropped. One definition for every part of the hub that connects (the queue, the
// cluster adapter), so that they always reach the same database.
struct PostgresUri
{
    QString host; // a name, an address, or a folder (a Unix socket); empty: libpq's default socket
    int port = 5432;
    QString user;
    QString password;
    QString database;
    QString connectOptions; // for QSqlDatabase::setConnectOptions ("sslmode=require;...")

    // Whether `text` is meant as one (its scheme), well-formed or not.
    [[nodiscard]] static bool looksLikeOne(const QString &text);
    [[nodiscard]] static Result<PostgresUri> parse(const QString &text);

    // A new QPSQL connection registered under `connectionName`, opened; on failure it is
    // removed again and the error returned.
    [[nodiscard]] Result<QSqlDatabase> open(const QString &connectionName) const;
    // For log lines: the URI without its password.
    [[nodiscard]] QString display() const;
};

} // namespace caps
