#include "agents/driveragent.h"
#include "agents/driverconsole.h"
#include "agents/hubwatchdog.h"
#include "clientprogram.h"
#include "client/client.h"

#ifdef CAPS_WITH_GUI
#include "driverwindow.h"
#endif

int main(int argc, char *argv[])
{
    ClientProgram program(argc, argv, "caps-driver");
    QCommandLineParser &parser = program.parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "CAPS driver: picks up and delivers orders."));
    parser.addOption(
        {QStringLiteral("pickup-delay"),
         QCoreApplication::translate("main", "Headless: milliseconds from pickup to in-transit (default 1000)."),
         QCoreApplication::translate("main", "MS"), QStringLiteral("1000")});
    parser.addOption(
        {QStringLiteral("deliver-delay"),
         QCoreApplication::translate("main", "Headless: milliseconds from pickup to delivered (default 3000)."),
         QCoreApplication::translate("main", "MS"), QStringLiteral("3000")});
    if (!program.start())
        return program.exitCode();

    if (program.headless) {
        const int pickupDelay = caps::ProgramOptions::intOption(parser, QStringLiteral("pickup-delay"), 1000);
        const int deliverDelay = caps::ProgramOptions::intOption(parser, QStringLiteral("deliver-delay"), 3000);
        if (pickupDelay < 0 || deliverDelay < 0)
            return program.fail(QCoreApplication::translate("main", "delays are numbers of milliseconds"));

        caps::Client client(program.hub);
        caps::ProgramOptions::applyToken(client, program.token);
        caps::DriverAgent agent(&client);
        agent.setPickupDelayMs(pickupDelay);
        agent.setDeliverDelayMs(deliverDelay);
        caps::HubWatchdog watchdog(&client, program.name(), program.connectTimeout);
        caps::DriverConsole console(&agent);
        QObject::connect(&watchdog, &caps::HubWatchdog::gaveUp, program.app.get(), &QCoreApplication::exit);
        client.connectToHub();
        console.start();
        return program.exec();
    }

#ifdef CAPS_WITH_GUI
    program.prepareWindow(QCoreApplication::translate("main", "CAPS Driver"));
    DriverWindow window(program.hub);
    window.show();
    return program.exec();
#else
    return program.fail(QCoreApplication::translate("main", "built without windows: use --headless"));
#endif
}
