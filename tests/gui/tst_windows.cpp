#include "customerwindow.h"
#include "deliverychart.h"
#include "driverwindow.h"
#include "neworderdialog.h"
#include "ordercard.h"
#include "orderprogress.h"
#include "vendorwindow.h"

#include "agents/customeragent.h"
#include "agents/driveragent.h"
#include "agents/vendoragent.h"
#include "client/client.h"
#include "hub/capshub.h"
#include "server/server.h"

#include <QAbstractItemModel>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QInputDialog>
#include <QTimer>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTcpServer>
#include <QTest>

using caps::Order;

class TestWindows : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void wholeOrderAcrossWindows();
    void lateCustomerSeesCurrentStep();
    void ordersPlacedOfflineAreSentOnReconnect();
    void geometryIsSaved();
    void newOrderShortcut();
    void vendorSwitchesStore();
    void customerMovesToAnotherHub();
    void progressUsesThePalette_data();
    void progressUsesThePalette();

private:
    [[nodiscard]] QUrl hubUrl(quint16 port) const { return QUrl(QStringLiteral("http://127.0.0.1:%1/caps").arg(port)); }
    static QString statusCell(const QTableView *view, const QString &orderId);

    std::unique_ptr<caps::Server> m_server;
    std::unique_ptr<caps::CapsHub> m_hub;
    QString m_deliveredOrder;
};

void TestWindows::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("CodeAcademyTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_windows"));
    m_server = std::make_unique<caps::Server>();
    m_hub = std::make_unique<caps::CapsHub>(m_server->of(QStringLiteral("/caps")));
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0), qPrintable(m_server->errorString()));
}

void TestWindows::init()
{
    QSettings().clear();
}

QString TestWindows::statusCell(const QTableView *view, const QString &orderId)
{
    const QAbstractItemModel *model = view->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, caps::OrderModel::OrderIdColumn).data().toString() == orderId)
            return model->index(row, caps::OrderModel::StatusColumn).data().toString();
    }
    return {};
}

void TestWindows::wholeOrderAcrossWindows()
{
    const QUrl url = hubUrl(m_server->serverPort());
    VendorWindow vendor(url, QStringLiteral("1-206-flowers"));
    DriverWindow driver(url);
    CustomerWindow customer(url, QString());
    vendor.show();
    driver.show();
    customer.show();
    QTRY_VERIFY(vendor.client()->isConnected());
    QTRY_VERIFY(driver.client()->isConnected());
    QTRY_VERIFY(customer.client()->isConnected());
    QCOMPARE(vendor.connectionText(), tr("Connected"));

    // The customer follows her name before the order exists.
    auto *mode = customer.findChild<QComboBox *>(QStringLiteral("trackModeCombo"));
    auto *trackEdit = customer.findChild<QLineEdit *>(QStringLiteral("trackEdit"));
    auto *trackButton = customer.findChild<QPushButton *>(QStringLiteral("trackButton"));
    QVERIFY(mode && trackEdit && trackButton);
    QVERIFY(!trackButton->isEnabled());
    mode->setCurrentIndex(1);
    QSignalSpy answered(customer.agent(), &caps::CustomerAgent::trackAnswered);
    QTest::keyClicks(trackEdit, QStringLiteral("Grace Hopper"));
    QTest::mouseClick(trackButton, Qt::LeftButton);
    QVERIFY(answered.wait());
    QCOMPARE(answered.first().at(1).toBool(), true);

    // "New order" opens the form, prefilled and editable.
    auto *newOrder = vendor.findChild<QAction *>(QStringLiteral("newOrderAction"));
    QVERIFY(newOrder);
    QCOMPARE(newOrder->shortcut(), QKeySequence(QKeySequence::New));
    newOrder->trigger();
    NewOrderDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = vendor.findChild<NewOrderDialog *>()) && dialog->isVisible());
    auto *customerEdit = dialog->findChild<QLineEdit *>(QStringLiteral("customerEdit"));
    auto *addressEdit = dialog->findChild<QLineEdit *>(QStringLiteral("addressEdit"));
    QVERIFY(!customerEdit->text().isEmpty());
    QVERIFY(!addressEdit->text().isEmpty());
    const QString orderId = dialog->findChild<QLineEdit *>(QStringLiteral("orderIdEdit"))->text();
    QCOMPARE(orderId.size(), 36);
    customerEdit->clear();
    QTest::keyClicks(customerEdit, QStringLiteral("Grace Hopper"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("okButton")), Qt::LeftButton);

    auto *vendorView = vendor.findChild<QTableView *>(QStringLiteral("ordersView"));
    QVERIFY(vendorView);
    QCOMPARE(statusCell(vendorView, orderId), caps::OrderModel::statusText(Order::Status::Ordered));

    // The driver lists it; the buttons follow the order's next step.
    auto *pickup = driver.findChild<QPushButton *>(QStringLiteral("confirmPickupButton"));
    auto *deliver = driver.findChild<QPushButton *>(QStringLiteral("markDeliveredButton"));
    QVERIFY(pickup && deliver);
    QTRY_VERIFY(driver.agent()->orders()->contains(orderId));
    QVERIFY(!pickup->isEnabled());
    QVERIFY(!deliver->isEnabled());
    QVERIFY(driver.selectOrder(orderId));
    QVERIFY(pickup->isEnabled());
    QVERIFY(!deliver->isEnabled());

    // The customer's panel shows the order by her name.
    QTRY_VERIFY(customer.card(orderId));
    QTRY_COMPARE(customer.card(orderId)->progress()->currentStep(), int(OrderProgress::Ordered));

    QTest::mouseClick(pickup, Qt::LeftButton);
    QVERIFY(!pickup->isEnabled());
    QVERIFY(deliver->isEnabled());
    QTRY_COMPARE(statusCell(vendorView, orderId), caps::OrderModel::statusText(Order::Status::InTransit));
    QTRY_COMPARE(customer.card(orderId)->progress()->currentStep(), int(OrderProgress::InTransit));

    QTest::mouseClick(deliver, Qt::LeftButton);
    QVERIFY(!deliver->isEnabled());
    // Delivered orders leave the driver's queue unless asked for.
    auto *queue = driver.findChild<QTableView *>(QStringLiteral("queueView"));
    QVERIFY(queue);
    QCOMPARE(queue->model()->rowCount(), 0);
    driver.findChild<QCheckBox *>(QStringLiteral("showDeliveredCheck"))->setChecked(true);
    QCOMPARE(queue->model()->rowCount(), 1);
    const QString thanks = QStringLiteral("Thank you for delivering %1").arg(orderId);
    QTRY_COMPARE(statusCell(vendorView, orderId), caps::OrderModel::statusText(Order::Status::Delivered));
    QCOMPARE(vendor.lastNotification(), thanks);
    QCOMPARE(vendor.statusBar()->currentMessage(), thanks);
    QTRY_COMPARE(customer.card(orderId)->progress()->currentStep(), int(OrderProgress::Delivered));
    QVERIFY(customer.card(orderId)->progress()->stepLabel(OrderProgress::Delivered).size()
            > OrderProgress::stepName(OrderProgress::Delivered).size());
    QCOMPARE(vendor.findChild<DeliveryChart *>()->values().size(), 1);

    // Delivered once, whatever the copies: a duplicate `delivered` changes nothing.
    QSignalSpy thanked(vendor.agent(), &caps::VendorAgent::orderDelivered);
    driver.client()->emitEvent(QStringLiteral("delivered"),
                               QJsonArray{driver.agent()->orders()->order(orderId).toJson()});
    QVERIFY(!thanked.wait(300));
    QCOMPARE(vendor.agent()->orders()->rowCount(), 1);
    m_deliveredOrder = orderId;
}

void TestWindows::lateCustomerSeesCurrentStep()
{
    if (m_deliveredOrder.isEmpty())
        QFAIL("needs wholeOrderAcrossWindows to have delivered an order");
    CustomerWindow customer(hubUrl(m_server->serverPort()), QString(), {m_deliveredOrder});
    customer.show();
    QVERIFY(customer.card(m_deliveredOrder));
    QCOMPARE(customer.card(m_deliveredOrder)->progress()->currentStep(), -1);
    QTRY_COMPARE(customer.card(m_deliveredOrder)->progress()->currentStep(), int(OrderProgress::Delivered));
}

void TestWindows::ordersPlacedOfflineAreSentOnReconnect()
{
    // A port nobody listens on yet.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();

    VendorWindow vendor(hubUrl(port), QStringLiteral("offline-store"));
    vendor.show();
    QTRY_VERIFY(vendor.connectionText().startsWith(QStringLiteral("Reconnecting")));
    const Order placed = vendor.agent()->placeOrder(Order{});
    QCOMPARE(vendor.client()->bufferedCount(), 1);

    caps::Server server;
    caps::CapsHub hub(server.of(QStringLiteral("/caps")));
    QSignalSpy seen(&hub, &caps::CapsHub::eventReceived);
    QVERIFY(server.listen(QHostAddress::LocalHost, port));
    QTRY_VERIFY_WITH_TIMEOUT(vendor.client()->isConnected(), 15000);
    QCOMPARE(vendor.connectionText(), QStringLiteral("Connected"));
    QTRY_COMPARE(seen.count(), 1);
    QCOMPARE(hub.latestEvents(placed.orderId, QString()).size(), 1);
}

void TestWindows::geometryIsSaved()
{
    {
        DriverWindow driver(hubUrl(m_server->serverPort()));
        driver.resize(640, 480);
        driver.show();
        QVERIFY(QTest::qWaitForWindowExposed(&driver));
        driver.close();
    }
    QVERIFY(!QSettings().value(QStringLiteral("driver/geometry")).toByteArray().isEmpty());
    DriverWindow again(hubUrl(m_server->serverPort()));
    QCOMPARE(again.size(), QSize(640, 480));
}

void TestWindows::newOrderShortcut()
{
    VendorWindow vendor(hubUrl(m_server->serverPort()), QStringLiteral("shortcut-store"));
    vendor.show();
    QVERIFY(QTest::qWaitForWindowActive(&vendor));
    QTest::keySequence(&vendor, QKeySequence(QKeySequence::New));
    QTRY_VERIFY(vendor.findChild<NewOrderDialog *>());
}

void TestWindows::vendorSwitchesStore()
{
    VendorWindow vendor(hubUrl(m_server->serverPort()), QStringLiteral("first-store"));
    vendor.show();
    QTRY_VERIFY(vendor.client()->isConnected());
    auto *edit = vendor.findChild<QLineEdit *>(QStringLiteral("storeEdit"));
    auto *join = vendor.findChild<QPushButton *>(QStringLiteral("joinStoreButton"));
    QVERIFY(edit && join);
    QCOMPARE(edit->text(), QStringLiteral("first-store"));
    QVERIFY(!join->isEnabled());
    edit->clear();
    QTest::keyClicks(edit, QStringLiteral("second-store"));
    QVERIFY(join->isEnabled());
    QTest::mouseClick(join, Qt::LeftButton);
    QCOMPARE(vendor.store(), QStringLiteral("second-store"));
    QCOMPARE(vendor.client()->rooms(), QStringList{QStringLiteral("second-store")});
    QCOMPARE(QSettings().value(QStringLiteral("vendor/store")).toString(), QStringLiteral("second-store"));
    QTRY_VERIFY(vendor.client()->isConnected());

    // Deliveries for the old store no longer concern this window.
    caps::Client other(hubUrl(m_server->serverPort()));
    QSignalSpy up(&other, &caps::Client::connected);
    other.connectToHub();
    QVERIFY(up.wait());
    Order old;
    old.store = QStringLiteral("first-store");
    old.orderId = QStringLiteral("old-1");
    other.emitEvent(QStringLiteral("delivered"), QJsonArray{old.toJson()});
    Order mine = old;
    mine.store = QStringLiteral("second-store");
    mine.orderId = QStringLiteral("new-1");
    other.emitEvent(QStringLiteral("delivered"), QJsonArray{mine.toJson()});
    QTRY_VERIFY(vendor.agent()->orders()->contains(QStringLiteral("new-1")));
    QVERIFY(!vendor.agent()->orders()->contains(QStringLiteral("old-1")));
}

void TestWindows::customerMovesToAnotherHub()
{
    caps::Server other;
    caps::CapsHub otherHub(other.of(QStringLiteral("/caps")));
    QVERIFY(other.listen(QHostAddress::LocalHost, 0));

    CustomerWindow customer(hubUrl(m_server->serverPort()), QStringLiteral("Mover"), {QStringLiteral("move-1")});
    customer.show();
    QTRY_VERIFY(customer.client()->isConnected());
    auto *action = customer.findChild<QAction *>(QStringLiteral("changeHubAction"));
    QVERIFY(action);
    QTimer::singleShot(0, &customer, [&] {
        auto *dialog = customer.findChild<QInputDialog *>();
        QVERIFY(dialog);
        dialog->setTextValue(hubUrl(other.serverPort()).toString());
        dialog->accept();
    });
    action->trigger();
    QCOMPARE(customer.hubUrl(), hubUrl(other.serverPort()));
    QCOMPARE(customer.client()->url(), hubUrl(other.serverPort()));
    QCOMPARE(QSettings().value(QStringLiteral("hub/url")).toString(), hubUrl(other.serverPort()).toString());
    QCOMPARE(customer.agent()->trackedOrders(), QStringList{QStringLiteral("move-1")});
    QCOMPARE(customer.agent()->trackedCustomers(), QStringList{QStringLiteral("Mover")});
    QVERIFY(customer.card(QStringLiteral("move-1")));
    QTRY_VERIFY(customer.client()->isConnected());

    // The new hub's events reach the panel.
    caps::Client vendor(hubUrl(other.serverPort()));
    QSignalSpy up(&vendor, &caps::Client::connected);
    vendor.connectToHub();
    QVERIFY(up.wait());
    Order order;
    order.store = QStringLiteral("s");
    order.orderId = QStringLiteral("move-2");
    order.customer = QStringLiteral("Mover");
    vendor.emitEvent(QStringLiteral("pickup"), QJsonArray{order.toJson()});
    QTRY_VERIFY(customer.card(QStringLiteral("move-2")));
}

void TestWindows::progressUsesThePalette_data()
{
    QTest::addColumn<QColor>("highlight");
    QTest::addColumn<QColor>("base");
    QTest::addRow("light") << QColor(0x30, 0x8c, 0xc6) << QColor(Qt::white);
    QTest::addRow("dark") << QColor(0xe0, 0x90, 0x30) << QColor(0x20, 0x20, 0x20);
}

void TestWindows::progressUsesThePalette()
{
    QFETCH(QColor, highlight);
    QFETCH(QColor, base);
    QPalette palette;
    palette.setColor(QPalette::Highlight, highlight);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::Window, base);
    palette.setColor(QPalette::PlaceholderText, Qt::gray);

    OrderProgress progress;
    progress.setPalette(palette);
    progress.resize(400, progress.sizeHint().height());
    Order order;
    order.orderId = QStringLiteral("p1");
    order.status = Order::Status::Ordered;
    order.orderedAt = QDateTime::currentDateTimeUtc();
    progress.setOrder(order);
    const QImage image = progress.grab().toImage();
    const int slot = progress.width() / OrderProgress::StepCount; // whole logical pixels
    const qreal dpr = image.devicePixelRatio();
    // Centre of the first step, off the tick mark: the step reached is filled with Highlight...
    const int firstX = slot / 2 - 3;
    const QPoint first(int(firstX * dpr), int((9 + 4 - 5) * dpr));
    QCOMPARE(image.pixelColor(first), highlight);
    // ...and the last, not reached, with Base.
    const int lastX = slot * 3 + slot / 2;
    const QPoint last(int(lastX * dpr), int((9 + 4) * dpr));
    QCOMPARE(image.pixelColor(last), base);
}

QTEST_MAIN(TestWindows)
#include "tst_windows.moc"
