#include "orders/ordermodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using caps::Order;
using caps::OrderModel;
using Outcome = caps::OrderModel::Outcome;

namespace {
QJsonObject payload(const QString &id, const QString &store = QStringLiteral("1-206-flowers"))
{
    return QJsonObject{{"store", store}, {"orderID", id}, {"customer", "Ada Lovelace"}, {"address", "1 Main St"}};
}
const QDateTime t0 = QDateTime::fromString(QStringLiteral("2026-11-26T10:00:00.000Z"), Qt::ISODateWithMs);
} // namespace

class TestOrderModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void lifecycle();
    void duplicatesAreHandledOnce();
    void regressionsAreIgnored();
    void skippedStepAndLateFill();
    void orderIdSpelling();
    void invalidEvents();
    void placeholderThenEvents();
    void removeAndClear();
    void displayAndSortRoles();
    void formatDuration();

private:
    OrderModel *m_model = nullptr;
    QAbstractItemModelTester *m_tester = nullptr;
};

void TestOrderModel::init()
{
    m_model = new OrderModel(this);
    m_tester = new QAbstractItemModelTester(m_model, QAbstractItemModelTester::FailureReportingMode::QtTest, this);
}

void TestOrderModel::cleanup()
{
    delete m_tester;
    delete m_model;
}

void TestOrderModel::lifecycle()
{
    QSignalSpy added(m_model, &OrderModel::orderAdded);
    QSignalSpy changed(m_model, &OrderModel::statusChanged);

    QCOMPARE(m_model->applyEvent("pickup", payload("o1"), t0), Outcome::Added);
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(added.count(), 1);
    QCOMPARE(m_model->order("o1").status, Order::Status::Ordered);

    QCOMPARE(m_model->applyEvent("in-transit", payload("o1"), t0.addMSecs(1000)), Outcome::Advanced);
    QCOMPARE(m_model->applyEvent("delivered", payload("o1"), t0.addMSecs(4000)), Outcome::Advanced);
    const Order o = m_model->order("o1");
    QCOMPARE(o.status, Order::Status::Delivered);
    QCOMPARE(o.msBetween(Order::Status::Ordered, Order::Status::InTransit), 1000);
    QCOMPARE(o.msBetween(Order::Status::InTransit, Order::Status::Delivered), 3000);
    QCOMPARE(changed.count(), 3);
    QCOMPARE(changed.at(2).at(1).value<Order::Status>(), Order::Status::Delivered);
    QCOMPARE(m_model->countWithStatus(Order::Status::Delivered), 1);
    QCOMPARE(m_model->rowCount(), 1);
}

void TestOrderModel::duplicatesAreHandledOnce()
{
    QSignalSpy changed(m_model, &OrderModel::statusChanged);
    QSignalSpy dataChanged(m_model, &QAbstractItemModel::dataChanged);
    m_model->applyEvent("pickup", payload("o1"), t0);
    QCOMPARE(m_model->applyEvent("pickup", payload("o1"), t0.addMSecs(500)), Outcome::Duplicate);
    m_model->applyEvent("delivered", payload("o1"), t0.addMSecs(2000));
    QCOMPARE(m_model->applyEvent("delivered", payload("o1"), t0.addMSecs(9000)), Outcome::Duplicate);
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(changed.count(), 2);
    // Nothing changed for the copies: the first times stay.
    QCOMPARE(m_model->order("o1").orderedAt, t0);
    QCOMPARE(m_model->order("o1").deliveredAt, t0.addMSecs(2000));
    QCOMPARE(dataChanged.count(), 1);
}

void TestOrderModel::regressionsAreIgnored()
{
    m_model->applyEvent("pickup", payload("o1"), t0);
    m_model->applyEvent("delivered", payload("o1"), t0.addMSecs(3000));
    QSignalSpy changed(m_model, &OrderModel::statusChanged);
    QCOMPARE(m_model->applyEvent("in-transit", payload("o1"), t0.addMSecs(4000)), Outcome::Regression);
    QCOMPARE(m_model->applyEvent("pickup", payload("o1"), t0.addMSecs(5000)), Outcome::Regression);
    QCOMPARE(m_model->order("o1").status, Order::Status::Delivered);
    QCOMPARE(m_model->order("o1").orderedAt, t0);
    QCOMPARE(changed.count(), 0);
}

void TestOrderModel::skippedStepAndLateFill()
{
    // A panel opened late may see `delivered` first; the earlier step's time fills in later.
    QCOMPARE(m_model->applyEvent("delivered", payload("o2"), t0.addMSecs(3000)), Outcome::Added);
    QCOMPARE(m_model->order("o2").status, Order::Status::Delivered);
    QVERIFY(!m_model->order("o2").orderedAt.isValid());
    QCOMPARE(m_model->applyEvent("pickup", payload("o2"), t0), Outcome::Regression);
    QCOMPARE(m_model->order("o2").orderedAt, t0);
    QCOMPARE(m_model->order("o2").status, Order::Status::Delivered);
    QCOMPARE(m_model->data(m_model->index(0, OrderModel::TotalColumn), OrderModel::SortRole).toLongLong(), 3000);
}

void TestOrderModel::orderIdSpelling()
{
    m_model->applyEvent("pickup", payload("o3"), t0);
    QJsonObject camel = payload("o3");
    camel.remove("orderID");
    camel.insert("orderId", "o3");
    QCOMPARE(m_model->applyEvent("in-transit", camel, t0.addMSecs(1)), Outcome::Advanced);
    QCOMPARE(m_model->rowCount(), 1);
}

void TestOrderModel::invalidEvents()
{
    QCOMPARE(m_model->applyEvent("join", payload("o1"), t0), Outcome::Invalid);
    QCOMPARE(m_model->applyEvent("pickup", QJsonObject{{"store", "s"}}, t0), Outcome::Invalid);
    QCOMPARE(m_model->applyEvent("pickup", QJsonValue("o1"), t0), Outcome::Invalid);
    QCOMPARE(m_model->applyEvent("pickup", QJsonValue(), t0), Outcome::Invalid);
    QCOMPARE(m_model->rowCount(), 0);
}

void TestOrderModel::placeholderThenEvents()
{
    Order tracked;
    tracked.orderId = QStringLiteral("o4");
    QVERIFY(m_model->addPlaceholder(tracked));
    QVERIFY(!m_model->addPlaceholder(tracked));
    QCOMPARE(m_model->order("o4").status, Order::Status::Unknown);
    QCOMPARE(m_model->applyEvent("in-transit", payload("o4"), t0), Outcome::Advanced);
    // Fields the placeholder lacked come from the payload.
    QCOMPARE(m_model->order("o4").customer, QStringLiteral("Ada Lovelace"));
    QCOMPARE(m_model->order("o4").store, QStringLiteral("1-206-flowers"));
}

void TestOrderModel::removeAndClear()
{
    for (const char *id : {"a", "b", "c"})
        m_model->applyEvent("pickup", payload(id), t0);
    QVERIFY(m_model->removeOrder("b"));
    QVERIFY(!m_model->removeOrder("b"));
    QCOMPARE(m_model->rowOf("c"), 1);
    QCOMPARE(m_model->applyEvent("in-transit", payload("c"), t0.addMSecs(10)), Outcome::Advanced);
    QCOMPARE(m_model->orderAt(1).status, Order::Status::InTransit);
    m_model->clear();
    QCOMPARE(m_model->rowCount(), 0);
    QVERIFY(!m_model->contains("a"));
}

void TestOrderModel::displayAndSortRoles()
{
    m_model->applyEvent("pickup", payload("o5"), t0);
    m_model->applyEvent("in-transit", payload("o5"), t0.addMSecs(1500));
    const QModelIndex status = m_model->index(0, OrderModel::StatusColumn);
    QCOMPARE(status.data().toString(), OrderModel::statusText(Order::Status::InTransit));
    QCOMPARE(status.data(OrderModel::StatusRole).toInt(), int(Order::Status::InTransit));
    QCOMPARE(m_model->index(0, OrderModel::PickupWaitColumn).data(OrderModel::SortRole).toLongLong(), 1500);
    QVERIFY(!m_model->index(0, OrderModel::PickupWaitColumn).data().toString().isEmpty());
    QVERIFY(m_model->index(0, OrderModel::TransitColumn).data().toString().isEmpty());
    QCOMPARE(m_model->index(0, OrderModel::OrderIdColumn).data(OrderModel::OrderIdRole).toString(),
             QStringLiteral("o5"));
    for (int c = 0; c < OrderModel::ColumnCount; ++c)
        QVERIFY(!m_model->headerData(c, Qt::Horizontal).toString().isEmpty());
}

void TestOrderModel::formatDuration()
{
    QVERIFY(OrderModel::formatDuration(-1).isEmpty());
    QVERIFY(OrderModel::formatDuration(1500).contains(QLatin1String("1")));
    QCOMPARE(OrderModel::formatDuration(125000), QStringLiteral("2 min 5 s"));
    // One scale below a minute: never "0 min 11 s" beside "9.9 s".
    QCOMPARE(OrderModel::formatDuration(11000), QStringLiteral("11 s"));
    QCOMPARE(OrderModel::formatDuration(7260000), QStringLiteral("2 h 1 min"));
}

QTEST_GUILESS_MAIN(TestOrderModel)
#include "tst_ordermodel.moc"
