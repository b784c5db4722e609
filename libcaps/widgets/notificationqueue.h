#pragma once

#include <QList>
#include <QObject>
#include <QTimer>

namespace caps {

// Desktop notifications one at a time. Two tray balloons shown within a few seconds of each
// other overlap (or the second replaces the first before it could be read); here a notification
// posted while one is on screen waits for it, and what piled up meanwhile comes as one.
class NotificationQueue : public QObject
{
    Q_OBJECT
public:
    // `showMs`: how long each stays on screen before the next may come.
    explicit NotificationQueue(int showMs = 5000, QObject *parent = nullptr);

    void post(const QString &title, const QString &message);
    [[nodiscard]] bool isShowing() const { return m_timer.isActive(); }
    [[nodiscard]] qsizetype pendingCount() const { return m_pending.size(); }
    [[nodiscard]] int showMs() const { return m_timer.interval(); }

    // Up to this many waiting messages are listed in a merged notification; more are counted.
    static constexpr int kMaxMergedLines = 4;

Q_SIGNALS:
    // Show this now, for `msecs`.
    void show(const QString &title, const QString &message, int msecs);

private:
    struct Notification
    {
        QString title;
        QString message;
    };
    void next();

    QList<Notification> m_pending;
    QTimer m_timer;
};

} // namespace caps
