#include "orders/eventlogmodel.h"

#include <QAbstractItemModelTester>
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
    QVERIFY(model.index(0, EventLogModel::DetailsColumn).data().toString().contains("\"store\":\"s\""));
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

QTEST_GUILESS_MAIN(TestEventLogModel)
#include "tst_eventlogmodel.moc"
