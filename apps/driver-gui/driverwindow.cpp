#include "driverwindow.h"

#include "queuefilter.h"

#include "agents/driveragent.h"
#include "client/client.h"
#include "widgets/eventlogview.h"
#include "widgets/ordercolumns.h"

#include <QAction>
#include <QCheckBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

DriverWindow::DriverWindow(const QUrl &hub, QWidget *parent)
    : caps::CapsMainWindow(QStringLiteral("driver"), parent)
    , m_hub(hub)
    , m_queueView(new QTableView(this))
    , m_proxy(new QueueFilter(this))
    , m_pickupButton(new QPushButton(tr("Confirm &pickup"), this))
    , m_deliverButton(new QPushButton(tr("Mark &delivered"), this))
    , m_pickupAction(new QAction(tr("Confirm &pickup"), this))
    , m_deliverAction(new QAction(tr("Mark &delivered"), this))
    , m_autoDriveCheck(new QCheckBox(tr("&Auto-drive"), this))
    , m_showDeliveredCheck(new QCheckBox(tr("Show deli&vered"), this))
    , m_pickupDelaySpin(new QSpinBox(this))
    , m_deliverDelaySpin(new QSpinBox(this))
    , m_queueLabel(new QLabel(this))
    , m_logView(new caps::EventLogView(this))
{
    setObjectName(QStringLiteral("driverWindow"));

    m_pickupAction->setObjectName(QStringLiteral("confirmPickupAction"));
    // Not Ctrl+P, which is Print everywhere else: I for in transit, D for delivered.
    m_pickupAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_deliverAction->setObjectName(QStringLiteral("markDeliveredAction"));
    m_deliverAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    connect(m_pickupAction, &QAction::triggered, this, &DriverWindow::confirmPickup);
    connect(m_deliverAction, &QAction::triggered, this, &DriverWindow::markDelivered);

    QMenu *file = addFileMenu();
    addHubAction(file);
    file->addSeparator();
    addQuitAction(file);
    QMenu *orders = menuBar()->addMenu(tr("&Orders"));
    orders->setObjectName(QStringLiteral("ordersMenu"));
    orders->addAction(m_pickupAction);
    orders->addAction(m_deliverAction);
    addViewMenu();
    addHelpMenu();

    m_pickupButton->setObjectName(QStringLiteral("confirmPickupButton"));
    m_pickupButton->setIcon(style()->standardIcon(QStyle::SP_ArrowUp));
    m_pickupButton->setToolTip(tr("Emit in-transit for the selected order"));
    m_deliverButton->setObjectName(QStringLiteral("markDeliveredButton"));
    m_deliverButton->setIcon(style()->standardIcon(QStyle::SP_DialogApplyButton));
    m_deliverButton->setToolTip(tr("Emit delivered for the selected order"));
    connect(m_pickupButton, &QPushButton::clicked, this, &DriverWindow::confirmPickup);
    connect(m_deliverButton, &QPushButton::clicked, this, &DriverWindow::markDelivered);

    m_autoDriveCheck->setObjectName(QStringLiteral("autoDriveCheck"));
    m_autoDriveCheck->setToolTip(tr("Pick up and deliver every order by itself, like the lab's driver"));
    m_showDeliveredCheck->setObjectName(QStringLiteral("showDeliveredCheck"));
    for (QSpinBox *spin : {m_pickupDelaySpin, m_deliverDelaySpin}) {
        spin->setRange(0, 600000);
        spin->setSingleStep(500);
        spin->setSuffix(tr(" ms"));
    }
    m_pickupDelaySpin->setObjectName(QStringLiteral("pickupDelaySpin"));
    m_pickupDelaySpin->setToolTip(tr("From the pickup event to in-transit"));
    m_deliverDelaySpin->setObjectName(QStringLiteral("deliverDelaySpin"));
    m_deliverDelaySpin->setToolTip(tr("From the pickup event to delivered; at least the in-transit delay"));

    QSettings settings;
    m_pickupDelaySpin->setValue(settings.value(QStringLiteral("driver/pickupDelay"), 1000).toInt());
    m_deliverDelaySpin->setValue(settings.value(QStringLiteral("driver/deliverDelay"), 3000).toInt());
    // Delivered comes after in transit: the second delay cannot be set below the first.
    m_deliverDelaySpin->setMinimum(m_pickupDelaySpin->value());
    connect(m_pickupDelaySpin, &QSpinBox::valueChanged, this, [this](int ms) {
        m_deliverDelaySpin->setMinimum(ms);
        m_agent->setPickupDelayMs(ms);
        saveDriving();
    });
    connect(m_deliverDelaySpin, &QSpinBox::valueChanged, this, [this](int ms) {
        m_agent->setDeliverDelayMs(ms);
        saveDriving();
    });
    connect(m_autoDriveCheck, &QCheckBox::toggled, this, [this](bool on) {
        m_agent->setAutoDrive(on);
        saveDriving();
    });
    connect(m_showDeliveredCheck, &QCheckBox::toggled, this, [this](bool show) { m_proxy->setShowDelivered(show); });

    m_proxy->setSortRole(caps::OrderModel::SortRole);
    m_queueView->setObjectName(QStringLiteral("queueView"));
    m_queueView->setAccessibleName(tr("Orders waiting for pickup"));
    m_queueView->setModel(m_proxy);
    m_queueView->setSortingEnabled(true);
    m_queueView->sortByColumn(caps::OrderModel::OrderedAtColumn, Qt::AscendingOrder);
    m_queueView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_queueView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_queueView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_queueView->setAlternatingRowColors(true);
    m_queueView->verticalHeader()->hide();
    m_queueView->setWordWrap(false);
    m_queueView->setTextElideMode(Qt::ElideRight);
    m_queueView->addAction(m_pickupAction);
    m_queueView->addAction(m_deliverAction);
    m_queueView->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(m_queueView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &DriverWindow::updateActions);
    connect(m_queueView, &QTableView::doubleClicked, this, [this] {
        if (m_pickupAction->isEnabled())
            confirmPickup();
        else if (m_deliverAction->isEnabled())
            markDelivered();
    });

    m_queueLabel->setObjectName(QStringLiteral("queueLabel"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_pickupButton);
    buttons->addWidget(m_deliverButton);
    buttons->addStretch();
    buttons->addWidget(m_showDeliveredCheck);

    auto *driving = new QGroupBox(tr("Driving"), this);
    driving->setObjectName(QStringLiteral("drivingGroup"));
    auto *form = new QFormLayout(driving);
    form->addRow(m_autoDriveCheck);
    form->addRow(tr("In transit after:"), m_pickupDelaySpin);
    form->addRow(tr("Delivered after:"), m_deliverDelaySpin);

    auto *queuePane = new QWidget(this);
    auto *queueLayout = new QVBoxLayout(queuePane);
    queueLayout->setContentsMargins(0, 0, 0, 0);
    queueLayout->addWidget(m_queueLabel);
    queueLayout->addWidget(m_queueView);
    queueLayout->addLayout(buttons);

    auto *top = new QSplitter(Qt::Horizontal, this);
    top->setObjectName(QStringLiteral("topSplitter"));
    top->addWidget(queuePane);
    top->addWidget(driving);
    top->setStretchFactor(0, 4);
    top->setStretchFactor(1, 1);

    setCentralArea(top, m_logView, 3);

    // In characters: a larger font gets a larger window.
    resize(fontMetrics().averageCharWidth() * 140, fontMetrics().height() * 40);
    restoreWindowGeometry();
    startSession();
    m_autoDriveCheck->setChecked(settings.value(QStringLiteral("driver/autoDrive"), false).toBool());
}

void DriverWindow::startSession()
{
    delete m_agent;
    delete m_client;
    m_client = new caps::Client(m_hub, this);
    m_agent = new caps::DriverAgent(m_client, this);
    m_agent->setPickupDelayMs(m_pickupDelaySpin->value());
    m_agent->setDeliverDelayMs(m_deliverDelaySpin->value());
    m_agent->setAutoDrive(m_autoDriveCheck->isChecked());
    m_proxy->setSourceModel(m_agent->orders());
    // Sections exist once there is a model.
    caps::OrderColumns::fit(m_queueView);
    m_queueView->hideColumn(caps::OrderModel::TotalColumn);
    m_logView->setLog(m_agent->log());
    connect(m_agent, &caps::DriverAgent::ordersChanged, this, &DriverWindow::updateActions);
    connect(m_agent, &caps::DriverAgent::autoDriveChanged, m_autoDriveCheck, &QCheckBox::setChecked);
    connect(m_agent, &caps::DriverAgent::delivered, this,
            [this](const QString &orderId) { statusBar()->showMessage(tr("Delivered %1").arg(orderId), 5000); });
    watchConnection(m_client);
    updateActions();
    //: The driver window's title: the hub it drives for
    setWindowTitle(tr("Driver at %1").arg(m_hub.authority()));
    m_client->connectToHub();
}

void DriverWindow::changeHub(const QUrl &hub)
{
    m_hub = hub;
    startSession();
}

DriverWindow::~DriverWindow() = default;

QString DriverWindow::selectedOrderId() const
{
    const QModelIndexList rows = m_queueView->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    return rows.first().data(caps::OrderModel::OrderIdRole).toString();
}

bool DriverWindow::selectOrder(const QString &orderId)
{
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, 0);
        if (index.data(caps::OrderModel::OrderIdRole).toString() == orderId) {
            m_queueView->selectionModel()->select(index,
                                                  QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            m_queueView->setCurrentIndex(index);
            return true;
        }
    }
    return false;
}

void DriverWindow::confirmPickup()
{
    m_agent->confirmPickup(selectedOrderId());
    updateActions();
}

void DriverWindow::markDelivered()
{
    m_agent->markDelivered(selectedOrderId());
    updateActions();
}

void DriverWindow::updateActions()
{
    const QString id = selectedOrderId();
    const bool canPickup = m_agent->canConfirmPickup(id);
    const bool canDeliver = m_agent->canMarkDelivered(id);
    m_pickupButton->setEnabled(canPickup);
    m_pickupAction->setEnabled(canPickup);
    m_deliverButton->setEnabled(canDeliver);
    m_deliverAction->setEnabled(canDeliver);
    const caps::OrderModel *orders = m_agent->orders();
    m_queueLabel->setText(tr("Waiting for pickup: %1 · in transit: %2")
                              .arg(orders->countWithStatus(caps::Order::Status::Ordered))
                              .arg(orders->countWithStatus(caps::Order::Status::InTransit)));
}

void DriverWindow::saveDriving()
{
    QSettings settings;
    settings.setValue(QStringLiteral("driver/autoDrive"), m_autoDriveCheck->isChecked());
    settings.setValue(QStringLiteral("driver/pickupDelay"), m_pickupDelaySpin->value());
    settings.setValue(QStringLiteral("driver/deliverDelay"), m_deliverDelaySpin->value());
}
