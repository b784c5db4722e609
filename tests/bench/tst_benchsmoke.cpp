// Runs caps-bench for two seconds against a caps-hub on port 0 and checks its JSON verdict; and
// checks the histogram that its latency figures come from.

#include "bench/latencyhistogram.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

class tst_BenchSmoke : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void histogramPercentiles_data();
    void histogramPercentiles();
    void histogramMergesThroughJson();
    void ordersThroughCapsHub();

private:
    QString m_binaryDir;
    QProcess m_hub;
};

void tst_BenchSmoke::initTestCase()
{
    m_binaryDir = qEnvironmentVariable("CAPS_BINARY_DIR");
    QVERIFY2(!m_binaryDir.isEmpty(), "CAPS_BINARY_DIR is not set");
    QVERIFY(QFile::exists(m_binaryDir + QStringLiteral("/apps/hub/caps-hub")));
    QVERIFY(QFile::exists(m_binaryDir + QStringLiteral("/bench/caps-bench")));
}

void tst_BenchSmoke::cleanup()
{
    if (m_hub.state() != QProcess::NotRunning) {
        m_hub.terminate();
        if (!m_hub.waitForFinished(5000))
            m_hub.kill();
        m_hub.waitForFinished(5000);
    }
}

void tst_BenchSmoke::histogramPercentiles_data()
{
    QTest::addColumn<qint64>("first");
    QTest::addColumn<qint64>("count");
    QTest::addColumn<double>("quantile");
    QTest::addColumn<double>("expected");
    // Samples first, first+1, ..., first+count-1 microseconds.
    QTest::addRow("exact below 128 us, p50") << qint64(0) << qint64(100) << 0.5 << 49.0;
    QTest::addRow("exact below 128 us, max") << qint64(0) << qint64(100) << 1.0 << 99.0;
    QTest::addRow("1-100 ms, p50") << qint64(1000) << qint64(99001) << 0.5 << 50500.0;
    QTest::addRow("1-100 ms, p99") << qint64(1000) << qint64(99001) << 0.99 << 99010.0;
    QTest::addRow("1-100 ms, p99.9") << qint64(1000) << qint64(99001) << 0.999 << 99901.0;
}

void tst_BenchSmoke::histogramPercentiles()
{
    QFETCH(qint64, first);
    QFETCH(qint64, count);
    QFETCH(double, quantile);
    QFETCH(double, expected);
    LatencyHistogram h;
    for (qint64 v = first; v < first + count; ++v)
        h.record(v);
    QCOMPARE(h.count(), count);
    QCOMPARE(h.max(), first + count - 1);
    // 64 sub-buckets per power of two: within 1/64 of the true value.
    const double got = h.percentile(quantile);
    QVERIFY2(std::abs(got - expected) <= std::max(1.0, expected / 64.0),
             qPrintable(QStringLiteral("got %1, expected %2").arg(got).arg(expected)));
}

void tst_BenchSmoke::histogramMergesThroughJson()
{
    LatencyHistogram a;
    LatencyHistogram b;
    for (int i = 0; i < 1000; ++i)
        a.record(100 + i);
    for (int i = 0; i < 3000; ++i)
        b.record(20000 + i);
    LatencyHistogram merged = LatencyHistogram::fromJson(a.toJson());
    merged.merge(LatencyHistogram::fromJson(b.toJson()));
    QCOMPARE(merged.count(), 4000);
    QCOMPARE(merged.max(), 22999);
    QVERIFY(merged.percentile(0.25) < 1200);
    QVERIFY(merged.percentile(0.26) >= 19800);
    // Garbage from a broken worker is ignored, not trusted.
    const LatencyHistogram junk = LatencyHistogram::fromJson(QJsonArray{QJsonArray{999999, 5}, QJsonArray{-7, 1}, 3});
    QCOMPARE(junk.count(), 0);
}

void tst_BenchSmoke::ordersThroughCapsHub()
{
    m_hub.setProcessChannelMode(QProcess::MergedChannels);
    m_hub.start(m_binaryDir + QStringLiteral("/apps/hub/caps-hub"),
                {QStringLiteral("--host"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"), QStringLiteral("0"),
                 QStringLiteral("--quiet"),
                 // caps-bench's few drivers answer as fast as they can, far past the
                 // per-socket rate that protects a production hub.
                 QStringLiteral("--events-per-second"), QStringLiteral("0")});
    QVERIFY(m_hub.waitForStarted(5000));
    const QRegularExpression listening(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)/"));
    QByteArray output;
    QRegularExpressionMatch match;
    QVERIFY(QTest::qWaitFor(
        [&] {
            output += m_hub.readAll();
            match = listening.match(QString::fromUtf8(output));
            return match.hasMatch();
        },
        10000));
    const QString port = match.captured(1);

    QProcess bench;
    bench.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    bench.start(m_binaryDir + QStringLiteral("/bench/caps-bench"),
                {QStringLiteral("--port"),      port,
                 QStringLiteral("--vendors"),   QStringLiteral("3"),
                 QStringLiteral("--drivers"),   QStringLiteral("3"),
                 QStringLiteral("--customers"), QStringLiteral("2"),
                 QStringLiteral("--idle"),      QStringLiteral("20"),
                 QStringLiteral("--procs"),     QStringLiteral("2"),
                 QStringLiteral("--rate"),      QStringLiteral("200"),
                 QStringLiteral("--duration"),  QStringLiteral("2"),
                 QStringLiteral("--warmup"),    QStringLiteral("0.5"),
                 QStringLiteral("--drain"),     QStringLiteral("5"),
                 QStringLiteral("--hub-pid"),   QString::number(m_hub.processId()),
                 QStringLiteral("--json")});
    QVERIFY(bench.waitForStarted(5000));
    QVERIFY(bench.waitForFinished(60000));
    const QByteArray out = bench.readAllStandardOutput();
    QJsonParseError error{};
    const QJsonObject result = QJsonDocument::fromJson(out.trimmed(), &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, out.constData());

    QCOMPARE(result.value(QStringLiteral("vendorsReady")).toInteger(), 3);
    QCOMPARE(result.value(QStringLiteral("driversReady")).toInteger(), 3);
    QCOMPARE(result.value(QStringLiteral("idleReady")).toInteger(), 20);
    QVERIFY(result.value(QStringLiteral("emitted")).toInteger() >= 200);
    QCOMPARE(result.value(QStringLiteral("completed")).toInteger(),
             result.value(QStringLiteral("emitted")).toInteger());
    QCOMPARE(result.value(QStringLiteral("lost")).toInteger(), 0);
    QCOMPARE(result.value(QStringLiteral("errorCount")).toInteger(), 0);
    QVERIFY(result.value(QStringLiteral("ok")).toBool());
    // Every pickup reached all three drivers, and exactly one of them answered it.
    QCOMPARE(result.value(QStringLiteral("pickupsReceived")).toInteger(),
             3 * result.value(QStringLiteral("emitted")).toInteger());
    QCOMPARE(result.value(QStringLiteral("answered")).toInteger(), result.value(QStringLiteral("emitted")).toInteger());
    QVERIFY(result.value(QStringLiteral("latencyCount")).toInteger() > 0);
    QVERIFY(result.contains(QStringLiteral("hubCpuS")));
    QVERIFY(result.value(QStringLiteral("hubPeakRssKb")).toInteger() > 0);
    QCOMPARE(bench.exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_BenchSmoke)
#include "tst_benchsmoke.moc"
