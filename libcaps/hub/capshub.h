#pragma once

#include "catalogue/eventcatalogue.h"
#include "hub/hubevent.h"
#include "hub/orderbook.h"
#include "security/accesspolicy.h"
#include "security/audience.h"

#include <QHash>
#include <QJsonValue>
#include <QObject>
#include <QPointer>
#include <QSet>

namespace caps {

class MessageQueue;
class Namespace;
class ServerEvent;
class GroupCommit;
struct OrderRecord;
class ServerSocket;

// The CAPS hub on one namespace of the Socket.IO server: the lab's Phase 2 routing, customer
// tracking, the Phase 3 queue and the order lifecycle. What each CAPS event is (who sends it,
// who hears it, which queue keeps it, what it does to an order) is the event catalogue's
// (Options::catalogue); this class applies it:
//  - `join` (a room name, or an object with store / clientId / queueId / roomName) joins that room;
//  - who hears `pickup`, `in-transit` and `delivered` is caps::Audience's rule (open mode, the
//    lab's: `pickup` to every socket except those in room `customers`, `in-transit` and
//    `delivered` to room <store>, each also to rooms `order:<orderID>` and `customer:<customer>`;
//    token mode: only the roles entitled to it);
//  - `track` / `untrack` ({orderID} | {customer} | an orderID string) join / leave the rooms the
//    Audience names for them (and `customers`); `track` is acknowledged with the latest known
//    event of each matching order that the tracker may hear.
// Payloads are relayed byte for byte. Every CAPS event is announced with eventReceived() first.
//
// The hub knows an order's life (OrderBook): the first `in-transit` for an order waiting for
// pickup wins, `delivered` comes only after it and from the driver who took it. An event that
// breaks the lifecycle is refused with its reason ({ ok: false, error }, or an `error` event)
// and is neither relayed nor queued; a repeat of a step already made (a client's retry) is
// answered { ok: true, repeat: true } and not relayed. When a driver takes an order every other
// driver hears `taken` ({ store, orderID }). Orders the hub has never seen take any event, as
// the lab's hub did.
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
        // For `track` and the lifecycle: this many orders, holding at most this many payload
        // bytes; the oldest are forgotten first.
        int maxRememberedOrders = 10000;
        AccessPolicy policy; // who may emit what (open mode by default)
        int maxRoomsPerSocket = 0; // 0: no limit
        qint64 maxRememberedBytes = qint64(16) * 1024 * 1024;
        // Not owned, outlives the hub, serves this hub only (the hub owns its store's batches);
        // nullptr: live routing only.
        MessageQueue *queue = nullptr;
        // Group commit: a batch is committed at the end of the event-loop pass, or as soon as it
        // holds this many events.
        int maxBatchEvents = 256;
        // The CAPS events (not owned; the standard one unless set). The access policy and the
        // queue should be given the same.
        const EventCatalogue *catalogue = &EventCatalogue::standard();
        // With hubs sharing the store (a cluster): this hub's server uid (PostgresBus::uid()),
        // saved as the hub of each taker connected here, and whether a hub may still be alive
        // (PostgresBus::mayBeAlive). A taker connected to a hub that is gone is judged gone, as
        // one of this hub's own that disconnected is. Empty: one hub.
        QString serverId;
        std::function<bool(const QString &serverId)> serverAlive;
        // How long (ms) that hub has not been heard from (PostgresBus::quietMs): a hub quiet
        // since a driver connected may have died with that driver's earlier connection.
        std::function<qint64(const QString &serverId)> serverQuietMs;
        // Tells the other hubs that a driver who took an order here disconnected (they cannot
        // see it, and would take it for connected as long as this hub lives): they hear it
        // through takerLeft(). Unset: one hub.
        std::function<void(const QString &taker)> announceTakerLeft;
    };

    // The channel a clustered hub announces its takers' disconnections on ({ taker }).
    static inline const QString kTakersChannel = QStringLiteral("socketio#takers");

    explicit CapsHub(Namespace *nsp, QObject *parent = nullptr);
    CapsHub(Namespace *nsp, const Options &options, QObject *parent = nullptr);
    ~CapsHub() override;

    [[nodiscard]] Namespace *nsp() const;
    [[nodiscard]] qsizetype rememberedOrderCount() const { return m_book.size(); }
    [[nodiscard]] qint64 rememberedBytes() const { return m_book.bytes(); }
    // The latest event of the order `orderId` and of every order of `customer` (either may be
    // empty), oldest first. Only the payload's text is kept (HubEvent::payload is empty).
    [[nodiscard]] QList<HubEvent> latestEvents(const QString &orderId, const QString &customer) const
    {
        return m_book.latestEvents(orderId, customer);
    }
    [[nodiscard]] const OrderBook &orders() const { return m_book; }

    // The room a `join` argument names, empty if none (the Node hub's roomOf()).
    [[nodiscard]] static QString roomOf(const QJsonValue &argument);
    [[nodiscard]] static QString orderRoom(const QString &orderId) { return Audience::orderRoom(orderId); }
    [[nodiscard]] static QString customerRoom(const QString &name) { return Audience::customerRoom(name); }
    [[nodiscard]] static QString customersRoom() { return Audience::customersRoom(); }

    // The request for a store's orders: `orders { store }`, acknowledged with
    // { ok: true, orders: [ { event, time, payload }, ... ] }, oldest first.
    static inline const QString kOrdersRequest = QStringLiteral("orders");

    // Events waiting for the open batch's commit (for tests and diagnostics).
    [[nodiscard]] qsizetype pendingEvents() const;

    // Another hub of the cluster is gone (PostgresBus::serverGone): what this hub keeps of its
    // clients goes, so that a driver who took an order there may finish it here.
    void forgetServer(const QString &serverId);
    // Another hub's driver `taker` (announceTakerLeft) disconnected: judged gone here, as one of
    // this hub's own would be, so that its new connection may finish its orders through this hub.
    void takerLeft(const QString &taker);

signals:
    // An order event was accepted: with a queue, once it is durably stored (after the commit).
    void eventReceived(const caps::HubEvent &event);

private:
    void onConnection(ServerSocket *socket);
    void onEvent(const ServerEvent &event);
    // Drops an event: ack { ok: false, error } if asked, else an `error` event; one log line.
    void refuse(const ServerEvent &event, const QString &error);
    [[nodiscard]] bool roomsLeft(ServerSocket *socket, qsizetype wanted) const;
    void onOtherEvent(const ServerEvent &event);
    // Puts a record of the store into the order book (at start, or another hub's newer one).
    void restoreOrder(const OrderRecord &record);
    // A record from the store: if its taker is connected to another hub, which one.
    void learnTaker(const OrderRecord &record);
    // Whether the driver who took an order is no longer connected to any live hub.
    [[nodiscard]] bool takerGone(const QString &taker) const;
    // Whether `actor`'s step of the order is refused only because its taker is a driver of
    // another hub not yet known to be gone (the hub may have died; see onCapsEvent()).
    [[nodiscard]] bool takenThroughUnsureHub(const CapsEvent &caps, const QString &orderId, const QString &actor,
                                             const ServerSocket *sender) const;
    // Answers such a step "send it again".
    void notYet(const ServerEvent &event, const HubEvent &hubEvent);
    // The hub the taker is connected to, for the record this hub saves (empty: not known).
    [[nodiscard]] QString takerServerOf(const QString &taker, const QString &actor) const;
    // Announces `socket`'s disconnection to the other hubs once it has taken an order.
    void watchTaker(ServerSocket *socket);
    // An actor in open mode is its socket, "socket:<id>" (actorOf()).
    static inline const QString kSocketActorPrefix = QStringLiteral("socket:");
    [[nodiscard]] static QString socketActor(const ServerSocket *socket);
    [[nodiscard]] static bool isSocketActor(const QString &actor);
    // Whether `actor` is a socket connected to this hub.
    [[nodiscard]] bool connectedHere(const QString &actor) const;
    void onCapsEvent(const ServerEvent &event, const CapsEvent &caps);
    [[nodiscard]] static HubEvent hubEventOf(const ServerEvent &event);
    // Who the lifecycle holds to its word: the token in token mode, the socket otherwise.
    [[nodiscard]] QString actorOf(const ServerSocket *socket) const;
    // An accepted order event: eventReceived(), remembered for `track`, relayed if `relayIt`.
    void accept(const ServerEvent &event, const CapsEvent &caps, const HubEvent &hubEvent, bool relayIt);
    void relay(const ServerEvent &event, const HubEvent &hubEvent);
    // `taken` to every driver but the one who took the order.
    void announceTaken(const ServerEvent &event, const HubEvent &hubEvent);
    // A queue request's rights (refused if none) and the batch it reads or writes in: false when
    // it was answered already.
    [[nodiscard]] bool mayUseQueue(const ServerEvent &event, const QString &request, const QString &queueId,
                                   const QString &queuedEvent);
    void onReceived(const ServerEvent &event);
    void onGetAll(const ServerEvent &event);
    // A queue request or store failure: ack { ok: false, error } if asked, else an `error` event.
    void queueError(const ServerEvent &event, const QString &error);
    void onTrack(const ServerEvent &event, bool track);
    // `orders { store }`: the latest event of each order of the store the hub knows (a
    // vendor's history on start), as `track`'s ack gives a customer's.
    void onOrders(const ServerEvent &event);
    // The answer to `track` and `orders`: {ok, orders: [each order's latest event with its
    // steps]}, only the orders `principal` may hear of.
    [[nodiscard]] QByteArray ordersAnswer(const std::optional<Principal> &principal,
                                          const QList<HubEvent> &known) const;
    // The order book as the store kept it (a hub restarted with its queue).
    void restoreOrders();
    // Drivers' queues keep only pickups of orders the order book knows as waiting for one.
    void discardStalePickups();
    [[nodiscard]] static Audience::Subject subjectOf(const HubEvent &event);
    // Who the socket's token names; nullopt in open mode.
    [[nodiscard]] std::optional<Principal> principalOf(const ServerSocket *socket) const;

    QPointer<Namespace> m_nsp;
    Options m_options;
    Audience m_audience;
    // Only the sockets a token names: in open mode (no tokens) nothing, rather than an empty
    // principal per idle connection (a hash entry of some 380 bytes, and a connection to its
    // socket's destroyed()). value() of a socket not in it is nullopt: open mode's answer.
    QHash<const ServerSocket *, Principal> m_principals;
    OrderBook m_book;
    // Drivers that took an order through another hub sharing the store → that hub's server uid
    // (empty: the store did not say).
    QHash<QString, QString> m_remoteTakers;
    QSet<QString> m_leftTakers; // other hubs' takers announced disconnected (takerLeft())
    QSet<const ServerSocket *> m_localTakers; // this hub's sockets that took an order (clustered)
    GroupCommit *m_commit;
};

} // namespace caps
