#pragma once

#include <QObject>

class QSocketNotifier;

namespace caps {

// Turns SIGINT and SIGTERM into a Qt signal: the handler only writes to a socketpair, the
// event loop reads the other end (the pattern of Qt's "Calling Qt Functions From Unix Signal
// Handlers"), so that shutdown runs as ordinary code.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

    [[nodiscard]] bool isValid() const { return m_notifier != nullptr; }

signals:
    void terminationRequested(int signal);

private:
    void onActivated();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace caps
