#include "agents/hubwatchdog.h"
#include "agents/programoptions.h"
#include "agents/vendoragent.h"
#include "agents/vendorconsole.h"
#include "client/client.h"
#include "security/tlsconfig.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSettings>

#ifdef CAPS_WITH_GUI
#include "vendorwindow.h"
#include "widgets/appicon.h"

#include <QApplication>
#endif

#include <cstdio>
#include <memory>

namespace {
const char *const Program = "caps-vendor";

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
    parser.setApplicationDescription(QCoreApplication::translate("main", "CAPS vendor: prepares orders for pickup."));
    parser.addHelpOption();
    parser.addVersionOption();
    caps::ProgramOptions::addCommonOptions(parser);
    caps::addClientTlsOptions(parser);
    parser.addOption({QStringLiteral("store"), QCoreApplication::translate("main", "Store (room) to join."),
                      QCoreApplication::translate("main", "NAME")});
    parser.addOption({QStringLiteral("interval"),
                      QCoreApplication::translate("main", "Headless: milliseconds between orders (default 5000)."),
                      QCoreApplication::translate("main", "MS"), QStringLiteral("5000")});
    parser.addOption({QStringLiteral("count"),
                      QCoreApplication::translate("main", "Headless: place N orders, exit 0 once all are delivered."),
                      QCoreApplication::translate("main", "N")});
    parser.addOption({QStringLiteral("customer"),
                      QCoreApplication::translate("main", "Headless: every order for this customer (default: random names)."),
                      QCoreApplication::translate("main", "NAME")});
    parser.process(*app);

    if (const auto ca = caps::applyClientTlsOptions(parser); !ca)
        return fail(ca.error());
    const QString token = caps::ProgramOptions::token(parser);
    const QSettings settings;
    const QUrl hub = caps::ProgramOptions::hubUrl(parser, settings);
    if (!hub.isValid() || hub.host().isEmpty())
        return fail(QCoreApplication::translate("main", "invalid hub URL %1").arg(parser.value(QStringLiteral("hub"))));
    const QString store = caps::ProgramOptions::stringOption(parser, QStringLiteral("store"), settings,
                                                             QStringLiteral("vendor/store"),
                                                             QStringLiteral("1-206-flowers")).trimmed();
    if (store.isEmpty())
        return fail(QCoreApplication::translate("main", "the store name must not be empty"));
    const int timeout = caps::ProgramOptions::intOption(parser, QStringLiteral("connect-timeout"), 0);
    if (timeout < 0)
        return fail(QCoreApplication::translate("main", "--connect-timeout needs a number of milliseconds"));

    if (headless) {
        const int interval = caps::ProgramOptions::intOption(parser, QStringLiteral("interval"), 5000);
        const int count = caps::ProgramOptions::intOption(parser, QStringLiteral("count"), -1);
        if (interval <= 0)
            return fail(QCoreApplication::translate("main", "--interval needs a positive number of milliseconds"));
        if (parser.isSet(QStringLiteral("count")) && count < 0)
            return fail(QCoreApplication::translate("main", "--count needs a number"));

        caps::Client client(hub);
        caps::ProgramOptions::applyToken(client, token);
        caps::VendorAgent agent(&client, store);
        caps::HubWatchdog watchdog(&client, QString::fromLatin1(Program), timeout);
        caps::VendorConsole console(&agent, interval, count);
        console.setCustomer(parser.value(QStringLiteral("customer")).trimmed());
        QObject::connect(&watchdog, &caps::HubWatchdog::gaveUp, app.get(), &QCoreApplication::exit);
        QObject::connect(&console, &caps::VendorConsole::finished, app.get(), &QCoreApplication::exit);
        client.connectToHub();
        console.start();
        return app->exec();
    }

#ifdef CAPS_WITH_GUI
    QGuiApplication::setApplicationDisplayName(QCoreApplication::translate("main", "CAPS Vendor"));
    QGuiApplication::setDesktopFileName(QString::fromLatin1(Program));
    QApplication::setWindowIcon(caps::AppIcon::forProgram(QString::fromLatin1(Program)));
    caps::CapsMainWindow::setDefaultToken(token);
    VendorWindow window(hub, store);
    window.show();
    return app->exec();
#else
    return fail(QCoreApplication::translate("main", "built without windows: use --headless"));
#endif
}
