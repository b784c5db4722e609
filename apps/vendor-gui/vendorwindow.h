#pragma once

#include "widgets/capsmainwindow.h"

#include <QUrl>

class QAction;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace caps {
class Client;
class EventLogView;
class VendorAgent;
} // namespace caps
class DeliveryChart;
class NewOrderDialog;

// caps-vendor's window: the store's orders with their live status and step times, a chart of
// recent delivery times, the event log, and "New order".
class VendorWindow : public caps::CapsMainWindow
{
    Q_OBJECT
public:
    VendorWindow(const QUrl &hub, const QString &store, QWidget *parent = nullptr);
    ~VendorWindow() override;

    [[nodiscard]] caps::Client *client() const { return m_client; }
    [[nodiscard]] caps::VendorAgent *agent() const { return m_agent; }
    [[nodiscard]] QString store() const { return m_store; }
    [[nodiscard]] QUrl hubUrl() const override { return m_hub; }

public Q_SLOTS:
    // Opens the "New order" form (non-modal, so that the window stays live behind it).
    void newOrder();
    // Leaves the current store for another one; its orders start afresh.
    void setStore(const QString &store);
    // For the selected order: edit a refused one and send it again, drop one the hub does not
    // have, cancel one no driver has taken.
    void editSelected();
    void dropSelected();
    void cancelSelected();
    [[nodiscard]] QString selectedOrderId() const;
    bool selectOrder(const QString &orderId);

protected:
    // Asks first when orders have not reached the hub (they stay in the outbox either way).
    void closeEvent(QCloseEvent *event) override;

private:
    void updateActions();
    void startSession();
    void changeHub(const QUrl &hub) override;

    QUrl m_hub;
    QString m_store;
    caps::Client *m_client = nullptr;
    caps::VendorAgent *m_agent = nullptr;
    QAction *m_newOrderAction;
    QAction *m_editAction;
    QAction *m_dropAction;
    QAction *m_cancelAction;
    QLineEdit *m_storeEdit;
    QPushButton *m_joinButton;
    QTableView *m_ordersView;
    QSortFilterProxyModel *m_proxy;
    DeliveryChart *m_chart;
    caps::EventLogView *m_logView;
    QLabel *m_summaryLabel;
};
