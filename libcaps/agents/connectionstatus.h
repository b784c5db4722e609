#pragma once

#include "client/client.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace caps {

// The state of a Client as one short sentence ("Connected", "Reconnecting in 3 s", ...),
// refreshed every second while a reconnection is counting down. Windows show it in their
// status bar, terminal clients print it.
class ConnectionStatus : public QObject
{
    Q_OBJECT
public:
    explicit ConnectionStatus(Client *client, QObject *parent = nullptr);

    [[nodiscard]] Client::State state() const;
    [[nodiscard]] QString text() const;
    // Whole seconds until the next attempt while reconnecting, else -1.
    [[nodiscard]] int secondsToRetry() const;

    [[nodiscard]] static QString stateText(Client::State state, int secondsToRetry);
    // The same at more length, for a tooltip: which hub, and after a failure why.
    [[nodiscard]] QString details() const;
    [[nodiscard]] static QString detailsText(Client::State state, int secondsToRetry, const QUrl &hub,
                                             const QString &reason);
    // The event-log line for a (re)connection of `client`: whether the hub kept its session.
    [[nodiscard]] static QString connectedNote(const Client &client);

Q_SIGNALS:
    void changed(const QString &text, caps::Client::State state);

private:
    void refresh();

    QPointer<Client> m_client;
    QTimer m_countdown;
    QString m_lastText;
    QString m_lastDetails;
};

} // namespace caps
