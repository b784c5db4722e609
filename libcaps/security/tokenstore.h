#pragma once

// The token file given with --tokens: who may connect, and as what.
//
//   {"tokens":[{"sha256":"<hex SHA-256 of the token>","role":"vendor","store":"1-206-flowers","name":"Flowers"},
//              {"sha256":"...","role":"driver","name":"Van 3"},
//              {"sha256":"...","role":"customer","customer":"Jane Doe"},
//              {"sha256":"...","role":"admin","name":"ops"}]}
//
// Only hashes are stored, so the file is no secret; the token itself is shown once by caps-token.

#include "core/result.h"
#include "security/principal.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace caps {

class TokenStore
{
public:
    // Longest token accepted, in UTF-8 bytes; longer ones are not ours and are not even hashed.
    static constexpr qsizetype kMaxTokenLength = 512;
    // Largest token file read.
    static constexpr qint64 kMaxFileSize = qint64(4) * 1024 * 1024;

    TokenStore() = default;

    [[nodiscard]] static Result<TokenStore> fromJson(QByteArrayView json);
    [[nodiscard]] static Result<TokenStore> load(const QString &path);

    [[nodiscard]] bool isEmpty() const { return m_entries.isEmpty(); }
    [[nodiscard]] qsizetype size() const { return m_entries.size(); }

    // The principal the token stands for. Compares the token's hash with every entry in
    // constant time, so neither the position of a match nor a near miss shows in the timing.
    [[nodiscard]] std::optional<Principal> authenticate(QStringView token) const;

    // A new random token: "caps_" and 43 base64url characters (256 bits).
    [[nodiscard]] static QString generateToken();
    // Lower-case hex SHA-256 of the token's UTF-8 bytes.
    [[nodiscard]] static QByteArray hashHex(QStringView token);
    // The token file entry for a token.
    [[nodiscard]] static QJsonObject entry(QStringView token, const Principal &principal);
    // `json` (a token file, or empty for a new one) with `entry` appended, checked by fromJson().
    [[nodiscard]] static Result<QByteArray> appendEntry(QByteArrayView json, const QJsonObject &entry);

private:
    struct Entry
    {
        QByteArray digest; // 32 raw bytes
        Principal principal;
    };
    QList<Entry> m_entries;
};

// Equal length and equal bytes, in time that depends only on the length.
[[nodiscard]] bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

} // namespace caps
