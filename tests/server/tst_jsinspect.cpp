// The hub's log formats: util.inspect-like rendering of JSON text, and the log lines.

#include "hub/hubevent.h"
#include "hub/hubeventlog.h"
#include "hub/jsinspect.h"

#include <QJsonDocument>
#include <QtTest>

class TestJsInspect : public QObject
{
    Q_OBJECT

private slots:
    void inspect_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<int>("level");
        QTest::addColumn<QString>("expected");
        QTest::addRow("lab payload keeps key order") << QByteArray(
            R"({"store":"1-206-flowers","orderID":"e3669048","customer":"Jamal Braun","address":"Schmittfort, LA"})")
                                                     << 1
                                                     << "{ store: '1-206-flowers', orderID: 'e3669048', customer: "
                                                        "'Jamal Braun', address: 'Schmittfort, LA' }";
        QTest::addRow("scalars") << QByteArray(R"([1, 1.5, -0, 1e21, 1e-7, 0.000001, true, false, null])") << 1
                                 << "[ 1, 1.5, -0, 1e+21, 1e-7, 0.000001, true, false, null ]";
        QTest::addRow("empty") << QByteArray(R"({"a":{},"b":[]})") << 0 << "{ a: {}, b: [] }";
        QTest::addRow("quoted keys") << QByteArray(R"({"with space":1,"9x":2,"_ok$":3,"ok_9":4})") << 0
                                     << "{ 'with space': 1, '9x': 2, '_ok$': 3, ok_9: 4 }";
        QTest::addRow("string quoting") << QByteArray(R"(["it's", "say \"hi\" it's", "a\nb\u0001\\"])") << 0
                                        << "[ \"it's\", `say \"hi\" it's`, 'a\\nb\\x01\\\\' ]";
        QTest::addRow("depth") << QByteArray(R"({"a":{"b":{"c":{}},"d":[1,[2]]}})") << 1
                               << "{ a: { b: [Object], d: [Array] } }";
        QTest::addRow("unicode") << QByteArray(R"({"name":"Zoë \u00e9 ☃"})") << 1 << "{ name: 'Zoë é ☃' }";
        QTest::addRow("string") << QByteArray(R"("plain")") << 1 << "'plain'";
    }

    void inspect()
    {
        QFETCH(QByteArray, json);
        QFETCH(int, level);
        QFETCH(QString, expected);
        const auto out = caps::jsinspect::inspect(json, level);
        QVERIFY(out.has_value());
        QCOMPARE(*out, expected);
    }

    void longArraysAreCut()
    {
        QByteArray json = "[";
        for (int i = 0; i < 102; ++i)
            json += (i ? "," : "") + QByteArray::number(i);
        json += "]";
        const auto out = caps::jsinspect::inspect(json, 1);
        QVERIFY(out.has_value());
        QVERIFY(out->endsWith(", 99, ... 2 more items ]"));
    }

    void invalid_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addRow("unterminated") << QByteArray(R"({"a":1)");
        QTest::addRow("trailing") << QByteArray(R"([1] x)");
        QTest::addRow("bare word") << QByteArray("nope");
        QTest::addRow("deep") << QByteArray(200, '[');
    }

    void invalid()
    {
        QFETCH(QByteArray, json);
        QVERIFY(!caps::jsinspect::inspect(json).has_value());
        QVERIFY(!caps::jsinspect::splitArray(json).has_value());
    }

    void splitArray()
    {
        // (moc trips over this one as a raw string literal.)
        const QByteArray raw = "[\"pickup\", {\"b\":1,\"a\":[1,2,\"x,]\"]} ,\"s\",3]";
        const auto items = caps::jsinspect::splitArray(raw);
        QVERIFY(items.has_value());
        QCOMPARE(items->size(), 4);
        QCOMPARE(items->at(0), QByteArrayView(R"("pickup")"));
        QCOMPARE(items->at(1), QByteArrayView("{\"b\":1,\"a\":[1,2,\"x,]\"]}"));
        QCOMPARE(items->at(3), QByteArrayView("3"));
        QCOMPARE(caps::jsinspect::splitArray("[]")->size(), 0);
    }

    void logLines()
    {
        caps::HubEvent event;
        event.event = QStringLiteral("pickup");
        event.time = QDateTime(QDate(2026, 11, 26), QTime(10, 0), Qt::UTC);
        event.payloadJson = R"({"store":"1-206-flowers","orderID":"o1","customer":"C","address":"A"})";
        event.payload = QJsonDocument::fromJson(event.payloadJson).object();
        QCOMPARE(
            event.toLogLine(),
            QByteArray("EVENT { event: 'pickup', time: 2026-11-26T10:00:00.000Z, payload: { store: '1-206-flowers', "
                       "orderID: 'o1', customer: 'C', address: 'A' } }"));
        QCOMPARE(
            event.toJsonLine(),
            QByteArray(
                R"({"event":"pickup","time":"2026-11-26T10:00:00.000Z","payload":{"store":"1-206-flowers","orderID":"o1","customer":"C","address":"A"}})"));
        event.payloadJson = "{\n  \"store\": \"s\"\n}";
        event.payload = QJsonDocument::fromJson(event.payloadJson).object();
        QCOMPARE(event.toJsonLine(),
                 QByteArray(R"({"event":"pickup","time":"2026-11-26T10:00:00.000Z","payload":{"store":"s"}})"));
        event.payloadJson.clear();
        event.payload = QJsonValue(QJsonValue::Undefined);
        QVERIFY(event.toLogLine().endsWith("payload: undefined }"));
    }

    void eventLogWritesOneLinePerEvent()
    {
        caps::HubEvent event;
        event.event = QStringLiteral("delivered");
        event.time = QDateTime(QDate(2026, 11, 26), QTime(10, 0, 1, 5), Qt::UTC);
        event.payloadJson = R"({"store":"s"})";
        for (const auto format : {caps::HubEventLog::Format::Inspect, caps::HubEventLog::Format::Json}) {
            std::FILE *file = std::tmpfile();
            QVERIFY(file);
            caps::HubEventLog log(format, file);
            log.write(event);
            log.write(event);
            std::rewind(file);
            QByteArray written(4096, '\0');
            written.resize(qsizetype(std::fread(written.data(), 1, size_t(written.size()), file)));
            std::fclose(file);
            const QByteArray line = format == caps::HubEventLog::Format::Json ? event.toJsonLine() : event.toLogLine();
            QCOMPARE(written, line + '\n' + line + '\n');
        }
        QCOMPARE(event.toLogLine(),
                 QByteArray("EVENT { event: 'delivered', time: 2026-11-26T10:00:01.005Z, payload: { store: 's' } }"));
    }
};

QTEST_GUILESS_MAIN(TestJsInspect)
#include "tst_jsinspect.moc"
