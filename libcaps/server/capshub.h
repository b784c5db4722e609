#pragma once

#include "core/result.h"
#include "security/accesspolicy.h"
#include "security/audience.h"
#include "server/hubevent.h"

#include <QHash>
#include <QJsonValue>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <map>
#include <vector>

namespace caps {

class MessageQueue;
class Namespace;
class ServerEvent;
class ServerSocket;

// The CAPS hub's routing on one namespace (the lab's Phase 2 hub plus customer tracking):
//  - `join` (a room name, or an object with store / clientId / queueId / roomName) joins that room;
//  - who hears `pickup`, `in-transit` and `delivered` is caps::Audience's rule (open mode, the
//    lab's: `pickup` to every socket except those in room `customers`, `in-transit` and
//    `delivered` to room <store>, each also to rooms `order:<orderID>` and `customer:<customer>`;
//    token mode: only the roles entitled to it);
//  - `track` / `untrack` ({orderID} | {customer} | an orderID string) join / leave the rooms the
//    Audience names for them (and `customers`); `track` is acknowledged with the latest known
//    event of each matching order that the tracker may hear.
// Payloads are relayed byte for byte. Every CAPS event is announced with eventReceived() first.
// The `getAll` backlog holds only what the asking socket may hear, by the same rule.
//
// With a message queue (Options::queue, docs/queue.md) nothing is lost: pickup / in-transit /
// delivered are stored before the sender is acknowledged ({ ok: true }) and before they are
// relayed; an event that cannot be stored is refused ({ ok: false, error }) and not relayed, and
// one that every queue has already acknowledged is not relayed again. `received` acknowledges
// a queued message; `getAll` emits the asking socket's backlog under the original event names.
//
// Group commit: the queue writes of one event-loop pass (at most Options::maxBatchEvents) share
// one store transaction, committed by a zero-timer once the pass is over. Everything a client can
// see of those events (acks, relays, the `getAll` backlog, eventReceived()) waits for that commit
// and then happens in arrival order; if the commit fails, each of them is refused
// ({ ok: false, error }) and nothing is relayed. Events that need no storage (join, track, a
// live-only in-transit) wait behind a pending batch too, so that no event overtakes an earlier
// one. Refusals (access policy, validation, a write that fails by itself) are answered at once.
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
        // Not owned, outlives the hub, serves this hub only (the hub owns its store's batches);
        // nullptr: live routing only.
        MessageQueue *queue = nullptr;
        // Group commit: a batch is committed at the end of the event-loop pass, or as soon as it
        // holds this many events.
        int maxBatchEvents = 256;
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
    [[nodiscard]] static QString orderRoom(const QString &orderId) { return Audience::orderRoom(orderId); }
    [[nodiscard]] static QString customerRoom(const QString &name) { return Audience::customerRoom(name); }
    [[nodiscard]] static QString customersRoom() { return Audience::customersRoom(); }

    // Events waiting for the open batch's commit (for tests and diagnostics).
    [[nodiscard]] qsizetype pendingEvents() const { return qsizetype(m_deferred.size()); }

signals:
    // An order event was accepted: with a queue, once it is durably stored (after the commit).
    void eventReceived(const caps::HubEvent &event);

private:
    struct Remembered
    {
        HubEvent event;
        quint64 sequence = 0;
    };
    // What an event still has to do once the batch in front of it is committed.
    struct Deferred
    {
        std::function<void()> committed;
        // The commit failed; empty: the event stored nothing, `committed` runs anyway.
        std::function<void(const QString &error)> failed;
    };

    void onConnection(ServerSocket *socket);
    void onEvent(const ServerEvent &event);
    // Drops an event: ack { ok: false, error } if asked, else an `error` event; one log line.
    void refuse(const ServerEvent &event, const QString &error);
    [[nodiscard]] bool roomsLeft(ServerSocket *socket, qsizetype wanted) const;
    void onOtherEvent(const ServerEvent &event);
    void onCapsEvent(const ServerEvent &event);
    // An accepted order event: eventReceived(), remembered for `track`, relayed if `relayIt`.
    void accept(const ServerEvent &event, const HubEvent &hubEvent, bool relayIt);
    void relay(const ServerEvent &event, const HubEvent &hubEvent);
    // Opens the store batch for this pass if none is open yet.
    [[nodiscard]] Result<bool> openBatch();
    // Queues `deferred` behind the open batch; commits at once when the batch is full.
    void defer(Deferred deferred);
    // Runs `action` now, or after the pending batch if one is waiting, so that it keeps its place.
    void inOrder(std::function<void()> action);
    // Commits the open batch, then answers its events in arrival order.
    void commitBatch();
    void onReceived(const ServerEvent &event);
    void onGetAll(const ServerEvent &event);
    // Whether this socket may read or acknowledge queue `queueId` (messages of `event`, "" = any).
    [[nodiscard]] bool mayUseQueue(const ServerSocket *socket, const QString &queueId, const QString &event) const;
    // A queue request or store failure: ack { ok: false, error } if asked, else an `error` event.
    void queueError(const ServerEvent &event, const QString &error);
    void onTrack(const ServerEvent &event, bool track);
    void remember(const HubEvent &event);
    [[nodiscard]] static Audience::Subject subjectOf(const HubEvent &event);

    QPointer<Namespace> m_nsp;
    Options m_options;
    Audience m_audience;
    QHash<const ServerSocket *, std::optional<Principal>> m_principals;
    QHash<QString, Remembered> m_orders;         // by orderID
    std::map<quint64, QString> m_orderAge;       // sequence -> orderID, oldest first
    quint64 m_sequence = 0;
    qint64 m_rememberedBytes = 0;

    std::vector<Deferred> m_deferred; // the open batch's events, in arrival order
    std::vector<Deferred> m_answering; // the batch being answered; kept to reuse its capacity
    bool m_storeBatchOpen = false;
    bool m_committing = false;
    QTimer m_commitTimer; // zero interval: fires once the current event-loop pass is over
};

} // namespace caps
