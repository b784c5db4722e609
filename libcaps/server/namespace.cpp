#include "server/namespace.h"

#include "core/logging.h"
#include "server/inmemoryadapter.h"
#include "server/serversocket.h"

#include <QRandomGenerator>

namespace caps {

namespace {

QString randomId()
{
    QByteArray bytes(15, Qt::Uninitialized);
    for (char &c : bytes)
        c = char(QRandomGenerator::system()->bounded(256));
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

Namespace::Namespace(const QString &name, std::unique_ptr<Adapter> adapter, QObject *parent)
    : QObject(parent)
    , m_name(name)
    , m_adapter(adapter ? std::move(adapter) : std::make_unique<InMemoryAdapter>())
{ }

Namespace::~Namespace() = default;

QSet<ServerSocket *> Namespace::socketsIn(const QString &room) const
{
    return m_adapter->sockets(room);
}

void Namespace::emitEvent(const QString &event, const QJsonArray &args, const QList<QByteArray> &attachments)
{
    broadcast({}, event, args, attachments);
}

void Namespace::broadcast(const Target &target, const QString &event, const QJsonArray &args,
                          const QList<QByteArray> &attachments)
{
    broadcast(QList<Target>{target}, sio::Packet::event(m_name, event, args, -1, attachments));
}

void Namespace::broadcast(const QList<Target> &targets, sio::Packet packet)
{
    packet.nsp = m_name;
    QList<BroadcastTarget> rooms;
    rooms.reserve(targets.size());
    for (const Target &target : targets) {
        BroadcastTarget t{target.rooms, target.exceptRooms};
        // Every socket is in the room of its own id: that is how a spared one is named anywhere.
        for (const ServerSocket *s : target.exceptSockets)
            t.exceptRooms.append(s->id());
        rooms.append(std::move(t));
    }
    m_adapter->broadcast(std::move(packet), rooms);
}

QString Namespace::checkConnect(const QJsonObject &auth) const
{
    return m_connectGuard ? m_connectGuard(auth) : QString();
}

Namespace::Admission Namespace::admit(const QJsonObject &auth, const QString &id)
{
    Admission admission;
    admission.refusal = checkConnect(auth);
    if (!admission.refusal.isEmpty())
        return admission;
    admission.socket.auth = auth;
    if (!id.isEmpty()) {
        admission.socket.id = id;
        return admission;
    }
    // A pid and offsets only for a client that says it takes them (RecoveryLog::isRequestedBy).
    if (m_adapter->hasRecovery() && RecoveryLog::isRequestedBy(auth)) {
        if (auth.contains(QLatin1String("pid"))) {
            admission.restored = m_adapter->restoreSession(auth, &admission.socket.previousId);
            // The old socket may not be gone yet (this client noticed the drop before we did).
            if (admission.restored && m_sockets.contains(admission.restored->session.sid))
                admission.restored.reset();
            if (admission.restored)
                admission.socket.previousId.clear(); // it is that socket again
        }
        admission.socket.pid = admission.restored ? admission.restored->session.pid : randomId();
    }
    admission.socket.recovered = admission.restored.has_value();
    admission.socket.id = admission.restored ? admission.restored->session.sid : randomId();
    return admission;
}

void Namespace::accept(ServerSocket *socket, const Admission &admission)
{
    m_sockets.insert(socket->id(), socket);
    if (admission.restored) {
        qCDebug(lcServer) << socket->id() << "recovered with" << admission.restored->missed.size() << "missed events";
        m_adapter->resume(socket, *admission.restored);
    } else {
        m_adapter->addAll(socket, {socket->id()});
    }
    emit connection(socket);
}

void Namespace::remove(ServerSocket *socket)
{
    if (m_sockets.value(socket->id()) != socket)
        return;
    m_sockets.remove(socket->id());
    m_adapter->delAll(socket);
}

} // namespace caps
