#include "security/bindpolicy.h"

#include <QCoreApplication>

namespace caps {

bool isLoopback(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        return (v4 >> 24) == 127;
    return address.isLoopback();
}

Decision checkBindAddress(const QHostAddress &address, bool tokensConfigured, bool tlsEnabled, bool insecure)
{
    if (isLoopback(address))
        return Decision::allow();
    const QString where = address.toString();
    if (!tokensConfigured) {
        if (!insecure)
            return Decision::deny(
                QCoreApplication::translate(
                    "caps::checkBindAddress",
                    "Refusing to listen on %1 without authentication: anyone who can reach it could act as any vendor "
                    "or driver. Give a token file with --tokens, listen on 127.0.0.1, or pass --insecure.")
                    .arg(where));
        return Decision::allow(
            QCoreApplication::translate(
                "caps::checkBindAddress",
                "Listening on %1 with no authentication (--insecure): anyone who can reach it may do anything.")
                .arg(where));
    }
    if (!tlsEnabled)
        return Decision::allow(
            QCoreApplication::translate(
                "caps::checkBindAddress",
                "Listening on %1 without TLS: tokens and orders cross the network in clear text (see --tls-cert).")
                .arg(where));
    return Decision::allow();
}

} // namespace caps
