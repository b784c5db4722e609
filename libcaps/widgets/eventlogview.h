#pragma once

#include <QTableView>

namespace caps {

class EventLogModel;

// A read-only table of an EventLogModel that follows the newest entry unless the user scrolled up.
class EventLogView : public QTableView
{
    Q_OBJECT
public:
    explicit EventLogView(QWidget *parent = nullptr);
    void setLog(EventLogModel *log);

private:
    bool m_follow = true;
};

} // namespace caps
