#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QJsonValue>
#include <QList>

namespace caps {

// What a program sent and received, newest last, bounded so that a window left open for
// days does not grow without end.
class EventLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum class Direction { Sent, Received, Note };
    Q_ENUM(Direction)

    enum Column { TimeColumn, DirectionColumn, EventColumn, OrderColumn, DetailsColumn, ColumnCount };
    Q_ENUM(Column)

    struct Entry
    {
        QDateTime time; // UTC
        Direction direction = Direction::Note;
        QString event;
        QString orderId;
        QString details; // the payload as JSON (notes: their text)
        QString summary; // the payload for a person (the Details column of events)
    };

    explicit EventLogModel(QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

    void logSent(const QString &event, const QJsonValue &payload,
                 const QDateTime &time = QDateTime::currentDateTimeUtc());
    void logReceived(const QString &event, const QJsonValue &payload,
                     const QDateTime &time = QDateTime::currentDateTimeUtc());
    void logNote(const QString &text, const QDateTime &time = QDateTime::currentDateTimeUtc());
    void clear();

    [[nodiscard]] int maxEntries() const { return m_maxEntries; }
    void setMaxEntries(int maxEntries);
    [[nodiscard]] const QList<Entry> &entries() const { return m_entries; }
    // One line as the programs print it: "10:00:00 -> pickup 1234 {...}".
    [[nodiscard]] static QString formatEntry(const Entry &entry);
    // A payload for a person: "Ada Lovelace, 1 Main St · ordered 10:00:01 · store s1" (the order
    // ID left to its own column), "3 orders" for a track answer.
    [[nodiscard]] static QString summarize(const QJsonValue &payload);

Q_SIGNALS:
    void entryAdded(const caps::EventLogModel::Entry &entry);

private:
    void append(Entry entry);
    void trim();

    QList<Entry> m_entries;
    int m_maxEntries = 1000;
};

} // namespace caps
