#pragma once

// The hub's security command line in one place:
//   --tokens PATH  --insecure  --tls-cert PATH  --tls-key PATH  and one option per SecurityLimits field.
//
//   QCommandLineParser parser;  ...  caps::SecurityOptions::addTo(parser);  parser.process(app);
//   auto options = caps::SecurityOptions::fromParser(parser);       // bad values: options.error()
//   auto setup = options->setUp(bindAddress);                       // loads tokens and TLS, checks the address

#include "core/result.h"
#include "security/accesspolicy.h"
#include "security/securitylimits.h"

#include <QHostAddress>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>

#include <optional>

class QCommandLineParser;

namespace caps {

// The value of option --`name` as a whole number from `minimum` to `maximum`, or the message
// every server option gives: "--name: expected a whole number from A to B, got "x"".
[[nodiscard]] Result<qint64> wholeNumberOption(const QCommandLineParser &parser, const QString &name, qint64 minimum,
                                               qint64 maximum);

// What the hub needs at run time, made from SecurityOptions.
struct SecuritySetup
{
    AccessPolicy policy; // open mode or token mode, with the limits
    std::optional<QSslConfiguration> tls; // set when --tls-cert/--tls-key were given
    QStringList warnings; // for the log, once at start-up
};

struct SecurityOptions
{
    SecurityLimits limits;
    QString tokensPath; // --tokens
    bool insecure = false; // --insecure
    QString tlsCertPath; // --tls-cert
    QString tlsKeyPath; // --tls-key

    static void addTo(QCommandLineParser &parser);
    [[nodiscard]] static Result<SecurityOptions> fromParser(const QCommandLineParser &parser);

    [[nodiscard]] bool tlsEnabled() const { return !tlsCertPath.isEmpty(); }
    // Reads the token file and the TLS files and checks that the hub may listen on
    // `bindAddress` (bindpolicy.h). Any failure is an error message for stderr, exit code 1.
    [[nodiscard]] Result<SecuritySetup> setUp(const QHostAddress &bindAddress) const;
};

} // namespace caps
