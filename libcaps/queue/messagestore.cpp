#include "queue/messagestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>
#include <cmath>

namespace caps {

QByteArray MessageStore::encodePayload(const QJsonValue &payload)
{
    // Undefined has no JSON spelling; a missing payload is stored as null.
    const QJsonValue value = payload.isUndefined() ? QJsonValue(QJsonValue::Null) : payload;
    return QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
}

namespace {

// Whether `value` reads back from its JSON text as itself: JSON has no undefined, NaN or
// infinity (Qt writes null for them).
bool survivesJson(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Undefined:
        return false;
    case QJsonValue::Double:
        return std::isfinite(value.toDouble());
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        return std::all_of(array.begin(), array.end(), [](const QJsonValue &v) { return survivesJson(v); });
    }
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        return std::all_of(object.begin(), object.end(), [](const QJsonValue &v) { return survivesJson(v); });
    }
    case QJsonValue::Null:
    case QJsonValue::Bool:
    case QJsonValue::String:
        return true;
    }
    return false;
}

} // namespace

QJsonValue MessageStore::storedForm(const QJsonValue &payload)
{
    if (survivesJson(payload))
        return payload;
    return decodePayload(encodePayload(payload)).value();
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

QString MessageStore::checkUnitCanBegin(bool inBatch, bool inUnit, const QString &batchError)
{
    if (!inBatch)
        return QStringLiteral("a unit needs an open batch");
    if (inUnit)
        return QStringLiteral("a unit is already open");
    if (!batchError.isEmpty())
        return QStringLiteral("the batch failed earlier: %1").arg(batchError);
    return {};
}

} // namespace caps
