#include "agents/hubwatchdog.h"
#include "agents/vendoragent.h"
#include "agents/vendorconsole.h"
#include "clientprogram.h"
#include "client/client.h"

#ifdef CAPS_WITH_GUI
#include "vendorwindow.h"
#endif

int main(int argc, char *argv[])
{
    ClientProgram program(argc, argv, "caps-vendor");
    QCommandLineParser &parser = program.parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "CAPS vendor: prepares orders for pickup."));
    parser.addOption({QStringLiteral("store"), QCoreApplication::translate("main", "Store (room) to join."),
                      QCoreApplication::translate("main", "NAME")});
    parser.addOption({QStringLiteral("interval"),
                      QCoreApplication::translate("main", "Headless: milliseconds between orders (default 5000)."),
                      QCoreApplication::translate("main", "MS"), QStringLiteral("5000")});
    parser.addOption({QStringLiteral("count"),
                      QCoreApplication::translate("main", "Headless: place N orders, exit 0 once all are delivered."),
                      QCoreApplication::translate("main", "N")});
    parser.addOption(
        {QStringLiteral("customer"),
         QCoreApplication::translate("main", "Headless: every order for this customer (default: random names)."),
         QCoreApplication::translate("main", "NAME")});
    if (!program.start())
        return program.exitCode();
    const QString store
        = caps::ProgramOptions::stringOption(parser, QStringLiteral("store"), program.settings(),
                                             QStringLiteral("vendor/store"), QStringLiteral("1-206-flowers"))
              .trimmed();
    if (store.isEmpty())
        return program.fail(QCoreApplication::translate("main", "the store name must not be empty"));

    if (program.headless) {
        const int interval = caps::ProgramOptions::intOption(parser, QStringLiteral("interval"), 5000);
        const int count = caps::ProgramOptions::intOption(parser, QStringLiteral("count"), -1);
        if (interval <= 0)
            return program.fail(
                QCoreApplication::translate("main", "--interval needs a positive number of milliseconds"));
        if (parser.isSet(QStringLiteral("count")) && count < 0)
            return program.fail(QCoreApplication::translate("main", "--count needs a number"));

        caps::Client client(program.hub);
        caps::ProgramOptions::applyToken(client, program.token);
        caps::VendorAgent agent(&client, store);
        caps::HubWatchdog watchdog(&client, program.name(), program.connectTimeout);
        caps::VendorConsole console(&agent, interval, count);
        console.setCustomer(parser.value(QStringLiteral("customer")).trimmed());
        QObject::connect(&watchdog, &caps::HubWatchdog::gaveUp, program.app.get(), &QCoreApplication::exit);
        // Queued: the last `delivered` is still being handled when the console is done, and its
        // `received` is sent after. Then a graceful disconnect writes it out (an exit at once
        // left it unsent, and the hub gave the store's next vendor that delivery again).
        QObject::connect(
            &console, &caps::VendorConsole::finished, &client,
            [&client](int code) {
                client.disconnectFromHub();
                QCoreApplication::exit(code);
            },
            Qt::QueuedConnection);
        client.connectToHub();
        console.start();
        return program.exec();
    }

#ifdef CAPS_WITH_GUI
    program.prepareWindow(QCoreApplication::translate("main", "CAPS Vendor"));
    VendorWindow window(program.hub, store);
    window.show();
    return program.exec();
#else
    return program.fail(QCoreApplication::translate("main", "built without windows: use --headless"));
#endif
}
