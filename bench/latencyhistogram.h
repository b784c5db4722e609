#pragma once

// A mergeable latency histogram in microseconds: exact below 128 us, then 64 sub-buckets per
// power of two (under 1.6 % error), so that workers can ship it as JSON and the coordinator can
// merge several processes' samples without keeping every one.

#include <QJsonArray>

#include <cstdint>
#include <vector>

class LatencyHistogram
{
public:
    void record(std::int64_t micros);
    void merge(const LatencyHistogram &other);
    void clear();

    [[nodiscard]] std::int64_t count() const { return m_count; }
    [[nodiscard]] std::int64_t max() const { return m_max; }
    // Value at quantile q in [0, 1] (the bucket's midpoint), 0 when empty.
    [[nodiscard]] double percentile(double q) const;

    // Sparse [[index, count], ..., [-1, max]].
    [[nodiscard]] QJsonArray toJson() const;
    [[nodiscard]] static LatencyHistogram fromJson(const QJsonArray &array);

private:
    [[nodiscard]] static int indexOf(std::int64_t micros);
    [[nodiscard]] static double midpointOf(int index);

    std::vector<std::int64_t> m_buckets;
    std::int64_t m_count = 0;
    std::int64_t m_max = 0;
};
