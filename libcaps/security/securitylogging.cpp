#include "security/securitylogging.h"

Q_LOGGING_CATEGORY(lcSecurity, "caps.security", QtInfoMsg)
