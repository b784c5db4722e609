// The --tokens file parser.

#include "fuzzcheck.h"
#include "security/tokenstore.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView json(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto store = caps::TokenStore::fromJson(json);
    if (!store) {
        CAPS_FUZZ_CHECK(!store.error().isEmpty());
        return 0;
    }
    CAPS_FUZZ_CHECK(!store->authenticate(u"not a token in any file"));
    // Any file the parser accepts takes one more entry and stays acceptable.
    const QString token = caps::TokenStore::generateToken();
    const auto appended = caps::TokenStore::appendEntry(
        json, caps::TokenStore::entry(token, caps::Principal{caps::Role::Driver, {}, {}, {}}));
    CAPS_FUZZ_CHECK(appended.ok());
    const auto again = caps::TokenStore::fromJson(*appended);
    CAPS_FUZZ_CHECK(again.ok());
    CAPS_FUZZ_CHECK(again->size() == store->size() + 1);
    CAPS_FUZZ_CHECK(again->authenticate(token).has_value());
    return 0;
}
