#pragma once

#include <QStringList>

namespace caps {

// Whom a broadcast reaches, in room names only so that it means the same on every hub: the
// sockets in any of `rooms` (every socket when empty), less those in any of `exceptRooms`.
// Every socket is in the room of its own id, which is how one socket is named or spared.
struct BroadcastTarget
{
    QStringList rooms;
    QStringList exceptRooms;

    bool operator==(const BroadcastTarget &) const = default;
};

} // namespace caps
