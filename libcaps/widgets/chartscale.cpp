#include "widgets/chartscale.h"

#include <QtGlobal>

#include <cmath>
#include <iterator>

namespace caps::ChartScale {

namespace {
// `ms` down and up to a multiple of `step` in local time (`offsetMs` from UTC), so that hour
// ticks fall on the hour in any time zone.
qint64 floorTo(qint64 ms, qint64 offsetMs, qint64 step)
{
    const qint64 local = ms + offsetMs;
    qint64 q = local / step;
    if (local % step < 0)
        --q;
    return q * step - offsetMs;
}

qint64 ceilTo(qint64 ms, qint64 offsetMs, qint64 step)
{
    const qint64 down = floorTo(ms, offsetMs, step);
    return down == ms ? ms : down + step;
}
} // namespace

ValueTicks valueTicks(double top, int maxTicks)
{
    const int intervals = qMax(2, maxTicks) - 1;
    if (!(top > 0) || !std::isfinite(top))
        top = 4.0; // an empty chart: 0..5 in steps of 1
    // Room above the highest point, so that it does not sit on the frame.
    const double wanted = top * 1.05;
    for (double power = 1;; power *= 10) {
        for (const double factor : {1.0, 2.0, 5.0}) {
            const double step = factor * power;
            const double n = std::ceil(wanted / step);
            if (n <= intervals)
                return {step * n, int(n) + 1, step};
        }
    }
}

TimeTicks timeTicks(const QDateTime &from, const QDateTime &to, int maxTicks)
{
    const int intervals = qMax(2, maxTicks) - 1;
    qint64 a = from.toMSecsSinceEpoch();
    qint64 b = qMax(a, to.toMSecsSinceEpoch());
    // At least ten seconds wide, and the first and last points off the frame.
    if (b - a < 10000) {
        const qint64 middle = a + (b - a) / 2;
        a = middle - 5000;
        b = middle + 5000;
    }
    const qint64 margin = (b - a) / 20;
    a -= margin;
    b += margin;
    const qint64 offsetMs = qint64(from.toLocalTime().offsetFromUtc()) * 1000;
    const auto intervalsFor
        = [&](qint64 step) { return (ceilTo(b, offsetMs, step) - floorTo(a, offsetMs, step)) / step; };

    constexpr qint64 s = 1000, m = 60 * s, h = 60 * m, day = 24 * h;
    static const qint64 steps[] = {s,      2 * s,  5 * s,  10 * s, 15 * s, 30 * s, m,     2 * m,  5 * m,
                                   10 * m, 15 * m, 30 * m, h,      2 * h,  3 * h,  6 * h, 12 * h, day};
    qint64 chosen = steps[std::size(steps) - 1];
    for (const qint64 step : steps) {
        if (intervalsFor(step) <= intervals) {
            chosen = step;
            break;
        }
    }
    while (intervalsFor(chosen) > intervals) // beyond a day: whole days
        chosen *= 2;
    const qint64 first = floorTo(a, offsetMs, chosen);
    const qint64 last = ceilTo(b, offsetMs, chosen);
    TimeTicks ticks;
    ticks.first = QDateTime::fromMSecsSinceEpoch(first).toLocalTime();
    ticks.last = QDateTime::fromMSecsSinceEpoch(last).toLocalTime();
    ticks.count = int((last - first) / chosen) + 1;
    ticks.stepMs = chosen;
    ticks.format = chosen < m ? QStringLiteral("HH:mm:ss")
        : chosen < day        ? QStringLiteral("HH:mm")
                              : QStringLiteral("d MMM");
    return ticks;
}

} // namespace caps::ChartScale
