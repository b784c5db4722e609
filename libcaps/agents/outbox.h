#pragma once

#include "core/result.h"
#include "orders/order.h"

#include <QList>
#include <QString>

namespace caps {

// A vendor's orders that the hub has not confirmed, or has refused, kept on disk so that they
// survive a quit or a crash: one JSON file per store under QStandardPaths::AppDataLocation
// ("outbox/<store>.json"), replaced atomically (QSaveFile) on each change.
//
// A file that cannot be read as an outbox is never overwritten: load() moves it aside
// ("….broken-<time>") and says where, so that nothing in it is lost.
class Outbox
{
public:
    explicit Outbox(const QString &store);

    [[nodiscard]] QString path() const { return m_path; }
    // The orders kept, oldest first; an empty list when there is no file yet.
    [[nodiscard]] Result<QList<Order>> load() const;
    // Keeps exactly `orders` (removes the file when there are none).
    [[nodiscard]] Result<bool> save(const QList<Order> &orders) const;

private:
    QString m_path;
};

} // namespace caps
