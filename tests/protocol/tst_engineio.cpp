#include "protocol/engineio.h"

#include <QTest>

using namespace caps::eio;

Q_DECLARE_METATYPE(caps::eio::Packet)

class TestEngineIo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textFrameRoundTrip_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<Packet>("packet");
        QTest::addRow("open") << QByteArray("0{\"sid\":\"abc\"}") << Packet::of(PacketType::Open, "{\"sid\":\"abc\"}");
        QTest::addRow("close") << QByteArray("1") << Packet::of(PacketType::Close);
        QTest::addRow("ping") << QByteArray("2") << Packet::of(PacketType::Ping);
        QTest::addRow("ping probe") << QByteArray("2probe") << Packet::of(PacketType::Ping, "probe");
        QTest::addRow("pong") << QByteArray("3") << Packet::of(PacketType::Pong);
        QTest::addRow("pong probe") << QByteArray("3probe") << Packet::of(PacketType::Pong, "probe");
        QTest::addRow("message") << QByteArray("4hello") << Packet::message("hello");
        QTest::addRow("empty message") << QByteArray("4") << Packet::message({});
        QTest::addRow("utf-8 message") << QByteArray("4\xc3\xa9t\xc3\xa9") << Packet::message("\xc3\xa9t\xc3\xa9");
        QTest::addRow("socket.io inside")
            << QByteArray("42[\"pickup\",{\"a\":1}]") << Packet::message("2[\"pickup\",{\"a\":1}]");
        QTest::addRow("upgrade") << QByteArray("5") << Packet::of(PacketType::Upgrade);
        QTest::addRow("noop") << QByteArray("6") << Packet::of(PacketType::Noop);
    }
    void textFrameRoundTrip()
    {
        QFETCH(QByteArray, frame);
        QFETCH(Packet, packet);
        const auto decoded = decodeTextFrame(frame);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
        QCOMPARE(*decoded, packet);
        QCOMPARE(encodeText(packet), frame);
    }

    void textFrameRejected_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("type 7") << QByteArray("7");
        QTest::addRow("letter") << QByteArray("x");
        QTest::addRow("negative") << QByteArray("-1");
        QTest::addRow("nul byte") << QByteArray("\0", 1);
        QTest::addRow("base64 on websocket") << QByteArray("bAQID");
        QTest::addRow("close with data") << QByteArray("1x");
        QTest::addRow("upgrade with data") << QByteArray("5x");
        QTest::addRow("noop with data") << QByteArray("6x");
    }
    void textFrameRejected()
    {
        QFETCH(QByteArray, frame);
        const auto decoded = decodeTextFrame(frame);
        QVERIFY(!decoded.ok());
        QVERIFY(!decoded.error().isEmpty());
    }

    void binaryFrame()
    {
        const QByteArray bytes("\x01\x02\x00\xff", 4);
        const Packet p = decodeBinaryFrame(bytes);
        QCOMPARE(p.type, PacketType::Message);
        QVERIFY(p.binary);
        QCOMPARE(p.data, bytes);
        // Polling form of a binary message.
        QCOMPARE(encodeText(p), QByteArray("bAQIA/w=="));
    }

    void payloadRoundTrip_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QList<Packet>>("packets");
        QTest::addRow("one") << QByteArray("4hello") << QList<Packet>{Packet::message("hello")};
        QTest::addRow("spec example") << QByteArray("4hello\x1e"
                                                    "2\x1e"
                                                    "4world")
                                      << QList<Packet>{Packet::message("hello"), Packet::of(PacketType::Ping),
                                                       Packet::message("world")};
        QTest::addRow("binary") << QByteArray("4hello\x1e"
                                              "bAQIDBA==")
                                << QList<Packet>{Packet::message("hello"),
                                                 Packet::binaryMessage(QByteArray("\x01\x02\x03\x04"))};
        QTest::addRow("noop") << QByteArray("6") << QList<Packet>{Packet::of(PacketType::Noop)};
        QTest::addRow("open") << QByteArray("0{\"sid\":\"x\"}")
                              << QList<Packet>{Packet::of(PacketType::Open, "{\"sid\":\"x\"}")};
    }
    void payloadRoundTrip()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QList<Packet>, packets);
        const auto decoded = decodePayload(payload);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
        QCOMPARE(*decoded, packets);
        QCOMPARE(encodePayload(packets), payload);
    }

    void payloadRejected_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("separator only") << QByteArray("\x1e");
        QTest::addRow("trailing separator") << QByteArray("4a\x1e");
        QTest::addRow("empty packet inside") << QByteArray("4a\x1e\x1e"
                                                           "4b");
        QTest::addRow("bad type") << QByteArray("4a\x1e"
                                                "9");
        QTest::addRow("bad base64") << QByteArray("b@@@");
        QTest::addRow("close with data") << QByteArray("1abc");
    }
    void payloadRejected()
    {
        QFETCH(QByteArray, payload);
        QVERIFY(!decodePayload(payload).ok());
    }

    // Engine.IO 3 framing (eio::v3), as engine.io-parser 2 writes it.
    void v3TextPayloadRoundTrip_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QList<Packet>>("packets");
        QTest::addRow("one") << QByteArray("6:4hello") << QList<Packet>{Packet::message("hello")};
        QTest::addRow("several") << QByteArray("6:4test16:4test21:2")
                                 << QList<Packet>{Packet::message("test1"), Packet::message("test2"),
                                                  Packet::of(PacketType::Ping)};
        QTest::addRow("base64 binary") << QByteArray("6:4hello10:b4AQIDBA==")
                                       << QList<Packet>{Packet::message("hello"),
                                                        Packet::binaryMessage(QByteArray("\x01\x02\x03\x04"))};
        // Lengths count UTF-16 code units: "é" is one, "😀" (outside the BMP) two.
        QTest::addRow("utf-8") << QByteArray("4:4\xc3\xa9t\xc3\xa9")
                               << QList<Packet>{Packet::message("\xc3\xa9t\xc3\xa9")};
        QTest::addRow("surrogate pair") << QByteArray(
            "3:4\xf0\x9f\x98\x80"
            "1:6") << QList<Packet>{Packet::message("\xf0\x9f\x98\x80"), Packet::of(PacketType::Noop)};
        QTest::addRow("empty list") << QByteArray("0:") << QList<Packet>{};
    }
    void v3TextPayloadRoundTrip()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QList<Packet>, packets);
        const auto decoded = v3::decodeTextPayload(payload);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
        QCOMPARE(*decoded, packets);
        QCOMPARE(v3::encodeTextPayload(packets), payload);
    }

    void v3TextPayloadRejected_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("no length") << QByteArray("4hello");
        QTest::addRow("empty length") << QByteArray(":4hello");
        QTest::addRow("length too long") << QByteArray("7:4hello");
        QTest::addRow("length not a number") << QByteArray("x:4");
        QTest::addRow("negative length") << QByteArray("-1:4");
        QTest::addRow("trailing garbage") << QByteArray("6:4helloabc");
        QTest::addRow("bad type") << QByteArray("1:9");
        QTest::addRow("binary not a message") << QByteArray("6:b2AQID");
        QTest::addRow("bad base64") << QByteArray("5:b4@@@");
        QTest::addRow("v4 base64 form") << QByteArray("5:bAQID");
        QTest::addRow("the suite's 'abc'") << QByteArray("abc");
    }
    void v3TextPayloadRejected()
    {
        QFETCH(QByteArray, payload);
        const auto decoded = v3::decodeTextPayload(payload);
        QVERIFY(!decoded.ok());
        QVERIFY(!decoded.error().isEmpty());
    }

    void v3BinaryPayloadRoundTrip()
    {
        // The official v3 suite's example: "4hello" as text, then the binary message 01 02 03 04.
        const QByteArray payload = QByteArray::fromHex("0006ff3468656c6c6f0105ff0401020304");
        const QList<Packet> packets{Packet::message("hello"), Packet::binaryMessage(QByteArray("\x01\x02\x03\x04"))};
        QCOMPARE(v3::encodeBinaryPayload(packets), payload);
        const auto decoded = v3::decodeBinaryPayload(payload);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
        QCOMPARE(*decoded, packets);
        // Lengths over one digit, and in bytes: 12 bytes of UTF-8 text.
        const QList<Packet> longer{Packet::message("\xc3\xa9"
                                                   "abcdefghi")};
        QCOMPARE(v3::encodeBinaryPayload(longer), QByteArray::fromHex("000102ff34c3a9616263646566676869"));
        QCOMPARE(*v3::decodeBinaryPayload(v3::encodeBinaryPayload(longer)), longer);
    }

    void v3BinaryPayloadRejected_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("kind 2") << QByteArray::fromHex("0201ff34");
        QTest::addRow("no length end") << QByteArray::fromHex("0001");
        QTest::addRow("no digits") << QByteArray::fromHex("00ff34");
        QTest::addRow("digit over 9") << QByteArray::fromHex("000aff34");
        QTest::addRow("length past the end") << QByteArray::fromHex("0005ff3468");
        QTest::addRow("zero length") << QByteArray::fromHex("0000ff");
        QTest::addRow("binary ping") << QByteArray::fromHex("0102ff0201");
        QTest::addRow("text with bad type") << QByteArray::fromHex("0001ff39");
        QTest::addRow("eleven digits") << QByteArray::fromHex("000101010101010101010101ff34");
    }
    void v3BinaryPayloadRejected()
    {
        QFETCH(QByteArray, payload);
        QVERIFY(!v3::decodeBinaryPayload(payload).ok());
    }

    void v3Frames()
    {
        QCOMPARE(v3::encodeBinaryFrame(QByteArray("\x01\x02", 2)), QByteArray("\x04\x01\x02", 3));
        const auto frame = v3::decodeBinaryFrame(QByteArray("\x04\x01\x02", 3));
        QVERIFY(frame.ok());
        QCOMPARE(*frame, Packet::binaryMessage(QByteArray("\x01\x02", 2)));
        QVERIFY(!v3::decodeBinaryFrame(QByteArray("\x02\x01", 2)).ok());
        QVERIFY(!v3::decodeBinaryFrame(QByteArray()).ok());
        // A client told to avoid binary (b64=1) sends it as text on its WebSocket too.
        QCOMPARE(*v3::decodeTextPacket("b4AQI="), Packet::binaryMessage(QByteArray("\x01\x02", 2)));
        QCOMPARE(v3::encodeTextPacket(Packet::binaryMessage(QByteArray("\x01\x02", 2))), QByteArray("b4AQI="));
        QCOMPARE(*v3::decodeTextPacket("2probe"), Packet::of(PacketType::Ping, "probe"));
    }

    void handshakeRoundTrip()
    {
        Handshake h;
        h.sid = QStringLiteral("lv_VI97HAXpY6yYWAAAC");
        h.upgrades = {QStringLiteral("websocket")};
        h.pingInterval = 25000;
        h.pingTimeout = 20000;
        h.maxPayload = 1000000;
        const QByteArray json = encodeHandshake(h);
        QVERIFY(json.contains("\"sid\":\"lv_VI97HAXpY6yYWAAAC\""));
        QVERIFY(json.contains("\"upgrades\":[\"websocket\"]"));
        QVERIFY(json.contains("\"maxPayload\":1000000"));
        const auto decoded = decodeHandshake(json);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
        QCOMPARE(*decoded, h);
    }

    void handshakeRejected_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addRow("not json") << QByteArray("sid");
        QTest::addRow("array") << QByteArray("[]");
        QTest::addRow("no sid") << QByteArray("{\"pingInterval\":1,\"pingTimeout\":1}");
        QTest::addRow("empty sid") << QByteArray("{\"sid\":\"\",\"pingInterval\":1,\"pingTimeout\":1}");
        QTest::addRow("no interval") << QByteArray("{\"sid\":\"a\",\"pingTimeout\":1}");
        QTest::addRow("zero timeout") << QByteArray("{\"sid\":\"a\",\"pingInterval\":1,\"pingTimeout\":0}");
        QTest::addRow("fractional interval") << QByteArray("{\"sid\":\"a\",\"pingInterval\":1.5,\"pingTimeout\":1}");
        QTest::addRow("timeout over INT_MAX")
            << QByteArray("{\"sid\":\"a\",\"pingInterval\":1,\"pingTimeout\":2147483648}");
        QTest::addRow("negative interval") << QByteArray("{\"sid\":\"a\",\"pingInterval\":-1,\"pingTimeout\":1}");
    }
    void handshakeMaxPayloadFallsBack()
    {
        for (const char *mp : {"1e300", "-5", "0.5", "\"x\""}) {
            const auto h = decodeHandshake(
                QByteArray("{\"sid\":\"a\",\"pingInterval\":1,\"pingTimeout\":1,\"maxPayload\":") + mp + "}");
            QVERIFY2(h.ok(), mp);
            QCOMPARE(h->maxPayload, 1000000);
        }
    }

    void handshakeRejected()
    {
        QFETCH(QByteArray, json);
        QVERIFY(!decodeHandshake(json).ok());
    }
};

QTEST_GUILESS_MAIN(TestEngineIo)
#include "tst_engineio.moc"
