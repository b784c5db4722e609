#pragma once

#include <QHash>
#include <QHostAddress>

namespace caps {

// Counts open connections per peer address. The server calls tryAcquire() when it accepts a
// socket (and closes it at once if refused) and release() exactly once when an acquired one
// goes away.
class ConnectionLimiter
{
public:
    // maxPerAddress <= 0: no limit (connections are still counted).
    explicit ConnectionLimiter(int maxPerAddress);

    [[nodiscard]] bool tryAcquire(const QHostAddress &address);
    void release(const QHostAddress &address);

    [[nodiscard]] int count(const QHostAddress &address) const;
    [[nodiscard]] int total() const { return m_total; }

    // ::ffff:1.2.3.4 and 1.2.3.4 are one peer; the IPv6 scope id does not count.
    [[nodiscard]] static QHostAddress normalized(const QHostAddress &address);

private:
    int m_max;
    int m_total = 0;
    QHash<QHostAddress, int> m_counts;
};

} // namespace caps
