// The private PostgreSQL server that the cluster's tests start: it runs, answers over its Unix
// socket and over 127.0.0.1, and leaves nothing behind.

#include "support/privatepostgres.h"

#include <QDir>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>

using caps::test::PrivatePostgres;

class TestPrivatePostgres : public QObject
{
    Q_OBJECT

private:
    // What one query answers over a connection to host (a folder: the Unix socket).
    static QString ask(const PrivatePostgres &pg, const QString &host, const QString &sql)
    {
        QString answer;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("probe"));
            db.setHostName(host);
            db.setPort(pg.port());
            db.setUserName(pg.user());
            db.setDatabaseName(pg.database());
            if (!db.open()) {
                answer = QStringLiteral("error: ") + db.lastError().text();
            } else {
                QSqlQuery query(db);
                answer = query.exec(sql) && query.next() ? query.value(0).toString()
                                                         : QStringLiteral("error: ") + query.lastError().text();
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("probe"));
        return answer;
    }

private slots:
    void startsAnswersAndLeavesNothing()
    {
        QString folder;
        quint16 port = 0;
        {
            PrivatePostgres pg;
            const QString error = pg.start(QStringLiteral("probe_db"));
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QVERIFY(pg.isRunning());
            folder = pg.socketFolder();
            port = pg.port();
            QVERIFY(QFileInfo::exists(folder + QStringLiteral("/.s.PGSQL.%1").arg(port)));
            QCOMPARE(ask(pg, folder, QStringLiteral("SELECT current_database()")), QStringLiteral("probe_db"));
            QCOMPARE(ask(pg, QStringLiteral("127.0.0.1"), QStringLiteral("SELECT inet_server_addr()::text")),
                     QStringLiteral("127.0.0.1/32"));
            QVERIFY(pg.tcpUri().startsWith(QStringLiteral("postgresql://caps@127.0.0.1:")));
            QVERIFY(pg.socketUri().contains(QStringLiteral("?host=") + folder));
            // A second database on the same server.
            QCOMPARE(pg.createDatabase(QStringLiteral("second")), QString());
            // Halted: nobody answers; resumed: the same server again, its data kept. (CREATE
            // answers no row, hence the empty "error: ".)
            QCOMPARE(ask(pg, folder, QStringLiteral("CREATE TABLE kept (n integer)")), QStringLiteral("error: "));
            QCOMPARE(pg.halt(), QString());
            QVERIFY(!pg.isRunning());
            QVERIFY(ask(pg, folder, QStringLiteral("SELECT 1")).startsWith(QStringLiteral("error: ")));
            QCOMPARE(pg.resume(), QString());
            QCOMPARE(pg.port(), port);
            QCOMPARE(ask(pg, folder, QStringLiteral("SELECT count(*) FROM kept")), QStringLiteral("0"));
        }
        // Gone: the folder and the listener.
        QVERIFY(!QDir(folder).exists());
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(!socket.waitForConnected(2000));
    }
};

QTEST_GUILESS_MAIN(TestPrivatePostgres)
#include "tst_privatepostgres.moc"
