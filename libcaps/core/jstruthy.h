#pragma once

#include <QJsonValue>

#include <cmath>

namespace caps {

// JavaScript truthiness of a JSON value, for rules written in the lab's Node code as
// `payload.store || payload.clientId || ...`.
[[nodiscard]] inline bool isTruthy(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return v.toBool();
    case QJsonValue::Double: {
        const double d = v.toDouble();
        return d != 0 && !std::isnan(d); // 0 and NaN are falsy in JavaScript
    }
    case QJsonValue::String:
        return !v.toString().isEmpty();
    case QJsonValue::Array:
    case QJsonValue::Object:
        return true;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return false;
    }
    return false;
}

} // namespace caps
