#include "security/securityoptions.h"

#include "security/bindpolicy.h"
#include "security/tlsconfig.h"
#include "security/tokenstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace caps {

namespace {
const QString kTokens = QStringLiteral("tokens");
const QString kInsecure = QStringLiteral("insecure");
const QString kTlsCert = QStringLiteral("tls-cert");
const QString kTlsKey = QStringLiteral("tls-key");

QString tr(const char *text)
{
    return QCoreApplication::translate("caps::SecurityOptions", text);
}
} // namespace

void SecurityOptions::addTo(QCommandLineParser &parser)
{
    parser.addOption({kTokens,
                      tr("Require a token on CONNECT; <file> lists the SHA-256 of each token and its role "
                         "(caps-token makes them). Without it anyone may do anything (open mode)."),
                      QStringLiteral("file")});
    parser.addOption({kInsecure, tr("Allow open mode (no --tokens) on an address other than loopback.")});
    parser.addOption({kTlsCert, tr("Serve HTTPS/WSS with the PEM certificate (and chain) in <file>; needs --tls-key."),
                      QStringLiteral("file")});
    parser.addOption({kTlsKey, tr("The PEM private key of --tls-cert."), QStringLiteral("file")});
    const SecurityLimits defaults;
    for (const SecurityLimits::Option &option : SecurityLimits::options()) {
        parser.addOption(
            {option.name, tr("%1 Default: %2.").arg(option.help).arg(defaults.value(option)), QStringLiteral("n")});
    }
}

Result<qint64> wholeNumberOption(const QCommandLineParser &parser, const QString &name, qint64 minimum, qint64 maximum)
{
    const QString text = parser.value(name).trimmed();
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < minimum || value > maximum)
        return Result<qint64>::failure(tr("--%1: expected a whole number from %2 to %3, got \"%4\"")
                                           .arg(name)
                                           .arg(minimum)
                                           .arg(maximum)
                                           .arg(text));
    return value;
}

Result<SecurityOptions> SecurityOptions::fromParser(const QCommandLineParser &parser)
{
    using R = Result<SecurityOptions>;
    SecurityOptions o;
    o.tokensPath = parser.value(kTokens);
    o.insecure = parser.isSet(kInsecure);
    o.tlsCertPath = parser.value(kTlsCert);
    o.tlsKeyPath = parser.value(kTlsKey);
    if (o.tlsCertPath.isEmpty() != o.tlsKeyPath.isEmpty())
        return R::failure(tr("--tls-cert and --tls-key go together"));
    if (parser.isSet(kTokens) && o.tokensPath.isEmpty())
        return R::failure(tr("--tokens needs a file name"));
    for (const SecurityLimits::Option &option : SecurityLimits::options()) {
        if (!parser.isSet(option.name))
            continue;
        const auto value = wholeNumberOption(parser, option.name, option.minimum, option.maximum);
        if (!value)
            return R::failure(value.error());
        o.limits.setValue(option, *value);
    }
    return o;
}

Result<SecuritySetup> SecurityOptions::setUp(const QHostAddress &bindAddress) const
{
    using R = Result<SecuritySetup>;
    SecuritySetup setup;
    if (!tokensPath.isEmpty()) {
        auto tokens = TokenStore::load(tokensPath);
        if (!tokens)
            return R::failure(tokens.error());
        if (tokens->isEmpty())
            setup.warnings.append(tr("The token file %1 lists no tokens: nobody can connect.").arg(tokensPath));
        setup.policy = AccessPolicy(std::move(tokens).value(), limits);
    } else {
        setup.policy.setLimits(limits);
    }
    if (tlsEnabled()) {
        auto tls = serverTlsConfiguration(tlsCertPath, tlsKeyPath);
        if (!tls)
            return R::failure(tls.error());
        setup.tls = std::move(tls).value();
    }
    const Decision bind = checkBindAddress(bindAddress, !tokensPath.isEmpty(), tlsEnabled(), insecure);
    if (!bind)
        return R::failure(bind.error);
    if (!bind.warning.isEmpty())
        setup.warnings.append(bind.warning);
    return setup;
}

} // namespace caps
