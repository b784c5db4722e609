#include "vendorwindow.h"

#include "deliverychart.h"
#include "neworderdialog.h"

#include "agents/vendoragent.h"
#include "client/client.h"
#include "widgets/appicon.h"
#include "widgets/eventlogview.h"
#include "widgets/ordercolumns.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QItemSelectionModel>
#include <QMessageBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

VendorWindow::VendorWindow(const QUrl &hub, const QString &store, QWidget *parent)
    : caps::CapsMainWindow(QStringLiteral("vendor"), parent)
    , m_hub(hub)
    , m_store(store)
    , m_newOrderAction(new QAction(tr("&New order…"), this))
    , m_editAction(new QAction(tr("&Edit and send again…"), this))
    , m_dropAction(new QAction(tr("&Drop unsent order"), this))
    , m_cancelAction(new QAction(tr("&Cancel order"), this))
    , m_storeEdit(new QLineEdit(this))
    , m_joinButton(new QPushButton(tr("&Join"), this))
    , m_ordersView(new QTableView(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_chart(new DeliveryChart(this))
    , m_logView(new caps::EventLogView(this))
    , m_summaryLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("vendorWindow"));

    m_newOrderAction->setObjectName(QStringLiteral("newOrderAction"));
    m_newOrderAction->setShortcut(QKeySequence::New);
    // A parcel, not a blank page: this makes an order, not a document.
    m_newOrderAction->setIcon(
        QIcon::fromTheme(QStringLiteral("list-add"), caps::AppIcon::forProgram(QStringLiteral("caps-vendor"))));
    m_newOrderAction->setToolTip(tr("Prepare a new order for pickup (%1)")
                                     .arg(QKeySequence(QKeySequence::New).toString(QKeySequence::NativeText)));
    connect(m_newOrderAction, &QAction::triggered, this, &VendorWindow::newOrder);
    m_editAction->setObjectName(QStringLiteral("editOrderAction"));
    m_editAction->setToolTip(tr("Change the refused order and send it to the hub again"));
    connect(m_editAction, &QAction::triggered, this, &VendorWindow::editSelected);
    m_dropAction->setObjectName(QStringLiteral("dropOrderAction"));
    m_dropAction->setToolTip(tr("Forget an order the hub refused or has not received"));
    connect(m_dropAction, &QAction::triggered, this, &VendorWindow::dropSelected);
    m_cancelAction->setObjectName(QStringLiteral("cancelOrderAction"));
    m_cancelAction->setToolTip(tr("Withdraw an order that no driver has taken yet"));
    connect(m_cancelAction, &QAction::triggered, this, &VendorWindow::cancelSelected);

    QMenu *file = addFileMenu();
    file->addAction(m_newOrderAction);
    addHubAction(file);
    file->addSeparator();
    addQuitAction(file);
    QMenu *ordersMenu = menuBar()->addMenu(tr("&Orders"));
    ordersMenu->setObjectName(QStringLiteral("ordersMenu"));
    ordersMenu->addAction(m_editAction);
    ordersMenu->addAction(m_dropAction);
    ordersMenu->addAction(m_cancelAction);
    addViewMenu();
    addHelpMenu();

    QToolBar *toolbar = addToolBar(tr("Orders"));
    toolbar->setObjectName(QStringLiteral("ordersToolBar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(m_newOrderAction);
    toolbar->addSeparator();
    auto *storeLabel = new QLabel(tr("&Store:"), this);
    storeLabel->setBuddy(m_storeEdit);
    toolbar->addWidget(storeLabel);
    m_storeEdit->setObjectName(QStringLiteral("storeEdit"));
    m_storeEdit->setMaximumWidth(m_storeEdit->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 24);
    m_storeEdit->setPlaceholderText(tr("store name"));
    m_storeEdit->setToolTip(tr("The store (room) this vendor joins"));
    toolbar->addWidget(m_storeEdit);
    m_joinButton->setObjectName(QStringLiteral("joinStoreButton"));
    toolbar->addWidget(m_joinButton);
    auto join = [this] { setStore(m_storeEdit->text()); };
    connect(m_joinButton, &QPushButton::clicked, this, join);
    connect(m_storeEdit, &QLineEdit::returnPressed, this, join);
    connect(m_storeEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_joinButton->setEnabled(!text.trimmed().isEmpty() && text.trimmed() != m_store);
    });

    m_ordersView->setObjectName(QStringLiteral("ordersView"));
    m_ordersView->setAccessibleName(tr("Orders"));
    m_ordersView->setModel(m_proxy);
    m_ordersView->setSortingEnabled(true);
    m_ordersView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_ordersView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_ordersView->setAlternatingRowColors(true);
    m_ordersView->verticalHeader()->hide();
    m_ordersView->setWordWrap(false);
    // Addresses read from the start; the tooltip has them whole.
    m_ordersView->setTextElideMode(Qt::ElideRight);
    m_ordersView->addAction(m_editAction);
    m_ordersView->addAction(m_dropAction);
    m_ordersView->addAction(m_cancelAction);
    m_ordersView->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_proxy->setSortRole(caps::OrderModel::SortRole);

    m_summaryLabel->setObjectName(QStringLiteral("summaryLabel"));

    // The table has the window's whole width (its columns and a usual address fit whole, at a
    // larger font too); the chart sits beside the log below it.
    auto *ordersPane = new QWidget(this);
    ordersPane->setObjectName(QStringLiteral("ordersPane"));
    auto *ordersLayout = new QVBoxLayout(ordersPane);
    ordersLayout->setContentsMargins(0, 0, 0, 0);
    ordersLayout->addWidget(m_summaryLabel);
    ordersLayout->addWidget(m_ordersView);
    auto *bottom = new QSplitter(Qt::Horizontal, this);
    bottom->setObjectName(QStringLiteral("bottomSplitter"));
    bottom->addWidget(m_logView);
    bottom->addWidget(m_chart);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);
    // Sized in characters, not pixels: a larger font gets a larger window.
    const int em = fontMetrics().averageCharWidth();
    bottom->setSizes({em * 100, em * 70});

    setCentralArea(ordersPane, bottom, 3);

    resize(em * 170, fontMetrics().height() * 46);
    restoreWindowGeometry();
    startSession();
}

QString VendorWindow::selectedOrderId() const
{
    const QModelIndexList rows = m_ordersView->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(caps::OrderModel::OrderIdRole).toString();
}

bool VendorWindow::selectOrder(const QString &orderId)
{
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, 0);
        if (index.data(caps::OrderModel::OrderIdRole).toString() == orderId) {
            m_ordersView->selectionModel()->select(index,
                                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            m_ordersView->setCurrentIndex(index);
            return true;
        }
    }
    return false;
}

void VendorWindow::updateActions()
{
    const caps::Order order = m_agent->orders()->order(selectedOrderId());
    m_editAction->setEnabled(order.isRefused());
    m_dropAction->setEnabled(order.isRefused() || order.unsent);
    m_cancelAction->setEnabled(m_agent->canCancel(order.orderId));
}

void VendorWindow::editSelected()
{
    const caps::Order order = m_agent->orders()->order(selectedOrderId());
    if (!order.isRefused())
        return;
    auto *dialog = new NewOrderDialog(order, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const caps::Order sent = m_agent->resend(dialog->order());
        if (!sent.isRefused())
            statusBar()->showMessage(tr("Order %1 sent again").arg(sent.orderId), 5000);
        updateActions();
    });
    dialog->open();
}

void VendorWindow::dropSelected()
{
    m_agent->dropOrder(selectedOrderId());
    updateActions();
}

void VendorWindow::cancelSelected()
{
    const QString id = selectedOrderId();
    if (m_agent->cancelOrder(id))
        statusBar()->showMessage(tr("Cancelling order %1…").arg(id), 5000);
    updateActions();
}

void VendorWindow::closeEvent(QCloseEvent *event)
{
    const int unsent = m_agent ? m_agent->unsentCount() : 0;
    if (unsent > 0) {
        QMessageBox box(QMessageBox::Question, tr("Quit"), tr("%n order(s) have not reached the hub.", nullptr, unsent),
                        QMessageBox::NoButton, this);
        box.setObjectName(QStringLiteral("unsentQuestion"));
        box.setInformativeText(tr("They are kept and sent when this store's window opens again. Quit now?"));
        QPushButton *quit = box.addButton(tr("&Quit"), QMessageBox::AcceptRole);
        quit->setObjectName(QStringLiteral("quitButton"));
        box.addButton(QMessageBox::Cancel)->setObjectName(QStringLiteral("stayButton"));
        box.setDefaultButton(quit);
        box.exec();
        if (box.clickedButton() != quit) {
            event->ignore();
            return;
        }
    }
    caps::CapsMainWindow::closeEvent(event);
}

VendorWindow::~VendorWindow() = default;

void VendorWindow::startSession()
{
    // A new socket for the new store: the hub has no "leave", and the old room's events
    // must stop arriving here.
    delete m_agent;
    delete m_client;
    m_client = new caps::Client(m_hub, this);
    m_agent = new caps::VendorAgent(m_client, m_store, this);

    m_proxy->setSourceModel(m_agent->orders());
    connect(m_ordersView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &VendorWindow::updateActions,
            Qt::UniqueConnection);
    connect(m_agent->orders(), &QAbstractItemModel::dataChanged, this, &VendorWindow::updateActions);
    connect(m_agent->orders(), &QAbstractItemModel::rowsRemoved, this, &VendorWindow::updateActions);
    connect(m_agent, &caps::VendorAgent::orderRefused, this, [this](const QString &orderId, const QString &reason) {
        notify(tr("Order refused"), tr("The hub refused order %1: %2").arg(orderId, reason));
    });
    connect(m_agent, &caps::VendorAgent::cancelRefused, this, [this](const QString &orderId, const QString &reason) {
        statusBar()->showMessage(tr("Order %1 was not cancelled: %2").arg(orderId, reason), 10000);
    });
    m_ordersView->hideColumn(caps::OrderModel::StoreColumn);
    caps::OrderColumns::fit(m_ordersView);
    m_ordersView->sortByColumn(caps::OrderModel::OrderedAtColumn, Qt::DescendingOrder);
    m_logView->setLog(m_agent->log());
    m_chart->setOrders(m_agent->orders());
    watchConnection(m_client);

    auto updateSummary = [this] {
        const caps::OrderModel *orders = m_agent->orders();
        m_summaryLabel->setText(tr("Waiting for pickup: %1 · in transit: %2 · delivered: %3")
                                    .arg(orders->countWithStatus(caps::Order::Status::Ordered))
                                    .arg(orders->countWithStatus(caps::Order::Status::InTransit))
                                    .arg(orders->countWithStatus(caps::Order::Status::Delivered)));
    };
    connect(m_agent->orders(), &caps::OrderModel::statusChanged, m_summaryLabel, updateSummary);
    connect(m_agent->orders(), &QAbstractItemModel::rowsRemoved, m_summaryLabel, updateSummary);
    updateSummary();
    connect(m_agent, &caps::VendorAgent::orderDelivered, this, [this](const QString &orderId) {
        notify(tr("Order delivered"), caps::VendorAgent::thankYouText(orderId));
    });

    m_storeEdit->setText(m_store);
    m_joinButton->setEnabled(false);
    setWindowTitle(m_store);
    m_client->connectToHub();
}

void VendorWindow::newOrder()
{
    auto *dialog = new NewOrderDialog(m_store, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const caps::Order order = m_agent->placeOrder(dialog->order());
        if (order.isRefused())
            return; // orderRefused() said so
        statusBar()->showMessage(m_client->isConnected()
                                     ? tr("Order %1 sent: ready for pickup").arg(order.orderId)
                                     : tr("Order %1 queued: it goes to the hub once connected").arg(order.orderId),
                                 5000);
    });
    dialog->open();
}

void VendorWindow::setStore(const QString &store)
{
    const QString name = store.trimmed();
    if (name.isEmpty() || name == m_store)
        return;
    m_store = name;
    QSettings().setValue(QStringLiteral("vendor/store"), m_store);
    startSession();
}

void VendorWindow::changeHub(const QUrl &hub)
{
    m_hub = hub;
    startSession();
}
