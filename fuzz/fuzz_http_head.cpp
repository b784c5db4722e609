// The server's HTTP request head parser (libcaps/server/httprequest.h).

#include "fuzzcheck.h"
#include "server/httprequest.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView head(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto request = caps::HttpRequest::parseHead(head);
    if (!request) {
        CAPS_FUZZ_CHECK(!request.error().isEmpty());
        return 0;
    }
    // Everything the server asks of a parsed request.
    (void)request->header("content-length");
    (void)request->hasHeader("upgrade");
    (void)request->queryValue(QStringLiteral("sid"));
    (void)request->contentLength();
    (void)request->keepAlive();
    (void)request->isWebSocketUpgrade();
    CAPS_FUZZ_CHECK(!request->method.isEmpty());
    return 0;
}
