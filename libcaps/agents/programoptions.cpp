#include "agents/programoptions.h"

#include "client/client.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSettings>

#include <QTextStream>

#include <cstring>

namespace caps {

bool ProgramOptions::isHeadless(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--headless") == 0 || std::strcmp(argv[i], "-headless") == 0)
            return true;
        // Help and version need no display either.
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0
            || std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0)
            return true;
    }
    return false;
}

void ProgramOptions::addCommonOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("hub"),
                      QCoreApplication::translate("caps", "Hub URL (default %1).").arg(defaultHubUrl()),
                      QCoreApplication::translate("caps", "URL")});
    parser.addOption(
        {QStringLiteral("headless"), QCoreApplication::translate("caps", "Run in the terminal, without a window.")});
    parser.addOption({QStringLiteral("connect-timeout"),
                      QCoreApplication::translate("caps",
                                                  "Give up (exit code 2) when the hub stays unreachable "
                                                  "this long; 0 retries for ever (default)."),
                      QCoreApplication::translate("caps", "MS"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("token"),
                      QCoreApplication::translate("caps",
                                                  "Access token for a hub in token mode (default: the "
                                                  "CAPS_TOKEN environment variable)."),
                      QCoreApplication::translate("caps", "TOKEN")});
}

QString ProgramOptions::token(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("token")))
        return parser.value(QStringLiteral("token"));
    return qEnvironmentVariable("CAPS_TOKEN");
}

void ProgramOptions::applyToken(Client &client, const QString &token)
{
    if (!token.isEmpty())
        client.setAuthValue(QStringLiteral("token"), token);
}

QUrl ProgramOptions::hubUrl(const QCommandLineParser &parser, const QSettings &settings)
{
    const QString text
        = stringOption(parser, QStringLiteral("hub"), settings, QStringLiteral("hub/url"), defaultHubUrl());
    return QUrl::fromUserInput(text);
}

int ProgramOptions::intOption(const QCommandLineParser &parser, const QString &name, int fallback)
{
    if (!parser.isSet(name) && parser.value(name).isEmpty())
        return fallback;
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    return ok ? value : -1;
}

QString ProgramOptions::stringOption(const QCommandLineParser &parser, const QString &name, const QSettings &settings,
                                     const QString &key, const QString &fallback)
{
    if (parser.isSet(name))
        return parser.value(name);
    return settings.value(key, fallback).toString();
}

void ProgramOptions::setApplicationInfo(const char *program, const char *version)
{
    QCoreApplication::setOrganizationName(QStringLiteral("Code Academy"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("caps.codeacademy.example"));
    QCoreApplication::setApplicationName(QString::fromLatin1(program));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(version));
}

int ProgramOptions::fail(const char *program, const QString &message)
{
    QTextStream(stderr) << program << ": " << message << Qt::endl;
    return 1;
}

} // namespace caps
