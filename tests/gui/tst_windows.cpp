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
#include "queue/memorymessagestore.h"
#include "queue/messagequeue.h"
#include "server/server.h"
#include "agents/connectionstatus.h"
#include "widgets/chartscale.h"
#include "widgets/connectionindicator.h"
#include "widgets/eventlogview.h"
#include "widgets/notificationqueue.h"
#include "widgets/ordercolumns.h"
#include "widgets/translations.h"

#include <QAbstractItemModel>
#include <QChart>
#include <QDateTimeAxis>
#include <QValueAxis>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QInputDialog>
#include <QLabel>
#include <QHeaderView>
#include <QMenu>
#include <QScrollBar>
#include <QApplication>
#include <QMessageBox>
#include <QScopeGuard>
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
    void refusedOrderIsEditedAndSentAgain();
    void outboxIsKeptAcrossARestart();
    void cancelReachesDriversAndCustomers();
    void historyIsLoadedOnStart();
    void historyKeepsTheTimeOfEachStep();
    void secondDriverLosesATakenOrder();
    void customerRemembersWhomItFollows();
    void germanMenusAndPlurals();
    void largerFontKeepsStatusAndAddressWhole();
    void narrowWindowScrollsRatherThanCrushTheAddress();
    void chartTicksAreRoundAndLabelsDistinct();
    void connectionTooltipNamesHubAndReason();
    void logDetailsAreReadable();
    void trayNotificationsComeOneAtATime();

private:
    // A hub with a message queue (in memory) and its durable order book.
    struct QueueHub
    {
        caps::MemoryMessageStore store;
        caps::MessageQueue queue{store};
        caps::Server server;
        std::unique_ptr<caps::CapsHub> hub;
        explicit QueueHub(caps::CapsHub::Options options = {})
        {
            options.queue = &queue;
            hub = std::make_unique<caps::CapsHub>(server.of(QStringLiteral("/caps")), options);
        }
    };
    static quint16 freePort();
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
    // Each case starts with empty outboxes, whatever an earlier run left.
    QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/outbox"))
        .removeRecursively();
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
    // Queued until the hub confirms it, then waiting for a driver.
    QTRY_COMPARE(statusCell(vendorView, orderId), caps::OrderModel::statusText(Order::Status::Ordered));

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
        // Wide enough for a hub URL and for its title (QInputDialog::getText made it 200 px).
        const QFontMetrics fm = dialog->fontMetrics();
        QVERIFY(dialog->minimumWidth() > fm.horizontalAdvance(dialog->textValue()));
        QVERIFY(dialog->minimumWidth() > 2 * fm.horizontalAdvance(dialog->windowTitle()));
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

quint16 TestWindows::freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

void TestWindows::refusedOrderIsEditedAndSentAgain()
{
    // A hub stricter than the client knows: it refuses for good what passes here.
    caps::CapsHub::Options options;
    caps::SecurityLimits limits;
    limits.maxAddressLength = 40;
    options.policy.setLimits(limits);
    QueueHub q(options);
    QVERIFY(q.server.listen(QHostAddress::LocalHost, 0));
    QSignalSpy accepted(q.hub.get(), &caps::CapsHub::eventReceived);
    VendorWindow vendor(hubUrl(q.server.serverPort()), QStringLiteral("strict-store"));
    vendor.show();
    QTRY_VERIFY(vendor.client()->isConnected());

    // The dialog refuses what the hub's own limits refuse, and says why.
    vendor.newOrder();
    NewOrderDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = vendor.findChild<NewOrderDialog *>()) && dialog->isVisible());
    auto *address = dialog->findChild<QLineEdit *>(QStringLiteral("addressEdit"));
    auto *ok = dialog->findChild<QPushButton *>(QStringLiteral("okButton"));
    auto *problem = dialog->findChild<QLabel *>(QStringLiteral("problemLabel"));
    address->setText(QString(513, QLatin1Char('a')));
    QVERIFY(!ok->isEnabled());
    QVERIFY(problem->isVisible());
    QVERIFY2(problem->text().contains(QStringLiteral("512")), qPrintable(problem->text()));
    address->setText(QString(60, QLatin1Char('b')));
    QVERIFY(ok->isEnabled());
    const QString orderId = dialog->findChild<QLineEdit *>(QStringLiteral("orderIdEdit"))->text();
    QSignalSpy refused(vendor.agent(), &caps::VendorAgent::orderRefused);
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY(refused.wait());

    // Refused, with the reason, and not sent again by itself.
    const Order order = vendor.agent()->orders()->order(orderId);
    QVERIFY(order.isRefused());
    QVERIFY2(order.refusal.contains(QStringLiteral("40")), qPrintable(order.refusal));
    auto *view = vendor.findChild<QTableView *>(QStringLiteral("ordersView"));
    QVERIFY(statusCell(view, orderId).startsWith(caps::OrderModel::statusText(order).left(8)));
    QVERIFY(statusCell(view, orderId).contains(order.refusal));
    QVERIFY(!accepted.wait(500));
    const auto sentPickups = [&] {
        int n = 0;
        for (const auto &entry : vendor.agent()->log()->entries())
            n += entry.direction == caps::EventLogModel::Direction::Sent && entry.event == QLatin1String("pickup");
        return n;
    };
    QCOMPARE(sentPickups(), 1);
    QCOMPARE(vendor.agent()->unsentCount(), 1);

    // Edited and sent again: the same order, now accepted.
    QVERIFY(vendor.selectOrder(orderId));
    auto *edit = vendor.findChild<QAction *>(QStringLiteral("editOrderAction"));
    QVERIFY(edit->isEnabled());
    edit->trigger();
    NewOrderDialog *editor = nullptr;
    QTRY_VERIFY((editor = vendor.findChild<NewOrderDialog *>()) && editor->isVisible());
    QCOMPARE(editor->findChild<QLineEdit *>(QStringLiteral("orderIdEdit"))->text(), orderId);
    QVERIFY(editor->findChild<QLabel *>(QStringLiteral("refusalLabel"))->text().contains(order.refusal));
    editor->findChild<QLineEdit *>(QStringLiteral("addressEdit"))->setText(QStringLiteral("1 Short Street"));
    QTest::mouseClick(editor->findChild<QPushButton *>(QStringLiteral("okButton")), Qt::LeftButton);
    QVERIFY(accepted.wait());
    QCOMPARE(accepted.first().first().value<caps::HubEvent>().orderId, orderId);
    QTRY_VERIFY(!vendor.agent()->orders()->order(orderId).unsent);
    QCOMPARE(statusCell(view, orderId), caps::OrderModel::statusText(Order::Status::Ordered));
    QCOMPARE(vendor.agent()->unsentCount(), 0);

    // A refused order can be dropped instead.
    Order bad;
    bad.customer = QStringLiteral("X");
    bad.address = QString(41, QLatin1Char('c'));
    const Order second = vendor.agent()->placeOrder(bad);
    QVERIFY(refused.wait());
    QVERIFY(vendor.selectOrder(second.orderId));
    vendor.findChild<QAction *>(QStringLiteral("dropOrderAction"))->trigger();
    QVERIFY(!vendor.agent()->orders()->contains(second.orderId));
}

void TestWindows::outboxIsKeptAcrossARestart()
{
    const quint16 port = freePort();
    QString orderId;
    QString outbox;
    {
        VendorWindow vendor(hubUrl(port), QStringLiteral("outbox-store"));
        vendor.show();
        QTRY_VERIFY(vendor.connectionText().startsWith(QStringLiteral("Reconnecting")));
        Order draft;
        draft.customer = QStringLiteral("Ada Lovelace");
        draft.address = QStringLiteral("12 St James's Square");
        const Order placed = vendor.agent()->placeOrder(draft);
        orderId = placed.orderId;
        QVERIFY(placed.unsent);
        QCOMPARE(statusCell(vendor.findChild<QTableView *>(QStringLiteral("ordersView")), orderId),
                 caps::OrderModel::statusText(placed));
        outbox = vendor.agent()->outboxPath();
        QVERIFY(QFile::exists(outbox));

        // Quitting asks first; staying keeps the window open.
        bool asked = false;
        QTimer::singleShot(0, &vendor, [&] {
            auto *box = vendor.findChild<QMessageBox *>(QStringLiteral("unsentQuestion"));
            asked = box != nullptr;
            if (box)
                box->findChild<QPushButton *>(QStringLiteral("stayButton"))->click();
        });
        QVERIFY(!vendor.close());
        QVERIFY(asked);
        QVERIFY(vendor.isVisible());
        QTimer::singleShot(0, &vendor, [&] {
            if (auto *box = vendor.findChild<QMessageBox *>(QStringLiteral("unsentQuestion")))
                box->findChild<QPushButton *>(QStringLiteral("quitButton"))->click();
        });
        QVERIFY(vendor.close());
    }
    // A new window for the store (the program started again) has it, and sends it.
    VendorWindow again(hubUrl(port), QStringLiteral("outbox-store"));
    again.show();
    QVERIFY(again.agent()->orders()->contains(orderId));
    QVERIFY(again.agent()->orders()->order(orderId).unsent);
    QueueHub q;
    QSignalSpy seen(q.hub.get(), &caps::CapsHub::eventReceived);
    QVERIFY(q.server.listen(QHostAddress::LocalHost, port));
    QTRY_VERIFY_WITH_TIMEOUT(again.client()->isConnected(), 15000);
    QTRY_COMPARE(seen.count(), 1);
    QCOMPARE(seen.first().first().value<caps::HubEvent>().orderId, orderId);
    QTRY_VERIFY(!again.agent()->orders()->order(orderId).unsent);
    QVERIFY(!QFile::exists(outbox));
    // Confirmed: nothing left to ask about.
    QVERIFY(again.close());
}

void TestWindows::cancelReachesDriversAndCustomers()
{
    QueueHub q;
    QVERIFY(q.server.listen(QHostAddress::LocalHost, 0));
    const QUrl url = hubUrl(q.server.serverPort());
    VendorWindow vendor(url, QStringLiteral("cancel-store"));
    DriverWindow driver(url);
    CustomerWindow customer(url, QStringLiteral("Barbara Liskov"));
    for (QWidget *w :
         {static_cast<QWidget *>(&vendor), static_cast<QWidget *>(&driver), static_cast<QWidget *>(&customer)})
        w->show();
    QTRY_VERIFY(vendor.client()->isConnected() && driver.client()->isConnected() && customer.client()->isConnected());
    QSignalSpy tracked(customer.agent(), &caps::CustomerAgent::trackAnswered);
    QTRY_VERIFY(!tracked.isEmpty() || customer.agent()->trackedCustomers().size() == 1);

    Order draft;
    draft.customer = QStringLiteral("Barbara Liskov");
    draft.address = QStringLiteral("MIT, Cambridge");
    const QString orderId = vendor.agent()->placeOrder(draft).orderId;
    QTRY_VERIFY(driver.agent()->orders()->contains(orderId));
    QTRY_VERIFY(customer.card(orderId));
    QTRY_VERIFY(!vendor.agent()->orders()->order(orderId).unsent);

    QVERIFY(vendor.selectOrder(orderId));
    auto *cancel = vendor.findChild<QAction *>(QStringLiteral("cancelOrderAction"));
    QVERIFY(cancel->isEnabled());
    cancel->trigger();
    auto *view = vendor.findChild<QTableView *>(QStringLiteral("ordersView"));
    QTRY_COMPARE(statusCell(view, orderId), caps::OrderModel::statusText(Order::Status::Cancelled));
    QVERIFY(!cancel->isEnabled());
    QTRY_VERIFY(!driver.agent()->orders()->contains(orderId));
    QCOMPARE(driver.findChild<QTableView *>(QStringLiteral("queueView"))->model()->rowCount(), 0);
    QTRY_COMPARE(customer.card(orderId)->statusText(), caps::OrderModel::statusText(Order::Status::Cancelled));
    QCOMPARE(customer.lastNotification(), tr("Your order %1 was cancelled by the store").arg(orderId));
    QCOMPARE(q.hub->orders().status(orderId), caps::OrderStatus::Cancelled);
}

void TestWindows::historyIsLoadedOnStart()
{
    QueueHub q;
    QVERIFY(q.server.listen(QHostAddress::LocalHost, 0));
    const QUrl url = hubUrl(q.server.serverPort());
    QString orderId;
    {
        VendorWindow vendor(url, QStringLiteral("history-store"));
        vendor.show();
        QTRY_VERIFY(vendor.client()->isConnected());
        Order draft;
        draft.customer = QStringLiteral("Grace Hopper");
        draft.address = QStringLiteral("Arlington, VA");
        orderId = vendor.agent()->placeOrder(draft).orderId;
        QTRY_VERIFY(!vendor.agent()->orders()->order(orderId).unsent);
        QVERIFY(vendor.close());
    }
    // Not from the outbox (the hub confirmed it, so it left it): from the hub.
    VendorWindow again(url, QStringLiteral("history-store"));
    QCOMPARE(again.agent()->orders()->rowCount(), 0);
    QSignalSpy loaded(again.agent(), &caps::VendorAgent::historyLoaded);
    again.show();
    QVERIFY(loaded.wait());
    QCOMPARE(loaded.first().first().toInt(), 1);
    const Order order = again.agent()->orders()->order(orderId);
    QCOMPARE(order.status, Order::Status::Ordered);
    QCOMPARE(order.customer, QStringLiteral("Grace Hopper"));
    QVERIFY(order.orderedAt.isValid());
    QCOMPARE(again.findChild<DeliveryChart *>()->values().size(), 0);
    // History is not news.
    QVERIFY(again.lastNotification().isEmpty());

    // The customer, started afresh, gets the orders of the name it follows.
    CustomerWindow customer(url, QStringLiteral("Grace Hopper"));
    customer.show();
    QTRY_VERIFY(customer.card(orderId));
}

// The hub's answer to `orders` carries when each step was made: a vendor started again shows how
// long its delivered orders waited and travelled, not blanks (the latest event alone has only
// the delivery's time).
void TestWindows::historyKeepsTheTimeOfEachStep()
{
    QueueHub q;
    QVERIFY(q.server.listen(QHostAddress::LocalHost, 0));
    const QUrl url = hubUrl(q.server.serverPort());
    QString orderId;
    Order seen;
    {
        VendorWindow vendor(url, QStringLiteral("steps-store"));
        DriverWindow driver(url);
        vendor.show();
        driver.show();
        QTRY_VERIFY(vendor.client()->isConnected() && driver.client()->isConnected());
        Order draft;
        draft.customer = QStringLiteral("Barbara Liskov");
        draft.address = QStringLiteral("Cambridge, MA");
        orderId = vendor.agent()->placeOrder(draft).orderId;
        QTRY_VERIFY(driver.selectOrder(orderId));
        QTest::mouseClick(driver.findChild<QPushButton *>(QStringLiteral("confirmPickupButton")), Qt::LeftButton);
        QTRY_VERIFY(driver.agent()->canMarkDelivered(orderId));
        QVERIFY(driver.agent()->markDelivered(orderId));
        QTRY_COMPARE(vendor.agent()->orders()->order(orderId).status, Order::Status::Delivered);
        seen = vendor.agent()->orders()->order(orderId);
        QVERIFY(vendor.close());
    }
    VendorWindow again(url, QStringLiteral("steps-store"));
    QSignalSpy loaded(again.agent(), &caps::VendorAgent::historyLoaded);
    again.show();
    QVERIFY(loaded.wait());
    const caps::OrderModel *orders = again.agent()->orders();
    const Order order = orders->order(orderId);
    QCOMPARE(order.status, Order::Status::Delivered);
    QCOMPARE(order.orderedAt, seen.orderedAt); // the vendor's own time, in the payload
    // The hub's times of the steps: the vendor heard of each a moment after the hub did.
    for (const Order::Status step : {Order::Status::InTransit, Order::Status::Delivered}) {
        QVERIFY2(order.timeOf(step).isValid(), qPrintable(Order::eventForStatus(step)));
        QVERIFY(order.timeOf(step) <= seen.timeOf(step));
        QVERIFY(order.timeOf(step) >= seen.orderedAt);
    }
    QVERIFY(order.inTransitAt <= order.deliveredAt);
    const int row = orders->rowOf(orderId);
    for (const int column :
         {caps::OrderModel::PickupWaitColumn, caps::OrderModel::TransitColumn, caps::OrderModel::TotalColumn})
        QVERIFY2(!orders->index(row, column).data().toString().isEmpty(), qPrintable(QString::number(column)));
}

void TestWindows::secondDriverLosesATakenOrder()
{
    QueueHub q;
    QVERIFY(q.server.listen(QHostAddress::LocalHost, 0));
    const QUrl url = hubUrl(q.server.serverPort());
    VendorWindow vendor(url, QStringLiteral("two-drivers"));
    DriverWindow first(url);
    DriverWindow second(url);
    for (QWidget *w :
         {static_cast<QWidget *>(&vendor), static_cast<QWidget *>(&first), static_cast<QWidget *>(&second)})
        w->show();
    QTRY_VERIFY(vendor.client()->isConnected() && first.client()->isConnected() && second.client()->isConnected());
    Order draft;
    draft.customer = QStringLiteral("Edsger Dijkstra");
    draft.address = QStringLiteral("Nuenen");
    const QString orderId = vendor.agent()->placeOrder(draft).orderId;
    auto *secondQueue = second.findChild<QTableView *>(QStringLiteral("queueView"));
    QTRY_COMPARE(secondQueue->model()->rowCount(), 1);
    QTRY_VERIFY(first.selectOrder(orderId));
    QTest::mouseClick(first.findChild<QPushButton *>(QStringLiteral("confirmPickupButton")), Qt::LeftButton);
    QTRY_COMPARE(secondQueue->model()->rowCount(), 0);
    QVERIFY(!second.agent()->canConfirmPickup(orderId));
    QVERIFY(!second.selectOrder(orderId));
    // Still the first driver's to deliver.
    QVERIFY(first.agent()->canMarkDelivered(orderId));
}

void TestWindows::customerRemembersWhomItFollows()
{
    const QUrl url = hubUrl(m_server->serverPort());
    {
        CustomerWindow customer(url, QStringLiteral("Ada Lovelace"));
        customer.trackCustomer(QStringLiteral("Ken Johnson"));
        customer.trackOrder(QStringLiteral("remembered-1"));
        QCOMPARE(customer.agent()->trackedCustomers(), (QStringList{"Ada Lovelace", "Ken Johnson"}));
    }
    // Started again, with the command line's name or none.
    CustomerWindow again(url, QStringLiteral("Ada Lovelace"));
    QCOMPARE(again.agent()->trackedCustomers(), (QStringList{"Ada Lovelace", "Ken Johnson"}));
    QCOMPARE(again.agent()->trackedOrders(), QStringList{QStringLiteral("remembered-1")});
    CustomerWindow bare(url, QString());
    QCOMPARE(bare.agent()->trackedCustomers(), (QStringList{"Ada Lovelace", "Ken Johnson"}));
}

void TestWindows::germanMenusAndPlurals()
{
    QVERIFY(caps::installTranslations(QLocale(QLocale::German, QLocale::Germany)));
    const auto restore = qScopeGuard([] { caps::installTranslations(QLocale::c()); });
    const QUrl url = hubUrl(m_server->serverPort());
    VendorWindow vendor(url, QStringLiteral("de-store"));
    auto *file = vendor.findChild<QMenu *>(QStringLiteral("fileMenu"));
    QVERIFY(file);
    QCOMPARE(file->title(), QStringLiteral("&Datei"));
    QCOMPARE(vendor.findChild<QAction *>(QStringLiteral("newOrderAction"))->text(),
             QStringLiteral("&Neue Bestellung…"));
    QCOMPARE(vendor.agent()->orders()->headerData(caps::OrderModel::AddressColumn, Qt::Horizontal).toString(),
             QStringLiteral("Adresse"));

    CustomerWindow customer(url, QString(), {QStringLiteral("de-1")});
    auto *following = customer.findChild<QLabel *>(QStringLiteral("followingLabel"));
    QVERIFY(following->text().contains(QStringLiteral("1 Bestellung nach Nummer")));
    customer.trackOrder(QStringLiteral("de-2"));
    QVERIFY2(following->text().contains(QStringLiteral("2 Bestellungen nach Nummer")), qPrintable(following->text()));

    // English has its plural forms too: no "order(s)".
    QVERIFY(!caps::installTranslations(QLocale(QLocale::English, QLocale::UnitedKingdom)));
    customer.trackOrder(QStringLiteral("en-3"));
    QVERIFY2(following->text().contains(QStringLiteral("3 orders by ID")), qPrintable(following->text()));
}

void TestWindows::largerFontKeepsStatusAndAddressWhole()
{
    const QFont before = QApplication::font();
    QFont larger = before;
    larger.setPointSizeF(before.pointSizeF() * 1.5);
    QApplication::setFont(larger);
    const auto restore = qScopeGuard([before] { QApplication::setFont(before); });

    VendorWindow vendor(hubUrl(m_server->serverPort()), QStringLiteral("large-font-store"));
    vendor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&vendor));
    Order draft;
    draft.customer = QStringLiteral("Margaret Hamilton");
    draft.address = QStringLiteral("1 Main Street, Cambridge, MA 02139");
    const QString id = vendor.agent()->placeOrder(draft).orderId;
    QTRY_VERIFY(!vendor.agent()->orders()->order(id).unsent);
    auto *view = vendor.findChild<QTableView *>(QStringLiteral("ordersView"));
    QTRY_VERIFY(view->horizontalHeader()->sectionSize(caps::OrderModel::StatusColumn) > 0);
    const QFontMetrics fm(view->font());
    QCOMPARE(fm.height(), QFontMetrics(larger).height());
    const int padding = 2 * view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 2;
    const QString status = caps::OrderModel::statusText(Order::Status::Ordered);
    QVERIFY2(view->columnWidth(caps::OrderModel::StatusColumn) >= fm.horizontalAdvance(status) + padding,
             qPrintable(QStringLiteral("%1 < %2")
                            .arg(view->columnWidth(caps::OrderModel::StatusColumn))
                            .arg(fm.horizontalAdvance(status))));
    QVERIFY2(view->columnWidth(caps::OrderModel::AddressColumn) >= fm.horizontalAdvance(draft.address) + padding,
             qPrintable(QStringLiteral("%1 < %2")
                            .arg(view->columnWidth(caps::OrderModel::AddressColumn))
                            .arg(fm.horizontalAdvance(draft.address))));
    // No horizontal scrolling needed.
    QVERIFY(!view->horizontalScrollBar()->isVisible());
}

// #13: at 758 px the vendor's address column was "9418 …", the other columns having taken the
// width; and a customer's name that came with a later order was cut to the first one's width.
void TestWindows::narrowWindowScrollsRatherThanCrushTheAddress()
{
    const QUrl url = hubUrl(m_server->serverPort());
    VendorWindow vendor(url, QStringLiteral("narrow-store"));
    DriverWindow driver(url);
    vendor.resize(560, 480);
    // Tall: rows come without a vertical scroll bar, so the view's geometry does not change.
    driver.resize(560, 800);
    vendor.show();
    driver.show();
    QVERIFY(QTest::qWaitForWindowExposed(&vendor) && QTest::qWaitForWindowExposed(&driver));
    QTRY_VERIFY(vendor.client()->isConnected() && driver.client()->isConnected());
    auto *view = vendor.findChild<QTableView *>(QStringLiteral("ordersView"));
    auto *queue = driver.findChild<QTableView *>(QStringLiteral("queueView"));
    QHeaderView *header = view->horizontalHeader();
    Order first;
    first.customer = QStringLiteral("Al");
    first.address = QStringLiteral("1 Main Street, Cambridge, MA 02139");
    vendor.agent()->placeOrder(first);
    QTRY_COMPARE(queue->model()->rowCount(), 1);
    QTRY_VERIFY(header->sectionSize(caps::OrderModel::StatusColumn) > 0);

    const int minimum = view->fontMetrics().averageCharWidth() * caps::OrderColumns::AddressMinimumChars;
    QTRY_VERIFY2(
        header->sectionSize(caps::OrderModel::AddressColumn) >= minimum,
        qPrintable(QStringLiteral("%1 < %2").arg(header->sectionSize(caps::OrderModel::AddressColumn)).arg(minimum)));
    QTRY_VERIFY(view->horizontalScrollBar()->isVisible());

    Order second = first;
    second.customer = QStringLiteral("Margaret Heafield Hamilton");
    vendor.agent()->placeOrder(second);
    QTRY_COMPARE(queue->model()->rowCount(), 2);
    const int name = queue->fontMetrics().horizontalAdvance(second.customer);
    QTRY_VERIFY2(
        queue->columnWidth(caps::OrderModel::CustomerColumn) >= name,
        qPrintable(QStringLiteral("%1 < %2").arg(queue->columnWidth(caps::OrderModel::CustomerColumn)).arg(name)));

    // Room enough: the address takes what the others leave, to the edge, and nothing scrolls.
    vendor.resize(1600, 600);
    QTRY_COMPARE(header->length(), view->viewport()->width());
    QTRY_VERIFY(!view->horizontalScrollBar()->isVisible());
    QVERIFY(header->sectionSize(caps::OrderModel::AddressColumn) > minimum);
}

// #13 item 7: "last 1 order(s)", labels 20:23:56, 20:23:57, 20:23:57, y ticks at 6.4/12.8/19.2,
// an empty chart going to 1.1.
void TestWindows::chartTicksAreRoundAndLabelsDistinct()
{
    // A bare session's "C" locale reads English, plural forms included.
    caps::installTranslations(QLocale::c());
    const auto restore = qScopeGuard([] { caps::installTranslations(QLocale(QLocale::English)); });
    caps::OrderModel orders;
    DeliveryChart chart;
    chart.setOrders(&orders);
    auto *y = qobject_cast<QValueAxis *>(chart.chart()->axes(Qt::Vertical).value(0));
    auto *x = qobject_cast<QDateTimeAxis *>(chart.chart()->axes(Qt::Horizontal).value(0));
    QVERIFY(y && x);
    QCOMPARE(y->min(), 0.0);
    QCOMPARE(y->max(), 5.0);
    QCOMPARE(y->tickCount(), 6);

    const auto labels = [x] {
        QStringList result;
        const qint64 span = x->min().msecsTo(x->max());
        for (int i = 0; i < x->tickCount(); ++i)
            result.append(x->min().addMSecs(span * i / (x->tickCount() - 1)).toString(x->format()));
        return result;
    };
    const auto deliver = [&orders](const QString &id, const QDateTime &ordered, qint64 ms) {
        Order order;
        order.store = QStringLiteral("s");
        order.orderId = id;
        QCOMPARE(orders.applyStep(Order::Status::Ordered, order, ordered), caps::OrderModel::Outcome::Added);
        QCOMPARE(orders.applyStep(Order::Status::Delivered, order, ordered.addMSecs(ms)),
                 caps::OrderModel::Outcome::Advanced);
    };
    const QDateTime t0 = QDateTime::fromString(QStringLiteral("2026-03-01T20:23:40.300Z"), Qt::ISODateWithMs);
    deliver(QStringLiteral("c-1"), t0, 19200);
    QCOMPARE(chart.chart()->title(), QStringLiteral("Pickup to delivery, the last order"));
    // 19.2 s: 0, 5, … 25, whole numbers.
    QCOMPARE(y->max(), 25.0);
    QCOMPARE(y->tickCount(), 6);
    QCOMPARE(y->labelFormat(), QStringLiteral("%.0f"));

    // Three deliveries within a second: every label says a different second.
    deliver(QStringLiteral("c-2"), t0.addMSecs(400), 19200);
    deliver(QStringLiteral("c-3"), t0.addMSecs(800), 19200);
    QCOMPARE(chart.chart()->title(), QStringLiteral("Pickup to delivery, the last 3 orders"));
    QStringList shown = labels();
    QVERIFY2(shown.removeDuplicates() == 0, qPrintable(labels().join(u' ')));
    QVERIFY(x->tickCount() >= 2);
    QCOMPARE(x->min().msecsTo(x->max()) % (qint64(1000) * (x->tickCount() - 1)), 0);
    QVERIFY(x->min() < t0.addMSecs(19200) && x->max() > t0.addMSecs(20000));

    // The scale on its own: 1-2-5 steps, whole minutes past a few minutes' span.
    const caps::ChartScale::ValueTicks v = caps::ChartScale::valueTicks(6.4 * 3);
    QCOMPARE(v.step, 5.0);
    QCOMPARE(caps::ChartScale::valueTicks(140).step, 50.0);
    const caps::ChartScale::TimeTicks hour = caps::ChartScale::timeTicks(t0, t0.addSecs(3600));
    QCOMPARE(hour.stepMs % 60000, 0);
    QCOMPARE(hour.format, QStringLiteral("HH:mm"));
    QVERIFY(hour.count <= 4);
}

// #13 item 5: the tooltip names the hub and why the last attempt failed, not the label again.
void TestWindows::connectionTooltipNamesHubAndReason()
{
    const QUrl url = hubUrl(freePort());
    QCOMPARE(caps::ConnectionStatus::detailsText(caps::Client::State::Reconnecting, 3, url,
                                                 QStringLiteral("Connection refused")),
             QStringLiteral("Reconnecting to %1 in 3 s\nLast attempt: Connection refused").arg(url.toString()));
    QCOMPARE(caps::ConnectionStatus::detailsText(caps::Client::State::Connected, -1, url, QString()),
             QStringLiteral("Connected to %1").arg(url.toString()));

    DriverWindow driver(url);
    driver.show();
    auto *indicator = driver.findChild<caps::ConnectionIndicator *>(QStringLiteral("connectionIndicator"));
    QVERIFY(indicator);
    QTRY_VERIFY2(indicator->toolTip().contains(QStringLiteral("Last attempt: ")), qPrintable(indicator->toolTip()));
    QVERIFY(indicator->toolTip().contains(url.toString()));
    QVERIFY(indicator->toolTip() != indicator->text());
    QVERIFY(!driver.client()->errorString().isEmpty());
    QVERIFY(indicator->toolTip().contains(driver.client()->errorString()));
}

// #13 item 9: the log's Details column is a summary; the JSON is in its tooltip.
void TestWindows::logDetailsAreReadable()
{
    VendorWindow vendor(hubUrl(m_server->serverPort()), QStringLiteral("summary-store"));
    vendor.show();
    QTRY_VERIFY(vendor.client()->isConnected());
    Order draft;
    draft.customer = QStringLiteral("Grace Hopper");
    draft.address = QStringLiteral("1 Navy Yard");
    const QString id = vendor.agent()->placeOrder(draft).orderId;
    QTRY_VERIFY(!vendor.agent()->orders()->order(id).unsent);
    auto *view = vendor.findChild<caps::EventLogView *>(QStringLiteral("eventLogView"));
    QVERIFY(view);
    const QAbstractItemModel *log = view->model();
    int row = -1;
    for (int r = 0; r < log->rowCount(); ++r) {
        if (log->index(r, caps::EventLogModel::EventColumn).data().toString() == QLatin1String("pickup"))
            row = r;
    }
    QVERIFY(row >= 0);
    const QModelIndex details = log->index(row, caps::EventLogModel::DetailsColumn);
    QVERIFY2(details.data().toString().startsWith(QStringLiteral("Grace Hopper, 1 Navy Yard · ordered ")),
             qPrintable(details.data().toString()));
    QVERIFY(details.data().toString().endsWith(QStringLiteral(" · store summary-store")));
    QVERIFY(!details.data().toString().contains(u'{'));
    QVERIFY(details.data(Qt::ToolTipRole).toString().contains(QStringLiteral("\"orderID\":\"%1\"").arg(id)));
}

// #13 item 9: two tray balloons overlapped. One at a time; what came meanwhile, as one.
void TestWindows::trayNotificationsComeOneAtATime()
{
    caps::installTranslations(QLocale(QLocale::English));
    caps::NotificationQueue queue(150);
    QSignalSpy shown(&queue, &caps::NotificationQueue::show);
    queue.post(QStringLiteral("Vendor"), QStringLiteral("Thank you for delivering a"));
    QCOMPARE(shown.count(), 1);
    QCOMPARE(shown.at(0).at(1).toString(), QStringLiteral("Thank you for delivering a"));
    QCOMPARE(shown.at(0).at(2).toInt(), 150);
    queue.post(QStringLiteral("Vendor"), QStringLiteral("Thank you for delivering b"));
    queue.post(QStringLiteral("Vendor"), QStringLiteral("Thank you for delivering c"));
    QCOMPARE(shown.count(), 1); // the first is still on screen
    QCOMPARE(queue.pendingCount(), 2);
    QVERIFY(shown.wait());
    QCOMPARE(shown.count(), 2);
    QCOMPARE(shown.at(1).at(0).toString(), QStringLiteral("Vendor"));
    QCOMPARE(shown.at(1).at(1).toString(), QStringLiteral("Thank you for delivering b\nThank you for delivering c"));
    QTRY_VERIFY(!queue.isShowing());
    QCOMPARE(shown.count(), 2);

    // Many at once: the newest few, the rest counted; different titles, a common one.
    queue.post(QStringLiteral("Vendor"), QStringLiteral("first"));
    for (int i = 0; i < 6; ++i)
        queue.post(i % 2 ? QStringLiteral("Vendor") : QStringLiteral("Driver"), QStringLiteral("n%1").arg(i));
    QVERIFY(shown.wait());
    QCOMPARE(shown.count(), 4);
    QCOMPARE(shown.at(3).at(0).toString(), QStringLiteral("6 updates"));
    QCOMPARE(shown.at(3).at(1).toString(), QStringLiteral("3 earlier updates in the log\nn3\nn4\nn5"));

    // The windows post through one.
    VendorWindow vendor(hubUrl(m_server->serverPort()), QStringLiteral("notify-store"));
    QVERIFY(vendor.notifications());
    QSignalSpy fromWindow(vendor.notifications(), &caps::NotificationQueue::show);
    vendor.notify(QStringLiteral("t"), QStringLiteral("one"));
    vendor.notify(QStringLiteral("t"), QStringLiteral("two"));
    QCOMPARE(fromWindow.count(), 1);
    QCOMPARE(vendor.lastNotification(), QStringLiteral("two"));
}

QTEST_MAIN(TestWindows)
#include "tst_windows.moc"
