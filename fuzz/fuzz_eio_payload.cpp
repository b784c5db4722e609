// Engine.IO long-polling payload: decodePayload(), and encodePayload() giving the same packets.

#include "fuzzcheck.h"
#include "protocol/engineio.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView payload(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto packets = caps::eio::decodePayload(payload);
    if (!packets) {
        CAPS_FUZZ_CHECK(!packets.error().isEmpty());
        return 0;
    }
    CAPS_FUZZ_CHECK(!packets->isEmpty());
    const auto again = caps::eio::decodePayload(caps::eio::encodePayload(*packets));
    CAPS_FUZZ_CHECK(again.ok());
    CAPS_FUZZ_CHECK(*again == *packets);
    return 0;
}
