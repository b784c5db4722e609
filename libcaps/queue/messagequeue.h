#pragma once

#include "catalogue/eventcatalogue.h"
#include "queue/messagestore.h"

#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace caps {

// The lab's Phase 3 queue rules over a MessageStore, free of networking: the hub calls it from
// its event handlers on namespace /caps and does the emitting itself.
//
//  - Which events are queued, and for whom, is the event catalogue's (CapsEvent::queue): `pickup`
//    for queue "driver" and for every driver that announced its own client id (getAll
//    { clientId, event: "pickup" }); `in-transit` and `delivered` for payload.store.
//  - messageId: payload.messageId | messageID, else the order id (orderID | orderId), else a
//    generated UUID.
//  - `received` { clientId | queueId | clientID, event, messageId | messageID } acknowledges.
//  - `getAll` { clientId | queueId, event } (or a bare client id string) returns the backlog.
// Every error leaves the store unchanged.
class MessageQueue
{
public:
    enum class Request {
        Other, // not the queue's business (join, track, ...)
        Queued, // the catalogue's queued events (pickup, in-transit, delivered): enqueue()
        Received, // received, recieved: received()
        GetAll, // getAll, getall, get-all: getAll()
    };

    struct QueueOutcome
    {
        QString queueId;
        EnqueueOutcome outcome = EnqueueOutcome::Stored;
        friend bool operator==(const QueueOutcome &, const QueueOutcome &) = default;
    };

    // What enqueue() did with one inbound event.
    struct Enqueued
    {
        QString event;
        QString messageId;
        bool generatedId = false; // the payload named no id: clients cannot acknowledge by order id
        QList<QueueOutcome> queues;
        // Stored in at least one queue (false for a re-sent or already acknowledged message).
        [[nodiscard]] bool isNew() const;
    };

    struct Acknowledgement
    {
        QString queueId;
        QString event; // empty: the message id under any event
        QString messageId;
        bool removed = false; // false: nothing pending under that id (unknown or acknowledged before)
    };

    struct Backlog
    {
        QString queueId;
        QString event; // empty: all events
        bool subscribed = false; // getAll registered queueId as a driver queue just now
        QList<QueuedMessage> messages; // in insertion order; emit each under message.event
    };

    static inline const QString kDriverQueue = QStringLiteral("driver");
    // Ids and event names longer than this are refused (they come from the network).
    static constexpr qsizetype kMaxIdLength = 256;

    // `catalogue` (not owned) says which events are queued for whom.
    explicit MessageQueue(MessageStore &store, const EventCatalogue *catalogue = &EventCatalogue::standard());

    // By the standard catalogue, or by this queue's.
    [[nodiscard]] static Request classify(const QString &event) { return classify(EventCatalogue::standard(), event); }
    [[nodiscard]] static Request classify(const EventCatalogue &catalogue, const QString &event);
    [[nodiscard]] Request classifyHere(const QString &event) const { return classify(*m_catalogue, event); }

    // Queues an inbound pickup / in-transit / delivered. When this returns a value the message
    // is stored (durably, with a persistent store) and the hub may acknowledge the sender.
    [[nodiscard]] Result<Enqueued> enqueue(const QString &event, const QJsonValue &payload);
    [[nodiscard]] Result<Acknowledgement> received(const QJsonValue &payload);
    // The hub's lifecycle moved an order on with `event`: what is still pending for that order
    // under the catalogue's earlier steps no longer means anything, and is discarded from every
    // queue that keeps it (MessageStore::discard: no tombstone, nobody sends it again) (a taken order leaves every driver's queue; a delivered one leaves its
    // in-transit in the store's). Returns how many messages went.
    [[nodiscard]] Result<qint64> settle(const QString &event, const QJsonValue &payload);
    [[nodiscard]] Result<Backlog> getAll(const QJsonValue &payload);

    // The parsing halves of received() / getAll(), without touching the store.
    [[nodiscard]] static Result<Acknowledgement> parseReceived(const QJsonValue &payload);
    [[nodiscard]] static Result<Backlog> parseGetAll(const QJsonValue &payload);
    // The message id enqueue() would use; empty when the payload names none.
    [[nodiscard]] static Result<QString> messageIdOf(const QJsonValue &payload);

    [[nodiscard]] MessageStore &store() const { return m_store; }

    // Pending retention (the store's PendingRetention): drops what is too old or over the count,
    // logs "queue: dropped N pending messages (...)" on caps.queue and adds N to droppedPending().
    // Run it outside a store batch: inside one, a rolled-back batch would take the drop back
    // after it was counted and logged.
    [[nodiscard]] Result<PendingPruned> prunePending(const QDateTime &now);
    [[nodiscard]] Result<PendingPruned> prunePending() { return prunePending(QDateTime::currentDateTimeUtc()); }
    // Whether the count may be over the retention's, by what enqueue() stored since the last
    // prunePending() (acknowledgements are not subtracted: a rolled-back batch restores them,
    // and an estimate too high only costs an early prune). True before the first prune.
    // A queue at its limit is pruned once per kPruneSlack-th of maxCount new messages rather
    // than after every batch, so the count may pass maxCount by that much plus one batch.
    [[nodiscard]] bool pruneDue() const;
    // Pending messages dropped by prunePending() since this queue was made.
    [[nodiscard]] qint64 droppedPending() const { return m_droppedPending; }

    static constexpr qint64 kPruneSlack = 64;

private:
    MessageStore &m_store;
    const EventCatalogue *m_catalogue;
    qint64 m_pendingAfterPrune = -1; // unknown until the first prune
    qint64 m_storedSincePrune = 0;
    qint64 m_droppedPending = 0;
};

} // namespace caps
