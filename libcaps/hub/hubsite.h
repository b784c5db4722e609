#pragma once

#include "server/staticsite.h"

#include <QString>

namespace caps {

class EventCatalogue;

// What caps-hub serves to browsers, all embedded at build time (Qt resources :/web):
//   /                          a form to type a customer's name or an order ID
//   /track?customer=NAME|order=ID   the tracking page (track.js, track.css)
//   /hub.json                  the hub's namespace and the steps a customer sees (EventCatalogue)
//   /socket.io/socket.io.min.js     socket.io-client's browser bundle, as Node's serveClient
//   /admin/                    the Socket.IO Admin UI (@socket.io/admin-ui's ui/dist), if asked
// The pages load nothing from elsewhere and run no inline script (their CSP says so).
class HubSite
{
public:
    struct Options
    {
        QString nsp = QStringLiteral("/caps"); // the hub's namespace, where the page connects
        bool adminUi = false;
    };

    explicit HubSite(const EventCatalogue &catalogue, const Options &options);

    [[nodiscard]] const StaticSite &site() const { return m_site; }
    bool handle(HttpConnection *connection) const { return m_site.handle(connection); }

    // What the tracking page reads: the namespace, and the events a tracker hears, each with
    // its label and the step (status) it brings.
    [[nodiscard]] static QByteArray configJson(const EventCatalogue &catalogue, const QString &nsp);

private:
    StaticSite m_site;
};

} // namespace caps
