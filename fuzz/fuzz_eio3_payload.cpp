// Engine.IO 3 long-polling payloads, text (length-prefixed) and binary: each decoder, and its
// encoder giving back the same packets.

#include "fuzzcheck.h"
#include "protocol/engineio.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    namespace v3 = caps::eio::v3;
    const QByteArrayView payload(reinterpret_cast<const char *>(data), qsizetype(size));
    if (const auto packets = v3::decodeTextPayload(payload)) {
        const auto again = v3::decodeTextPayload(v3::encodeTextPayload(*packets));
        CAPS_FUZZ_CHECK(again.ok());
        CAPS_FUZZ_CHECK(*again == *packets);
    } else {
        CAPS_FUZZ_CHECK(!packets.error().isEmpty());
    }
    if (const auto packets = v3::decodeBinaryPayload(payload)) {
        CAPS_FUZZ_CHECK(!packets->isEmpty());
        const auto again = v3::decodeBinaryPayload(v3::encodeBinaryPayload(*packets));
        CAPS_FUZZ_CHECK(again.ok());
        CAPS_FUZZ_CHECK(*again == *packets);
    } else {
        CAPS_FUZZ_CHECK(!packets.error().isEmpty());
    }
    return 0;
}
