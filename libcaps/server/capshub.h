#pragma once

#include "security/accesspolicy.h"
#include "server/hubevent.h"

#include <QHash>
#include <QJsonValue>
#include <QObject>
#include <QPointer>

#include <map>

namespace caps {

class MessageQueue;
class Namespace;
class ServerEvent;
class ServerSocket;

// The CAPS hub's routing on one namespace (the lab's Phase 2 hub plus customer tracking):
//  - `join` (a room name, or an object with store / clientId / queueId / roomName) joins that room;
//  - `pickup` goes to every socket except those in room `customers`, plus rooms
//    `order:<orderID>` and `customer:<customer>`;
//  - `in-transit` and `delivered` go to room <store>, `order:<orderID>` and `customer:<customer>`;
//  - `track` / `untrack` ({orderID} | {customer} | an orderID string) join / leave those rooms
//    (and `customers`); `track` is acknowledged with the latest known event of each matching order.
// Payloads are relayed byte for byte. Every CAPS event is announced with eventReceived() first.
//
// With a message queue (Options::queue, docs/queue.md) nothing is lost: pickup / in-transit /
// delivered are stored before the sender is acknowledged ({ ok: true }) and before they are
// relayed; an event that cannot be stored is refused ({ ok: false, error }) and not relayed, and
// one that every queue has already acknowledged is not relayed again. `received` acknowledges
// a queued message; `getAll` emits the asking socket's backlog under the original event names.
class CapsHub : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        // For `track`: the latest event of this many orders, holding at most this many payload
        // bytes; the oldest are forgotten first.
        int maxRememberedOrders = 10000;
        AccessPolicy policy;               // who may emit what (open mode by default)
        int maxRoomsPerSocket = 0;         // 0: no limit
        qint64 maxRememberedBytes = 16 * 1024 * 1024;
        MessageQueue *queue = nullptr;     // not owned, outlives the hub; nullptr: live routing only
    };

    explicit CapsHub(Namespace *nsp, QObject *parent = nullptr);
    CapsHub(Namespace *nsp, const Options &options, QObject *parent = nullptr);
    ~CapsHub() override;

    [[nodiscard]] Namespace *nsp() const;
    [[nodiscard]] qsizetype rememberedOrderCount() const { return m_orders.size(); }
    [[nodiscard]] qint64 rememberedBytes() const { return m_rememberedBytes; }
    // The latest event of the order `orderId` and of every order of `customer` (either may be
    // empty), oldest first. Only the payload's text is kept (HubEvent::payload is empty).
    [[nodiscard]] QList<HubEvent> latestEvents(const QString &orderId, const QString &customer) const;

    // The room a `join` argument names, empty if none (the Node hub's roomOf()).
    [[nodiscard]] static QString roomOf(const QJsonValue &argument);
    [[nodiscard]] static QString orderRoom(const QString &orderId) { return QLatin1String("order:") + orderId; }
    [[nodiscard]] static QString customerRoom(const QString &name) { return QLatin1String("customer:") + name; }
    [[nodiscard]] static QString customersRoom() { return QStringLiteral("customers"); }

signals:
    void eventReceived(const caps::HubEvent &event);

private:
    struct Remembered
    {
        HubEvent event;
        quint64 sequence = 0;
    };

    void onConnection(ServerSocket *socket);
    void onEvent(const ServerEvent &event);
    // Drops an event: ack { ok: false, error } if asked, else an `error` event; one log line.
    void refuse(const ServerEvent &event, const QString &error);
    [[nodiscard]] bool roomsLeft(ServerSocket *socket, qsizetype wanted) const;
    void onCapsEvent(const ServerEvent &event);
    // Stores an inbound order event. False: refused (already answered), must not be relayed.
    [[nodiscard]] bool enqueue(const ServerEvent &event, const HubEvent &hubEvent, bool *relay);
    void onReceived(const ServerEvent &event);
    void onGetAll(const ServerEvent &event);
    // Whether this socket may read or acknowledge queue `queueId` (messages of `event`, "" = any).
    [[nodiscard]] bool mayUseQueue(const ServerSocket *socket, const QString &queueId, const QString &event) const;
    // A queue request or store failure: ack { ok: false, error } if asked, else an `error` event.
    void queueError(const ServerEvent &event, const QString &error);
    void onTrack(const ServerEvent &event, bool track);
    void remember(const HubEvent &event);

    QPointer<Namespace> m_nsp;
    Options m_options;
    QHash<const ServerSocket *, std::optional<Principal>> m_principals;
    QHash<QString, Remembered> m_orders;         // by orderID
    std::map<quint64, QString> m_orderAge;       // sequence -> orderID, oldest first
    quint64 m_sequence = 0;
    qint64 m_rememberedBytes = 0;
};

} // namespace caps
