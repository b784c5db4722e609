#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

// Reading JSON text as written, without QJsonDocument: QJsonObject sorts keys, while the hub's
// log must show a payload's keys in the order the client wrote them, as Node's console.log does.
namespace caps::jsinspect {

// The top-level elements of a JSON array, as slices of `json`; nullopt if it is not a valid array.
[[nodiscard]] std::optional<QList<QByteArrayView>> splitArray(QByteArrayView json);

// A JSON value rendered as Node's util.inspect() would render the parsed value, on one line:
// single-quoted strings, unquoted identifier keys, objects nested deeper than util.inspect's
// default depth (2) as [Object] / [Array]. `level` is the value's own nesting level (a payload
// inside the logged object is at level 1). Returns nullopt for invalid JSON.
[[nodiscard]] std::optional<QString> inspect(QByteArrayView json, int level = 0);

// A string quoted as util.inspect quotes it.
[[nodiscard]] QString quote(const QString &s);

// A number written as JavaScript's Number#toString() writes it.
[[nodiscard]] QString number(double value);

} // namespace caps::jsinspect
