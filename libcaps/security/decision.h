#pragma once

#include <QString>

namespace caps {

// The answer of a policy check: allowed, or refused with a message meant for the peer (the
// text of a CONNECT_ERROR or of an `{ ok: false, error }` acknowledgement). An allowed
// decision may still carry a warning for the operator's log.
struct Decision
{
    bool allowed = true;
    QString error;
    QString warning;

    [[nodiscard]] static Decision allow(QString warning = {}) { return {true, {}, std::move(warning)}; }
    [[nodiscard]] static Decision deny(QString error) { return {false, std::move(error), {}}; }
    explicit operator bool() const { return allowed; }
};

} // namespace caps
