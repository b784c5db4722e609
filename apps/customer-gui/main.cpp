#include "agents/customeragent.h"
#include "agents/customerconsole.h"
#include "agents/hubwatchdog.h"
#include "clientprogram.h"
#include "client/client.h"

#ifdef CAPS_WITH_GUI
#include "customerwindow.h"
#endif

int main(int argc, char *argv[])
{
    ClientProgram program(argc, argv, "caps-customer");
    QCommandLineParser &parser = program.parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "CAPS customer: tracks orders."));
    parser.addOption({QStringLiteral("track"),
                      QCoreApplication::translate("main", "Track this order id (may be repeated)."),
                      QCoreApplication::translate("main", "ORDER")});
    parser.addOption({QStringLiteral("customer"),
                      QCoreApplication::translate("main", "Track every order of this customer."),
                      QCoreApplication::translate("main", "NAME")});
    parser.addOption({QStringLiteral("until-delivered"),
                      QCoreApplication::translate("main", "Headless: exit 0 once every --track order is delivered.")});
    if (!program.start())
        return program.exitCode();

    if (program.headless) {
        const QStringList orderIds = parser.values(QStringLiteral("track"));
        const QString customer = parser.value(QStringLiteral("customer")).trimmed();
        if (orderIds.isEmpty() && customer.isEmpty())
            return program.fail(
                QCoreApplication::translate("main", "--headless needs --track ORDER or --customer NAME"));
        if (parser.isSet(QStringLiteral("until-delivered")) && orderIds.isEmpty())
            return program.fail(QCoreApplication::translate("main", "--until-delivered needs --track ORDER"));

        caps::Client client(program.hub);
        caps::ProgramOptions::applyToken(client, program.token);
        caps::CustomerAgent agent(&client);
        caps::HubWatchdog watchdog(&client, program.name(), program.connectTimeout);
        caps::CustomerConsole console(&agent);
        console.setExitWhenDelivered(parser.isSet(QStringLiteral("until-delivered")));
        for (const QString &id : orderIds)
            agent.trackOrder(id);
        if (!customer.isEmpty())
            agent.trackCustomer(customer);
        QObject::connect(&watchdog, &caps::HubWatchdog::gaveUp, program.app.get(), &QCoreApplication::exit);
        QObject::connect(&console, &caps::CustomerConsole::finished, program.app.get(), &QCoreApplication::exit);
        client.connectToHub();
        return program.exec();
    }

#ifdef CAPS_WITH_GUI
    program.prepareWindow(QCoreApplication::translate("main", "CAPS Customer"));
    // The window adds what was followed last time (customer/names, customer/trackedOrders).
    const QString customer = caps::ProgramOptions::stringOption(parser, QStringLiteral("customer"), program.settings(),
                                                                QStringLiteral("customer/name"));
    CustomerWindow window(program.hub, customer, parser.values(QStringLiteral("track")));
    window.show();
    return program.exec();
#else
    return program.fail(QCoreApplication::translate("main", "built without windows: use --headless"));
#endif
}
