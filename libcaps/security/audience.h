#pragma once

// Who hears each CAPS event (docs/security.md, "Who hears what"): the one rule for every path
// that sends an event to others. The live relay and connection state recovery use its rooms
// (recovery keeps each event with the rooms it went to, so a replay reaches no one the rule left
// out); the Phase 3 backlog (getAll) and the `track` acknowledgement use mayHear(), which reads
// the same table.
//
// Open mode keeps the lab's routing: nobody has a role, so "drivers" are all sockets that track
// nothing, and whoever tracks an order or a customer hears it. Token mode puts each socket in
// the room of its role when it connects (roleRooms()); vendors join their store's room
// themselves (the access policy lets them join no other), and `track` joins rooms named after
// what the customer token may track (trackRooms()), so that an order reaches a customer bound to
// "Ada" only when Ada is its customer.
//
// Who hears each event is the event catalogue's (CapsEvent::openListeners / tokenListeners):
// a new event that others hear is one more row there.

#include "catalogue/eventcatalogue.h"
#include "security/principal.h"

#include <QFlags>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace caps {

class Audience
{
public:
    enum class Mode { Open, Tokens };

    using Listener = caps::Listener;
    using Listeners = caps::Listeners;

    // What of an event decides who hears it.
    struct Subject
    {
        QString event;
        QString store;
        QString orderId;
        QString customer;
    };
    // Sockets in any of `rooms` (every socket when empty), less those in any of `exceptRooms`;
    // the same shape as Namespace::Target and RecoveryLog::Clause.
    struct Clause
    {
        QStringList rooms;
        QStringList exceptRooms;
        friend bool operator==(const Clause &, const Clause &) = default;
    };

    explicit Audience(Mode mode = Mode::Open, const EventCatalogue *catalogue = &EventCatalogue::standard())
        : m_mode(mode)
        , m_catalogue(catalogue)
    { }

    [[nodiscard]] Mode mode() const { return m_mode; }
    [[nodiscard]] const EventCatalogue &catalogue() const { return *m_catalogue; }
    // Who hears `event` in this mode (the catalogue's listeners); none for an event that is not
    // in the catalogue.
    [[nodiscard]] Listeners listeners(const QString &event) const;

    // Whom a relay of `subject` reaches; empty: nobody.
    [[nodiscard]] QList<Clause> clauses(const Subject &subject) const;
    // Whether `principal` may hear `subject` (the backlog and the track ack; open mode: anyone).
    [[nodiscard]] bool mayHear(const std::optional<Principal> &principal, const Subject &subject) const;

    // The rooms a socket of `principal` is put in when it connects (none in open mode).
    [[nodiscard]] QStringList roleRooms(const std::optional<Principal> &principal) const;
    // The rooms of the hub's notices that a socket asked for in its CONNECT auth (`notices`, an
    // array of event names, or a comma-separated string) and whose listeners include it. What
    // is not a notice of this catalogue, or not for this principal, is passed over: a client
    // newer than the hub may ask for notices this hub does not have.
    [[nodiscard]] QStringList noticeRooms(const std::optional<Principal> &principal, const QJsonValue &asked) const;
    // The rooms `track` joins (and `untrack` leaves) for an order ID and / or a customer name
    // (either may be empty); the access policy has already checked that the token may track them.
    [[nodiscard]] QStringList trackRooms(const std::optional<Principal> &principal, const QString &orderId,
                                         const QString &customer) const;

    // Room names. A vendor's store may not take one of these (TokenStore refuses it).
    [[nodiscard]] static QString customersRoom() { return QStringLiteral("customers"); }
    // Open mode: every socket that joined a store's room (the lab's vendors), so that what only
    // drivers need (`taken`) passes them by.
    [[nodiscard]] static QString vendorsRoom() { return QStringLiteral("vendors"); }
    [[nodiscard]] static QString orderRoom(const QString &orderId) { return QLatin1String("order:") + orderId; }
    [[nodiscard]] static QString customerRoom(const QString &name) { return QLatin1String("customer:") + name; }
    // Token mode: a customer token bound to `customer` tracking `orderId` (it hears the order
    // only when it is that customer's).
    [[nodiscard]] static QString customerOrderRoom(const QString &orderId, const QString &customer);
    [[nodiscard]] static QString roleRoom(Role role) { return QLatin1String("role:") + roleName(role); }
    // Those who asked for the hub's notice `event` (CapsEvent::isNotice()) and may hear it.
    [[nodiscard]] static QString noticeRoom(const QString &event) { return QLatin1String("notice:") + event; }
    [[nodiscard]] static bool isReservedRoom(const QString &room);

private:
    [[nodiscard]] Listeners listenersOf(const CapsEvent &event) const;

    Mode m_mode;
    const EventCatalogue *m_catalogue;
};

} // namespace caps
