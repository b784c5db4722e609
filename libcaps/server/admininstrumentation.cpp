#include "server/admininstrumentation.h"

#include "server/adapter.h"
#include "server/clientconnection.h"
#include "server/engineserver.h"
#include "server/enginesession.h"
#include "server/namespace.h"
#include "server/server.h"
#include "server/serverevent.h"
#include "server/serversocket.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHostInfo>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QUrlQuery>

namespace caps {

namespace {

constexpr qsizetype kMaxSessions = 1000;

// JSON.stringify(new Date()), as the UI parses it.
QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QString transportName(const EngineSession *session)
{
    if (!session)
        return QStringLiteral("polling");
    return session->transport() == EngineSession::Transport::WebSocket ? QStringLiteral("websocket")
                                                                       : QStringLiteral("polling");
}

QString randomId()
{
    // admin-ui's randomBytes(8).toString("hex").
    const quint64 value = QRandomGenerator::system()->generate64();
    return QString::number(value, 16).rightJustified(16, QLatin1Char('0'));
}

} // namespace

AdminInstrumentation::AdminInstrumentation(Server *server, Options options, QObject *parent)
    : QObject(parent)
    , m_server(server)
    , m_options(std::move(options))
    , m_admin(server->of(m_options.namespaceName))
{
    if (m_options.serverId.isEmpty())
        m_options.serverId = QHostInfo::localHostName();
    m_uptime.start();
    m_admin->setConnectGuard([this](const QJsonObject &auth) { return checkConnect(auth); });
    connect(m_admin, &Namespace::connection, this, &AdminInstrumentation::onAdminConnection);
    connect(server->engine(), &EngineServer::connection, this, [this] { ++m_rawConnections; });
    connect(server->engine(), &EngineServer::sessionClosed, this,
            [this](const QString &reason) { ++m_rawDisconnections[reason]; });
    if (m_options.development) {
        const auto namespaces = server->namespaces();
        for (Namespace *nsp : namespaces)
            watch(nsp);
        connect(server, &Server::namespaceCreated, this, &AdminInstrumentation::watch);
    }
    m_statsTimer.setInterval(m_options.statsInterval);
    connect(&m_statsTimer, &QTimer::timeout, this, &AdminInstrumentation::emitStats);
    m_statsTimer.start();
}

QStringList AdminInstrumentation::supportedFeatures() const
{
    QStringList features;
    if (!m_options.readonly)
        features = {QStringLiteral("EMIT"),       QStringLiteral("JOIN"),  QStringLiteral("LEAVE"),
                    QStringLiteral("DISCONNECT"), QStringLiteral("MJOIN"), QStringLiteral("MLEAVE"),
                    QStringLiteral("MDISCONNECT")};
    features.append(QStringLiteral("AGGREGATED_EVENTS"));
    if (m_options.development)
        features.append(QStringLiteral("ALL_EVENTS"));
    return features;
}

QString AdminInstrumentation::checkConnect(const QJsonObject &auth) const
{
    if (!m_options.authenticate)
        return {};
    const QString sessionId = auth.value(QLatin1String("sessionId")).toString();
    if (!sessionId.isEmpty() && m_sessions.contains(sessionId))
        return {};
    return m_options.authenticate(auth.value(QLatin1String("username")).toString(),
                                  auth.value(QLatin1String("password")).toString());
}

void AdminInstrumentation::onAdminConnection(ServerSocket *socket)
{
    // The guard admitted it; a login by credentials (not by a known session) gets a session.
    const QString sessionId = socket->auth().value(QLatin1String("sessionId")).toString();
    if (m_options.authenticate && !m_sessions.contains(sessionId)) {
        const QString id = randomId();
        m_sessions.append(id);
        if (m_sessions.size() > kMaxSessions)
            m_sessions.removeFirst();
        socket->emitEvent(QStringLiteral("session"), {id});
    }
    connect(socket, &ServerSocket::eventReceived, this, &AdminInstrumentation::onCommand);
    if (m_options.development) {
        if (m_watchers++ == 0)
            hookAll();
        connect(socket, &ServerSocket::disconnected, this, [this] {
            if (--m_watchers == 0)
                unhookAll();
        });
    }
    socket->emitEvent(
        QStringLiteral("config"),
        {QJsonObject{{QStringLiteral("supportedFeatures"), QJsonArray::fromStringList(supportedFeatures())}}});
    if (m_options.development) {
        QJsonArray all;
        const auto namespaces = m_server->namespaces();
        for (const Namespace *nsp : namespaces) {
            const auto sockets = nsp->sockets();
            for (const ServerSocket *s : sockets)
                all.append(describe(s));
        }
        // One argument, the array (a braced QJsonArray{all} would copy it instead).
        QJsonArray args;
        args.append(all);
        socket->emitEvent(QStringLiteral("all_sockets"), args);
    }
    emitStats();
}

void AdminInstrumentation::watch(Namespace *nsp)
{
    m_watchedNamespaces.append(nsp);
    connect(nsp, &Namespace::connection, this, [this, nsp](ServerSocket *socket) { onSocketConnected(nsp, socket); });
    const QString name = nsp->name();
    connect(nsp->adapter(), &Adapter::roomJoined, this, [this, name](ServerSocket *socket, const QString &room) {
        if (watched())
            broadcastToAdmins(QStringLiteral("room_joined"), {name, room, socket->id(), now()});
    });
    connect(nsp->adapter(), &Adapter::roomLeft, this, [this, name](ServerSocket *socket, const QString &room) {
        if (watched())
            broadcastToAdmins(QStringLiteral("room_left"), {name, room, socket->id(), now()});
    });
}

void AdminInstrumentation::onSocketConnected(Namespace *nsp, ServerSocket *socket)
{
    if (m_watchers == 0)
        return;
    broadcastToAdmins(QStringLiteral("socket_connected"), {describe(socket), now()});
    hook(nsp, socket);
}

EngineSession *AdminInstrumentation::sessionOf(const ServerSocket *socket)
{
    return socket->client() ? socket->client()->session() : nullptr;
}

void AdminInstrumentation::hook(Namespace *nsp, ServerSocket *socket)
{
    if (m_hooked.contains(socket))
        return;
    m_hooked.insert(socket);
    const QString name = nsp->name();
    const QString id = socket->id();
    if (EngineSession *session = sessionOf(socket)) {
        connect(session, &EngineSession::upgraded, this, [this, name, id] {
            if (watched())
                broadcastToAdmins(QStringLiteral("socket_updated"),
                                  {QJsonObject{{QStringLiteral("id"), id},
                                               {QStringLiteral("nsp"), name},
                                               {QStringLiteral("transport"), QStringLiteral("websocket")}}});
        });
    }
    if (nsp != m_admin) {
        connect(socket, &ServerSocket::eventReceived, this, [this, name, id](const ServerEvent &event) {
            if (!watched())
                return;
            QJsonArray args = event.args();
            args.prepend(event.name());
            broadcastToAdmins(QStringLiteral("event_received"), {name, id, args, now()});
        });
        connect(socket, &ServerSocket::eventSent, this, [this, name, id](const QString &event, const QJsonArray &sent) {
            if (!watched())
                return;
            QJsonArray args = sent;
            args.prepend(event);
            broadcastToAdmins(QStringLiteral("event_sent"), {name, id, args, now()});
        });
    }
    connect(socket, &ServerSocket::disconnected, this, [this, name, id, socket](const QString &reason) {
        m_hooked.remove(socket);
        if (watched())
            broadcastToAdmins(QStringLiteral("socket_disconnected"), {name, id, reason, now()});
    });
}

void AdminInstrumentation::hookAll()
{
    for (Namespace *nsp : std::as_const(m_watchedNamespaces)) {
        if (!nsp)
            continue;
        const auto sockets = nsp->sockets();
        for (ServerSocket *socket : sockets)
            hook(nsp, socket);
    }
}

void AdminInstrumentation::unhookAll()
{
    for (Namespace *nsp : std::as_const(m_watchedNamespaces)) {
        if (!nsp || nsp == m_admin) // an admin socket still here keeps its command connection
            continue;
        const auto sockets = nsp->sockets();
        for (ServerSocket *socket : sockets) {
            disconnect(socket, nullptr, this, nullptr);
            if (EngineSession *session = sessionOf(socket))
                disconnect(session, &EngineSession::upgraded, this, nullptr);
        }
    }
    m_hooked.clear();
}

bool AdminInstrumentation::watched() const
{
    return m_admin->socketCount() > 0;
}

void AdminInstrumentation::broadcastToAdmins(const QString &event, const QJsonArray &args)
{
    m_admin->emitEvent(event, args);
}

QJsonObject AdminInstrumentation::describe(const ServerSocket *socket)
{
    const EngineSession *session = sessionOf(socket);
    QJsonObject handshake;
    if (session) {
        const EngineSession::Handshake h = session->handshake();
        QJsonObject headers;
        for (const auto &[name, value] : h.headerList())
            headers.insert(QString::fromLatin1(name), QString::fromUtf8(value));
        QJsonObject query;
        const QUrlQuery urlQuery(QUrl(h.url).query());
        const auto items = urlQuery.queryItems(QUrl::FullyDecoded);
        for (const auto &[key, value] : items)
            query.insert(key, value);
        QString address = headers.value(QLatin1String("x-forwarded-for")).toString();
        if (address.isEmpty())
            address = h.address;
        handshake = {
            {QStringLiteral("address"), address},
            {QStringLiteral("headers"), headers},
            {QStringLiteral("query"), query},
            {QStringLiteral("issued"), double(h.time)},
            {QStringLiteral("secure"), h.secure},
            {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(h.time).toString(Qt::RFC2822Date)},
            {QStringLiteral("url"), h.url},
            {QStringLiteral("xdomain"), headers.contains(QLatin1String("origin"))},
        };
    }
    QStringList rooms(socket->rooms().cbegin(), socket->rooms().cend());
    rooms.sort();
    return {
        {QStringLiteral("id"), socket->id()},
        {QStringLiteral("clientId"), session ? session->id().left(12) : QString()},
        {QStringLiteral("transport"), transportName(session)},
        {QStringLiteral("nsp"), socket->nsp() ? socket->nsp()->name() : QString()},
        {QStringLiteral("data"), QJsonObject()},
        {QStringLiteral("handshake"), handshake},
        {QStringLiteral("rooms"), QJsonArray::fromStringList(rooms)},
    };
}

void AdminInstrumentation::emitStats()
{
    if (!watched())
        return;
    QJsonArray namespaces;
    const auto all = m_server->namespaces();
    for (const Namespace *nsp : all)
        namespaces.append(QJsonObject{{QStringLiteral("name"), nsp->name()},
                                      {QStringLiteral("socketsCount"), double(nsp->socketCount())}});
    // Polling clients: the sessions still on long-polling, counted once per connection.
    int polling = 0;
    QSet<const ClientConnection *> seen;
    for (const Namespace *nsp : all) {
        const auto sockets = nsp->sockets();
        for (const ServerSocket *s : sockets) {
            const ClientConnection *client = s->client();
            if (client && !seen.contains(client)) {
                seen.insert(client);
                if (client->session() && client->session()->transport() == EngineSession::Transport::Polling)
                    ++polling;
            }
        }
    }
    // admin-ui's EventBuffer: counts per second and type; one bucket per interval is enough for
    // the UI's charts.
    QJsonArray aggregated;
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const auto second = double(nowMs - nowMs % 1000); // the current whole second, in ms
    if (m_rawConnections > 0)
        aggregated.append(QJsonObject{{QStringLiteral("timestamp"), second},
                                      {QStringLiteral("type"), QStringLiteral("rawConnection")},
                                      {QStringLiteral("count"), m_rawConnections}});
    for (auto it = m_rawDisconnections.cbegin(); it != m_rawDisconnections.cend(); ++it)
        aggregated.append(QJsonObject{{QStringLiteral("timestamp"), second},
                                      {QStringLiteral("type"), QStringLiteral("rawDisconnection")},
                                      {QStringLiteral("subType"), it.key()},
                                      {QStringLiteral("count"), it.value()}});
    m_rawConnections = 0;
    m_rawDisconnections.clear();
    m_admin->emitEvent(QStringLiteral("server_stats"),
                       {QJsonObject{
                           {QStringLiteral("serverId"), m_options.serverId},
                           {QStringLiteral("hostname"), QHostInfo::localHostName()},
                           {QStringLiteral("pid"), double(QCoreApplication::applicationPid())},
                           {QStringLiteral("uptime"), double(m_uptime.elapsed()) / 1000.0},
                           {QStringLiteral("clientsCount"), double(m_server->connectionCount())},
                           {QStringLiteral("pollingClientsCount"), polling},
                           {QStringLiteral("aggregatedEvents"), aggregated},
                           {QStringLiteral("namespaces"), namespaces},
                       }});
}

QList<QPointer<ServerSocket>> AdminInstrumentation::selected(Namespace *nsp, const QString &filter) const
{
    const QList<ServerSocket *> sockets = filter.isEmpty() ? nsp->sockets() : nsp->socketsIn(filter).values();
    // Guarded: a socket told to disconnect may take others of its connection with it.
    return {sockets.cbegin(), sockets.cend()};
}

void AdminInstrumentation::onCommand(const ServerEvent &event)
{
    if (m_options.readonly)
        return;
    const QString command = event.name();
    const QJsonArray args = event.args();
    // Commands name an existing namespace; of() would make one out of any string a client sends.
    Namespace *nsp = m_server->findNamespace(args.at(0).toString());
    if (!nsp)
        return;
    if (command == QLatin1String("emit")) {
        const QString filter = args.at(1).toString();
        const QString name = args.at(2).toString();
        if (name.isEmpty())
            return;
        Namespace::Target target;
        if (!filter.isEmpty())
            target.rooms = {filter};
        QJsonArray eventArgs;
        for (qsizetype i = 3; i < args.size(); ++i)
            eventArgs.append(args.at(i));
        nsp->broadcast(target, name, eventArgs);
    } else if (command == QLatin1String("join") || command == QLatin1String("leave")) {
        const QString room = args.at(1).toString();
        if (room.isEmpty())
            return;
        const auto sockets = selected(nsp, args.at(2).toString());
        for (const QPointer<ServerSocket> &s : sockets) {
            if (!s)
                continue;
            if (command == QLatin1String("join"))
                s->join(room);
            else
                s->leave(room);
        }
    } else if (command == QLatin1String("_disconnect")) {
        const bool close = args.at(1).toBool();
        const auto sockets = selected(nsp, args.at(2).toString());
        for (const QPointer<ServerSocket> &s : sockets) {
            if (s)
                s->disconnectSocket(close);
        }
    }
}

} // namespace caps
