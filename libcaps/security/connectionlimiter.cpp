#include "security/connectionlimiter.h"

namespace caps {

ConnectionLimiter::ConnectionLimiter(int maxPerAddress)
    : m_max(maxPerAddress)
{ }

QHostAddress ConnectionLimiter::normalized(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        return QHostAddress(v4);
    QHostAddress copy(address);
    copy.setScopeId(QString());
    return copy;
}

bool ConnectionLimiter::tryAcquire(const QHostAddress &address)
{
    int &n = m_counts[normalized(address)];
    if (m_max > 0 && n >= m_max)
        return false;
    ++n;
    ++m_total;
    return true;
}

void ConnectionLimiter::release(const QHostAddress &address)
{
    const auto it = m_counts.find(normalized(address));
    if (it == m_counts.end())
        return;
    --m_total;
    if (--it.value() <= 0)
        m_counts.erase(it);
}

int ConnectionLimiter::count(const QHostAddress &address) const
{
    return m_counts.value(normalized(address), 0);
}

} // namespace caps
