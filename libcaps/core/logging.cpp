#include "core/logging.h"

Q_LOGGING_CATEGORY(lcProtocol, "caps.protocol", QtWarningMsg)
Q_LOGGING_CATEGORY(lcEngine, "caps.engine", QtWarningMsg)
Q_LOGGING_CATEGORY(lcServer, "caps.server", QtWarningMsg)
Q_LOGGING_CATEGORY(lcClient, "caps.client", QtWarningMsg)
Q_LOGGING_CATEGORY(lcHub, "caps.hub", QtInfoMsg)
Q_LOGGING_CATEGORY(lcQueue, "caps.queue", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCluster, "caps.cluster", QtInfoMsg)
Q_LOGGING_CATEGORY(lcGui, "caps.gui", QtWarningMsg)
