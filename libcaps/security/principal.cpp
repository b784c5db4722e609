#include "security/principal.h"

namespace caps {

QString roleName(Role role)
{
    switch (role) {
    case Role::Vendor:
        return QStringLiteral("vendor");
    case Role::Driver:
        return QStringLiteral("driver");
    case Role::Customer:
        return QStringLiteral("customer");
    case Role::Admin:
        return QStringLiteral("admin");
    }
    return {};
}

std::optional<Role> roleFromName(QStringView name)
{
    for (Role r : {Role::Vendor, Role::Driver, Role::Customer, Role::Admin}) {
        if (name == roleName(r))
            return r;
    }
    return std::nullopt;
}

QString describe(const std::optional<Principal> &principal)
{
    if (!principal)
        return QStringLiteral("anonymous (open mode)");
    QString text = roleName(principal->role);
    if (!principal->store.isEmpty())
        text += QLatin1Char(' ') + principal->store;
    if (!principal->customer.isEmpty())
        text += QLatin1Char(' ') + principal->customer;
    if (!principal->name.isEmpty())
        text += QStringLiteral(" (%1)").arg(principal->name);
    return text;
}

} // namespace caps
