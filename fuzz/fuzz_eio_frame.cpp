// Engine.IO packet of one WebSocket text frame: decodeTextFrame(), and encodeText() undoing it.

#include "fuzzcheck.h"
#include "protocol/engineio.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView frame(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto packet = caps::eio::decodeTextFrame(frame);
    if (packet) {
        CAPS_FUZZ_CHECK(!packet->binary);
        CAPS_FUZZ_CHECK(caps::eio::encodeText(*packet) == frame);
    } else {
        CAPS_FUZZ_CHECK(!packet.error().isEmpty());
    }
    const auto binary = caps::eio::decodeBinaryFrame(frame.toByteArray());
    CAPS_FUZZ_CHECK(binary.binary && binary.data == frame);
    return 0;
}
