#include "widgets/connectionindicator.h"

#include "agents/connectionstatus.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>

namespace caps {

ConnectionIndicator::ConnectionIndicator(QWidget *parent)
    : QWidget(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
{
    setObjectName(QStringLiteral("connectionIndicator"));
    m_icon->setObjectName(QStringLiteral("connectionIcon"));
    m_text->setObjectName(QStringLiteral("connectionText"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_icon);
    layout->addWidget(m_text);
    show(ConnectionStatus::stateText(Client::State::Disconnected, -1), Client::State::Disconnected);
}

void ConnectionIndicator::setStatus(ConnectionStatus *status)
{
    disconnect(m_connection);
    m_status = status;
    if (!status) {
        show(ConnectionStatus::stateText(Client::State::Disconnected, -1), Client::State::Disconnected);
        return;
    }
    m_connection = connect(status, &ConnectionStatus::changed, this, &ConnectionIndicator::show);
    show(status->text(), status->state());
}

QString ConnectionIndicator::text() const
{
    return m_text->text();
}

void ConnectionIndicator::show(const QString &text, Client::State state)
{
    QStyle::StandardPixmap pixmap = QStyle::SP_MessageBoxCritical;
    switch (state) {
    case Client::State::Connected:
        pixmap = QStyle::SP_DialogApplyButton;
        break;
    case Client::State::Connecting:
    case Client::State::Reconnecting:
        pixmap = QStyle::SP_BrowserReload;
        break;
    case Client::State::Disconnected:
        break;
    }
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(style()->standardIcon(pixmap, nullptr, this).pixmap(size, size));
    m_text->setText(text);
    setToolTip(m_status ? m_status->details() : text);
    setAccessibleName(tr("Connection: %1").arg(text));
}

} // namespace caps
