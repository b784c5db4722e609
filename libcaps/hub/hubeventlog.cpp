#include "hub/hubeventlog.h"

namespace caps {

HubEventLog::HubEventLog(Format format, std::FILE *stream, QObject *parent)
    : QObject(parent)
    , m_format(format)
    , m_stream(stream)
{ }

void HubEventLog::write(const HubEvent &event)
{
    QByteArray line = m_format == Format::Json ? event.toJsonLine() : event.toLogLine();
    line.append('\n');
    std::fwrite(line.constData(), 1, size_t(line.size()), m_stream);
    std::fflush(m_stream);
}

} // namespace caps
