#pragma once

// Who may connect and what each connection may do.
//
// Open mode (no token file): everyone may connect and do everything but send the hub's own
// events; the hub then listens on loopback only unless --insecure (see bindpolicy.h). Token mode:
// CONNECT needs a known token in its auth data ({ token: "..." }, socket.io-client's `auth`
// option) and each role may:
//   vendor    join its own store's room; emit the catalogue's vendor events (pickup) for its own store
//   driver    emit the catalogue's driver events (in-transit and delivered)
//   customer  emit track and untrack (only its own name, when the token binds one)
//   admin     everything a client may send
// Who sends which CAPS event is the event catalogue's (CapsEvent::senders).
// Validation applies in both modes: PayloadRules::Lab in open mode (bounds only, as lab
// clients send anything the Node hub takes), PayloadRules::Strict in token mode.

#include "catalogue/eventcatalogue.h"
#include "core/result.h"
#include "security/decision.h"
#include "security/principal.h"
#include "security/securitylimits.h"
#include "security/tokenstore.h"
#include "security/validation.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace caps {

class AccessPolicy
{
public:
    // CONNECT_ERROR messages.
    static inline const QString kAuthenticationRequired = QStringLiteral("Authentication required");
    static inline const QString kInvalidToken = QStringLiteral("Invalid token");

    // Open mode.
    AccessPolicy() = default;
    // Token mode, even with an empty store (then nobody gets in).
    explicit AccessPolicy(TokenStore tokens, SecurityLimits limits = {});

    [[nodiscard]] bool isOpen() const { return !m_tokens.has_value(); }
    [[nodiscard]] const SecurityLimits &limits() const { return m_limits; }
    void setLimits(const SecurityLimits &limits) { m_limits = limits; }
    [[nodiscard]] PayloadRules payloadRules() const { return m_rules; }
    void setPayloadRules(PayloadRules rules) { m_rules = rules; }
    // The CAPS events checked (the standard catalogue unless set; not owned, must outlive this).
    [[nodiscard]] const EventCatalogue &catalogue() const { return *m_catalogue; }
    void setCatalogue(const EventCatalogue *catalogue) { m_catalogue = catalogue; }

    // Checks a CONNECT. `auth` is the CONNECT packet's data (Undefined when it has none).
    // Token mode: the principal, or an error to send as CONNECT_ERROR. Open mode: always an
    // empty optional (anonymous, with every right).
    [[nodiscard]] Result<std::optional<Principal>> authenticate(const QJsonValue &auth) const;
    // The Socket.IO Admin UI's login (its basic auth): `password` is an admin token and
    // `username` the name its token file entry gives (any, when the entry has none). Empty when
    // admitted, else the refusal. Token mode only: open mode has no admins.
    [[nodiscard]] QString checkAdminLogin(const QString &username, const QString &password) const;

    // The one check per incoming event: event name, payload shape for the CAPS events (pickup,
    // in-transit, delivered, join, track, untrack) and then the role's rights. Events that
    // are not CAPS events pass in open mode and for admins only.
    [[nodiscard]] Decision checkEvent(const std::optional<Principal> &principal, const QString &event,
                                      const QJsonArray &args) const;

    // Rights only (no shape checks): may this principal emit this event with these arguments?
    [[nodiscard]] Decision mayEmit(const std::optional<Principal> &principal, const QString &event,
                                   const QJsonArray &args) const;
    [[nodiscard]] Decision mayJoin(const std::optional<Principal> &principal, const QString &room) const;
    [[nodiscard]] Decision mayTrack(const std::optional<Principal> &principal, const QJsonValue &argument) const;
    // Phase 3: may this principal read (getAll) or acknowledge (received) queue `queueId`, for
    // messages of `event` ("" = every event)? Vendors their store's queue, drivers the drivers'
    // queues, customers none.
    [[nodiscard]] Decision mayUseQueue(const std::optional<Principal> &principal, const QString &queueId,
                                       const QString &event) const;

private:
    // "pickup", "in-transit and delivered": the catalogue's events that `sender` may send.
    [[nodiscard]] QString eventsSentBy(Sender sender, const QStringList &requests = {}) const;

    std::optional<TokenStore> m_tokens;
    const EventCatalogue *m_catalogue = &EventCatalogue::standard();
    SecurityLimits m_limits;
    PayloadRules m_rules = PayloadRules::Lab;
};

} // namespace caps
