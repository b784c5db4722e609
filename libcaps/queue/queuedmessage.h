#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QString>

namespace caps {

// One message waiting in one client's queue until that client acknowledges it.
struct QueuedMessage
{
    QString queueId;
    QString event;
    QString messageId;
    QJsonValue payload;
    // Store-wide, strictly increasing in insertion order; pending() is sorted by it.
    qint64 sequence = 0;
    QDateTime enqueuedAt; // UTC

    friend bool operator==(const QueuedMessage &, const QueuedMessage &) = default;
};

} // namespace caps
