#pragma once

#include "widgets/capsmainwindow.h"

#include <QHash>
#include <QUrl>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QVBoxLayout;
class OrderCard;

namespace caps {
class Client;
class CustomerAgent;
class EventLogView;
} // namespace caps

// caps-customer's window: follow orders by id or by customer name; each one shows its progress
// (ordered -> picked up -> in transit -> delivered) with times, live.
class CustomerWindow : public caps::CapsMainWindow
{
    Q_OBJECT
public:
    // `customer` (may be empty) is followed from the start, as are `orderIds`.
    CustomerWindow(const QUrl &hub, const QString &customer, const QStringList &orderIds = {},
                   QWidget *parent = nullptr);
    ~CustomerWindow() override;

    [[nodiscard]] caps::Client *client() const { return m_client; }
    [[nodiscard]] QUrl hubUrl() const override { return m_hub; }
    [[nodiscard]] caps::CustomerAgent *agent() const { return m_agent; }
    [[nodiscard]] OrderCard *card(const QString &orderId) const { return m_cards.value(orderId); }

public Q_SLOTS:
    void trackOrder(const QString &orderId);
    void trackCustomer(const QString &name);

private:
    // A new client and agent following `customers` and `orderIds`.
    void startSession(const QStringList &customers, const QStringList &orderIds);
    void changeHub(const QUrl &hub) override;
    void trackFromForm();
    void syncCards();
    void saveTracking();

    QUrl m_hub;
    caps::Client *m_client = nullptr;
    caps::CustomerAgent *m_agent = nullptr;
    QComboBox *m_modeCombo;
    QLineEdit *m_trackEdit;
    QPushButton *m_trackButton;
    QLabel *m_followingLabel;
    QLabel *m_emptyLabel;
    QWidget *m_panel;
    QVBoxLayout *m_cardsLayout;
    QHash<QString, OrderCard *> m_cards;
    caps::EventLogView *m_logView;
};
