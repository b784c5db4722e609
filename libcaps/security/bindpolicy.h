#pragma once

#include "security/decision.h"

#include <QHostAddress>

namespace caps {

// 127.0.0.0/8, ::1 and their IPv4-mapped forms. Any/AnyIPv4/AnyIPv6 are not loopback.
[[nodiscard]] bool isLoopback(const QHostAddress &address);

// May the hub listen on `address`? Without tokens (open mode) only loopback, unless the
// operator says --insecure. Tokens without TLS on a non-loopback address are allowed with a
// warning: the tokens cross the network in clear text.
[[nodiscard]] Decision checkBindAddress(const QHostAddress &address, bool tokensConfigured, bool tlsEnabled,
                                        bool insecure);

} // namespace caps
