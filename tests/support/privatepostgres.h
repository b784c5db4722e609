#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace caps::test {

// A PostgreSQL server of the test's own: initdb and postgres in a temporary folder, listening on
// a Unix socket in that folder and on 127.0.0.1 at a free port, with one database, trust
// authentication for the user "caps". stop() (also the destructor) shuts it down and removes
// the folder. Under root (CI) initdb and postgres run as the `postgres` system user (or
// `nobody`), since postgres refuses to run as root. postgres gets SIGINT (fast shutdown) if
// the test process dies, so a crashed test leaves no server behind.
class PrivatePostgres
{
public:
    PrivatePostgres();
    ~PrivatePostgres();
    Q_DISABLE_COPY_MOVE(PrivatePostgres)

    // Empty on success, else why not: including "run scripts/setup.sh test" when PostgreSQL or
    // Qt's QPSQL driver is not installed. A test fails on it; it never skips.
    [[nodiscard]] QString start(const QString &database = QStringLiteral("caps"));
    void stop();
    // Shuts the server down (fast: connections are ended) and starts it again on the same data,
    // socket and port, as an operator's restart: empty on success, else why not.
    [[nodiscard]] QString halt();
    [[nodiscard]] QString resume();

    [[nodiscard]] bool isRunning() const;
    [[nodiscard]] QString socketFolder() const;
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] QString user() const { return QStringLiteral("caps"); }
    [[nodiscard]] QString database() const { return m_database; }
    // libpq URIs for the database: over TCP to 127.0.0.1, and over the Unix socket.
    [[nodiscard]] QString tcpUri() const;
    [[nodiscard]] QString socketUri() const;
    // Another database on the same server (each test case can have a fresh one).
    [[nodiscard]] QString createDatabase(const QString &name);
    // Drops it (connections to it are ended first).
    [[nodiscard]] QString dropDatabase(const QString &name);
    // The server's log so far (for a failure message).
    [[nodiscard]] QString log() const;

    // The folder with initdb and postgres, or empty when PostgreSQL is not installed.
    [[nodiscard]] static QString binFolder();

private:
    [[nodiscard]] QString runTool(const QString &tool, const QStringList &arguments);
    [[nodiscard]] QString waitUntilReady();
    [[nodiscard]] QString launch();
    void shutDown();
    void prepareChild(QProcess &process) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QProcess m_server;
    QString m_bin;
    QString m_database;
    quint16 m_port = 0;
    // The user postgres runs as when the test runs as root; -1: ourselves.
    int m_uid = -1;
    int m_gid = -1;
};

} // namespace caps::test
