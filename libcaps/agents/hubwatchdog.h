#pragma once

#include <QObject>
#include <QPointer>
#include <QTextStream>
#include <QTimer>

namespace caps {

class Client;

// Tells a terminal user what the connection is doing ("caps-vendor: cannot reach hub at URL
// (...), retrying in 2 s") on stderr, and gives up when the hub stays unreachable longer than
// the connect timeout or refuses the namespace.
class HubWatchdog : public QObject
{
    Q_OBJECT
public:
    enum ExitCode { Unreachable = 2, Refused = 3 };

    // connectTimeoutMs <= 0: retry for ever (the lab's clients do).
    HubWatchdog(Client *client, const QString &program, int connectTimeoutMs, QObject *parent = nullptr);

Q_SIGNALS:
    void gaveUp(int exitCode);

private:
    void print(const QString &line);
    void startTimeout();

    QPointer<Client> m_client;
    QString m_program;
    QString m_url;
    int m_connectTimeoutMs;
    QTimer m_timeout;
    QTextStream m_err;
};

} // namespace caps
