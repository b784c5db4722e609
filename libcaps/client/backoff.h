#pragma once

// socket.io-client's reconnection delay (its bundled `backo2`): min * 2^attempt, randomised by
// ±jitter, capped at max. Kept apart from Client so that the bounds can be tested with a
// controlled random source.

#include <functional>

namespace caps {

class Backoff
{
public:
    // Uniform in [0, 1), like Math.random().
    using RandomSource = std::function<double()>;

    Backoff(int minMs = 1000, int maxMs = 5000, double jitter = 0.5, RandomSource random = {});

    // The delay before the next attempt; counts one attempt.
    [[nodiscard]] int duration();
    // Delays handed out since the last reset().
    [[nodiscard]] int attempts() const { return m_attempts; }
    void reset() { m_attempts = 0; }

    [[nodiscard]] int minMs() const { return m_minMs; }
    [[nodiscard]] int maxMs() const { return m_maxMs; }
    [[nodiscard]] double jitter() const { return m_jitter; }
    void setRandomSource(RandomSource random);

private:
    int m_minMs;
    int m_maxMs;
    double m_jitter;
    int m_attempts = 0;
    RandomSource m_random;
};

} // namespace caps
