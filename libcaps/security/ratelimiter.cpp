#include "security/ratelimiter.h"

#include <algorithm>

namespace caps {

RateLimiter::RateLimiter(double ratePerSecond, int burst)
    : m_rate(ratePerSecond)
    , m_burst(std::max(1, burst))
    , m_tokens(m_burst)
{ }

double RateLimiter::available(qint64 nowMs) const
{
    if (isUnlimited())
        return m_burst;
    if (!m_started || nowMs <= m_lastMs)
        return m_tokens;
    return std::min(m_burst, m_tokens + double(nowMs - m_lastMs) * m_rate / 1000.0);
}

void RateLimiter::refill(qint64 nowMs)
{
    m_tokens = available(nowMs);
    if (!m_started || nowMs > m_lastMs)
        m_lastMs = nowMs;
    m_started = true;
}

bool RateLimiter::tryAcquire(qint64 nowMs, double cost)
{
    if (isUnlimited())
        return true;
    refill(nowMs);
    if (m_tokens + 1e-9 >= cost) {
        m_tokens -= cost;
        m_rejectedInARow = 0;
        return true;
    }
    ++m_rejectedInARow;
    return false;
}

} // namespace caps
