#include "widgets/capsmainwindow.h"

#include "agents/connectionstatus.h"
#include "agents/programoptions.h"
#include "widgets/connectionindicator.h"

#include "client/client.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>

namespace caps {

namespace {
QString &defaultToken()
{
    static QString token;
    return token;
}
} // namespace

CapsMainWindow::CapsMainWindow(const QString &settingsGroup, QWidget *parent)
    : QMainWindow(parent)
    , m_settingsGroup(settingsGroup)
    , m_indicator(new ConnectionIndicator(this))
    , m_token(defaultToken())
{
    statusBar()->setObjectName(QStringLiteral("statusBar"));
    statusBar()->addPermanentWidget(m_indicator);
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(QApplication::windowIcon(), this);
        m_tray->setObjectName(QStringLiteral("trayIcon"));
        m_tray->setToolTip(QApplication::applicationDisplayName());
        m_tray->show();
    }
}

CapsMainWindow::~CapsMainWindow() = default;

void CapsMainWindow::setDefaultToken(const QString &token)
{
    defaultToken() = token;
}

QString CapsMainWindow::connectionText() const
{
    return m_indicator->text();
}

void CapsMainWindow::watchConnection(Client *client)
{
    delete m_status;
    m_status = client ? new ConnectionStatus(client, this) : nullptr;
    m_indicator->setStatus(m_status);
    if (!client)
        return;
    ProgramOptions::applyToken(*client, m_token);
    connect(client, &Client::connectError, this, [this](const QString &message) {
        statusBar()->showMessage(tr("The hub refused the connection: %1").arg(message));
    });
}

void CapsMainWindow::notify(const QString &title, const QString &message)
{
    m_lastNotification = message;
    statusBar()->showMessage(message, 15000);
    if (m_tray && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(title, message, QSystemTrayIcon::Information, 5000);
}

QMenu *CapsMainWindow::addFileMenu()
{
    QMenu *menu = menuBar()->addMenu(tr("&File"));
    menu->setObjectName(QStringLiteral("fileMenu"));
    return menu;
}

QAction *CapsMainWindow::addHubAction(QMenu *menu)
{
    QAction *action = menu->addAction(tr("Connect to &hub…"), this, [this] {
        bool ok = false;
        const QString text = QInputDialog::getText(this, tr("Connect to hub"), tr("Hub &URL:"), QLineEdit::Normal,
                                                   hubUrl().toString(), &ok)
                                 .trimmed();
        if (!ok || text.isEmpty())
            return;
        const QUrl url = QUrl::fromUserInput(text);
        if (!url.isValid() || url.host().isEmpty()) {
            QMessageBox::warning(this, tr("Connect to hub"), tr("“%1” is not a hub URL.").arg(text));
            return;
        }
        QSettings().setValue(QStringLiteral("hub/url"), url.toString());
        if (url != hubUrl())
            changeHub(url);
    });
    action->setObjectName(QStringLiteral("changeHubAction"));
    return action;
}

void CapsMainWindow::addHelpMenu()
{
    QMenu *menu = menuBar()->addMenu(tr("&Help"));
    menu->setObjectName(QStringLiteral("helpMenu"));
    QAction *about = menu->addAction(tr("&About %1").arg(QApplication::applicationDisplayName()), this, [this] {
        QMessageBox::about(this, tr("About %1").arg(QApplication::applicationDisplayName()),
                           tr("<p><b>%1</b> %2</p><p>Code Academy Parcel Service: vendors, drivers and "
                              "customers around a Socket.IO hub.</p>")
                               .arg(QApplication::applicationDisplayName(), QApplication::applicationVersion()));
    });
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setMenuRole(QAction::AboutRole);
    QAction *aboutQt = menu->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
    aboutQt->setObjectName(QStringLiteral("aboutQtAction"));
    aboutQt->setMenuRole(QAction::AboutQtRole);
}

void CapsMainWindow::setCentralArea(QWidget *main, QWidget *log, int mainStretch)
{
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(main);
    splitter->addWidget(log);
    splitter->setStretchFactor(0, mainStretch);
    splitter->setStretchFactor(1, 1);
    setCentralWidget(splitter);
}

void CapsMainWindow::restoreWindowGeometry()
{
    QSettings settings;
    settings.beginGroup(m_settingsGroup);
    restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("windowState")).toByteArray());
}

void CapsMainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.beginGroup(m_settingsGroup);
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("windowState"), saveState());
    QMainWindow::closeEvent(event);
}

} // namespace caps
