#include "protocol/socketio.h"

#include <QJsonDocument>
#include <QTest>

using namespace caps::sio;

Q_DECLARE_METATYPE(caps::sio::Packet)

namespace {

QJsonValue json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray("[") + text + "]").array().first();
}

Packet make(PacketType type, const QString &nsp, qint64 id, const QJsonValue &data, QList<QByteArray> attachments = {})
{
    Packet p;
    p.type = type;
    p.nsp = nsp;
    p.id = id;
    p.data = data;
    p.attachments = std::move(attachments);
    return p;
}

const QJsonValue undefined(QJsonValue::Undefined);

} // namespace

class TestSocketIo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Examples from the protocol document, both directions.
    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<Packet>("packet");
        QTest::addRow("connect main") << QByteArray("0") << make(PacketType::Connect, "/", -1, undefined);
        QTest::addRow("connect nsp") << QByteArray("0/admin,") << make(PacketType::Connect, "/admin", -1, undefined);
        QTest::addRow("connect auth") << QByteArray("0/admin,{\"token\":\"123\"}")
                                      << make(PacketType::Connect, "/admin", -1, json("{\"token\":\"123\"}"));
        QTest::addRow("connect reply") << QByteArray("0{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}")
                                       << make(PacketType::Connect, "/", -1,
                                               json("{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}"));
        QTest::addRow("disconnect") << QByteArray("1") << make(PacketType::Disconnect, "/", -1, undefined);
        QTest::addRow("disconnect nsp") << QByteArray("1/admin,")
                                        << make(PacketType::Disconnect, "/admin", -1, undefined);
        QTest::addRow("event") << QByteArray("2[\"foo\"]") << make(PacketType::Event, "/", -1, json("[\"foo\"]"));
        QTest::addRow("event nsp args") << QByteArray("2/caps,[\"pickup\",{\"store\":\"s\",\"orderID\":\"1\"}]")
                                        << make(PacketType::Event, "/caps", -1,
                                                json("[\"pickup\",{\"store\":\"s\",\"orderID\":\"1\"}]"));
        QTest::addRow("event ack id") << QByteArray("212[\"foo\"]")
                                      << make(PacketType::Event, "/", 12, json("[\"foo\"]"));
        QTest::addRow("event nsp ack id") << QByteArray("2/admin,456[\"project:delete\",123]")
                                          << make(PacketType::Event, "/admin", 456, json("[\"project:delete\",123]"));
        QTest::addRow("event numeric name") << QByteArray("2[1,2]") << make(PacketType::Event, "/", -1, json("[1,2]"));
        QTest::addRow("ack") << QByteArray("3/admin,456[]") << make(PacketType::Ack, "/admin", 456, json("[]"));
        QTest::addRow("ack main") << QByteArray("312[\"bar\"]") << make(PacketType::Ack, "/", 12, json("[\"bar\"]"));
        QTest::addRow("connect error object")
            << QByteArray("4{\"message\":\"Not authorized\"}")
            << make(PacketType::ConnectError, "/", -1, json("{\"message\":\"Not authorized\"}"));
        QTest::addRow("connect error string")
            << QByteArray("4/x,\"nope\"")
            << make(PacketType::ConnectError, "/x", -1, QJsonValue(QStringLiteral("nope")));
        QTest::addRow("binary event") << QByteArray("51-[\"baz\",{\"_placeholder\":true,\"num\":0}]")
                                      << make(PacketType::BinaryEvent, "/", -1,
                                              json("[\"baz\",{\"_placeholder\":true,\"num\":0}]"),
                                              {QByteArray("\x01\x02\x03")});
        QTest::addRow("binary event nsp id")
            << QByteArray("52-/a,7[\"b\",{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":0}]")
            << make(PacketType::BinaryEvent, "/a", 7,
                    json("[\"b\",{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":0}]"),
                    {QByteArray("x"), QByteArray("y")});
        QTest::addRow("binary ack") << QByteArray("61-/admin,456[{\"_placeholder\":true,\"num\":0}]")
                                    << make(PacketType::BinaryAck, "/admin", 456,
                                            json("[{\"_placeholder\":true,\"num\":0}]"), {QByteArray("\x00\x01", 2)});
        QTest::addRow("unicode") << QByteArray("2[\"m\",\"\xc3\xa9\xe2\x82\xac\"]")
                                 << make(PacketType::Event, "/", -1,
                                         QJsonArray{QStringLiteral("m"), QString::fromUtf8("\xc3\xa9\xe2\x82\xac")});
    }
    void roundTrip()
    {
        QFETCH(QByteArray, text);
        QFETCH(Packet, packet);

        Decoder decoder;
        auto first = decoder.feedText(text);
        QVERIFY2(first.ok(), qPrintable(first.error()));
        std::optional<Packet> decoded = *first;
        for (const QByteArray &attachment : packet.attachments) {
            QVERIFY(!decoded);
            QVERIFY(decoder.awaitingAttachments());
            auto next = decoder.feedBinary(attachment);
            QVERIFY2(next.ok(), qPrintable(next.error()));
            decoded = *next;
        }
        QVERIFY(decoded);
        QVERIFY(!decoder.awaitingAttachments());
        QCOMPARE(*decoded, packet);

        // Relayed as received, byte for byte...
        const Encoded relayed = encode(*decoded);
        QCOMPARE(relayed.text, text);
        QCOMPARE(relayed.attachments, packet.attachments);
        // ...and written from `data` alone the same, where JSON key order allows.
        if (!text.contains("{\"store\":\"s\",\"orderID\"")) {
            const Encoded encoded = encode(packet);
            QCOMPARE(encoded.text, text);
            QCOMPARE(encoded.attachments, packet.attachments);
        }
    }

    void builders()
    {
        const Packet e = Packet::event("/caps", "pickup", QJsonArray{QJsonObject{{"store", "s"}}}, 3);
        QCOMPARE(encode(e).text, QByteArray("2/caps,3[\"pickup\",{\"store\":\"s\"}]"));
        QCOMPARE(e.eventName(), QStringLiteral("pickup"));
        QCOMPARE(e.eventArgs(), (QJsonArray{QJsonObject{{"store", "s"}}}));

        const Packet b = Packet::event("/", "file", QJsonArray{placeholder(0)}, -1, {QByteArray("bytes")});
        QCOMPARE(b.type, PacketType::BinaryEvent);
        const Encoded eb = encode(b);
        QCOMPARE(eb.text, QByteArray("51-[\"file\",{\"_placeholder\":true,\"num\":0}]"));
        QCOMPARE(eb.attachments, QList<QByteArray>{QByteArray("bytes")});

        QCOMPARE(encode(Packet::ack("/caps", 5, QJsonArray{true})).text, QByteArray("3/caps,5[true]"));
        QCOMPARE(encode(Packet::ack("/", 5, QJsonArray{placeholder(0)}, {QByteArray("z")})).text,
                 QByteArray("61-5[{\"_placeholder\":true,\"num\":0}]"));
        QCOMPARE(encode(Packet::connect("/caps")).text, QByteArray("0/caps,"));
        QCOMPARE(encode(Packet::connect("/", {{"token", "t"}})).text, QByteArray("0{\"token\":\"t\"}"));
        QCOMPARE(encode(Packet::connectError("/caps", "Invalid namespace")).text,
                 QByteArray("4/caps,{\"message\":\"Invalid namespace\"}"));
        QCOMPARE(encode(Packet::disconnect("/caps")).text, QByteArray("1/caps,"));

        // An Event given attachments is written as a BinaryEvent.
        Packet promoted = e;
        promoted.attachments = {QByteArray("q")};
        QVERIFY(encode(promoted).text.startsWith("51-/caps,3"));
    }

    // Every rule socket.io-parser enforces, and ours on top (limits).
    void rejected_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("type 7") << QByteArray("7");
        QTest::addRow("type letter") << QByteArray("a[]");
        QTest::addRow("binary without count") << QByteArray("5[\"a\"]");
        QTest::addRow("binary without dash") << QByteArray("51[\"a\"]");
        QTest::addRow("binary count letter") << QByteArray("5x-[\"a\"]");
        QTest::addRow("binary count huge") << QByteArray("59999999999-[\"a\"]");
        QTest::addRow("too many attachments") << QByteArray("511-[\"a\"]");
        QTest::addRow("placeholder out of range") << QByteArray("51-[\"a\",{\"_placeholder\":true,\"num\":1}]");
        QTest::addRow("placeholder negative") << QByteArray("51-[\"a\",{\"_placeholder\":true,\"num\":-1}]");
        QTest::addRow("placeholder fraction") << QByteArray("51-[\"a\",{\"_placeholder\":true,\"num\":0.5}]");
        QTest::addRow("placeholder not number") << QByteArray("51-[\"a\",{\"_placeholder\":true,\"num\":\"0\"}]");
        QTest::addRow("invalid json") << QByteArray("2[\"a\"");
        QTest::addRow("trailing garbage") << QByteArray("2[\"a\"]x");
        QTest::addRow("two values") << QByteArray("2[\"a\"],1");
        QTest::addRow("event not array") << QByteArray("2{\"a\":1}");
        QTest::addRow("event empty array") << QByteArray("2[]");
        QTest::addRow("event name object") << QByteArray("2[{}]");
        QTest::addRow("event name null") << QByteArray("2[null]");
        QTest::addRow("event without data") << QByteArray("2");
        QTest::addRow("reserved connect") << QByteArray("2[\"connect\"]");
        QTest::addRow("reserved disconnect") << QByteArray("2[\"disconnect\"]");
        QTest::addRow("reserved connect_error") << QByteArray("2[\"connect_error\"]");
        QTest::addRow("reserved disconnecting") << QByteArray("2[\"disconnecting\"]");
        QTest::addRow("reserved newListener") << QByteArray("2[\"newListener\"]");
        QTest::addRow("reserved removeListener") << QByteArray("2[\"removeListener\"]");
        QTest::addRow("connect array") << QByteArray("0[]");
        QTest::addRow("connect string") << QByteArray("0\"x\"");
        QTest::addRow("disconnect with data") << QByteArray("1{}");
        QTest::addRow("connect error number") << QByteArray("41");
        QTest::addRow("connect error array") << QByteArray("4[]");
        QTest::addRow("connect error without data") << QByteArray("4");
        QTest::addRow("ack object") << QByteArray("31{}");
        QTest::addRow("ack without id") << QByteArray("3[]");
        QTest::addRow("ack id too long") << QByteArray("31234567890123456[]");
        QTest::addRow("binary ack not array") << QByteArray("61-1{\"_placeholder\":true,\"num\":0}");
        QTest::addRow("too deep") << QByteArray("2[\"a\",") + QByteArray(40, '[') + QByteArray(40, ']') + "]";
        QTest::addRow("invalid utf8 in json") << QByteArray("2[\"a\",\"\xff\xfe\"]");
    }
    void rejected()
    {
        QFETCH(QByteArray, text);
        const auto decoded = decodeText(text);
        QVERIFY(!decoded.ok());
        QVERIFY(!decoded.error().isEmpty());
    }

    void depthLimitIsConfigurable()
    {
        const QByteArray text = QByteArray("2[\"a\",") + QByteArray(5, '[') + QByteArray(5, ']') + "]";
        QVERIFY(decodeText(text).ok());
        Limits strict;
        strict.maxNestingDepth = 4;
        QVERIFY(!decodeText(text, strict).ok());
        // Brackets inside strings do not count.
        const QByteArray inString = QByteArray("2[\"a\",\"") + QByteArray(40, '[') + "\\\"[[\"]";
        QVERIFY(decodeText(inString, strict).ok());
    }

    void decoderSequenceErrors()
    {
        Decoder decoder;
        QVERIFY(!decoder.feedBinary("x").ok()); // binary with nothing pending
        auto header
            = decoder.feedText("52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        QVERIFY(header.ok());
        QVERIFY(!header->has_value());
        QVERIFY(!decoder.feedText("2[\"b\"]").ok()); // text while attachments are awaited
        QVERIFY(decoder.awaitingAttachments());
        auto one = decoder.feedBinary("1");
        QVERIFY(one.ok() && !one->has_value());
        auto two = decoder.feedBinary("2");
        QVERIFY(two.ok() && two->has_value());
        QCOMPARE((*two)->attachments, (QList<QByteArray>{"1", "2"}));
        decoder.reset();
        QVERIFY(!decoder.awaitingAttachments());
    }

    void binaryWithZeroAttachmentsCompletesAtOnce()
    {
        Decoder decoder;
        auto r = decoder.feedText("50-[\"a\"]");
        QVERIFY(r.ok());
        QVERIFY(r->has_value());
        QCOMPARE((*r)->type, PacketType::BinaryEvent);
    }

    void noCrashOnPrefixesOfValidPackets()
    {
        // Every prefix of valid packets either decodes or is rejected: no crash, no hang.
        const QList<QByteArray> samples{
            "52-/caps,17[\"pickup\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
            "2/caps,456[\"project:delete\",{\"a\":[1,2,{\"b\":\"c\\\"]\"}]}]",
            "4/caps,{\"message\":\"x\"}",
        };
        for (const QByteArray &s : samples) {
            for (qsizetype n = 0; n <= s.size(); ++n)
                (void)decodeText(QByteArrayView(s).first(n));
        }
    }

    // Socket.IO v4 (socket.io 2.x): the handshake query rides in the CONNECT's namespace.
    void v4ConnectName()
    {
        const auto plain = caps::sio::v4::splitConnectName(QStringLiteral("/caps"));
        QCOMPARE(plain.nsp, QStringLiteral("/caps"));
        QVERIFY(plain.query.isEmpty());
        const auto query = caps::sio::v4::splitConnectName(QStringLiteral("/caps?token=a%2Bb%20c&n=1"));
        QCOMPARE(query.nsp, QStringLiteral("/caps"));
        QCOMPARE(query.query, (QJsonObject{{"token", "a+b c"}, {"n", "1"}}));
        const auto error
            = caps::sio::encode(caps::sio::v4::connectError(QStringLiteral("/caps"), QStringLiteral("Invalid token")));
        QCOMPARE(error.text, QByteArray("4/caps,\"Invalid token\""));
        QCOMPARE(caps::sio::encode(caps::sio::Packet::connect(QStringLiteral("/caps"))).text, QByteArray("0/caps,"));
    }
};

QTEST_GUILESS_MAIN(TestSocketIo)
#include "tst_socketio.moc"
