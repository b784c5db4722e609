#pragma once

#include "server/deadlinequeue.h"
#include "server/serveroptions.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>

namespace caps {

class ClientConnection;
class EngineServer;
class EngineSession;
class Namespace;

// A Socket.IO v5 server on Engine.IO v4, as Node's `new Server(httpServer)`: namespaces are
// registered with of(); a CONNECT to any other gets CONNECT_ERROR "Invalid namespace".
// The main namespace "/" always exists, as in socket.io.
class Server : public QObject
{
    Q_OBJECT
public:
    explicit Server(const ServerOptions &options = {}, QObject *parent = nullptr);
    ~Server() override;

    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    // Stops listening and closes every connection.
    void close();
    [[nodiscard]] quint16 serverPort() const;
    [[nodiscard]] QString errorString() const;
    [[nodiscard]] const ServerOptions &options() const;
    [[nodiscard]] EngineServer *engine() const { return m_engine; }

    // The namespace called `name`, created on first use.
    Namespace *of(const QString &name);
    [[nodiscard]] Namespace *findNamespace(const QString &name) const { return m_namespaces.value(name); }
    [[nodiscard]] QList<Namespace *> namespaces() const { return m_namespaces.values(); }
    [[nodiscard]] qsizetype connectionCount() const;

signals:
    // of() made a namespace (socket.io's "new_namespace").
    void namespaceCreated(caps::Namespace *nsp);

private:
    void onEngineConnection(EngineSession *session);

    EngineServer *m_engine;
    // Every connection's connectTimeout, behind one timer (see DeadlineQueue).
    DeadlineQueue m_connectDeadlines;
    QHash<QString, Namespace *> m_namespaces;
};

} // namespace caps
