#pragma once

#include "hub/hubevent.h"

#include <QObject>

#include <cstdio>

namespace caps {

// Writes one line per hub event to a stdio stream, flushed per line so that whoever reads the
// hub's output (a person, a test) sees each event as it happens.
class HubEventLog : public QObject
{
    Q_OBJECT
public:
    enum class Format { Inspect, Json };
    Q_ENUM(Format)

    explicit HubEventLog(Format format, std::FILE *stream = stdout, QObject *parent = nullptr);

    [[nodiscard]] Format format() const { return m_format; }
    void write(const HubEvent &event);

private:
    Format m_format;
    std::FILE *m_stream;
};

} // namespace caps
