#include "agents/outbox.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUrl>

namespace caps {

namespace {
constexpr int kFormat = 1;
}

Outbox::Outbox(const QString &store)
{
    // Any text may be a store name: percent-encoding keeps it one safe file name.
    const QString name = QString::fromLatin1(QUrl::toPercentEncoding(store, {}, "/\\.~"));
    m_path = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/outbox/") + name
        + QStringLiteral(".json");
}

Result<QList<Order>> Outbox::load() const
{
    using R = Result<QList<Order>>;
    QFile file(m_path);
    if (!file.exists())
        return QList<Order>();
    if (!file.open(QIODevice::ReadOnly))
        return R::failure(QStringLiteral("%1: %2").arg(m_path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    file.close();
    const QJsonObject root = doc.object();
    QString problem;
    if (error.error != QJsonParseError::NoError)
        problem = error.errorString();
    else if (root.value(QLatin1String("format")).toInt() != kFormat || !root.value(QLatin1String("orders")).isArray())
        problem = QStringLiteral("not an outbox of this version");
    if (!problem.isEmpty()) {
        const QString aside = m_path + QStringLiteral(".broken-")
            + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddTHHmmss"));
        QFile::rename(m_path, aside);
        return R::failure(QStringLiteral("%1: %2 (kept as %3)").arg(m_path, problem, aside));
    }
    QList<Order> orders;
    for (const QJsonValue entry : root.value(QLatin1String("orders")).toArray()) {
        const QJsonObject o = entry.toObject();
        Result<Order> order = Order::fromJson(o.value(QLatin1String("payload")));
        if (!order)
            continue;
        order->status = Order::Status::Ordered;
        order->unsent = !o.value(QLatin1String("refusal")).isString();
        order->refusal = o.value(QLatin1String("refusal")).toString();
        orders.append(*order);
    }
    return orders;
}

Result<bool> Outbox::save(const QList<Order> &orders) const
{
    using R = Result<bool>;
    if (orders.isEmpty()) {
        if (QFile::exists(m_path) && !QFile::remove(m_path))
            return R::failure(QStringLiteral("%1: cannot remove it").arg(m_path));
        return true;
    }
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath()))
        return R::failure(QStringLiteral("%1: cannot create its folder").arg(m_path));
    QJsonArray entries;
    for (const Order &order : orders) {
        QJsonObject entry{{QStringLiteral("payload"), order.toJson()}};
        if (order.isRefused())
            entry.insert(QStringLiteral("refusal"), order.refusal);
        entries.append(entry);
    }
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return R::failure(QStringLiteral("%1: %2").arg(m_path, file.errorString()));
    file.write(
        QJsonDocument(QJsonObject{{QStringLiteral("format"), kFormat}, {QStringLiteral("orders"), entries}}).toJson());
    if (!file.commit())
        return R::failure(QStringLiteral("%1: %2").arg(m_path, file.errorString()));
    return true;
}

} // namespace caps
