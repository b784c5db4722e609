#include "client/backoff.h"

#include <QTest>

#include <algorithm>
#include <cmath>

using caps::Backoff;

class TestBackoff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void matchesBacko2_data();
    void matchesBacko2();
    void randomDelaysStayWithinBounds();
    void withoutJitterDoublesUpToMax();
    void invalidJitterMeansNone();
    void resetStartsOver();
    void manyAttemptsDoNotOverflow();
};

void TestBackoff::matchesBacko2_data()
{
    QTest::addColumn<int>("attempt");
    QTest::addColumn<double>("random");
    QTest::addColumn<int>("expected");
    // Expected values computed by socket.io-client 4.8.1's own contrib/backo2.js with
    // Math.random fixed (min 1000, max 5000, jitter 0.5).
    QTest::addRow("first, rand 0") << 0 << 0.0 << 1000;
    QTest::addRow("first, even digit subtracts") << 0 << 0.25 << 875;
    QTest::addRow("first, odd digit adds") << 0 << 0.35 << 1175;
    QTest::addRow("first, near 1") << 0 << 0.99 << 1495;
    QTest::addRow("second, even") << 1 << 0.45 << 1550;
    QTest::addRow("second, odd") << 1 << 0.55 << 2550;
    QTest::addRow("third, capped") << 2 << 0.99 << 5000;
    QTest::addRow("fourth, below cap after jitter") << 3 << 0.8 << 4800;
}

void TestBackoff::matchesBacko2()
{
    QFETCH(int, attempt);
    QFETCH(double, random);
    QFETCH(int, expected);
    Backoff backoff(1000, 5000, 0.5, [random] { return random; });
    for (int i = 0; i < attempt; ++i)
        (void)backoff.duration();
    QCOMPARE(backoff.attempts(), attempt);
    QCOMPARE(backoff.duration(), expected);
    QCOMPARE(backoff.attempts(), attempt + 1);
}

void TestBackoff::randomDelaysStayWithinBounds()
{
    // The real random source: every delay of attempt n lies in
    // [min(base*(1-j), max), min(base*(1+j), max)] with base = min*2^n, and both signs occur.
    const int minMs = 1000;
    const int maxMs = 5000;
    const double jitter = 0.5;
    for (int round = 0; round < 200; ++round) {
        Backoff backoff(minMs, maxMs, jitter);
        for (int attempt = 0; attempt < 6; ++attempt) {
            const double base = minMs * std::pow(2.0, attempt);
            const int low = int(std::min(base * (1 - jitter), double(maxMs)));
            const int high = int(std::min(base * (1 + jitter), double(maxMs)));
            const int delay = backoff.duration();
            QVERIFY2(delay >= low && delay <= high,
                     qPrintable(
                         QStringLiteral("attempt %1: %2 not in [%3, %4]").arg(attempt).arg(delay).arg(low).arg(high)));
        }
    }
    int below = 0;
    int above = 0;
    for (int i = 0; i < 400; ++i) {
        Backoff backoff(minMs, maxMs, jitter);
        const int delay = backoff.duration();
        below += delay < minMs;
        above += delay > minMs;
    }
    QVERIFY2(below > 50 && above > 50, "the jitter goes both ways");
}

void TestBackoff::withoutJitterDoublesUpToMax()
{
    Backoff backoff(1000, 5000, 0.0);
    QCOMPARE(backoff.duration(), 1000);
    QCOMPARE(backoff.duration(), 2000);
    QCOMPARE(backoff.duration(), 4000);
    QCOMPARE(backoff.duration(), 5000);
    QCOMPARE(backoff.duration(), 5000);
}

void TestBackoff::invalidJitterMeansNone()
{
    Backoff backoff(100, 1000, 1.5, [] { return 0.99; });
    QCOMPARE(backoff.jitter(), 0.0);
    QCOMPARE(backoff.duration(), 100);
    QCOMPARE(backoff.duration(), 200);
}

void TestBackoff::resetStartsOver()
{
    Backoff backoff(100, 1000, 0.0);
    (void)backoff.duration();
    (void)backoff.duration();
    QCOMPARE(backoff.attempts(), 2);
    backoff.reset();
    QCOMPARE(backoff.attempts(), 0);
    QCOMPARE(backoff.duration(), 100);
}

void TestBackoff::manyAttemptsDoNotOverflow()
{
    Backoff backoff(1000, 5000, 1.0);
    for (int i = 0; i < 2000; ++i) {
        const int delay = backoff.duration();
        QVERIFY2(delay >= 0 && delay <= 5000, qPrintable(QString::number(delay)));
    }
    QCOMPARE(backoff.attempts(), 2000);
}

QTEST_GUILESS_MAIN(TestBackoff)
#include "tst_backoff.moc"
