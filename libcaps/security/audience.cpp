#include "security/audience.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace caps {

namespace {

using L = Audience::Listener;

const QLatin1String kReservedPrefixes[] = {QLatin1String("order:"), QLatin1String("customer:"),
                                           QLatin1String("tracked:"), QLatin1String("role:"), QLatin1String("notice:")};

} // namespace

Audience::Listeners Audience::listeners(const QString &event) const
{
    const CapsEvent *e = m_catalogue->find(event);
    return e ? listenersOf(*e) : Listeners();
}

Audience::Listeners Audience::listenersOf(const CapsEvent &event) const
{
    return m_mode == Mode::Open ? event.openListeners : event.tokenListeners;
}

QList<Audience::Clause> Audience::clauses(const Subject &subject) const
{
    const CapsEvent *e = m_catalogue->find(subject.event);
    const Listeners who = e ? listenersOf(*e) : Listeners();
    // A notice goes only to the drivers who asked for it (noticeRooms()): the lab's clients know
    // none, and sending each of them one more frame per order would be the whole cost of it.
    const bool notice = e && e->isNotice();
    QList<Clause> out;
    if (m_mode == Mode::Open) {
        if (who.testFlag(L::Drivers))
            out.append({notice ? QStringList{noticeRoom(subject.event)} : QStringList{}, {customersRoom()}});
        if (who.testFlag(L::Store) && !subject.store.isEmpty())
            out.append({{subject.store}, {}});
        if (who.testFlag(L::Trackers)) {
            QStringList tracking;
            if (!subject.orderId.isEmpty())
                tracking.append(orderRoom(subject.orderId));
            if (!subject.customer.isEmpty())
                tracking.append(customerRoom(subject.customer));
            if (!tracking.isEmpty())
                out.append({tracking, {}});
        }
        return out;
    }
    // One clause: a socket in several of its rooms gets the event once, live and on recovery.
    QStringList rooms;
    if (who.testFlag(L::Drivers))
        rooms.append(notice ? noticeRoom(subject.event) : roleRoom(Role::Driver));
    if (who.testFlag(L::Store) && !subject.store.isEmpty())
        rooms.append(subject.store);
    if (who.testFlag(L::Trackers)) {
        if (!subject.orderId.isEmpty())
            rooms.append(orderRoom(subject.orderId));
        if (!subject.orderId.isEmpty() && !subject.customer.isEmpty())
            rooms.append(customerOrderRoom(subject.orderId, subject.customer));
        if (!subject.customer.isEmpty())
            rooms.append(customerRoom(subject.customer));
    }
    if (who.testFlag(L::Admins))
        rooms.append(roleRoom(Role::Admin));
    if (!rooms.isEmpty())
        out.append({rooms, {}});
    return out;
}

bool Audience::mayHear(const std::optional<Principal> &principal, const Subject &subject) const
{
    if (m_mode == Mode::Open)
        return true;
    if (!principal)
        return false;
    const Listeners who = listeners(subject.event);
    switch (principal->role) {
    case Role::Admin:
        return who.testFlag(L::Admins);
    case Role::Driver:
        return who.testFlag(L::Drivers);
    case Role::Vendor:
        return who.testFlag(L::Store) && subject.store == principal->store;
    case Role::Customer:
        return who.testFlag(L::Trackers) && (principal->customer.isEmpty() || subject.customer == principal->customer);
    }
    return false;
}

QStringList Audience::roleRooms(const std::optional<Principal> &principal) const
{
    if (m_mode == Mode::Open || !principal)
        return {};
    switch (principal->role) {
    case Role::Driver:
    case Role::Admin:
        return {roleRoom(principal->role)};
    case Role::Vendor:
    case Role::Customer:
        break;
    }
    return {};
}

QStringList Audience::noticeRooms(const std::optional<Principal> &principal, const QJsonValue &asked) const
{
    // An array of names in a v5 client's auth; a v4 client (socket.io-client 2) has only its
    // handshake query, so there a comma-separated string: `?notices=taken`.
    QStringList names;
    if (asked.isString())
        names = asked.toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
    const QJsonArray array = asked.toArray();
    for (const auto &name : array)
        names.append(name.toString());
    QStringList rooms;
    for (const QString &name : std::as_const(names)) {
        const CapsEvent *e = m_catalogue->find(name.trimmed());
        // Drivers only: in open mode anyone may ask, and the notice's clauses keep customers out.
        if (!e || !e->isNotice() || !listenersOf(*e).testFlag(L::Drivers) || !mayHear(principal, {e->name, {}, {}, {}}))
            continue;
        if (!rooms.contains(noticeRoom(e->name)))
            rooms.append(noticeRoom(e->name));
    }
    return rooms;
}

QStringList Audience::trackRooms(const std::optional<Principal> &principal, const QString &orderId,
                                 const QString &customer) const
{
    const bool bound
        = m_mode == Mode::Tokens && principal && principal->role == Role::Customer && !principal->customer.isEmpty();
    QStringList rooms;
    if (!orderId.isEmpty())
        rooms.append(bound ? customerOrderRoom(orderId, principal->customer) : orderRoom(orderId));
    if (!customer.isEmpty())
        rooms.append(customerRoom(customer));
    return rooms;
}

QString Audience::customerOrderRoom(const QString &orderId, const QString &customer)
{
    // JSON, so that no order ID and customer name make the room of another pair.
    return QLatin1String("tracked:")
        + QString::fromUtf8(QJsonDocument(QJsonArray{orderId, customer}).toJson(QJsonDocument::Compact));
}

bool Audience::isReservedRoom(const QString &room)
{
    if (room == customersRoom() || room == vendorsRoom())
        return true;
    for (const QLatin1String &prefix : kReservedPrefixes) {
        if (room.startsWith(prefix))
            return true;
    }
    return false;
}

} // namespace caps
