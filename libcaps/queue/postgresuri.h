#pragma once

#include "core/result.h"

#include <QSqlDatabase>
#include <QString>

class QSqlError;

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

    // A hub that lost its connection tries again after kRetryFirstMs, then twice as long each
    // time, at most kRetryMaxMs.
    static constexpr int kRetryFirstMs = 500;
    static constexpr int kRetryMaxMs = 10000;
    // Whether `error`, of a statement on `db`, means that the connection is gone (the server
    // stopped, the backend was terminated, the network broke) rather than that the statement
    // failed: then a cheap probe fails too, for another reason than an aborted transaction.
    [[nodiscard]] static bool connectionLost(const QSqlDatabase &db, const QSqlError &error);
    // The one-line reason kept for a lost connection (libpq's text has several lines).
    [[nodiscard]] static QString lostReason(const QSqlError &error);
    // What a client is told while the connection is gone (one wording for the queue and the bus).
    [[nodiscard]] QString lostMessage(const QString &error) const;
};

} // namespace caps
