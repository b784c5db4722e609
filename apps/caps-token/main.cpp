// caps-token: makes a random token and the token file entry that lets it in.
//   caps-token --role vendor --store 1-206-flowers --name "Flowers"            prints both
//   caps-token --role driver --name "Van 3" --append /etc/caps/tokens.json     adds the entry

#include "security/tokenstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Code Academy"));
    QCoreApplication::setApplicationName(QStringLiteral("caps-token"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CAPS_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main",
        "Makes a random CAPS hub token. Prints the token (give it to the client; it is not kept anywhere) "
        "and the entry for the hub's token file (--tokens), which holds only its SHA-256."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("role"), QCoreApplication::translate("main", "vendor, driver, customer or admin."),
                      QStringLiteral("role")});
    parser.addOption({QStringLiteral("store"),
                      QCoreApplication::translate("main", "The store a vendor acts for (its room)."),
                      QStringLiteral("store")});
    parser.addOption(
        {QStringLiteral("customer"),
         QCoreApplication::translate("main", "The only customer name a customer token may track (optional)."),
         QStringLiteral("name")});
    parser.addOption({QStringLiteral("name"),
                      QCoreApplication::translate("main", "Who holds the token, for the hub's log."),
                      QStringLiteral("text")});
    parser.addOption({QStringLiteral("append"),
                      QCoreApplication::translate("main", "Add the entry to this token file (created if missing)."),
                      QStringLiteral("file")});
    parser.process(app);

    QTextStream out(stdout);
    QTextStream err(stderr);
    const auto role = caps::roleFromName(parser.value(QStringLiteral("role")));
    if (!role) {
        err << QCoreApplication::translate("main", "caps-token: --role must be vendor, driver, customer or admin")
            << Qt::endl;
        return 2;
    }
    const caps::Principal principal{*role, parser.value(QStringLiteral("store")),
                                    parser.value(QStringLiteral("customer")), parser.value(QStringLiteral("name"))};
    const QString token = caps::TokenStore::generateToken();
    const QJsonObject entry = caps::TokenStore::entry(token, principal);

    if (parser.isSet(QStringLiteral("append"))) {
        const QString path = parser.value(QStringLiteral("append"));
        QByteArray existing;
        if (QFile file(path); file.exists()) {
            if (!file.open(QIODevice::ReadOnly)) {
                err << QCoreApplication::translate("main", "caps-token: cannot read %1: %2")
                           .arg(path, file.errorString())
                    << Qt::endl;
                return 1;
            }
            existing = file.readAll();
        }
        const auto updated = caps::TokenStore::appendEntry(existing, entry);
        if (!updated) {
            err << QCoreApplication::translate("main", "caps-token: %1").arg(updated.error()) << Qt::endl;
            return 1;
        }
        // QSaveFile: the hub never reads a half-written file.
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(*updated) != updated->size() || !file.commit()) {
            err << QCoreApplication::translate("main", "caps-token: cannot write %1: %2").arg(path, file.errorString())
                << Qt::endl;
            return 1;
        }
        out << token << Qt::endl;
        err << QCoreApplication::translate("main", "Added to %1. Restart the hub to use it.").arg(path) << Qt::endl;
        return 0;
    }

    // Check the entry as the hub will before printing it.
    const auto check = caps::TokenStore::appendEntry({}, entry);
    if (!check) {
        err << QCoreApplication::translate("main", "caps-token: %1").arg(check.error()) << Qt::endl;
        return 2;
    }
    out << token << Qt::endl;
    out << QJsonDocument(entry).toJson(QJsonDocument::Compact) << Qt::endl;
    err << QCoreApplication::translate(
        "main",
        "The first line is the token (a client sends it as auth { token }); the second goes into the "
        "\"tokens\" array of the hub's token file.")
        << Qt::endl;
    return 0;
}
