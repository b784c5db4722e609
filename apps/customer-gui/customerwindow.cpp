#include "customerwindow.h"

#include "ordercard.h"

#include "agents/customeragent.h"
#include "client/client.h"
#include "widgets/eventlogview.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>

namespace {
enum Mode { ByOrderId, ByCustomer };
}

CustomerWindow::CustomerWindow(const QUrl &hub, const QString &customer, const QStringList &orderIds, QWidget *parent)
    : caps::CapsMainWindow(QStringLiteral("customer"), parent)
    , m_hub(hub)
    , m_modeCombo(new QComboBox(this))
    , m_trackEdit(new QLineEdit(this))
    , m_trackButton(new QPushButton(tr("&Track"), this))
    , m_followingLabel(new QLabel(this))
    , m_emptyLabel(new QLabel(this))
    , m_panel(new QWidget(this))
    , m_cardsLayout(new QVBoxLayout(m_panel))
    , m_logView(new caps::EventLogView(this))
{
    setObjectName(QStringLiteral("customerWindow"));

    QMenu *file = addFileMenu();
    addHubAction(file);
    QAction *find = file->addAction(tr("&Track…"), this, [this] {
        m_trackEdit->setFocus();
        m_trackEdit->selectAll();
    });
    find->setObjectName(QStringLiteral("trackAction"));
    find->setShortcut(QKeySequence::Find);
    file->addSeparator();
    addQuitAction(file);
    addViewMenu();
    addHelpMenu();

    m_modeCombo->setObjectName(QStringLiteral("trackModeCombo"));
    m_modeCombo->addItem(tr("Order ID"), ByOrderId);
    m_modeCombo->addItem(tr("Customer name"), ByCustomer);
    m_trackEdit->setObjectName(QStringLiteral("trackEdit"));
    m_trackEdit->setClearButtonEnabled(true);
    auto updatePlaceholder = [this] {
        m_trackEdit->setPlaceholderText(m_modeCombo->currentData().toInt() == ByOrderId
                                            ? tr("e.g. 0d6c5e2a-4f4b-4c9e-9a57-…")
                                            : tr("e.g. Ada Lovelace"));
    };
    connect(m_modeCombo, &QComboBox::currentIndexChanged, this, updatePlaceholder);
    updatePlaceholder();
    m_trackButton->setObjectName(QStringLiteral("trackButton"));
    m_trackButton->setEnabled(false);
    connect(m_trackEdit, &QLineEdit::textChanged, this,
            [this](const QString &text) { m_trackButton->setEnabled(!text.trimmed().isEmpty()); });
    connect(m_trackButton, &QPushButton::clicked, this, &CustomerWindow::trackFromForm);
    connect(m_trackEdit, &QLineEdit::returnPressed, this, &CustomerWindow::trackFromForm);

    auto *form = new QHBoxLayout;
    auto *label = new QLabel(tr("Track &by:"), this);
    label->setBuddy(m_modeCombo);
    form->addWidget(label);
    form->addWidget(m_modeCombo);
    form->addWidget(m_trackEdit, 1);
    form->addWidget(m_trackButton);

    m_followingLabel->setObjectName(QStringLiteral("followingLabel"));
    m_followingLabel->setWordWrap(true);
    m_followingLabel->setTextFormat(Qt::RichText);
    connect(m_followingLabel, &QLabel::linkActivated, this, [this](const QString &link) {
        const QStringList names = m_agent->trackedCustomers();
        const int index = link.section(QLatin1Char(':'), 1).toInt();
        if (!link.startsWith(QLatin1String("untrack:")) || index < 0 || index >= names.size())
            return;
        m_agent->untrackCustomer(names.at(index));
        saveTracking();
        syncCards();
    });
    m_emptyLabel->setObjectName(QStringLiteral("emptyLabel"));
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setForegroundRole(QPalette::PlaceholderText);
    m_emptyLabel->setText(tr("Nothing tracked yet: enter an order ID or your name above."));

    m_panel->setObjectName(QStringLiteral("ordersPanel"));
    m_cardsLayout->addWidget(m_emptyLabel);
    m_cardsLayout->addStretch();
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("ordersScrollArea"));
    scroll->setWidgetResizable(true);
    scroll->setWidget(m_panel);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addLayout(form);
    topLayout->addWidget(m_followingLabel);
    topLayout->addWidget(scroll, 1);

    setCentralArea(top, m_logView, 4);

    // In characters: a larger font gets a larger window.
    resize(fontMetrics().averageCharWidth() * 125, fontMetrics().height() * 40);
    restoreWindowGeometry();
    // What was followed last time, and what the command line adds.
    QSettings settings;
    QStringList customers = settings.value(QStringLiteral("customer/names")).toStringList();
    if (!customer.trimmed().isEmpty())
        customers.append(customer.trimmed());
    customers.removeDuplicates();
    QStringList ids = settings.value(QStringLiteral("customer/trackedOrders")).toStringList();
    ids.append(orderIds);
    ids.removeDuplicates();
    startSession(customers, ids);
    saveTracking();
}

void CustomerWindow::startSession(const QStringList &customers, const QStringList &orderIds)
{
    delete m_agent;
    delete m_client;
    m_client = new caps::Client(m_hub, this);
    m_agent = new caps::CustomerAgent(m_client, this);
    m_logView->setLog(m_agent->log());

    caps::OrderModel *orders = m_agent->orders();
    connect(orders, &QAbstractItemModel::rowsInserted, this, &CustomerWindow::syncCards);
    connect(orders, &QAbstractItemModel::rowsRemoved, this, &CustomerWindow::syncCards);
    connect(orders, &QAbstractItemModel::dataChanged, this, &CustomerWindow::syncCards);
    connect(orders, &QAbstractItemModel::modelReset, this, &CustomerWindow::syncCards);
    connect(m_agent, &caps::CustomerAgent::trackAnswered, this,
            [this](const QString &what, bool ok, const QString &error) {
                if (!ok)
                    statusBar()->showMessage(tr("Cannot track %1: %2").arg(what, error), 10000);
            });
    connect(m_agent, &caps::CustomerAgent::statusChanged, this, [this](const caps::Order &order) {
        // What the hub tells of the past (on start, on tracking) is not news.
        if (m_agent->isReplaying())
            return;
        if (order.status == caps::Order::Status::Delivered)
            notify(tr("Order delivered"), tr("Your order %1 has been delivered").arg(order.orderId));
        else if (order.status == caps::Order::Status::Cancelled)
            notify(tr("Order cancelled"), tr("Your order %1 was cancelled by the store").arg(order.orderId));
    });
    watchConnection(m_client);

    for (const QString &name : customers)
        m_agent->trackCustomer(name);
    for (const QString &id : orderIds)
        m_agent->trackOrder(id);
    syncCards();
    m_client->connectToHub();
}

void CustomerWindow::changeHub(const QUrl &hub)
{
    m_hub = hub;
    // The same orders and names, from the other hub.
    startSession(m_agent->trackedCustomers(), m_agent->trackedOrders());
}

CustomerWindow::~CustomerWindow() = default;

void CustomerWindow::trackOrder(const QString &orderId)
{
    if (m_agent->trackOrder(orderId))
        saveTracking();
    syncCards();
}

void CustomerWindow::trackCustomer(const QString &name)
{
    if (m_agent->trackCustomer(name))
        saveTracking();
    syncCards();
}

void CustomerWindow::trackFromForm()
{
    const QString text = m_trackEdit->text().trimmed();
    if (text.isEmpty())
        return;
    if (m_modeCombo->currentData().toInt() == ByOrderId)
        trackOrder(text);
    else
        trackCustomer(text);
    m_trackEdit->clear();
}

void CustomerWindow::syncCards()
{
    const caps::OrderModel *orders = m_agent->orders();
    for (auto it = m_cards.begin(); it != m_cards.end();) {
        if (!orders->contains(it.key())) {
            delete it.value();
            it = m_cards.erase(it);
        } else {
            ++it;
        }
    }
    for (const caps::Order &order : orders->orders()) {
        OrderCard *card = m_cards.value(order.orderId);
        if (!card) {
            card = new OrderCard(order.orderId, m_panel);
            connect(card, &OrderCard::untrackRequested, this, [this](const QString &orderId) {
                m_agent->untrackOrder(orderId);
                saveTracking();
                syncCards();
            });
            // Newest on top, above the stretch at the end.
            m_cardsLayout->insertWidget(1, card);
            m_cards.insert(order.orderId, card);
        }
        card->setOrder(order);
    }
    m_emptyLabel->setVisible(m_cards.isEmpty());

    QStringList following;
    const QStringList names = m_agent->trackedCustomers();
    for (int i = 0; i < names.size(); ++i) {
        // Links carry an index, not the name: any text may be a name.
        following.append(tr("customer “%1” (<a href=\"untrack:%2\">stop</a>)").arg(names.at(i).toHtmlEscaped()).arg(i));
    }
    const int ids = int(m_agent->trackedOrders().size());
    if (ids > 0)
        following.append(tr("%n order(s) by ID", nullptr, ids));
    m_followingLabel->setText(following.isEmpty() ? QString() : tr("Following %1").arg(following.join(tr(", "))));
    m_followingLabel->setVisible(!following.isEmpty());
    //: The customer window's title: whom it follows
    setWindowTitle(names.isEmpty() ? tr("Tracking") : tr("Tracking for %1").arg(names.join(tr(", "))));
}

void CustomerWindow::saveTracking()
{
    QSettings settings;
    settings.setValue(QStringLiteral("customer/trackedOrders"), m_agent->trackedOrders());
    settings.setValue(QStringLiteral("customer/names"), m_agent->trackedCustomers());
    const QStringList names = m_agent->trackedCustomers();
    if (!names.isEmpty())
        settings.setValue(QStringLiteral("customer/name"), names.last());
}
