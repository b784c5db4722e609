#include "hub/hubevent.h"

#include "hub/jsinspect.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace caps {

namespace {

QString scalarText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return jsinspect::number(v.toDouble());
    return {};
}

// The payload as one line of JSON: verbatim unless it spans lines (a pretty-printing client).
QByteArray compactPayload(const QByteArray &raw, const QJsonValue &parsed)
{
    if (raw.isEmpty())
        return QByteArrayLiteral("null");
    if (!raw.contains('\n') && !raw.contains('\r'))
        return raw;
    const QByteArray wrapped = QJsonDocument(QJsonArray{parsed}).toJson(QJsonDocument::Compact);
    return wrapped.sliced(1, wrapped.size() - 2);
}

QByteArray jsonString(const QString &s)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{s}).toJson(QJsonDocument::Compact);
    return wrapped.sliced(1, wrapped.size() - 2);
}

} // namespace

QString HubEvent::isoTime() const
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QByteArray HubEvent::toLogLine() const
{
    QString payloadText = QStringLiteral("undefined");
    if (!payloadJson.isEmpty()) {
        if (auto inspected = jsinspect::inspect(payloadJson, 1))
            payloadText = *inspected;
    }
    const QString line = QStringLiteral("EVENT { event: %1, time: %2, payload: %3 }")
                             .arg(jsinspect::quote(event), isoTime(), payloadText);
    return line.toUtf8();
}

QByteArray HubEvent::toJsonObject(const QList<OrderStep> &steps) const
{
    QByteArray out;
    out.reserve(payloadJson.size() + 80 + 40 * steps.size());
    out.append("{\"event\":").append(jsonString(event));
    out.append(",\"time\":").append(jsonString(isoTime()));
    out.append(",\"payload\":").append(payloadJson.isEmpty() ? QByteArrayLiteral("null") : payloadJson);
    if (!steps.isEmpty()) {
        out.append(",\"steps\":{");
        for (const OrderStep &step : steps) {
            if (out.back() != '{')
                out.append(',');
            out.append(jsonString(step.event))
                .append(':')
                .append(jsonString(step.time.toUTC().toString(Qt::ISODateWithMs)));
        }
        out.append('}');
    }
    out.append('}');
    return out;
}

QByteArray HubEvent::toJsonLine() const
{
    QByteArray out;
    out.append("{\"event\":").append(jsonString(event));
    out.append(",\"time\":").append(jsonString(isoTime()));
    out.append(",\"payload\":").append(compactPayload(payloadJson, payload));
    out.append('}');
    return out;
}

void HubEvent::readPayloadFields()
{
    const QJsonObject o = payload.toObject();
    store = scalarText(o.value(QLatin1String("store")));
    orderId = scalarText(o.value(QLatin1String("orderID")));
    if (orderId.isEmpty())
        orderId = scalarText(o.value(QLatin1String("orderId")));
    customer = scalarText(o.value(QLatin1String("customer")));
}

} // namespace caps
