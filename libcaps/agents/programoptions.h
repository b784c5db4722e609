#pragma once

#include <QString>
#include <QUrl>

class QCommandLineParser;
class QSettings;

namespace caps {

class Client;

// What the three programs share on their command line: --hub, --headless, --connect-timeout,
// --token.
// A value given on the command line wins over the one in QSettings, which wins over the default.
class ProgramOptions
{
public:
    // Decided before any QCoreApplication exists: a terminal run must not need a display.
    [[nodiscard]] static bool isHeadless(int argc, char **argv);
    // Organisation, application name and version, which QSettings and --version use.
    static void setApplicationInfo(const char *program, const char *version);
    // Prints "program: message" on stderr; returns the exit code for bad arguments (1).
    static int fail(const char *program, const QString &message);
    static void addCommonOptions(QCommandLineParser &parser);

    [[nodiscard]] static QString defaultHubUrl() { return QStringLiteral("http://localhost:3000/caps"); }
    [[nodiscard]] static QUrl hubUrl(const QCommandLineParser &parser, const QSettings &settings);
    // --token, else $CAPS_TOKEN (kept out of `ps` that way); never stored in QSettings.
    [[nodiscard]] static QString token(const QCommandLineParser &parser);
    // Sends `token` in the CONNECT packet (socket.io-client's `auth: { token }`), if any.
    static void applyToken(Client &client, const QString &token);
    // `fallback` when absent, -1 when not a number.
    [[nodiscard]] static int intOption(const QCommandLineParser &parser, const QString &name, int fallback);
    // The option if given, else the setting under `key`, else `fallback`.
    [[nodiscard]] static QString stringOption(const QCommandLineParser &parser, const QString &name,
                                              const QSettings &settings, const QString &key,
                                              const QString &fallback = {});
};

} // namespace caps
