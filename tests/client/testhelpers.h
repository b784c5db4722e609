#pragma once

// Small helpers shared by the client tests that talk to real servers.

#include "client/client.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

namespace clienttest {

inline caps::Client::Options fastOptions()
{
    caps::Client::Options o;
    o.reconnectionDelayMs = 50;
    o.reconnectionDelayMaxMs = 200;
    return o;
}

// How many `name` events a spy on Client::eventReceived has seen.
inline int countEvents(const QSignalSpy &spy, const QString &name)
{
    int n = 0;
    for (const QList<QVariant> &args : spy)
        n += args.at(0).toString() == name;
    return n;
}

// The arguments of the first `name` event.
inline QJsonArray argsOf(const QSignalSpy &spy, const QString &name)
{
    for (const QList<QVariant> &args : spy) {
        if (args.at(0).toString() == name)
            return args.at(1).toJsonArray();
    }
    return {};
}

inline QJsonObject placeholder(int num)
{
    return QJsonObject{{QStringLiteral("_placeholder"), true}, {QStringLiteral("num"), num}};
}

inline QJsonObject order(const QString &orderId)
{
    return QJsonObject{
        {QStringLiteral("store"), QStringLiteral("1-206-flowers")},
        {QStringLiteral("orderID"), orderId},
        {QStringLiteral("customer"), QStringLiteral("Jamal Braun")},
        {QStringLiteral("address"), QStringLiteral("Schmittfort, LA")},
    };
}

// A client that does not come back on its own after losing the hub: the test decides when.
inline caps::Client::Options manualOptions()
{
    caps::Client::Options o;
    o.reconnectionDelayMs = 3600 * 1000;
    o.reconnectionDelayMaxMs = 3600 * 1000;
    o.randomizationFactor = 0;
    return o;
}

// A vendor of store 1-206-flowers (joined on every connection) and a driver on one hub, with
// spies on every event each receives.
struct VendorAndDriver
{
    explicit VendorAndDriver(const QUrl &url, const caps::Client::Options &vendorOptions = {},
                             const caps::Client::Options &driverOptions = {})
        : vendor(url, vendorOptions)
        , driver(url, driverOptions)
        , vendorEvents(&vendor, &caps::Client::eventReceived)
        , driverEvents(&driver, &caps::Client::eventReceived)
    {
        vendor.joinRoom(QStringLiteral("1-206-flowers"));
    }

    // Starts both; true once both are connected.
    [[nodiscard]] bool connectBoth(int timeoutMs = 5000)
    {
        vendor.connectToHub();
        driver.connectToHub();
        return QTest::qWaitFor([this] { return vendor.isConnected() && driver.isConnected(); }, timeoutMs);
    }

    caps::Client vendor;
    caps::Client driver;
    QSignalSpy vendorEvents;
    QSignalSpy driverEvents;
};

inline QUrl localUrl(quint16 port, const QString &nsp)
{
    QUrl url(QStringLiteral("http://127.0.0.1"));
    url.setPort(port);
    url.setPath(nsp);
    return url;
}

} // namespace clienttest
