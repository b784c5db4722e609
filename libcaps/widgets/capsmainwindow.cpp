#include "widgets/capsmainwindow.h"

#include "agents/connectionstatus.h"
#include "agents/programoptions.h"
#include "widgets/appearance.h"
#include "widgets/connectionindicator.h"
#include "widgets/notificationqueue.h"

#include "client/client.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStyle>
#include <QVBoxLayout>
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
    , m_notifications(new NotificationQueue(5000, this))
    , m_token(defaultToken())
{
    statusBar()->setObjectName(QStringLiteral("statusBar"));
    statusBar()->addPermanentWidget(m_indicator);
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(QApplication::windowIcon(), this);
        m_tray->setObjectName(QStringLiteral("trayIcon"));
        m_tray->setToolTip(QApplication::applicationDisplayName());
        m_tray->show();
        connect(m_notifications, &NotificationQueue::show, m_tray,
                [tray = m_tray](const QString &title, const QString &message, int msecs) {
                    if (QSystemTrayIcon::supportsMessages())
                        tray->showMessage(title, message, QSystemTrayIcon::Information, msecs);
                });
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
    m_notifications->post(title, message);
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
        // QInputDialog::getText() sizes the dialog to its label: too narrow for a URL, and
        // for its own title under most window managers.
        QInputDialog dialog(this);
        dialog.setObjectName(QStringLiteral("connectDialog"));
        dialog.setWindowTitle(tr("Connect to hub"));
        dialog.setLabelText(tr("Hub &URL:"));
        dialog.setTextValue(hubUrl().toString());
        const QFontMetrics fm = dialog.fontMetrics();
        dialog.setMinimumWidth(qMax(fm.horizontalAdvance(QLatin1Char('x')) * 60,
                                    fm.horizontalAdvance(dialog.textValue()) + fm.height() * 4));
        if (dialog.exec() != QDialog::Accepted)
            return;
        const QString text = dialog.textValue().trimmed();
        if (text.isEmpty())
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

QAction *CapsMainWindow::addQuitAction(QMenu *menu)
{
    QAction *quit = menu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("quitAction"));
    // Some platform themes (qt6ct among them) map QKeySequence::Quit to nothing.
    QList<QKeySequence> keys = QKeySequence::keyBindings(QKeySequence::Quit);
    if (keys.isEmpty())
        keys.append(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setShortcuts(keys);
    quit->setMenuRole(QAction::QuitRole);
    return quit;
}

QMenu *CapsMainWindow::addViewMenu()
{
    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    QMenu *appearance = view->addMenu(tr("&Appearance"));
    appearance->setObjectName(QStringLiteral("appearanceMenu"));
    auto *group = new QActionGroup(appearance);
    const struct
    {
        QString text;
        Appearance::Mode mode;
        const char *name;
    } modes[] = {
        {tr("&System"), Appearance::Mode::System, "systemAppearanceAction"},
        {tr("&Light"), Appearance::Mode::Light, "lightAppearanceAction"},
        {tr("&Dark"), Appearance::Mode::Dark, "darkAppearanceAction"},
    };
    for (const auto &m : modes) {
        QAction *action = appearance->addAction(m.text);
        action->setObjectName(QLatin1String(m.name));
        action->setCheckable(true);
        action->setChecked(Appearance::instance()->mode() == m.mode);
        group->addAction(action);
        connect(action, &QAction::triggered, this, [mode = m.mode] { Appearance::instance()->setMode(mode); });
        connect(Appearance::instance(), &Appearance::modeChanged, action,
                [action, mode = m.mode](Appearance::Mode now) { action->setChecked(now == mode); });
    }
    return view;
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
    // Labels and lists off the window's edges (#13: text touched the left edge), with the
    // style's own margins; nothing below the log, which the status bar follows.
    auto *central = new QWidget(this);
    central->setObjectName(QStringLiteral("centralArea"));
    auto *layout = new QVBoxLayout(central);
    QStyle *style = this->style();
    layout->setContentsMargins(style->pixelMetric(QStyle::PM_LayoutLeftMargin, nullptr, this),
                               style->pixelMetric(QStyle::PM_LayoutTopMargin, nullptr, this) / 2,
                               style->pixelMetric(QStyle::PM_LayoutRightMargin, nullptr, this), 0);
    layout->addWidget(splitter);
    setCentralWidget(central);
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
