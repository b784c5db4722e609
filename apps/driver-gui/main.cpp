#include "agents/driveragent.h"
#include "agents/driverconsole.h"
#include "agents/hubwatchdog.h"
#include "agents/programoptions.h"
#include "client/client.h"
#include "security/tlsconfig.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSettings>

#ifdef CAPS_WITH_GUI
#include "driverwindow.h"
#include "widgets/appicon.h"

#include <QApplication>
#endif

#include <cstdio>
#include <memory>

namespace {
const char *const Program = "caps-driver";

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
    parser.setApplicationDescription(QCoreApplication::translate("main", "CAPS driver: picks up and delivers orders."));
    parser.addHelpOption();
    parser.addVersionOption();
    caps::ProgramOptions::addCommonOptions(parser);
    caps::addClientTlsOptions(parser);
    parser.addOption({QStringLiteral("pickup-delay"),
                      QCoreApplication::translate("main", "Headless: milliseconds from pickup to in-transit (default 1000)."),
                      QCoreApplication::translate("main", "MS"), QStringLiteral("1000")});
    parser.addOption({QStringLiteral("deliver-delay"),
                      QCoreApplication::translate("main", "Headless: milliseconds from pickup to delivered (default 3000)."),
                      QCoreApplication::translate("main", "MS"), QStringLiteral("3000")});
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
        const int pickupDelay = caps::ProgramOptions::intOption(parser, QStringLiteral("pickup-delay"), 1000);
        const int deliverDelay = caps::ProgramOptions::intOption(parser, QStringLiteral("deliver-delay"), 3000);
        if (pickupDelay < 0 || deliverDelay < 0)
            return fail(QCoreApplication::translate("main", "delays are numbers of milliseconds"));

        caps::Client client(hub);
        caps::ProgramOptions::applyToken(client, token);
        caps::DriverAgent agent(&client);
        agent.setPickupDelayMs(pickupDelay);
        agent.setDeliverDelayMs(deliverDelay);
        caps::HubWatchdog watchdog(&client, QString::fromLatin1(Program), timeout);
        caps::DriverConsole console(&agent);
        QObject::connect(&watchdog, &caps::HubWatchdog::gaveUp, app.get(), &QCoreApplication::exit);
        client.connectToHub();
        console.start();
        return app->exec();
    }

#ifdef CAPS_WITH_GUI
    QGuiApplication::setApplicationDisplayName(QCoreApplication::translate("main", "CAPS Driver"));
    QGuiApplication::setDesktopFileName(QString::fromLatin1(Program));
    QApplication::setWindowIcon(caps::AppIcon::forProgram(QString::fromLatin1(Program)));
    caps::CapsMainWindow::setDefaultToken(token);
    DriverWindow window(hub);
    window.show();
    return app->exec();
#else
    return fail(QCoreApplication::translate("main", "built without windows: use --headless"));
#endif
}
