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

    friend bool operator==(const Principal &, const Principal &) = default;
};

// "vendor 1-206-flowers (Flowers shop)" for log lines.
[[nodiscard]] QString describe(const std::optional<Principal> &principal);

} // namespace caps
