#include "queue/postgresuri.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

namespace caps {

bool PostgresUri::looksLikeOne(const QString &text)
{
    // The scheme alone: "postgresql:/x" is a mistyped URI to refuse, not an SQLite file to create.
    return text.startsWith(QLatin1String("postgresql:")) || text.startsWith(QLatin1String("postgres:"));
}

Result<PostgresUri> PostgresUri::parse(const QString &text)
{
    using R = Result<PostgresUri>;
    if (!text.startsWith(QLatin1String("postgresql://")) && !text.startsWith(QLatin1String("postgres://")))
        return R::failure(QStringLiteral("not a PostgreSQL URI (postgresql://USER@HOST[:PORT]/DATABASE)"));
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return R::failure(QStringLiteral("malformed PostgreSQL URI: %1").arg(url.errorString()));
    PostgresUri uri;
    uri.host = url.host(QUrl::FullyDecoded);
    uri.user = url.userName(QUrl::FullyDecoded);
    uri.password = url.password(QUrl::FullyDecoded);
    if (url.port() != -1)
        uri.port = url.port();
    QString path = url.path(QUrl::FullyDecoded);
    if (path.startsWith(QLatin1Char('/')))
        path.remove(0, 1);
    uri.database = path;
    if (!url.fragment().isEmpty())
        return R::failure(QStringLiteral("a PostgreSQL URI has no fragment (#%1)").arg(url.fragment()));

    QStringList options;
    const QUrlQuery query(url);
    for (const auto &[key, rawValue] : query.queryItems(QUrl::FullyDecoded)) {
        const QString value = rawValue;
        if (key == QLatin1String("host")) {
            uri.host = value;
        } else if (key == QLatin1String("port")) {
            bool ok = false;
            uri.port = value.toInt(&ok);
            if (!ok || uri.port <= 0 || uri.port > 65535)
                return R::failure(QStringLiteral("port=%1 in the PostgreSQL URI is not a port number").arg(value));
        } else if (key == QLatin1String("user")) {
            uri.user = value;
        } else if (key == QLatin1String("password")) {
            uri.password = value;
        } else if (key == QLatin1String("dbname")) {
            uri.database = value;
        } else if (key == QLatin1String("sslmode")) {
            static const QStringList modes
                = {QStringLiteral("disable"), QStringLiteral("allow"),     QStringLiteral("prefer"),
                   QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
            if (!modes.contains(value))
                return R::failure(
                    QStringLiteral("sslmode=%1 in the PostgreSQL URI: use one of %2").arg(value, modes.join(u", ")));
            options.append(QStringLiteral("sslmode=") + value);
        } else if (key == QLatin1String("connect_timeout")) {
            bool ok = false;
            const int seconds = value.toInt(&ok);
            if (!ok || seconds < 0)
                return R::failure(
                    QStringLiteral("connect_timeout=%1 in the PostgreSQL URI is not a number of seconds").arg(value));
            options.append(QStringLiteral("connect_timeout=") + value);
        } else if (key == QLatin1String("application_name")) {
            // Qt joins options with ';' and libpq reads spaces and quotes: keep it to a plain word.
            static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_.-]{1,63}$"));
            if (!plain.match(value).hasMatch())
                return R::failure(QStringLiteral("application_name in the PostgreSQL URI: letters, digits, '_', "
                                                 "'.' and '-' only"));
            options.append(QStringLiteral("application_name=") + value);
        } else {
            return R::failure(QStringLiteral("unknown option \"%1\" in the PostgreSQL URI (known: host, port, user, "
                                             "password, dbname, sslmode, connect_timeout, application_name)")
                                  .arg(key));
        }
    }
    if (uri.user.isEmpty())
        return R::failure(QStringLiteral("the PostgreSQL URI names no user (postgresql://USER@HOST/DATABASE)"));
    if (uri.database.isEmpty())
        return R::failure(QStringLiteral("the PostgreSQL URI names no database (postgresql://USER@HOST/DATABASE)"));
    uri.connectOptions = options.join(QLatin1Char(';'));
    return uri;
}

Result<QSqlDatabase> PostgresUri::open(const QString &connectionName) const
{
    using R = Result<QSqlDatabase>;
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return R::failure(QStringLiteral("Qt's PostgreSQL driver (QPSQL, Debian package libqt6sql6-psql) is not "
                                         "installed"));
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
        db.setHostName(host);
        db.setPort(port);
        db.setUserName(user);
        db.setPassword(password);
        db.setDatabaseName(database);
        db.setConnectOptions(connectOptions);
        if (db.open())
            return db;
        error = db.lastError().text();
    }
    QSqlDatabase::removeDatabase(connectionName);
    return R::failure(QStringLiteral("cannot connect to %1: %2").arg(display(), error.trimmed()));
}

QString PostgresUri::display() const
{
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setUserName(user);
    if (!host.startsWith(QLatin1Char('/')))
        url.setHost(host);
    url.setPort(port);
    url.setPath(QLatin1Char('/') + database);
    if (host.startsWith(QLatin1Char('/')))
        url.setQuery(QStringLiteral("host=") + host);
    return url.toString();
}

bool PostgresUri::connectionLost(const QSqlDatabase &db, const QSqlError &error)
{
    // SQLSTATE class 08 (connection exception), 57P01-57P03 (the server shutting down or
    // terminating the backend); none at all when libpq itself failed (no connection to the server).
    const QString code = error.nativeErrorCode();
    if (!code.isEmpty() && !code.startsWith(QLatin1String("08")) && !code.startsWith(QLatin1String("57P")))
        return false;
    if (!db.isOpen())
        return true;
    QSqlQuery probe(db);
    if (probe.exec(QStringLiteral("SELECT 1")))
        return false;
    // 25P02: in a transaction that an earlier error aborted: the connection is there.
    return probe.lastError().nativeErrorCode() != QLatin1String("25P02");
}

QString PostgresUri::lostReason(const QSqlError &error)
{
    const QString reason = error.text().simplified();
    return reason.isEmpty() ? QStringLiteral("the connection is gone") : reason;
}

QString PostgresUri::lostMessage(const QString &error) const
{
    return QStringLiteral("the hub has lost its database: %1: %2").arg(display(), error.trimmed());
}

} // namespace caps
