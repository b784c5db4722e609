#include "support/privatepostgres.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QUuid>
#include <QVersionNumber>

#include <grp.h>
#include <pwd.h>
#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace caps::test {

namespace {

QString notInstalled(const QString &what)
{
    return QStringLiteral("%1 is not installed: run scripts/setup.sh test (it installs postgresql and "
                          "libqt6sql6-psql)")
        .arg(what);
}

// A port nobody listens on now; postgres takes it a moment later (if something else took it
// meanwhile, postgres exits and start() says so with its log).
quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

// Runs `f` with a fresh QPSQL connection to `database`, removed afterwards.
template <typename F> QString withConnection(const PrivatePostgres &pg, const QString &database, F f)
{
    const QString name = QStringLiteral("private-postgres-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(pg.socketFolder());
        db.setPort(pg.port());
        db.setUserName(pg.user());
        db.setDatabaseName(database);
        if (!db.open())
            error = db.lastError().text();
        else
            error = f(db);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return error;
}

} // namespace

PrivatePostgres::PrivatePostgres()
{
    m_server.setProcessChannelMode(QProcess::MergedChannels);
}

PrivatePostgres::~PrivatePostgres()
{
    stop();
}

QString PrivatePostgres::binFolder()
{
    // Debian installs each major version in its own folder; take the newest.
    const QDir root(QStringLiteral("/usr/lib/postgresql"));
    QString best;
    QVersionNumber bestVersion;
    for (const QString &entry : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString bin = root.filePath(entry + QStringLiteral("/bin"));
        const QVersionNumber version = QVersionNumber::fromString(entry);
        if (QFileInfo(bin + QStringLiteral("/postgres")).isExecutable()
            && QFileInfo(bin + QStringLiteral("/initdb")).isExecutable() && version > bestVersion) {
            best = bin;
            bestVersion = version;
        }
    }
    return best;
}

QString PrivatePostgres::socketFolder() const
{
    return m_dir ? m_dir->path() : QString();
}

bool PrivatePostgres::isRunning() const
{
    return m_server.state() == QProcess::Running;
}

QString PrivatePostgres::tcpUri() const
{
    return QStringLiteral("postgresql://%1@127.0.0.1:%2/%3").arg(user()).arg(m_port).arg(m_database);
}

QString PrivatePostgres::socketUri() const
{
    return QStringLiteral("postgresql://%1@/%2?host=%3&port=%4").arg(user(), m_database, socketFolder()).arg(m_port);
}

QString PrivatePostgres::log() const
{
    // Not consumed: every call shows the whole log.
    return QString::fromLocal8Bit(const_cast<QProcess &>(m_server).peek(1 << 20));
}

void PrivatePostgres::prepareChild(QProcess &process) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // initdb picks the locale from the environment; C exists on every machine.
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    env.insert(QStringLiteral("LANG"), QStringLiteral("C"));
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(socketFolder());
    const int uid = m_uid;
    const int gid = m_gid;
    // After fork, before exec: only async-signal-safe calls here.
    process.setChildProcessModifier([uid, gid] {
        if (uid >= 0) {
            if (::setgroups(0, nullptr) != 0 || ::setgid(gid_t(gid)) != 0 || ::setuid(uid_t(uid)) != 0)
                ::_exit(127);
        }
        // After setuid(), which clears it: the server goes when the test process does.
        ::prctl(PR_SET_PDEATHSIG, SIGINT);
    });
}

QString PrivatePostgres::runTool(const QString &tool, const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    prepareChild(process);
    process.start(m_bin + QLatin1Char('/') + tool, arguments);
    if (!process.waitForStarted(10000))
        return QStringLiteral("%1 did not start: %2").arg(tool, process.errorString());
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
        return QStringLiteral("%1 did not finish within 120 s").arg(tool);
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return QStringLiteral("%1 failed (exit code %2): %3")
            .arg(tool)
            .arg(process.exitCode())
            .arg(QString::fromLocal8Bit(process.readAll()));
    return {};
}

QString PrivatePostgres::start(const QString &database)
{
    stop();
    m_database = database;
    m_bin = binFolder();
    if (m_bin.isEmpty())
        return notInstalled(QStringLiteral("PostgreSQL (/usr/lib/postgresql/*/bin/postgres)"));
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return notInstalled(QStringLiteral("Qt's PostgreSQL driver (QPSQL)"));

    if (::geteuid() == 0) {
        // postgres refuses to run as root. Debian's package creates the `postgres` user.
        const passwd *pw = ::getpwnam("postgres");
        if (!pw)
            pw = ::getpwnam("nobody");
        if (!pw)
            return QStringLiteral("running as root, and there is neither a postgres nor a nobody user to run "
                                  "PostgreSQL as");
        m_uid = int(pw->pw_uid);
        m_gid = int(pw->pw_gid);
    }

    // A Unix socket's path is at most 107 bytes: keep the folder short whatever TMPDIR is.
    const QString base = QDir::tempPath().size() <= 40 ? QDir::tempPath() : QStringLiteral("/tmp");
    m_dir = std::make_unique<QTemporaryDir>(base + QStringLiteral("/caps-pg-XXXXXX"));
    if (!m_dir->isValid())
        return QStringLiteral("cannot create a temporary folder: %1").arg(m_dir->errorString());
    if (m_uid >= 0 && ::chown(QFile::encodeName(m_dir->path()).constData(), uid_t(m_uid), gid_t(m_gid)) != 0)
        return QStringLiteral("cannot give %1 to the PostgreSQL user").arg(m_dir->path());

    const QString data = m_dir->filePath(QStringLiteral("data"));
    if (QString error = runTool(QStringLiteral("initdb"),
                                {QStringLiteral("-D"), data, QStringLiteral("-U"), user(), QStringLiteral("-A"),
                                 QStringLiteral("trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                                 QStringLiteral("--locale=C"), QStringLiteral("--no-sync")});
        !error.isEmpty())
        return error;

    m_port = freePort();
    if (m_port == 0)
        return QStringLiteral("no free port on 127.0.0.1");
    if (QString error = launch(); !error.isEmpty())
        return error;
    if (m_database != QLatin1String("postgres")) {
        if (QString error = createDatabase(m_database); !error.isEmpty())
            return error;
    }
    return {};
}

QString PrivatePostgres::launch()
{
    prepareChild(m_server);
    // fsync off: a test server's data need not survive a power cut, and the shared machine's
    // disk is slow. The store's own durability rests on PostgreSQL's defaults.
    m_server.start(m_bin + QStringLiteral("/postgres"),
                   {QStringLiteral("-D"), m_dir->filePath(QStringLiteral("data")), QStringLiteral("-k"), socketFolder(),
                    QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(m_port),
                    QStringLiteral("-c"), QStringLiteral("fsync=off"), QStringLiteral("-c"),
                    QStringLiteral("max_connections=60")});
    if (!m_server.waitForStarted(10000))
        return QStringLiteral("postgres did not start: %1").arg(m_server.errorString());
    if (QString error = waitUntilReady(); !error.isEmpty()) {
        QString full = QStringLiteral("%1\n%2").arg(error, log());
        stop();
        return full;
    }
    return {};
}

void PrivatePostgres::shutDown()
{
    if (m_server.state() == QProcess::NotRunning)
        return;
    // SIGINT: PostgreSQL's fast shutdown (open connections are ended, not waited for).
    ::kill(pid_t(m_server.processId()), SIGINT);
    if (!m_server.waitForFinished(30000)) {
        m_server.kill();
        m_server.waitForFinished(5000);
    }
}

QString PrivatePostgres::halt()
{
    if (!isRunning())
        return QStringLiteral("the server is not running");
    shutDown();
    return {};
}

QString PrivatePostgres::resume()
{
    if (!m_dir || m_port == 0)
        return QStringLiteral("the server was never started");
    if (isRunning())
        return {};
    return launch();
}

QString PrivatePostgres::waitUntilReady()
{
    // An external process: poll, with a bounded deadline, until it accepts a connection.
    const QDeadlineTimer deadline(60000);
    QString lastError;
    while (!deadline.hasExpired()) {
        if (m_server.state() != QProcess::Running)
            return QStringLiteral("postgres exited (code %1) before accepting connections").arg(m_server.exitCode());
        lastError = withConnection(*this, QStringLiteral("postgres"), [](QSqlDatabase &) { return QString(); });
        if (lastError.isEmpty())
            return {};
        m_server.waitForFinished(50);
    }
    return QStringLiteral("postgres accepted no connection within 60 s: %1").arg(lastError);
}

QString PrivatePostgres::createDatabase(const QString &name)
{
    return withConnection(*this, QStringLiteral("postgres"), [&name](QSqlDatabase &db) {
        QSqlQuery query(db);
        const QString quoted = db.driver()->escapeIdentifier(name, QSqlDriver::TableName);
        if (!query.exec(QStringLiteral("CREATE DATABASE %1").arg(quoted)))
            return QStringLiteral("CREATE DATABASE %1: %2").arg(name, query.lastError().text());
        return QString();
    });
}

QString PrivatePostgres::dropDatabase(const QString &name)
{
    return withConnection(*this, QStringLiteral("postgres"), [&name](QSqlDatabase &db) {
        QSqlQuery query(db);
        const QString quoted = db.driver()->escapeIdentifier(name, QSqlDriver::TableName);
        if (!query.exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(quoted)))
            return QStringLiteral("DROP DATABASE %1: %2").arg(name, query.lastError().text());
        return QString();
    });
}

void PrivatePostgres::stop()
{
    shutDown();
    m_dir.reset(); // removes the folder, data and socket included
    m_port = 0;
}

} // namespace caps::test
