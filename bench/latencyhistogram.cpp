#include "latencyhistogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace {
constexpr int kLinear = 128;
constexpr int kSubBits = 6;
constexpr int kSub = 1 << kSubBits;
} // namespace

int LatencyHistogram::indexOf(std::int64_t micros)
{
    if (micros < kLinear)
        return int(std::max<std::int64_t>(micros, 0));
    const int msb = 63 - std::countl_zero(std::uint64_t(micros)); // >= 7
    const int shift = msb - kSubBits;
    return kLinear + (msb - 7) * kSub + int((micros >> shift) - kSub);
}

double LatencyHistogram::midpointOf(int index)
{
    if (index < kLinear)
        return index;
    const int msb = (index - kLinear) / kSub + 7;
    const int sub = (index - kLinear) % kSub;
    const int shift = msb - kSubBits;
    const auto low = double(std::int64_t(kSub + sub) << shift);
    return low + double(std::int64_t(1) << shift) / 2.0;
}

void LatencyHistogram::record(std::int64_t micros)
{
    const int index = indexOf(micros);
    if (index >= int(m_buckets.size()))
        m_buckets.resize(index + 1, 0);
    ++m_buckets[index];
    ++m_count;
    m_max = std::max(m_max, micros);
}

void LatencyHistogram::merge(const LatencyHistogram &other)
{
    if (other.m_buckets.size() > m_buckets.size())
        m_buckets.resize(other.m_buckets.size(), 0);
    for (size_t i = 0; i < other.m_buckets.size(); ++i)
        m_buckets[i] += other.m_buckets[i];
    m_count += other.m_count;
    m_max = std::max(m_max, other.m_max);
}

void LatencyHistogram::clear()
{
    m_buckets.clear();
    m_count = 0;
    m_max = 0;
}

double LatencyHistogram::percentile(double q) const
{
    if (m_count == 0)
        return 0;
    const auto rank = std::max<std::int64_t>(1, std::int64_t(std::ceil(q * double(m_count))));
    std::int64_t seen = 0;
    for (size_t i = 0; i < m_buckets.size(); ++i) {
        seen += m_buckets[i];
        if (seen >= rank)
            return std::min(midpointOf(int(i)), double(m_max));
    }
    return double(m_max);
}

QJsonArray LatencyHistogram::toJson() const
{
    QJsonArray array;
    for (size_t i = 0; i < m_buckets.size(); ++i) {
        if (m_buckets[i] != 0)
            array.append(QJsonArray{qint64(i), qint64(m_buckets[i])});
    }
    array.append(QJsonArray{-1, qint64(m_max)});
    return array;
}

LatencyHistogram LatencyHistogram::fromJson(const QJsonArray &array)
{
    LatencyHistogram h;
    for (const auto &entry : array) {
        const QJsonArray pair = entry.toArray();
        const qint64 index = pair.at(0).toInteger(-2);
        const qint64 value = pair.at(1).toInteger(0);
        if (index == -1) {
            h.m_max = std::max<std::int64_t>(h.m_max, value);
        } else if (index >= 0 && index < 10000 && value > 0) {
            if (index >= qint64(h.m_buckets.size()))
                h.m_buckets.resize(index + 1, 0);
            h.m_buckets[index] += value;
            h.m_count += value;
        }
    }
    return h;
}
