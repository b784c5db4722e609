#include "server/adapter.h"

namespace caps {

Adapter::~Adapter() = default;

} // namespace caps
