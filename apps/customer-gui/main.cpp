#include "agents/customeragent.h"
#include "agents/customerconsole.h"
#include "agents/hubwatchdog.h"
#include "agents/programoptions.h"
#include "client/client.h"
#include "security/tlsconfig.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSettings>

#ifdef CAPS_WITH_GUI
#include "customerwindow.h"
#include "widgets/appicon.h"

#include <QApplication>
#endif

#include <cstdio>
#include <memory>

namespace {
const char *const Program = "caps-customer";

int fail(const QString &message)
{
    return caps::ProgramOptions::fail(Program, message);
}
} // namespace

int main(int argc, char *argv[])
{
    const bool headless = caps::ProgramOptions::isHeadless(argc, argv);
    std::unique_ptr<QCoreApplication> app;
#ifdef CAPS_WITH_GUI
    if (!headless)
        app = std::make_unique<QApplication>(argc, argv);
#endif
    if (!app)
        app = std::make_unique<QCoreApplication>(argc, argv);
    caps::ProgramOptions::setApplicationInfo(Program, CAPS_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "CAPS customer: tracks orders."));
    parser.addHelpOption();
    parser.addVersionOption();
    caps::ProgramOptions::addCommonOptions(parser);
    caps::addClientTlsOptions(parser);
    parser.addOption({QStringLiteral("track"),
                      QCoreApplication::translate("main", "Track this order id (may be repeated)."),
                      QCoreApplication::translate("main", "ORDER")});
    parser.addOption({QStringLiteral("customer"),
                      QCoreApplication::translate("main", "Track every order of this customer."),
                      QCoreApplication::translate("main", "NAME")});
    parser.addOption({QStringLiteral("until-delivered"),
                      QCoreApplication::translate("main", "Headless: exit 0 once every --track order is delivered.")});
    parser.process(*app);

    if (const auto ca = caps::applyClientTlsOptions(parser); !ca)
        return fail(ca.error());
    const QString token = caps::ProgramOptions::token(parser);
    const QSettings settings;
    const QUrl hub = caps::ProgramOptions::hubUrl(parser, settings);
    if (!hub.isValid() || hub.host().isEmpty())
        return fail(QCoreApplication::translate("main", "invalid hub URL %1").arg(parser.value(QStringLiteral("hub"))));
    const int timeout = caps::ProgramOptions::intOption(parser, QStringLiteral("connect-timeout"), 0);
    if (timeout < 0)
        return fail(QCoreApplication::translate("main", "--connect-timeout needs a number of milliseconds"));

    if (headless) {
        const QStringList orderIds = parser.values(QStringLiteral("track"));
        const QString customer = parser.value(QStringLiteral("customer")).trimmed();
        if (orderIds.isEmpty() && customer.isEmpty())
            return fail(QCoreApplication::translate("main", "--headless needs --track ORDER or --customer NAME"));
        if (parser.isSet(QStringLiteral("until-delivered")) && orderIds.isEmpty())
            return fail(QCoreApplication::translate("main", "--until-delivered needs --track ORDER"));

        caps::Client client(hub);
        caps::ProgramOptions::applyToken(client, token);
        caps::CustomerAgent agent(&client);
        caps::HubWatchdog watchdog(&client, QString::fromLatin1(Program), timeout);
        caps::CustomerConsole console(&agent);
        console.setExitWhenDelivered(parser.isSet(QStringLiteral("until-delivered")));
        for (const QString &id : orderIds)
            agent.trackOrder(id);
        if (!customer.isEmpty())
            agent.trackCustomer(customer);
        QObject::connect(&watchdog, &caps::HubWatchdog::gaveUp, app.get(), &QCoreApplication::exit);
        QObject::connect(&console, &caps::CustomerConsole::finished, app.get(), &QCoreApplication::exit);
        client.connectToHub();
        return app->exec();
    }

#ifdef CAPS_WITH_GUI
    QGuiApplication::setApplicationDisplayName(QCoreApplication::translate("main", "CAPS Customer"));
    QGuiApplication::setDesktopFileName(QString::fromLatin1(Program));
    QApplication::setWindowIcon(caps::AppIcon::forProgram(QString::fromLatin1(Program)));
    const QString customer = caps::ProgramOptions::stringOption(parser, QStringLiteral("customer"), settings,
                                                                QStringLiteral("customer/name"));
    QStringList orderIds = settings.value(QStringLiteral("customer/trackedOrders")).toStringList();
    orderIds.append(parser.values(QStringLiteral("track")));
    orderIds.removeDuplicates();
    caps::CapsMainWindow::setDefaultToken(token);
    CustomerWindow window(hub, customer, orderIds);
    window.show();
    return app->exec();
#else
    return fail(QCoreApplication::translate("main", "built without windows: use --headless"));
#endif
}
