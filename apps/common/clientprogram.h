#pragma once

// What every client program's main() starts with (caps-vendor, caps-driver, caps-customer): the
// application object (QApplication for the window, QCoreApplication with --headless, so that a
// terminal client needs no display), the options all of them take (--hub, --headless,
// --connect-timeout, --token, --ca) and the checks of their values. Header-only because each
// program builds it with or without CAPS_WITH_GUI.
//
//   ClientProgram program(argc, argv, "caps-driver");
//   program.parser.setApplicationDescription(...);  program.parser.addOption(...);
//   if (!program.start())
//       return program.exitCode();
//   if (program.headless) { ...; return program.exec(); }
//   program.prepareWindow(tr("CAPS Driver"));  DriverWindow window(program.hub);  ...

#include "agents/programoptions.h"
#include "security/tlsconfig.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSettings>
#include <QUrl>

#ifdef CAPS_WITH_GUI
#include "widgets/appearance.h"
#include "widgets/appicon.h"
#include "widgets/capsmainwindow.h"
#include "widgets/translations.h"

#include <QApplication>
#endif

#include <memory>

class ClientProgram
{
public:
    ClientProgram(int &argc, char **argv, const char *program)
        : headless(caps::ProgramOptions::isHeadless(argc, argv))
        , m_program(program)
    {
#ifdef CAPS_WITH_GUI
        if (!headless)
            app = std::make_unique<QApplication>(argc, argv);
#endif
        if (!app)
            app = std::make_unique<QCoreApplication>(argc, argv);
        caps::ProgramOptions::setApplicationInfo(program, CAPS_VERSION);
        // After the application's names are set: they name the settings file.
        m_settings = std::make_unique<QSettings>();
        parser.addHelpOption();
        parser.addVersionOption();
        caps::ProgramOptions::addCommonOptions(parser);
        caps::addClientTlsOptions(parser);
    }

    // Processes the command line (--help and --version exit here) and reads the common options.
    // False: a value was wrong, the message is on stderr, return exitCode() from main().
    [[nodiscard]] bool start()
    {
        parser.process(*app);
        if (const auto ca = caps::applyClientTlsOptions(parser); !ca)
            return failed(ca.error());
        token = caps::ProgramOptions::token(parser);
        hub = caps::ProgramOptions::hubUrl(parser, *m_settings);
        if (!hub.isValid() || hub.host().isEmpty())
            return failed(
                QCoreApplication::translate("main", "invalid hub URL %1").arg(parser.value(QStringLiteral("hub"))));
        connectTimeout = caps::ProgramOptions::intOption(parser, QStringLiteral("connect-timeout"), 0);
        if (connectTimeout < 0)
            return failed(QCoreApplication::translate("main", "--connect-timeout needs a number of milliseconds"));
        return true;
    }

    // An error message on stderr; returns the exit code for main().
    int fail(const QString &message)
    {
        return m_exitCode = caps::ProgramOptions::fail(m_program, message);
    }
    [[nodiscard]] int exitCode() const
    {
        return m_exitCode;
    }
    [[nodiscard]] QString name() const
    {
        return QString::fromLatin1(m_program);
    }
    [[nodiscard]] const QSettings &settings() const
    {
        return *m_settings;
    }
    int exec()
    {
        return app->exec();
    }

#ifdef CAPS_WITH_GUI
    // The desktop's view of the program (title, icon, .desktop file) and the token its windows
    // connect with.
    void prepareWindow(const QString &displayName)
    {
        // Before any window exists: the system's language, where CAPS has it.
        caps::installTranslations();
        QGuiApplication::setApplicationDisplayName(displayName);
        QGuiApplication::setDesktopFileName(name());
        QApplication::setWindowIcon(caps::AppIcon::forProgram(name()));
        caps::CapsMainWindow::setDefaultToken(token);
        caps::Appearance::instance()->restore();
    }
#endif

    const bool headless;
    std::unique_ptr<QCoreApplication> app;
    QCommandLineParser parser;
    QString token;
    QUrl hub;
    int connectTimeout = 0;

private:
    bool failed(const QString &message)
    {
        fail(message);
        return false;
    }

    const char *const m_program;
    std::unique_ptr<QSettings> m_settings;
    int m_exitCode = 1;
};
