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
        return entry.details;
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
    append({time, Direction::Sent, event, orderIdOf(payload), detailsOf(payload)});
}

void EventLogModel::logReceived(const QString &event, const QJsonValue &payload, const QDateTime &time)
{
    append({time, Direction::Received, event, orderIdOf(payload), detailsOf(payload)});
}

void EventLogModel::logNote(const QString &text, const QDateTime &time)
{
    append({time, Direction::Note, QString(), QString(), text});
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
