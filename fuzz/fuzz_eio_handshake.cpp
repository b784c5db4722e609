// Engine.IO OPEN packet data (what a client reads from a server): decodeHandshake().

#include "fuzzcheck.h"
#include "protocol/engineio.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView json(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto handshake = caps::eio::decodeHandshake(json);
    if (!handshake)
        return 0;
    // The decoder refuses a handshake without positive timings; one it accepts must have them,
    // or a client would ping every 0 ms.
    CAPS_FUZZ_CHECK(!handshake->sid.isEmpty());
    CAPS_FUZZ_CHECK(handshake->pingInterval > 0);
    CAPS_FUZZ_CHECK(handshake->pingTimeout > 0);
    const auto again = caps::eio::decodeHandshake(caps::eio::encodeHandshake(*handshake));
    CAPS_FUZZ_CHECK(again.ok());
    CAPS_FUZZ_CHECK(*again == *handshake);
    return 0;
}
