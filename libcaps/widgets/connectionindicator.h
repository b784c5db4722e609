#pragma once

#include "client/client.h"

#include <QPointer>
#include <QWidget>

class QLabel;

namespace caps {

class ConnectionStatus;

// "Connected" / "Reconnecting in 3 s" / "Offline" with the style's icon for it, for a status bar.
class ConnectionIndicator : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionIndicator(QWidget *parent = nullptr);

    // Follows `status` (not owned); nullptr shows "Offline".
    void setStatus(ConnectionStatus *status);
    [[nodiscard]] QString text() const;
    [[nodiscard]] QString details() const { return toolTip(); }

private:
    void show(const QString &text, caps::Client::State state);

    QLabel *m_icon;
    QLabel *m_text;
    QMetaObject::Connection m_connection;
    QPointer<ConnectionStatus> m_status;
};

} // namespace caps
