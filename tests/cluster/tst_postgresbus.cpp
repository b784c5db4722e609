// PostgresBus: what one server publishes reaches the others (not itself), in order, large
// messages through the table, and whatever else arrives on the channel is dropped, not fatal.

#include "cluster/postgresbus.h"
#include "support/privatepostgres.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace caps;

class TestPostgresBus : public QObject
{
    Q_OBJECT

private:
    test::PrivatePostgres m_pg;
    PostgresUri m_uri;

    // Sends `payloads` on `channel` from a connection of no bus, as anyone on the database could.
    void notify(const QString &channel, std::initializer_list<const char *> payloads)
    {
        const QString name = QStringLiteral("raw");
        {
            auto db = m_uri.open(name);
            QVERIFY2(db.ok(), qPrintable(db.error()));
            QSqlQuery raw(*db);
            for (const char *payload : payloads) {
                raw.prepare(QStringLiteral("SELECT pg_notify(?, ?)"));
                raw.addBindValue(channel);
                raw.addBindValue(QString::fromLatin1(payload));
                QVERIFY2(raw.exec(), qPrintable(raw.lastError().text()));
            }
        }
        QSqlDatabase::removeDatabase(name);
    }

private slots:
    void initTestCase()
    {
        const QString error = m_pg.start(QStringLiteral("bus"));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        auto uri = PostgresUri::parse(m_pg.socketUri());
        QVERIFY2(uri.ok(), qPrintable(uri.error()));
        m_uri = *uri;
    }

    void relaysToTheOthersInOrder()
    {
        auto a = PostgresBus::open(m_uri);
        auto b = PostgresBus::open(m_uri);
        QVERIFY2(a.ok() && b.ok(), qPrintable(a.error() + b.error()));
        const QString channel = PostgresBus::channelFor(QStringLiteral("/caps"));
        QCOMPARE(channel, QStringLiteral("socketio#/caps"));
        QVERIFY((*a)->listen(channel).ok());
        QVERIFY((*b)->listen(channel).ok());
        QSignalSpy atA(a->get(), &PostgresBus::received);
        QSignalSpy atB(b->get(), &PostgresBus::received);

        const QString big(20000, QLatin1Char('x')); // over NOTIFY's 8,000 bytes
        QVERIFY((*a)->publish(channel, {{"n", 1}}).ok());
        QVERIFY((*a)->publish(channel, {{"n", 2}, {"big", big}}).ok());
        QVERIFY((*a)->publish(channel, {{"n", 3}}).ok());
        QCOMPARE((*a)->tablePublished(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(atB.size(), 3, 10000);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(atB.at(i).at(0).toString(), channel);
            const QJsonObject message = atB.at(i).at(1).toJsonObject();
            QCOMPARE(message.value("n").toInt(), i + 1);
            QCOMPARE(message.value("uid").toString(), (*a)->uid());
        }
        QCOMPARE(atB.at(1).at(1).toJsonObject().value("big").toString(), big);
        // Its own messages do not come back to the sender.
        QVERIFY(!atA.wait(300));
        QCOMPARE(atA.size(), 0);
    }

    void dropsWhatIsNotAMessage()
    {
        auto a = PostgresBus::open(m_uri);
        QVERIFY2(a.ok(), qPrintable(a.error()));
        const QString channel = PostgresBus::channelFor(QStringLiteral("/other"));
        QVERIFY((*a)->listen(channel).ok());
        QSignalSpy received(a->get(), &PostgresBus::received);
        // Not JSON, not an object, a table row that does not exist, then a real message.
        notify(channel, {"not json", "[1,2]", R"({"uid":"someone","row":999999})", R"({"uid":"someone","n":7})"});
        if (QTest::currentTestFailed())
            return;
        QVERIFY(received.wait(10000));
        QCOMPARE(received.size(), 1);
        QCOMPARE(received.at(0).at(1).toJsonObject().value("n").toInt(), 7);
    }

    void knowsWhichServersAreAlive()
    {
        using namespace std::chrono_literals;
        const PostgresBus::Heartbeat quick{50ms, 400ms};
        auto a = PostgresBus::open(m_uri, quick);
        QVERIFY2(a.ok(), qPrintable(a.error()));
        QSignalSpy joined(a->get(), &PostgresBus::serverJoined);
        QSignalSpy gone(a->get(), &PostgresBus::serverGone);
        auto b = PostgresBus::open(m_uri, quick);
        QVERIFY2(b.ok(), qPrintable(b.error()));
        const QString bUid = (*b)->uid();
        QVERIFY(joined.wait(10000));
        QCOMPARE(joined.at(0).at(0).toString(), bUid);
        QCOMPARE((*a)->liveServers(), QStringList{bUid});
        QVERIFY((*a)->mayBeAlive(bUid));
        QVERIFY((*a)->mayBeAlive((*a)->uid()));
        // b learns of a from a's next beat.
        QTRY_COMPARE_WITH_TIMEOUT((*b)->liveServers(), QStringList{(*a)->uid()}, 10000);

        // A server that closes its bus says goodbye: gone at once, not after the timeout.
        b->reset();
        QVERIFY(gone.wait(10000));
        QCOMPARE(gone.at(0).at(0).toString(), bUid);
        QVERIFY((*a)->liveServers().isEmpty());
        QVERIFY(!(*a)->mayBeAlive(bUid));

        // A server killed after one beat says nothing more: gone once the timeout has passed.
        QElapsedTimer silent;
        notify(PostgresBus::kHeartbeatChannel, {R"({"uid":"ghost","type":"heartbeat"})"});
        if (QTest::currentTestFailed())
            return;
        QVERIFY(joined.wait(10000));
        silent.start();
        QCOMPARE(joined.last().at(0).toString(), QStringLiteral("ghost"));
        QCOMPARE((*a)->liveServers(), QStringList{QStringLiteral("ghost")});
        QVERIFY(gone.wait(10000));
        QCOMPARE(gone.last().at(0).toString(), QStringLiteral("ghost"));
        QVERIFY2(silent.elapsed() >= 400 - 50, "gone before its timeout");
        QVERIFY((*a)->liveServers().isEmpty());
        QVERIFY(!(*a)->mayBeAlive(QStringLiteral("ghost")));
        // Never heard from by a bus older than its timeout: not alive either.
        QVERIFY(!(*a)->mayBeAlive(QStringLiteral("nobody")));
        QVERIFY((*a)->mayBeAlive((*a)->uid()));
    }

    // A bus whose connections are cut says so, publishes nothing meanwhile, reconnects by itself
    // and LISTENs again: messages flow both ways again, and neither side was judged gone.
    void comesBackAfterLosingItsConnection()
    {
        using namespace std::chrono_literals;
        const PostgresBus::Heartbeat quick{100ms, 3000ms};
        PostgresUri cut = m_uri;
        cut.connectOptions = QStringLiteral("application_name=bus_cut");
        auto a = PostgresBus::open(cut, quick);
        auto b = PostgresBus::open(m_uri, quick);
        QVERIFY2(a.ok() && b.ok(), qPrintable(a.error() + b.error()));
        const QString channel = PostgresBus::channelFor(QStringLiteral("/caps"));
        QVERIFY((*a)->listen(channel).ok());
        QVERIFY((*b)->listen(channel).ok());
        QTRY_COMPARE_WITH_TIMEOUT((*a)->liveServers(), QStringList{(*b)->uid()}, 10000);
        QSignalSpy lost(a->get(), &PostgresBus::connectionLost);
        QSignalSpy back(a->get(), &PostgresBus::reconnected);
        QSignalSpy goneAtA(a->get(), &PostgresBus::serverGone);
        QSignalSpy atA(a->get(), &PostgresBus::received);
        QSignalSpy atB(b->get(), &PostgresBus::received);
        {
            auto db = m_uri.open(QStringLiteral("terminator"));
            QVERIFY2(db.ok(), qPrintable(db.error()));
            QSqlQuery kill(*db);
            QVERIFY(kill.exec(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                             " WHERE application_name = 'bus_cut'")));
            QVERIFY(kill.next());
            QCOMPARE(kill.value(0).toInt(), 2);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("terminator"));
        QVERIFY(lost.wait(10000)); // its next beat finds out
        QVERIFY((*a)->lost());
        const auto refused = (*a)->publish(channel, {{"n", 1}});
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().startsWith(QStringLiteral("the hub has lost its database: ")),
                 qPrintable(refused.error()));
        QVERIFY(back.wait(10000));
        QVERIFY(!(*a)->lost());
        QVERIFY((*a)->publish(channel, {{"n", 2}}).ok());
        QVERIFY((*b)->publish(channel, {{"n", 3}}).ok());
        QTRY_VERIFY_WITH_TIMEOUT(!atB.isEmpty() && !atA.isEmpty(), 10000);
        QCOMPARE(atB.first().at(1).toJsonObject().value("n").toInt(), 2);
        QCOMPARE(atA.first().at(1).toJsonObject().value("n").toInt(), 3);
        QCOMPARE(lost.size(), 1);
        QCOMPARE(goneAtA.size(), 0);
    }

    void namesEveryNamespaceWithAChannel()
    {
        // Qt's driver quotes a name and reads a dot as schema.table: such names are hashed.
        const QString dotted = PostgresBus::channelFor(QStringLiteral("/a.b"));
        QVERIFY(!dotted.contains(QLatin1Char('.')));
        QVERIFY(dotted.size() <= 63);
        QVERIFY(PostgresBus::channelFor(QString(200, QLatin1Char('n'))).size() <= 63);
        QVERIFY(dotted != PostgresBus::channelFor(QStringLiteral("/a_b")));
    }
};

QTEST_GUILESS_MAIN(TestPostgresBus)
#include "tst_postgresbus.moc"
