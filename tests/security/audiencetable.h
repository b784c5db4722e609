#pragma once

// Who hears what, as the tests expect it (docs/security.md, "Who hears what"): the peers, the
// order and the table that tst_audience (in-process, Qt peers) and tst_hubinterop (caps-hub
// with unmodified socket.io-client peers, tests/interop/audience.js) both check.
//
// A vendor of store-b sends `pickup` for its customer "Bob Secret"; a driver sends `in-transit`
// and `delivered`. The receivers set up first: vendors join their store's room (and, on the
// backlog path, ask for pickups under their store's name: the queue then keeps them a copy);
// the customer of the order tracks its name and the order ID; the other customer tracks her
// name and tries Bob's order ID. Then each path:
//   live         they stay connected;
//   recovery     their connections drop before the order and come back with their session;
//   getAll       they disconnect, and come back afterwards asking for the backlog (vendors their
//                store's queue, drivers the driver queue, the others both); the backlog follows
//                the lifecycle, so the order goes only as far as the row's event (lastStep());
//   track answer they come back afterwards and track the order ID (the answer holds its latest
//                event, `delivered`).

#include "security/principal.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace audiencetable {

inline const QString kStore = QStringLiteral("store-b");
inline const QString kOtherStore = QStringLiteral("store-a");
inline const QString kBob = QStringLiteral("Bob Secret");
inline const QString kOrderId = QStringLiteral("order-bob-1");

inline const QString kVendor = QStringLiteral("vendor of the store");
inline const QString kOtherVendor = QStringLiteral("vendor of another store");
inline const QString kDriver = QStringLiteral("driver");
inline const QString kCustomer = QStringLiteral("customer of the order");
inline const QString kOtherCustomer = QStringLiteral("other customer");
inline const QString kIdleCustomer = QStringLiteral("customer tracking nothing");
inline const QString kAdmin = QStringLiteral("admin");
inline const QString kAnonymous = QStringLiteral("anonymous"); // the admin's place in open mode

inline const QString kLive = QStringLiteral("live");
inline const QString kRecovery = QStringLiteral("recovery");
inline const QString kGetAll = QStringLiteral("getAll");
inline const QString kTrack = QStringLiteral("track answer");

struct PeerSpec
{
    QString name;
    caps::Principal principal; // its token's, in token mode; in open mode it only says what the peer does
    bool tracks = false; // tracks its own name and Bob's order ID
};

inline QList<PeerSpec> receivers(bool tokens)
{
    using caps::Principal;
    using caps::Role;
    return {
        {kVendor, Principal{Role::Vendor, kStore, {}, {}}, false},
        {kOtherVendor, Principal{Role::Vendor, kOtherStore, {}, {}}, false},
        {kDriver, Principal{Role::Driver, {}, {}, {}}, false},
        {kCustomer, Principal{Role::Customer, {}, kBob, {}}, true},
        {kOtherCustomer, Principal{Role::Customer, {}, QStringLiteral("Ada Lovelace"), {}}, true},
        {kIdleCustomer, Principal{Role::Customer, {}, QStringLiteral("Cy Idle"), {}}, false},
        {tokens ? kAdmin : kAnonymous, Principal{Role::Admin, {}, {}, {}}, false},
    };
}

inline PeerSpec sendingVendor()
{
    return {QStringLiteral("sending vendor"), caps::Principal{caps::Role::Vendor, kStore, {}, {}}, false};
}

inline PeerSpec sendingDriver()
{
    return {QStringLiteral("sending driver"), caps::Principal{caps::Role::Driver, {}, {}, {}}, false};
}

inline QJsonObject bobsOrder()
{
    return {{"store", kStore}, {"orderID", kOrderId}, {"customer", kBob}, {"address", "9 Private Rd"}};
}

struct Row
{
    bool tokens = false;
    QString path;
    QString event;
    QStringList hearers; // in receivers() order
};

// How far Bob's order goes before the receivers look: the whole way, but on the getAll path only
// to the row's event (a taken order leaves the drivers' queues, a delivered one its in-transit).
inline QString lastStep(const QString &path, const QString &event)
{
    return path == kGetAll ? event : QStringLiteral("delivered");
}

inline QList<Row> rows()
{
    QList<Row> out;
    // Token mode: each role hears only what is its own.
    const QStringList pickup{kVendor, kDriver, kCustomer, kAdmin};
    const QStringList progress{kVendor, kCustomer, kAdmin};
    for (const QString &path : {kLive, kRecovery}) {
        out.append({true, path, "pickup", pickup});
        out.append({true, path, "in-transit", progress});
        out.append({true, path, "delivered", progress});
        // The hub's notice that a driver took the order: the other drivers (and admins).
        out.append({true, path, "taken", {kDriver, kAdmin}});
    }
    // Customers may read no queue; a vendor's queue holds what it asked for, but it is given
    // only its own store's share.
    out.append({true, kGetAll, "pickup", {kVendor, kDriver, kAdmin}});
    out.append({true, kGetAll, "in-transit", {kVendor, kAdmin}});
    out.append({true, kGetAll, "delivered", {kVendor, kAdmin}});
    // Vendors and drivers may not track; a customer's answer holds only its own orders.
    out.append({true, kTrack, "delivered", {kCustomer, kAdmin}});

    // Open mode: the lab's routing. `pickup` to everyone but the customers and to whoever
    // tracks the order; `in-transit`/`delivered` to the store's room and the trackers.
    const QStringList everyone{kVendor, kOtherVendor, kDriver, kCustomer, kOtherCustomer, kIdleCustomer, kAnonymous};
    const QStringList storeAndTrackers{kVendor, kCustomer, kOtherCustomer};
    for (const QString &path : {kLive, kRecovery}) {
        out.append({false, path, "pickup", everyone});
        out.append({false, path, "in-transit", storeAndTrackers});
        out.append({false, path, "delivered", storeAndTrackers});
        // Those who heard the pickup but the vendors (who joined a store's room) and the
        // trackers: with no roles, "drivers" are all others. { store, orderID } only.
        out.append({false, path, "taken", {kDriver, kIdleCustomer, kAnonymous}});
    }
    // Anyone may read any queue; each vendor asked for pickups under its store's name.
    const QStringList readers{kVendor, kCustomer, kOtherCustomer, kIdleCustomer, kAnonymous};
    out.append({false, kGetAll, "pickup", everyone});
    out.append({false, kGetAll, "in-transit", readers});
    out.append({false, kGetAll, "delivered", readers});
    out.append({false, kTrack, "delivered", everyone});
    return out;
}

} // namespace audiencetable
