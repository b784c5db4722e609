#include "hub/hubsite.h"

#include "catalogue/eventcatalogue.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace caps {

namespace {

// No inline script or style anywhere; the socket connects back to the hub only.
const QByteArray kPagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
// The Admin UI's Vue components set inline styles, and it may be pointed at another server
// (its connection form); its fonts and icons from CDNs are refused, it works without them.
const QByteArray kAdminPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                "img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss: http: "
                                "https:; base-uri 'none'; frame-ancestors 'none'";

} // namespace

QByteArray HubSite::configJson(const EventCatalogue &catalogue, const QString &nsp)
{
    QJsonArray events;
    for (const CapsEvent &e : catalogue.events()) {
        const bool heard = (e.openListeners | e.tokenListeners).testFlag(Listener::Trackers);
        if (!heard)
            continue;
        const bool onTheWay
            = e.changesStatus() && (e.to == OrderStatus::Delivered || catalogue.isPast(OrderStatus::Delivered, e.to));
        events.append(QJsonObject{
            {QStringLiteral("event"), e.name},
            {QStringLiteral("label"), QString::fromUtf8(e.label ? e.label : "")},
            // 1, 2, 3 ... along the order's way to its delivery; 0 for an event off that way
            // (one that moves no status, or a branch such as `cancel`).
            {QStringLiteral("step"), onTheWay ? int(e.to) : 0},
            // It ends the order's life (delivered, cancelled): the page shows it as the outcome.
            {QStringLiteral("final"), e.changesStatus() && catalogue.isFinal(e.to)},
        });
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("namespace"), nsp}, {QStringLiteral("events"), events}})
        .toJson(QJsonDocument::Compact);
}

HubSite::HubSite(const EventCatalogue &catalogue, const Options &options)
{
    StaticSite::Policy page;
    page.contentSecurityPolicy = kPagePolicy;
    m_site.addFile(QStringLiteral("/"), QStringLiteral(":/web/site/index.html"), page);
    m_site.addFile(QStringLiteral("/track"), QStringLiteral(":/web/site/track.html"), page);
    m_site.addFile(QStringLiteral("/track.js"), QStringLiteral(":/web/site/track.js"), page);
    m_site.addFile(QStringLiteral("/caps.css"), QStringLiteral(":/web/site/caps.css"), page);
    m_site.addFile(QStringLiteral("/favicon.svg"), QStringLiteral(":/web/site/favicon.svg"), page);
    m_site.addContent(QStringLiteral("/hub.json"), configJson(catalogue, options.nsp), "application/json", page);
    m_site.addFile(QStringLiteral("/socket.io/socket.io.min.js"), QStringLiteral(":/web/socket.io.min.js"), page);
    if (options.adminUi) {
        StaticSite::Policy admin;
        admin.contentSecurityPolicy = kAdminPolicy;
        m_site.addDirectory(QStringLiteral("/admin/"), QStringLiteral(":/web/admin"), admin);
    }
}

} // namespace caps
