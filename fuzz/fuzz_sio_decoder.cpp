// Socket.IO packets as a stream of Engine.IO messages, text and binary, through sio::Decoder.
// Input: records of [kind byte][length byte][bytes]; kind bit 0 set = binary message. A
// complete packet must survive encode() and decoding again.

#include "fuzzcheck.h"
#include "protocol/socketio.h"

#include <cstddef>
#include <cstdint>

namespace {

void checkRoundTrip(const caps::sio::Packet &packet)
{
    const caps::sio::Encoded encoded = caps::sio::encode(packet);
    caps::sio::Decoder decoder;
    auto decoded = decoder.feedText(encoded.text);
    CAPS_FUZZ_CHECK(decoded.ok());
    for (const QByteArray &attachment : encoded.attachments) {
        CAPS_FUZZ_CHECK(!decoded->has_value());
        decoded = decoder.feedBinary(attachment);
        CAPS_FUZZ_CHECK(decoded.ok());
    }
    CAPS_FUZZ_CHECK(decoded->has_value());
    CAPS_FUZZ_CHECK(**decoded == packet);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    caps::sio::Decoder decoder;
    size_t i = 0;
    // A single record when the input does not look like records: the whole input as text.
    if (size < 2) {
        auto r = decoder.feedText(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)));
        if (r && r->has_value())
            checkRoundTrip(**r);
        return 0;
    }
    while (i + 2 <= size) {
        const bool binary = data[i] & 1;
        const size_t length = std::min<size_t>(data[i + 1], size - i - 2);
        const QByteArray bytes(reinterpret_cast<const char *>(data + i + 2), qsizetype(length));
        i += 2 + length;
        auto r = binary ? decoder.feedBinary(bytes) : decoder.feedText(bytes);
        if (!r) {
            CAPS_FUZZ_CHECK(!r.error().isEmpty());
            decoder.reset();
            continue;
        }
        if (r->has_value()) {
            const caps::sio::Packet &p = **r;
            if (p.type == caps::sio::PacketType::Event || p.type == caps::sio::PacketType::BinaryEvent) {
                (void)p.eventName();
                (void)p.eventArgs();
            }
            checkRoundTrip(p);
        }
    }
    return 0;
}
