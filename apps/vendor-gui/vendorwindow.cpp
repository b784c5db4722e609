#include "vendorwindow.h"

#include "deliverychart.h"
#include "neworderdialog.h"

#include "agents/vendoragent.h"
#include "client/client.h"
#include "widgets/eventlogview.h"

#include <QAction>
#include <QApplication>
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
    m_newOrderAction->setIcon(
        QIcon::fromTheme(QStringLiteral("document-new"), style()->standardIcon(QStyle::SP_FileIcon)));
    m_newOrderAction->setToolTip(tr("Prepare a new order for pickup (%1)")
                                     .arg(QKeySequence(QKeySequence::New).toString(QKeySequence::NativeText)));
    connect(m_newOrderAction, &QAction::triggered, this, &VendorWindow::newOrder);

    QMenu *file = addFileMenu();
    file->addAction(m_newOrderAction);
    addHubAction(file);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("quitAction"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
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
    m_ordersView->setTextElideMode(Qt::ElideMiddle);
    m_proxy->setSortRole(caps::OrderModel::SortRole);

    m_summaryLabel->setObjectName(QStringLiteral("summaryLabel"));

    auto *top = new QSplitter(Qt::Horizontal, this);
    top->setObjectName(QStringLiteral("topSplitter"));
    auto *ordersPane = new QWidget(top);
    auto *ordersLayout = new QVBoxLayout(ordersPane);
    ordersLayout->setContentsMargins(0, 0, 0, 0);
    ordersLayout->addWidget(m_summaryLabel);
    ordersLayout->addWidget(m_ordersView);
    top->addWidget(ordersPane);
    top->addWidget(m_chart);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    top->setSizes({850, 380});

    setCentralArea(top, m_logView, 3);

    resize(1240, 720);
    restoreWindowGeometry();
    startSession();
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
    m_ordersView->hideColumn(caps::OrderModel::StoreColumn);
    QHeaderView *header = m_ordersView->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(caps::OrderModel::AddressColumn, QHeaderView::Stretch);
    // A UUID is long; its middle is elided and the tooltip has it whole.
    header->setSectionResizeMode(caps::OrderModel::OrderIdColumn, QHeaderView::Interactive);
    m_ordersView->setColumnWidth(caps::OrderModel::OrderIdColumn,
                                 fontMetrics().horizontalAdvance(QLatin1Char('0')) * 16);
    m_ordersView->sortByColumn(caps::OrderModel::OrderedAtColumn, Qt::DescendingOrder);
    m_logView->setLog(m_agent->log());
    m_chart->setOrders(m_agent->orders());
    watchConnection(m_client);

    auto updateSummary = [this] {
        const caps::OrderModel *orders = m_agent->orders();
        m_summaryLabel->setText(tr("%1 waiting for pickup, %2 in transit, %3 delivered")
                                    .arg(orders->countWithStatus(caps::Order::Status::Ordered))
                                    .arg(orders->countWithStatus(caps::Order::Status::InTransit))
                                    .arg(orders->countWithStatus(caps::Order::Status::Delivered)));
    };
    connect(m_agent->orders(), &caps::OrderModel::statusChanged, m_summaryLabel, updateSummary);
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
        statusBar()->showMessage(tr("Order %1 is ready for pickup").arg(order.orderId), 5000);
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
