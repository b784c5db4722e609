#include "orders/eventlogmodel.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

namespace caps {

namespace {
QString orderIdOf(const QJsonValue &payload)
{
    if (payload.isString())
        return payload.toString();
    const QJsonObject object = payload.toObject();
    const QString id = object.value(QLatin1StringView("orderID")).toString();
    return id.isEmpty() ? object.value(QLatin1StringView("orderId")).toString() : id;
}

QString detailsOf(const QJsonValue &payload)
{
    if (payload.isObject())
        return QString::fromUtf8(QJsonDocument(payload.toObject()).toJson(QJsonDocument::Compact));
    if (payload.isArray())
        return QString::fromUtf8(QJsonDocument(payload.toArray()).toJson(QJsonDocument::Compact));
    if (payload.isString())
        return payload.toString();
    if (payload.isDouble())
        return QString::number(payload.toDouble());
    if (payload.isBool())
        return payload.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

QString arrowOf(EventLogModel::Direction direction)
{
    switch (direction) {
    case EventLogModel::Direction::Sent:
        return QStringLiteral("→");
    case EventLogModel::Direction::Received:
        return QStringLiteral("←");
    case EventLogModel::Direction::Note:
        break;
    }
    return QStringLiteral("·");
}
} // namespace

EventLogModel::EventLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &entry = m_entries.at(index.row());
    if (role == Qt::ToolTipRole) {
        if (index.column() == DirectionColumn) {
            switch (entry.direction) {
            case Direction::Sent:
                return tr("Sent");
            case Direction::Received:
                return tr("Received");
            case Direction::Note:
                return tr("Note");
            }
        }
        if (index.column() == OrderColumn)
            return entry.orderId; // the column shows its beginning
        // The whole payload, for what the summary leaves out.
        if (index.column() == DetailsColumn)
            return entry.details;
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case TimeColumn:
        return QLocale().toString(entry.time.toLocalTime().time(), QStringLiteral("HH:mm:ss.zzz"));
    case DirectionColumn:
        return arrowOf(entry.direction);
    case EventColumn:
        return entry.event;
    case OrderColumn:
        return entry.orderId;
    case DetailsColumn:
        return entry.direction == Direction::Note ? entry.details : entry.summary;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case TimeColumn:
        return tr("Time");
    case DirectionColumn:
        return QString();
    case EventColumn:
        return tr("Event");
    case OrderColumn:
        return tr("Order");
    case DetailsColumn:
        return tr("Details");
    case ColumnCount:
        break;
    }
    return {};
}

void EventLogModel::logSent(const QString &event, const QJsonValue &payload, const QDateTime &time)
{
    append({time, Direction::Sent, event, orderIdOf(payload), detailsOf(payload), summarize(payload)});
}

void EventLogModel::logReceived(const QString &event, const QJsonValue &payload, const QDateTime &time)
{
    append({time, Direction::Received, event, orderIdOf(payload), detailsOf(payload), summarize(payload)});
}

void EventLogModel::logNote(const QString &text, const QDateTime &time)
{
    append({time, Direction::Note, QString(), QString(), text});
}

QString EventLogModel::summarize(const QJsonValue &payload)
{
    if (!payload.isObject())
        return payload.isArray() ? tr("%n item(s)", nullptr, int(payload.toArray().size())) : detailsOf(payload);
    const QJsonObject object = payload.toObject();
    QStringList parts;
    const auto text = [&object](QLatin1StringView key) { return object.value(key).toString().trimmed(); };
    QStringList who;
    for (const QString &part : {text(QLatin1StringView("customer")), text(QLatin1StringView("address"))}) {
        if (!part.isEmpty())
            who.append(part);
    }
    if (!who.isEmpty())
        parts.append(who.join(QLatin1String(", ")));
    if (object.value(QLatin1StringView("orders")).isArray())
        parts.append(tr("%n order(s)", nullptr, int(object.value(QLatin1StringView("orders")).toArray().size())));
    const QDateTime ordered = QDateTime::fromString(text(QLatin1StringView("orderedAt")), Qt::ISODateWithMs);
    if (ordered.isValid())
        parts.append(
            tr("ordered %1").arg(QLocale().toString(ordered.toLocalTime().time(), QStringLiteral("HH:mm:ss"))));
    if (const QString store = text(QLatin1StringView("store")); !store.isEmpty())
        parts.append(tr("store %1").arg(store));
    if (const QString error = text(QLatin1StringView("error")); !error.isEmpty())
        parts.append(error);
    if (const QString reason = text(QLatin1StringView("reason")); !reason.isEmpty())
        parts.append(reason);
    // Fields of a peer we do not know, as they came: nothing is hidden, only what the columns and
    // the phrases above say already.
    static const QStringList shown{QStringLiteral("customer"),  QStringLiteral("address"), QStringLiteral("orders"),
                                   QStringLiteral("orderedAt"), QStringLiteral("store"),   QStringLiteral("error"),
                                   QStringLiteral("reason"),    QStringLiteral("orderID"), QStringLiteral("orderId"),
                                   QStringLiteral("ok")};
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (shown.contains(it.key()))
            continue;
        parts.append(QStringLiteral("%1: %2").arg(it.key(), detailsOf(it.value())));
    }
    return parts.join(QStringLiteral(" · "));
}

void EventLogModel::clear()
{
    if (m_entries.isEmpty())
        return;
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

void EventLogModel::setMaxEntries(int maxEntries)
{
    m_maxEntries = qMax(1, maxEntries);
    trim();
}

QString EventLogModel::formatEntry(const Entry &entry)
{
    QStringList parts{entry.time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")), arrowOf(entry.direction)};
    for (const QString &part : {entry.event, entry.orderId, entry.details}) {
        if (!part.isEmpty())
            parts.append(part);
    }
    return parts.join(QLatin1Char(' '));
}

void EventLogModel::append(Entry entry)
{
    if (!entry.time.isValid())
        entry.time = QDateTime::currentDateTimeUtc();
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    m_entries.append(entry);
    endInsertRows();
    trim();
    Q_EMIT entryAdded(entry);
}

void EventLogModel::trim()
{
    const int excess = int(m_entries.size()) - m_maxEntries;
    if (excess <= 0)
        return;
    beginRemoveRows({}, 0, excess - 1);
    m_entries.remove(0, excess);
    endRemoveRows();
}

} // namespace caps
