#include "security/tlsconfig.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QSslKey>

#include <optional>

#ifdef CAPS_HAVE_OPENSSL
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#endif

namespace caps {

namespace {

constexpr qint64 kMaxPemFile = qint64(1024) * 1024;

Result<QByteArray> readSmallFile(const QString &path, const QString &what)
{
    if (path.isEmpty())
        return Result<QByteArray>::failure(QStringLiteral("no %1 file given").arg(what));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<QByteArray>::failure(QStringLiteral("cannot read %1 %2: %3").arg(what, path, file.errorString()));
    if (file.size() > kMaxPemFile)
        return Result<QByteArray>::failure(
            QStringLiteral("%1 %2 is larger than %3 bytes").arg(what, path).arg(kMaxPemFile));
    return file.readAll();
}

#ifdef CAPS_HAVE_OPENSSL
// nullopt: OpenSSL could not read one of them (Qt's own checks report that better).
std::optional<bool> keyMatchesCertificate(const QByteArray &certPem, const QByteArray &keyPem,
                                          const QByteArray &passphrase)
{
    BIO *certBio = BIO_new_mem_buf(certPem.constData(), int(certPem.size()));
    BIO *keyBio = BIO_new_mem_buf(keyPem.constData(), int(keyPem.size()));
    X509 *cert = certBio ? PEM_read_bio_X509(certBio, nullptr, nullptr, nullptr) : nullptr;
    EVP_PKEY *key = keyBio
        ? PEM_read_bio_PrivateKey(keyBio, nullptr, nullptr, const_cast<char *>(passphrase.constData()))
        : nullptr;
    std::optional<bool> result;
    if (cert && key)
        result = X509_check_private_key(cert, key) == 1;
    EVP_PKEY_free(key);
    X509_free(cert);
    BIO_free(keyBio);
    BIO_free(certBio);
    // Qt's backend shares this thread's OpenSSL error queue; leave it as we found it.
    ERR_clear_error();
    return result;
}
#endif

} // namespace

Result<QList<QSslCertificate>> loadCertificates(const QString &path)
{
    using R = Result<QList<QSslCertificate>>;
    auto pem = readSmallFile(path, QStringLiteral("certificate file"));
    if (!pem)
        return R::failure(pem.error());
    QList<QSslCertificate> certs = QSslCertificate::fromData(*pem, QSsl::Pem);
    certs.removeIf([](const QSslCertificate &c) { return c.isNull(); });
    if (certs.isEmpty())
        return R::failure(QStringLiteral("%1 holds no PEM certificate").arg(path));
    return certs;
}

Result<QSslConfiguration> serverTlsConfiguration(const QString &certPath, const QString &keyPath,
                                                 const QByteArray &passphrase)
{
    using R = Result<QSslConfiguration>;
    if (!QSslSocket::supportsSsl())
        return R::failure(QStringLiteral("this Qt has no working TLS backend (is the OpenSSL 3 library installed?)"));
    auto certs = loadCertificates(certPath);
    if (!certs)
        return R::failure(certs.error());
    auto keyPem = readSmallFile(keyPath, QStringLiteral("key file"));
    if (!keyPem)
        return R::failure(keyPem.error());

    const QSslCertificate &leaf = certs->first();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (leaf.expiryDate() < now)
        return R::failure(
            QStringLiteral("certificate %1 expired on %2").arg(certPath, leaf.expiryDate().toString(Qt::ISODate)));
    if (leaf.effectiveDate() > now)
        return R::failure(QStringLiteral("certificate %1 is not valid before %2")
                              .arg(certPath, leaf.effectiveDate().toString(Qt::ISODate)));

    // QSslKey wants to be told the algorithm; the certificate's public key tells it.
    const QSsl::KeyAlgorithm algorithm = leaf.publicKey().algorithm();
    QSslKey key(*keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey, passphrase);
    if (key.isNull()) {
        for (QSsl::KeyAlgorithm other : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
            if (other != algorithm && !QSslKey(*keyPem, other, QSsl::Pem, QSsl::PrivateKey, passphrase).isNull())
                return R::failure(QStringLiteral("key %1 does not belong to certificate %2 (different key type)")
                                      .arg(keyPath, certPath));
        }
        return R::failure(
            passphrase.isEmpty() && keyPem->contains("ENCRYPTED")
                ? QStringLiteral("key %1 is encrypted; a passphrase is needed").arg(keyPath)
                : QStringLiteral("key %1 holds no usable PEM private key for certificate %2").arg(keyPath, certPath));
    }

#ifdef CAPS_HAVE_OPENSSL
    if (keyMatchesCertificate(leaf.toPem(), *keyPem, passphrase) == false)
        return R::failure(QStringLiteral("key %1 does not belong to certificate %2").arg(keyPath, certPath));
#endif

    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificateChain(*certs);
    config.setPrivateKey(key);
    config.setProtocol(QSsl::TlsV1_2OrLater);
    // Clients authenticate with tokens, not certificates.
    config.setPeerVerifyMode(QSslSocket::VerifyNone);
    return config;
}

Result<QSslConfiguration> clientTlsConfiguration(const QString &caPath, QSslConfiguration base)
{
    auto certs = loadCertificates(caPath);
    if (!certs)
        return Result<QSslConfiguration>::failure(certs.error());
    base.addCaCertificates(*certs);
    return base;
}

Result<QList<QSslCertificate>> installClientCa(const QString &caPath)
{
    auto certs = loadCertificates(caPath);
    if (!certs)
        return certs;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.addCaCertificates(*certs);
    QSslConfiguration::setDefaultConfiguration(config);
    return certs;
}

void addClientTlsOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("ca"),
                      QCoreApplication::translate(
                          "caps::TlsOptions", "Also trust the CA certificate(s) in <file> (PEM) for https:// hubs."),
                      QStringLiteral("file")});
}

Result<QList<QSslCertificate>> applyClientTlsOptions(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("ca")))
        return QList<QSslCertificate>();
    return installClientCa(parser.value(QStringLiteral("ca")));
}

} // namespace caps
