#pragma once

#include <QMainWindow>
#include <QPointer>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace caps {

class Client;
class ConnectionIndicator;
class ConnectionStatus;
class NotificationQueue;

// What the three windows have in common: the connection state always visible in the status
// bar, geometry kept in QSettings, Quit/About actions, and notifications (status bar, and the
// system tray where there is one).
class CapsMainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // `settingsGroup` names where geometry is kept ("vendor", "driver", "customer").
    explicit CapsMainWindow(const QString &settingsGroup, QWidget *parent = nullptr);
    ~CapsMainWindow() override;

    [[nodiscard]] QString connectionText() const;
    // The last notification shown, for tests and accessibility.
    [[nodiscard]] QString lastNotification() const { return m_lastNotification; }

    // In the status bar at once, and as a tray balloon when the one before it has had its time.
    void notify(const QString &title, const QString &message);
    [[nodiscard]] NotificationQueue *notifications() const { return m_notifications; }

    // The program's access token (token mode), sent by every connection of the windows created
    // afterwards; main() sets it once, before the first window.
    static void setDefaultToken(const QString &token);
    [[nodiscard]] QString token() const { return m_token; }

protected:
    // Shows `client`'s state in the status bar from now on (not owned), gives it the token.
    void watchConnection(Client *client);
    QMenu *addFileMenu();
    // "Connect to hub…": asks for a URL, keeps it in QSettings and calls changeHub().
    QAction *addHubAction(QMenu *menu);
    // Reconnects the window to `hub`; called by the hub action.
    virtual void changeHub(const QUrl &hub) = 0;
    [[nodiscard]] virtual QUrl hubUrl() const = 0;
    void addHelpMenu();
    // File ▸ Quit: the platform's Quit key, and Ctrl+Q where the platform theme has none.
    QAction *addQuitAction(QMenu *menu);
    // View ▸ Appearance: the desktop's, light or dark (caps::Appearance).
    QMenu *addViewMenu();
    // The windows' shape: `main` above the event log `log`, sharing the height `mainStretch` : 1
    // (a splitter the user can move, named "mainSplitter").
    void setCentralArea(QWidget *main, QWidget *log, int mainStretch);
    void restoreWindowGeometry();
    void closeEvent(QCloseEvent *event) override;

    [[nodiscard]] QString settingsGroup() const { return m_settingsGroup; }

private:
    QString m_settingsGroup;
    ConnectionIndicator *m_indicator;
    QPointer<ConnectionStatus> m_status;
    QSystemTrayIcon *m_tray = nullptr;
    NotificationQueue *m_notifications;
    QString m_lastNotification;
    QString m_token;
};

} // namespace caps
