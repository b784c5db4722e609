#include "widgets/notificationqueue.h"

#include <utility>

namespace caps {

NotificationQueue::NotificationQueue(int showMs, QObject *parent)
    : QObject(parent)
{
    setObjectName(QStringLiteral("notificationQueue"));
    m_timer.setSingleShot(true);
    m_timer.setInterval(showMs);
    connect(&m_timer, &QTimer::timeout, this, &NotificationQueue::next);
}

void NotificationQueue::post(const QString &title, const QString &message)
{
    m_pending.append({title, message});
    if (!isShowing())
        next();
}

void NotificationQueue::next()
{
    if (m_pending.isEmpty())
        return;
    const QList<Notification> batch = std::exchange(m_pending, {});
    QString title = batch.first().title;
    QStringList lines;
    for (const Notification &n : batch) {
        if (n.title != title)
            title.clear();
        lines.append(n.message);
    }
    if (batch.size() > 1) {
        if (title.isEmpty())
            title = tr("%n update(s)", nullptr, int(batch.size()));
        // The newest are what matters; the older ones stay in the window's log.
        if (lines.size() > kMaxMergedLines) {
            const int older = int(lines.size()) - (kMaxMergedLines - 1);
            lines = lines.mid(older);
            lines.prepend(tr("%n earlier update(s) in the log", nullptr, older));
        }
    }
    m_timer.start();
    Q_EMIT show(title, lines.join(QLatin1Char('\n')), m_timer.interval());
}

} // namespace caps
