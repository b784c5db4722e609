#pragma once

// TLS set-up for the hub (--tls-cert/--tls-key) and for clients (--ca).

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QString>

class QCommandLineParser;

namespace caps {

// Server side: `certPath` holds the PEM certificate, optionally followed by its chain;
// `keyPath` the PEM private key (RSA or EC; `passphrase` if encrypted). Refuses missing or
// unreadable files, files without a certificate or key, an expired or not yet valid
// certificate, and a key that does not belong to the certificate.
[[nodiscard]] Result<QSslConfiguration> serverTlsConfiguration(const QString &certPath, const QString &keyPath,
                                                               const QByteArray &passphrase = {});

// Every PEM certificate in `path` (at least one).
[[nodiscard]] Result<QList<QSslCertificate>> loadCertificates(const QString &path);

// Client side: `base` plus the CA certificates in `caPath` as trusted roots.
[[nodiscard]] Result<QSslConfiguration> clientTlsConfiguration(const QString &caPath,
                                                               QSslConfiguration base
                                                               = QSslConfiguration::defaultConfiguration());

// Adds the CAs in `caPath` to the process-wide default configuration, which every QSslSocket
// and QWebSocket created afterwards starts from (caps::Client included). Returns them.
Result<QList<QSslCertificate>> installClientCa(const QString &caPath);

// --ca PATH for client programs, and applying it (no-op without --ca).
void addClientTlsOptions(QCommandLineParser &parser);
Result<QList<QSslCertificate>> applyClientTlsOptions(const QCommandLineParser &parser);

} // namespace caps
