#include "security/tokenstore.h"

#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace caps;

// Runs the real caps-token program.
class TestCapsToken : public QObject
{
    Q_OBJECT

private:
    QString m_program;

    struct Run
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    [[nodiscard]] Run run(const QStringList &args) const
    {
        QProcess p;
        p.start(m_program, args);
        Run r;
        if (!p.waitForFinished(30000))
            return r;
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_program = qEnvironmentVariable("CAPS_BINARY_DIR") + "/apps/caps-token/caps-token";
        QVERIFY2(QFile::exists(m_program), qPrintable(m_program));
    }

    void printsTokenAndEntry()
    {
        const Run r = run({"--role", "vendor", "--store", "1-206-flowers", "--name", "Flowers"});
        QCOMPARE(r.exitCode, 0);
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        const QString token = QString::fromUtf8(lines.at(0));
        QVERIFY(token.startsWith("caps_"));
        const QByteArray file = "{\"tokens\":[" + lines.at(1) + "]}";
        auto store = TokenStore::fromJson(file);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        QCOMPARE(*store->authenticate(token), (Principal{Role::Vendor, "1-206-flowers", {}, "Flowers"}));
    }

    void appendsToFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("tokens.json");
        const Run first = run({"--role", "driver", "--name", "Van 3", "--append", path});
        QCOMPARE(first.exitCode, 0);
        const Run second = run({"--role", "customer", "--customer", "Jane Doe", "--append", path});
        QCOMPARE(second.exitCode, 0);
        auto store = TokenStore::load(path);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        QCOMPARE(store->size(), 2);
        QCOMPARE(store->authenticate(QString::fromUtf8(first.out.trimmed()))->role, Role::Driver);
        QCOMPARE(store->authenticate(QString::fromUtf8(second.out.trimmed()))->customer, QString("Jane Doe"));
        // The file holds hashes only.
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().contains(first.out.trimmed()));
    }

    void refusesBadInput()
    {
        QCOMPARE(run({"--role", "root"}).exitCode, 2);
        QCOMPARE(run({}).exitCode, 2);
        const Run noStore = run({"--role", "vendor"});
        QCOMPARE(noStore.exitCode, 2);
        QVERIFY(noStore.err.contains("store"));
        QVERIFY(noStore.out.isEmpty());

        QTemporaryDir dir;
        const QString broken = dir.filePath("broken.json");
        {
            QFile f(broken);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{not json");
        }
        QCOMPARE(run({"--role", "admin", "--append", broken}).exitCode, 1);
        QFile f(broken);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("{not json")); // left as it was
    }
};

QTEST_GUILESS_MAIN(TestCapsToken)
#include "tst_captoken.moc"
