#pragma once

#include "widgets/capsmainwindow.h"

#include <QUrl>

class QAction;
class QCheckBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableView;
class QueueFilter;

namespace caps {
class Client;
class DriverAgent;
class EventLogView;
} // namespace caps

// caps-driver's window: the orders waiting for pickup, "Confirm pickup" and "Mark delivered"
// for the selected one (enabled only when that is its next step), auto-drive, the event log.
class DriverWindow : public caps::CapsMainWindow
{
    Q_OBJECT
public:
    explicit DriverWindow(const QUrl &hub, QWidget *parent = nullptr);
    ~DriverWindow() override;

    [[nodiscard]] caps::Client *client() const { return m_client; }
    [[nodiscard]] QUrl hubUrl() const override { return m_hub; }
    [[nodiscard]] caps::DriverAgent *agent() const { return m_agent; }
    // The order id of the selected row, empty when none.
    [[nodiscard]] QString selectedOrderId() const;
    // Selects the row of `orderId`; false if it is not listed.
    bool selectOrder(const QString &orderId);

public Q_SLOTS:
    void confirmPickup();
    void markDelivered();

private:
    void startSession();
    void changeHub(const QUrl &hub) override;
    void updateActions();
    void saveDriving();

    QUrl m_hub;
    caps::Client *m_client = nullptr;
    caps::DriverAgent *m_agent = nullptr;
    QTableView *m_queueView;
    QueueFilter *m_proxy;
    QPushButton *m_pickupButton;
    QPushButton *m_deliverButton;
    QAction *m_pickupAction;
    QAction *m_deliverAction;
    QCheckBox *m_autoDriveCheck;
    QCheckBox *m_showDeliveredCheck;
    QSpinBox *m_pickupDelaySpin;
    QSpinBox *m_deliverDelaySpin;
    QLabel *m_queueLabel;
    caps::EventLogView *m_logView;
};
