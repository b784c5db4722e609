#pragma once

#include <QString>
#include <QStringView>

#include <optional>

namespace caps {

enum class Role { Vendor, Driver, Customer, Admin };

[[nodiscard]] QString roleName(Role role);
[[nodiscard]] std::optional<Role> roleFromName(QStringView name);

// Who is behind a connection in token mode. In open mode there is no principal at all
// (std::optional<Principal> is empty) and every check allows.
struct Principal
{
    Role role = Role::Customer;
    // Vendors: the store (room) they act for. Empty for the other roles.
    QString store;
    // Customers, optionally: the only customer name they may track. Empty: any.
    QString customer;
    // Free text from the token file, for log lines.
    QString name;
    // Stable and unique per token (a prefix of its digest): who took an order, across the
    // connections of one driver.
    QString id;

    // The same role and rights; `id` is the token's, not part of what a principal may do.
    friend bool operator==(const Principal &a, const Principal &b)
    {
        return a.role == b.role && a.store == b.store && a.customer == b.customer && a.name == b.name;
    }
};

// "vendor 1-206-flowers (Flowers shop)" for log lines.
[[nodiscard]] QString describe(const std::optional<Principal> &principal);

} // namespace caps
