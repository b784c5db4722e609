// Who hears what (docs/security.md): for each role, each CAPS event and each path that sends
// events to others (the live relay, connection state recovery, the Phase 3 backlog and the
// `track` answer), who receives it, in token mode and in open mode, through an in-process hub
// with a queue and recovery. And caps::Audience's two faces, rooms and mayHear(), agree.

#include "audiencetable.h"
#include "testsioclient.h"

#include "queue/memorymessagestore.h"
#include "queue/messagequeue.h"
#include "security/accesspolicy.h"
#include "security/audience.h"
#include "security/tokenstore.h"
#include "hub/capshub.h"
#include "server/namespace.h"
#include "server/server.h"

#include <QJsonDocument>
#include <QTest>

#include <memory>
#include <vector>

using namespace caps;

Q_DECLARE_METATYPE(caps::Principal)

using namespace audiencetable;

namespace {

struct Peer
{
    QString name;
    Principal principal;
    bool tracks = false;
    QString token;
    std::unique_ptr<SioClient> client;
};

// A harmless emit every role may make or is refused with an answer: once its answer is back,
// everything the hub had sent this peer before has arrived.
bool roundTrip(SioClient &client)
{
    return client.waitAck(client.emitWithAck("untrack", {QJsonObject{{"orderID", "sentinel"}}})).has_value();
}

bool answeredOk(const std::optional<QJsonArray> &ack)
{
    return ack && ack->first().toObject().value("ok").toBool();
}

} // namespace

class TestAudience : public QObject
{
    Q_OBJECT

private:
    struct Hub
    {
        explicit Hub(const ServerOptions &options)
            : server(options)
        { }
        Server server;
        MemoryMessageStore store;
        MessageQueue queue{store};
        std::unique_ptr<CapsHub> hub;
        Namespace *nsp = nullptr;
    };

    std::vector<Peer> m_peers;
    Peer m_senderVendor;
    Peer m_senderDriver;
    std::unique_ptr<Hub> m_hub;
    bool m_tokens = false;
    QString m_error; // why a peer could not do its part
    QHash<QString, QHash<QString, QStringList>> m_runs; // "<tokens> <path>" -> peer -> events heard

    static Peer peer(const PeerSpec &spec)
    {
        return Peer{spec.name, spec.principal, spec.tracks, TokenStore::generateToken(), nullptr};
    }

    bool startHub(bool tokens)
    {
        m_tokens = tokens;
        m_error.clear();
        m_peers.clear();
        for (const PeerSpec &spec : audiencetable::receivers(tokens))
            m_peers.push_back(peer(spec));
        m_senderVendor = peer(sendingVendor());
        m_senderDriver = peer(sendingDriver());

        ServerOptions options;
        options.recoveryWindow = 60000;
        m_hub = std::make_unique<Hub>(options);
        CapsHub::Options hubOptions;
        hubOptions.queue = &m_hub->queue;
        if (tokens) {
            QJsonArray entries;
            for (const Peer &p : std::as_const(m_peers))
                entries.append(TokenStore::entry(p.token, p.principal));
            entries.append(TokenStore::entry(m_senderVendor.token, m_senderVendor.principal));
            entries.append(TokenStore::entry(m_senderDriver.token, m_senderDriver.principal));
            auto store = TokenStore::fromJson(QJsonDocument(QJsonObject{{"tokens", entries}}).toJson());
            if (!store)
                return false;
            hubOptions.policy = AccessPolicy(std::move(store).value());
        }
        m_hub->nsp = m_hub->server.of(QStringLiteral("/caps"));
        const AccessPolicy policy = hubOptions.policy;
        m_hub->nsp->setConnectGuard([policy](const QJsonObject &auth) {
            const auto principal = policy.authenticate(auth);
            return principal ? QString() : principal.error();
        });
        m_hub->hub = std::make_unique<CapsHub>(m_hub->nsp, hubOptions);
        return m_hub->server.listen(QHostAddress::LocalHost, 0);
    }

    [[nodiscard]] QJsonObject authOf(const Peer &p) const
    {
        return m_tokens ? QJsonObject{{"token", p.token}} : QJsonObject{};
    }

    bool connectPeer(Peer &p, QJsonObject auth = {})
    {
        const QJsonObject token = authOf(p);
        for (auto it = token.begin(); it != token.end(); ++it)
            auth.insert(it.key(), it.value());
        // Every peer asks for connection state recovery, so that the recovery rows test who
        // hears what, not who asked (RecoveryLog::isRequestedBy()).
        auth.insert(QStringLiteral("recovery"), true);
        // And for the hub's notices, as the Qt driver does: the rows say who may hear them.
        auth.insert(QStringLiteral("notices"), QJsonArray{QStringLiteral("taken")});
        p.client = std::make_unique<SioClient>(m_hub->server.serverPort(), auth);
        if (p.client->waitJoined())
            return true;
        m_error = QStringLiteral("%1 could not connect: %2").arg(p.name, p.client->connectError());
        return false;
    }

    // What each peer does before the orders come: vendors join their store's room (and, for the
    // backlog, ask for pickups under their store's name, which the queue then keeps for them);
    // customers track.
    bool setUp(Peer &p, const QString &path)
    {
        SioClient &c = *p.client;
        if (p.principal.role == Role::Vendor) {
            c.emitEvent("join", {p.principal.store});
            if (path == kGetAll
                && !c.waitAck(
                    c.emitWithAck("getAll", {QJsonObject{{"clientId", p.principal.store}, {"event", "pickup"}}})))
                return false;
        }
        if (p.tracks) {
            if (!answeredOk(c.waitAck(c.emitWithAck("track", {QJsonObject{{"customer", p.principal.customer}}}))))
                return false;
            // The other customer tries Bob's order too: its token may track any order ID.
            if (!answeredOk(c.waitAck(c.emitWithAck("track", {QJsonObject{{"orderID", kOrderId}}}))))
                return false;
        }
        return roundTrip(c);
    }

    // Gone from the hub's namespace, cleanly (getAll: no session is kept) or not (recovery).
    bool drop(Peer &p, bool cleanly)
    {
        const QString sid = p.client->connectData().value("sid").toString();
        if (cleanly)
            p.client->socket().close();
        else
            p.client->socket().abort();
        return QTest::qWaitFor([&] { return m_hub->nsp->socket(sid) == nullptr; }, 5000);
    }

    // Bob's order through its steps, up to `lastStep`.
    bool sendOrder(const QString &lastStep)
    {
        for (Peer *sender : {&m_senderVendor, &m_senderDriver}) {
            if (!connectPeer(*sender))
                return false;
        }
        SioClient &vendor = *m_senderVendor.client;
        SioClient &driver = *m_senderDriver.client;
        if (!answeredOk(vendor.waitAck(vendor.emitWithAck("pickup", {bobsOrder()}))))
            return false;
        for (const char *step : {"in-transit", "delivered"}) {
            if (lastStep == QLatin1String("pickup"))
                return true;
            if (!answeredOk(driver.waitAck(driver.emitWithAck(QLatin1String(step), {bobsOrder()}))))
                return false;
            if (lastStep == QLatin1String(step))
                return true;
        }
        return true;
    }

    // After the orders: what the peer does on `path`, and then the events of Bob's order it got.
    QStringList heardBy(Peer &p, const QString &path)
    {
        if (path == kRecovery) {
            const QString pid = p.client->connectData().value("pid").toString();
            QJsonObject auth{{"pid", pid}};
            if (!p.client->events().isEmpty())
                auth.insert("offset", p.client->events().constLast().args.last());
            if (!connectPeer(p, auth))
                return {};
            // Not a fresh session: what arrives was kept for it while it was away.
            if (p.client->connectData().value("pid").toString() != pid) {
                m_error = p.name + QStringLiteral(" got a fresh session instead of its own");
                return {};
            }
        } else if (path == kGetAll) {
            if (!connectPeer(p))
                return {};
            QStringList queues;
            if (p.principal.role == Role::Vendor)
                queues = {p.principal.store};
            else if (p.principal.role == Role::Driver)
                queues = {MessageQueue::kDriverQueue};
            else
                queues = {MessageQueue::kDriverQueue, kStore}; // customers are refused in token mode
            for (const QString &queue : std::as_const(queues)) {
                if (!p.client->waitAck(p.client->emitWithAck("getAll", {QJsonObject{{"clientId", queue}}}))) {
                    m_error = p.name + QStringLiteral(": no answer to getAll");
                    return {};
                }
            }
        } else if (path == kTrack) {
            if (!connectPeer(p))
                return {};
            const auto ack = p.client->waitAck(p.client->emitWithAck("track", {QJsonObject{{"orderID", kOrderId}}}));
            if (!ack)
                m_error = p.name + QStringLiteral(": no answer to track");
            QStringList heard;
            const QJsonArray orders = ack ? ack->first().toObject().value("orders").toArray() : QJsonArray();
            for (const QJsonValue o : orders) {
                const QJsonObject entry = o.toObject();
                if (entry.value(QLatin1String("payload")).toObject().value(QLatin1String("orderID")).toString()
                    == kOrderId)
                    heard.append(entry.value(QLatin1String("event")).toString());
            }
            return heard;
        }
        if (!roundTrip(*p.client)) {
            m_error = p.name + QStringLiteral(": no answer to the round trip");
            return {};
        }
        QStringList heard;
        for (const char *event : {"pickup", "in-transit", "delivered", "taken"}) {
            if (p.client->findOrderEvent(QLatin1String(event), kOrderId))
                heard.append(QLatin1String(event));
        }
        return heard;
    }

    // Runs the scenario of `path` in one mode: peer name -> the events of Bob's order it got.
    bool run(bool tokens, const QString &path, const QString &lastStep, QHash<QString, QStringList> *heard)
    {
        if (!startHub(tokens)) {
            m_error = QStringLiteral("the hub did not start");
            return false;
        }
        for (Peer &p : m_peers) {
            if (!connectPeer(p) || !setUp(p, path)) {
                m_error = p.name + QStringLiteral(": set-up failed ") + m_error;
                return false;
            }
        }
        if (path == kRecovery || path == kGetAll) {
            for (Peer &p : m_peers) {
                if (!drop(p, path == kGetAll)) {
                    m_error = p.name + QStringLiteral(" is still connected");
                    return false;
                }
            }
        }
        if (!sendOrder(lastStep)) {
            m_error = QStringLiteral("the order was not accepted");
            return false;
        }
        for (Peer &p : m_peers) {
            heard->insert(p.name, heardBy(p, path));
            if (!m_error.isEmpty())
                return false;
        }
        return true;
    }

private Q_SLOTS:
    void whoHears_data()
    {
        QTest::addColumn<bool>("tokens");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("event");
        QTest::addColumn<QStringList>("hearers");
        for (const Row &row : rows()) {
            QTest::addRow("%s, %s, %s", row.tokens ? "tokens" : "open", qPrintable(row.path), qPrintable(row.event))
                << row.tokens << row.path << row.event << row.hearers;
        }
    }

    void whoHears()
    {
        QFETCH(bool, tokens);
        QFETCH(QString, path);
        QFETCH(QString, event);
        QFETCH(QStringList, hearers);

        // One run per mode and path; its rows check one event each. The backlog follows the
        // lifecycle (a taken order leaves the drivers' queues, a delivered one its in-transit),
        // so for getAll the order goes only as far as the row's event.
        const QString last = lastStep(path, event);
        const QString key = QStringLiteral("%1 %2 %3").arg(tokens).arg(path, last);
        if (!m_runs.contains(key)) {
            QHash<QString, QStringList> heard;
            QVERIFY2(run(tokens, path, last, &heard), qPrintable(m_error));
            m_runs.insert(key, heard);
        }
        const QHash<QString, QStringList> &heard = m_runs[key];
        QStringList got;
        for (const PeerSpec &spec : audiencetable::receivers(tokens)) {
            if (heard.value(spec.name).contains(event))
                got.append(spec.name);
        }
        QVERIFY2(got == hearers,
                 qPrintable(QStringLiteral("heard by: %1; expected: %2")
                                .arg(got.join(QLatin1String(", ")), hearers.join(QLatin1String(", ")))));
    }

    // The rooms a principal is in (its role's, its store's, what it tracks) reach an event
    // exactly when mayHear() says it may hear it: the relay and the backlog follow one rule.
    void roomsAgreeWithMayHear_data()
    {
        QTest::addColumn<Principal>("principal");
        const QList<QPair<const char *, Principal>> principals{
            {"vendor of the store", Principal{Role::Vendor, kStore, {}, {}}},
            {"vendor of another store", Principal{Role::Vendor, kOtherStore, {}, {}}},
            {"driver", Principal{Role::Driver, {}, {}, {}}},
            {"customer of the order", Principal{Role::Customer, {}, kBob, {}}},
            {"other customer", Principal{Role::Customer, {}, QStringLiteral("Ada Lovelace"), {}}},
            {"customer token for anyone", Principal{Role::Customer, {}, {}, {}}},
            {"admin", Principal{Role::Admin, {}, {}, {}}},
        };
        for (const auto &[name, principal] : principals)
            QTest::addRow("%s", name) << principal;
    }

    void roomsAgreeWithMayHear()
    {
        QFETCH(Principal, principal);
        const Audience audience(Audience::Mode::Tokens);
        QSet<QString> rooms;
        for (const QString &room : audience.roleRooms(principal))
            rooms.insert(room);
        // Every principal asks for every notice; it gets the rooms of those it may hear.
        QJsonArray notices;
        for (const CapsEvent &rule : audience.catalogue().events())
            notices.append(rule.name);
        for (const QString &room : audience.noticeRooms(principal, notices))
            rooms.insert(room);
        if (principal.role == Role::Vendor)
            rooms.insert(principal.store);
        if (principal.role == Role::Customer || principal.role == Role::Admin) {
            // Everything it may track: Bob's order by its ID, and its own name (or Bob's).
            const QString name = principal.customer.isEmpty() ? kBob : principal.customer;
            for (const QString &room : audience.trackRooms(principal, kOrderId, name))
                rooms.insert(room);
        }
        QVERIFY(!audience.catalogue().events().isEmpty());
        for (const CapsEvent &rule : audience.catalogue().events()) {
            const Audience::Subject subject{rule.name, kStore, kOrderId, kBob};
            bool reached = false;
            for (const Audience::Clause &clause : audience.clauses(subject)) {
                const bool in = std::any_of(clause.rooms.cbegin(), clause.rooms.cend(),
                                            [&](const QString &r) { return rooms.contains(r); });
                const bool out = std::any_of(clause.exceptRooms.cbegin(), clause.exceptRooms.cend(),
                                             [&](const QString &r) { return rooms.contains(r); });
                reached = reached || (in && !out);
            }
            QVERIFY2(reached == audience.mayHear(principal, subject), qPrintable(rule.name));
        }
    }

    void reservedRoomsAreNoStores_data()
    {
        QTest::addColumn<QString>("store");
        QTest::addColumn<bool>("reserved");
        QTest::addRow("a store") << "1-206-flowers" << false;
        QTest::addRow("customers") << "customers" << true;
        QTest::addRow("drivers' room") << Audience::roleRoom(Role::Driver) << true;
        QTest::addRow("admins' room") << Audience::roleRoom(Role::Admin) << true;
        QTest::addRow("an order's room") << Audience::orderRoom("o-1") << true;
        QTest::addRow("a customer's room") << Audience::customerRoom(kBob) << true;
        QTest::addRow("a bound customer's order room") << Audience::customerOrderRoom("o-1", kBob) << true;
        QTest::addRow("a notice's room") << Audience::noticeRoom(QStringLiteral("taken")) << true;
    }

    void reservedRoomsAreNoStores()
    {
        QFETCH(QString, store);
        QFETCH(bool, reserved);
        QCOMPARE(Audience::isReservedRoom(store), reserved);
        const QJsonObject entry
            = TokenStore::entry(TokenStore::generateToken(), Principal{Role::Vendor, store, {}, {}});
        const auto tokens = TokenStore::fromJson(QJsonDocument(QJsonObject{{"tokens", QJsonArray{entry}}}).toJson());
        QCOMPARE(bool(tokens), !reserved);
        if (reserved)
            QVERIFY2(tokens.error().contains("is a room of the hub's own"), qPrintable(tokens.error()));
    }

    void customerOrderRoomsAreDistinct()
    {
        // "a/b" + "c" and "a" + "b/c" must not share a room, whatever the separator.
        QVERIFY(Audience::customerOrderRoom("o-1/x", "Bob") != Audience::customerOrderRoom("o-1", "x/Bob"));
        QVERIFY(Audience::customerOrderRoom("o-1\",\"x", "Bob") != Audience::customerOrderRoom("o-1", "x\",\"Bob"));
    }
};

QTEST_GUILESS_MAIN(TestAudience)
#include "tst_audience.moc"
