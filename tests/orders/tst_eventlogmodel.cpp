#include "orders/eventlogmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using caps::EventLogModel;

class TestEventLogModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void logsEntries();
    void isBounded();
    void formatEntry();
    void summarizesPayloads_data();
    void summarizesPayloads();
};

void TestEventLogModel::logsEntries()
{
    EventLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy added(&model, &EventLogModel::entryAdded);

    model.logSent("pickup", QJsonObject{{"store", "s"}, {"orderID", "o1"}});
    model.logReceived("delivered", QJsonObject{{"store", "s"}, {"orderId", "o2"}});
    model.logNote("connected");
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(added.count(), 3);
    QCOMPARE(model.index(0, EventLogModel::EventColumn).data().toString(), QStringLiteral("pickup"));
    QCOMPARE(model.index(0, EventLogModel::OrderColumn).data().toString(), QStringLiteral("o1"));
    QCOMPARE(model.index(1, EventLogModel::OrderColumn).data().toString(), QStringLiteral("o2"));
    // A summary in the column, the whole payload in its tooltip.
    QCOMPARE(model.index(0, EventLogModel::DetailsColumn).data().toString(), QStringLiteral("store s"));
    QVERIFY(model.index(0, EventLogModel::DetailsColumn).data(Qt::ToolTipRole).toString().contains("\"store\":\"s\""));
    QCOMPARE(model.index(2, EventLogModel::DetailsColumn).data().toString(), QStringLiteral("connected"));
    QCOMPARE(model.entries().at(0).direction, EventLogModel::Direction::Sent);
    QCOMPARE(model.entries().at(1).direction, EventLogModel::Direction::Received);
    QVERIFY(model.index(0, EventLogModel::DirectionColumn).data()
            != model.index(1, EventLogModel::DirectionColumn).data());
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestEventLogModel::isBounded()
{
    EventLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMaxEntries(3);
    for (int i = 0; i < 5; ++i)
        model.logNote(QString::number(i));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.entries().first().details, QStringLiteral("2"));
    QCOMPARE(model.entries().last().details, QStringLiteral("4"));
    model.setMaxEntries(1);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.entries().first().details, QStringLiteral("4"));
}

void TestEventLogModel::formatEntry()
{
    EventLogModel::Entry entry;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.direction = EventLogModel::Direction::Sent;
    entry.event = QStringLiteral("pickup");
    entry.orderId = QStringLiteral("o1");
    const QString line = EventLogModel::formatEntry(entry);
    QVERIFY(line.contains(QStringLiteral("pickup o1")));
}

void TestEventLogModel::summarizesPayloads_data()
{
    QTest::addColumn<QJsonValue>("payload");
    QTest::addColumn<QString>("summary");
    const QDateTime ordered = QDateTime::fromString(QStringLiteral("2026-03-01T09:08:07.000Z"), Qt::ISODateWithMs);
    const QString orderedText = ordered.toLocalTime().time().toString(QStringLiteral("HH:mm:ss"));
    QTest::addRow("pickup")
        << QJsonValue(QJsonObject{{"store", "1-206-flowers"},
                                  {"orderID", "o1"},
                                  {"customer", "Ada Lovelace"},
                                  {"address", "12 Analytical Row"},
                                  {"orderedAt", "2026-03-01T09:08:07.000Z"}})
        << QStringLiteral("Ada Lovelace, 12 Analytical Row · ordered %1 · store 1-206-flowers").arg(orderedText);
    QTest::addRow("order id only") << QJsonValue(QJsonObject{{"orderID", "o1"}}) << QString();
    QTest::addRow("track answer") << QJsonValue(QJsonObject{{"ok", true}, {"orders", QJsonArray{1, 2, 3}}})
                                  << QStringLiteral(
                                         "3 order(s)"); // no catalogue in this suite: tst_windows has the English one
    QTest::addRow("refusal") << QJsonValue(QJsonObject{{"ok", false}, {"error", "address too long"}})
                             << QStringLiteral("address too long");
    QTest::addRow("unknown field") << QJsonValue(QJsonObject{{"store", "s"}, {"driver", "d7"}})
                                   << QStringLiteral("store s · driver: d7");
    QTest::addRow("bare id") << QJsonValue(QStringLiteral("o9")) << QStringLiteral("o9");
}

void TestEventLogModel::summarizesPayloads()
{
    QFETCH(QJsonValue, payload);
    QFETCH(QString, summary);
    QCOMPARE(EventLogModel::summarize(payload), summary);
}

QTEST_GUILESS_MAIN(TestEventLogModel)
#include "tst_eventlogmodel.moc"
