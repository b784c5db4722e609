#pragma once

#include <QLoggingCategory>

// core/logging.h belongs to the lead; the security layer keeps its own category.
// Refusals are logged at info level, so they show by default: an operator wants to see them.
Q_DECLARE_LOGGING_CATEGORY(lcSecurity)
