#pragma once

#include <QtGlobal>

namespace caps {

// Token bucket: holds up to `burst` tokens, refilled at `ratePerSecond`; each event takes one.
// Time comes from the caller (milliseconds on any monotonic clock, e.g. QElapsedTimer or
// QDeadlineTimer::current()), so tests need no sleeping.
class RateLimiter
{
public:
    // ratePerSecond <= 0: no limit.
    RateLimiter(double ratePerSecond, int burst);

    // Takes `cost` tokens if there are that many at `nowMs`. A clock that goes backwards
    // refills nothing.
    [[nodiscard]] bool tryAcquire(qint64 nowMs, double cost = 1.0);
    // Tokens there would be at `nowMs`.
    [[nodiscard]] double available(qint64 nowMs) const;
    // Refusals since the last success: a peer that keeps sending while refused is ignoring
    // the limit, and the server may disconnect it (docs/security.md: after `burst` of them).
    [[nodiscard]] int rejectedInARow() const { return m_rejectedInARow; }
    [[nodiscard]] bool isUnlimited() const { return m_rate <= 0; }

private:
    void refill(qint64 nowMs);

    double m_rate;
    double m_burst;
    double m_tokens;
    qint64 m_lastMs = 0;
    bool m_started = false;
    int m_rejectedInARow = 0;
};

} // namespace caps
