#pragma once

#include <QDateTime>
#include <QString>

// Axis ranges a person reads at a glance: ticks on round values (1, 2 or 5 times a power of ten
// on a value axis; whole seconds, minutes or hours on a time axis), each label different from
// its neighbours. Qt Charts spaces a fixed number of ticks evenly over whatever range it is
// given (QValueAxis, QDateTimeAxis), so the range itself has to be chosen on those values.
namespace caps::ChartScale {

struct ValueTicks
{
    double max = 0; // the range is 0..max
    int count = 0; // ticks, both ends included
    double step = 0;
};

// From 0 to above `top` (the highest value shown, with a little room above it) in at most
// `maxTicks` ticks, on whole-number steps. Nothing to show (top <= 0): 0..5.
[[nodiscard]] ValueTicks valueTicks(double top, int maxTicks = 6);

struct TimeTicks
{
    QDateTime first; // range start, on a tick
    QDateTime last; // range end, on a tick
    int count = 0; // ticks, both ends included
    qint64 stepMs = 0;
    QString format; // QDateTime::toString format for the labels
};

// A range around from..to (a little room on both sides) whose ticks fall on whole steps of
// local time, at most `maxTicks` of them.
[[nodiscard]] TimeTicks timeTicks(const QDateTime &from, const QDateTime &to, int maxTicks = 4);

} // namespace caps::ChartScale
