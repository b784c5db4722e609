#include "client/backoff.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>
#include <limits>

namespace caps {

namespace {
constexpr double kFactor = 2.0;
// 2^52 already dwarfs any sane maximum; a larger exponent would only overflow to infinity.
constexpr int kMaxExponent = 52;
} // namespace

Backoff::Backoff(int minMs, int maxMs, double jitter, RandomSource random)
    : m_minMs(std::max(0, minMs))
    , m_maxMs(std::max(0, maxMs))
    // backo2 ignores a jitter outside (0, 1]
    , m_jitter(jitter > 0.0 && jitter <= 1.0 ? jitter : 0.0)
{
    setRandomSource(std::move(random));
}

void Backoff::setRandomSource(RandomSource random)
{
    if (random)
        m_random = std::move(random);
    else
        m_random = [] { return QRandomGenerator::global()->generateDouble(); };
}

int Backoff::duration()
{
    const int exponent = std::min(m_attempts, kMaxExponent);
    if (m_attempts < std::numeric_limits<int>::max())
        ++m_attempts;
    double ms = m_minMs * std::pow(kFactor, exponent);
    if (m_jitter > 0.0) {
        const double rand = std::clamp(m_random(), 0.0, std::nextafter(1.0, 0.0));
        const double deviation = std::floor(rand * m_jitter * ms);
        // backo2 takes the sign from the same random number: its first decimal digit's parity.
        ms = (static_cast<int>(std::floor(rand * 10)) & 1) == 0 ? ms - deviation : ms + deviation;
    }
    return static_cast<int>(std::min(ms, static_cast<double>(m_maxMs)));
}

} // namespace caps
