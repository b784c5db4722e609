#include "server/server.h"

#include "server/clientconnection.h"
#include "server/engineserver.h"
#include "server/enginesession.h"
#include "server/inmemoryadapter.h"
#include "server/namespace.h"

namespace caps {

Server::Server(const ServerOptions &options, QObject *parent)
    : QObject(parent)
    , m_engine(new EngineServer(options, this))
    , m_connectDeadlines(
          [](QObject *connection, quint64) { static_cast<ClientConnection *>(connection)->onConnectTimeout(); })
{
    m_connectDeadlines.setInterval(options.connectTimeout);
    connect(m_engine, &EngineServer::connection, this, &Server::onEngineConnection);
    of(QStringLiteral("/"));
}

Server::~Server()
{
    // Connections and their sockets go before the namespaces and sessions they point into.
    const auto connections = findChildren<ClientConnection *>(Qt::FindDirectChildrenOnly);
    qDeleteAll(connections);
    delete m_engine;
    m_engine = nullptr;
}

bool Server::listen(const QHostAddress &address, quint16 port)
{
    return m_engine->listen(address, port);
}

void Server::close()
{
    m_engine->close();
}

quint16 Server::serverPort() const
{
    return m_engine->serverPort();
}

QString Server::errorString() const
{
    return m_engine->errorString();
}

const ServerOptions &Server::options() const
{
    return m_engine->options();
}

Namespace *Server::of(const QString &name)
{
    QString key = name.isEmpty() ? QStringLiteral("/") : name;
    if (!key.startsWith(QLatin1Char('/')))
        key.prepend(QLatin1Char('/'));
    if (Namespace *existing = m_namespaces.value(key))
        return existing;
    const ServerOptions &o = options();
    std::unique_ptr<Adapter> adapter;
    if (o.adapterFactory)
        adapter = o.adapterFactory(key);
    else if (const auto recovery = o.recovery())
        adapter = std::make_unique<InMemoryAdapter>(*recovery);
    auto *nsp = new Namespace(key, std::move(adapter), this);
    m_namespaces.insert(key, nsp);
    emit namespaceCreated(nsp);
    return nsp;
}

qsizetype Server::connectionCount() const
{
    return m_engine->sessionCount();
}

void Server::onEngineConnection(EngineSession *session)
{
    m_connectDeadlines.add(new ClientConnection(session, this), 0);
}

} // namespace caps
