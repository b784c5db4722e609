#include "queue/messagestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace caps {

QByteArray MessageStore::encodePayload(const QJsonValue &payload)
{
    // Undefined has no JSON spelling; a missing payload is stored as null.
    const QJsonValue value = payload.isUndefined() ? QJsonValue(QJsonValue::Null) : payload;
    return QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
}

Result<QJsonValue> MessageStore::decodePayload(const QByteArray &json)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return Result<QJsonValue>::failure(QStringLiteral("stored payload is not JSON: %1").arg(error.errorString()));
    if (!doc.isArray() || doc.array().size() != 1)
        return Result<QJsonValue>::failure(QStringLiteral("stored payload is not a one-element array"));
    return doc.array().first();
}

QString MessageStore::checkKey(const QString &queueId, const QString &event, const QString &messageId)
{
    if (queueId.isEmpty())
        return QStringLiteral("empty queue id");
    if (event.isEmpty())
        return QStringLiteral("empty event name");
    if (messageId.isEmpty())
        return QStringLiteral("empty message id");
    return {};
}

} // namespace caps
