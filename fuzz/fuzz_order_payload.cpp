// CAPS payload validation and the access policy on arbitrary JSON, for every role.

#include "fuzzcheck.h"
#include "security/accesspolicy.h"
#include "security/validation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>

namespace {

bool clean(const QString &s, int max)
{
    if (s.isEmpty() || s.size() > max)
        return false;
    for (QChar c : s) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return false;
    }
    return true;
}

const caps::AccessPolicy &policy()
{
    static const caps::AccessPolicy p = [] {
        QJsonArray list;
        for (const char *role : {"vendor", "driver", "customer", "admin"}) {
            QJsonObject o{{"sha256", QString::fromLatin1(caps::TokenStore::hashHex(QString::fromLatin1(role)))},
                          {"role", role}};
            if (QByteArrayView(role) == "vendor")
                o.insert("store", "1-206-flowers");
            list.append(o);
        }
        return caps::AccessPolicy(*caps::TokenStore::fromJson(QJsonDocument(QJsonObject{{"tokens", list}}).toJson()));
    }();
    return p;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // Wrapped in an array so that scalars are values too, as the Socket.IO decoder reads them.
    QByteArray json("[");
    json.append(reinterpret_cast<const char *>(data), qsizetype(size));
    json.append(']');
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    if (!doc.isArray())
        return 0;
    const QJsonArray args = doc.array();
    const QJsonValue first = args.isEmpty() ? QJsonValue(QJsonValue::Undefined) : args.first();
    const caps::SecurityLimits limits;

    if (const auto order = caps::validateOrderPayload(first, limits)) {
        CAPS_FUZZ_CHECK(clean(order->store, limits.maxStoreLength));
        CAPS_FUZZ_CHECK(clean(order->orderId, limits.maxOrderIdLength));
        CAPS_FUZZ_CHECK(clean(order->customer, limits.maxCustomerLength));
        CAPS_FUZZ_CHECK(clean(order->address, limits.maxAddressLength));
    }
    if (const auto room = caps::validateJoinArgument(first, limits))
        CAPS_FUZZ_CHECK(clean(*room, limits.maxRoomNameLength));
    if (const auto target = caps::validateTrackRequest(first, limits))
        CAPS_FUZZ_CHECK(target->room().startsWith(QLatin1String("order:"))
                        || target->room().startsWith(QLatin1String("customer:")));

    // Lab rules (open mode): strings within bounds, anything else goes.
    if (const auto order = caps::validateOrderPayload(first, limits, caps::PayloadRules::Lab)) {
        CAPS_FUZZ_CHECK(order->store.size() <= limits.maxStoreLength);
        CAPS_FUZZ_CHECK(order->orderId.size() <= limits.maxOrderIdLength);
    }
    (void)caps::validateJoinArgument(first, limits, caps::PayloadRules::Lab);
    (void)caps::validateTrackRequest(first, limits, caps::PayloadRules::Lab);

    static const QStringList events{"pickup", "in-transit", "delivered", "join", "track", "untrack", "other"};
    static const caps::AccessPolicy open;
    for (const QString &event : events) {
        const caps::Decision d = open.checkEvent(std::nullopt, event, args);
        CAPS_FUZZ_CHECK(d.allowed || !d.error.isEmpty());
    }
    for (const char *token : {"vendor", "driver", "customer", "admin"}) {
        const auto principal = policy().authenticate(QJsonObject{{"token", QString::fromLatin1(token)}});
        CAPS_FUZZ_CHECK(principal.ok());
        for (const QString &event : events) {
            const caps::Decision d = policy().checkEvent(*principal, event, args);
            CAPS_FUZZ_CHECK(d.allowed || !d.error.isEmpty());
            // Nobody but its vendor (and admin) gets a pickup through for 1-206-flowers' rival.
            if (d.allowed && event == u"pickup" && QByteArrayView(token) != "admin")
                CAPS_FUZZ_CHECK(first.toObject().value(QLatin1String("store")).toString() == u"1-206-flowers");
        }
    }
    return 0;
}
