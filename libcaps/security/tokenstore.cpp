#include "security/tokenstore.h"

#include "security/audience.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRandomGenerator>
#include <QSet>

namespace caps {

namespace {

const QString kTokens = QStringLiteral("tokens");
const QString kSha256 = QStringLiteral("sha256");
const QString kRole = QStringLiteral("role");
const QString kStore = QStringLiteral("store");
const QString kCustomer = QStringLiteral("customer");
const QString kName = QStringLiteral("name");

constexpr int kMaxFieldLength = 512;

bool isHex(QStringView s)
{
    for (QChar c : s) {
        const char16_t u = c.unicode();
        if (!((u >= '0' && u <= '9') || (u >= 'a' && u <= 'f') || (u >= 'A' && u <= 'F')))
            return false;
    }
    return true;
}

// An optional string field: absent is fine, anything but a short string is not.
Result<QString> optionalString(const QJsonObject &o, const QString &key, const QString &where)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return QString();
    if (!v.isString())
        return Result<QString>::failure(QStringLiteral("%1: \"%2\" must be a string").arg(where, key));
    if (v.toString().size() > kMaxFieldLength)
        return Result<QString>::failure(
            QStringLiteral("%1: \"%2\" is longer than %3 characters").arg(where, key).arg(kMaxFieldLength));
    return v.toString();
}

} // namespace

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    // volatile keeps the compiler from turning the loop into an early-exit memcmp.
    volatile unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff = diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
    return diff == 0;
}

Result<TokenStore> TokenStore::fromJson(QByteArrayView json)
{
    using R = Result<TokenStore>;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError)
        return R::failure(
            QStringLiteral("token file is not valid JSON: %1 at offset %2").arg(error.errorString()).arg(error.offset));
    if (!doc.isObject() || !doc.object().value(kTokens).isArray())
        return R::failure(QStringLiteral("token file must be an object with a \"tokens\" array"));
    const QJsonArray array = doc.object().value(kTokens).toArray();
    TokenStore store;
    QSet<QByteArray> seen;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString where = QStringLiteral("tokens[%1]").arg(i);
        if (!array.at(i).isObject())
            return R::failure(QStringLiteral("%1: must be an object").arg(where));
        const QJsonObject o = array.at(i).toObject();
        const QString hex = o.value(kSha256).toString();
        if (hex.size() != 64 || !isHex(hex))
            return R::failure(
                QStringLiteral("%1: \"sha256\" must be 64 hex digits (the SHA-256 of the token; caps-token prints it)")
                    .arg(where));
        const auto role = roleFromName(o.value(kRole).toString());
        if (!role)
            return R::failure(QStringLiteral("%1: \"role\" must be one of vendor, driver, customer, admin").arg(where));
        auto storeName = optionalString(o, kStore, where);
        auto customer = optionalString(o, kCustomer, where);
        auto name = optionalString(o, kName, where);
        for (const auto *field : {&storeName, &customer, &name}) {
            if (!*field)
                return R::failure(field->error());
        }
        if (*role == Role::Vendor && storeName->isEmpty())
            return R::failure(QStringLiteral("%1: a vendor needs the \"store\" it acts for").arg(where));
        if (*role != Role::Vendor && !storeName->isEmpty())
            return R::failure(QStringLiteral("%1: only a vendor has a \"store\"").arg(where));
        // The store is the vendor's room: one the hub uses for others would let it hear their events.
        if (Audience::isReservedRoom(*storeName))
            return R::failure(
                QStringLiteral("%1: \"%2\" is a room of the hub's own, not a store name").arg(where, *storeName));
        if (*role != Role::Customer && !customer->isEmpty())
            return R::failure(QStringLiteral("%1: only a customer has a \"customer\"").arg(where));
        const QByteArray digest = QByteArray::fromHex(hex.toLatin1());
        if (seen.contains(digest))
            return R::failure(QStringLiteral("%1: the same token hash appears twice").arg(where));
        seen.insert(digest);
        store.m_entries.append(
            {digest, Principal{*role, *storeName, *customer, *name, QString::fromLatin1(digest.toHex().left(16))}});
    }
    return store;
}

Result<TokenStore> TokenStore::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<TokenStore>::failure(
            QStringLiteral("cannot read token file %1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxFileSize)
        return Result<TokenStore>::failure(
            QStringLiteral("token file %1 is larger than %2 bytes").arg(path).arg(kMaxFileSize));
    auto store = fromJson(file.read(kMaxFileSize));
    if (!store)
        return Result<TokenStore>::failure(QStringLiteral("%1: %2").arg(path, store.error()));
    return store;
}

std::optional<Principal> TokenStore::authenticate(QStringView token) const
{
    const QByteArray utf8 = token.toUtf8();
    if (utf8.isEmpty() || utf8.size() > kMaxTokenLength)
        return std::nullopt;
    const QByteArray digest = QCryptographicHash::hash(utf8, QCryptographicHash::Sha256);
    // Every entry is compared, and the match is picked without a branch on the comparison.
    qsizetype match = -1;
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        const qsizetype equal = constantTimeEquals(digest, m_entries.at(i).digest) ? 1 : 0;
        match = equal * i + (1 - equal) * match;
    }
    if (match < 0)
        return std::nullopt;
    return m_entries.at(match).principal;
}

QString TokenStore::generateToken()
{
    quint32 words[8];
    QRandomGenerator::system()->fillRange(words);
    const QByteArray bytes(reinterpret_cast<const char *>(words), sizeof words);
    return QStringLiteral("caps_")
        + QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QByteArray TokenStore::hashHex(QStringView token)
{
    return QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex();
}

QJsonObject TokenStore::entry(QStringView token, const Principal &principal)
{
    QJsonObject o;
    o.insert(kSha256, QString::fromLatin1(hashHex(token)));
    o.insert(kRole, roleName(principal.role));
    if (!principal.store.isEmpty())
        o.insert(kStore, principal.store);
    if (!principal.customer.isEmpty())
        o.insert(kCustomer, principal.customer);
    if (!principal.name.isEmpty())
        o.insert(kName, principal.name);
    return o;
}

Result<QByteArray> TokenStore::appendEntry(QByteArrayView json, const QJsonObject &entry)
{
    QJsonObject root;
    if (!json.trimmed().isEmpty()) {
        if (auto existing = fromJson(json); !existing)
            return Result<QByteArray>::failure(existing.error());
        root = QJsonDocument::fromJson(json.toByteArray()).object();
    }
    QJsonArray tokens = root.value(kTokens).toArray();
    tokens.append(entry);
    root.insert(kTokens, tokens);
    QByteArray out = QJsonDocument(root).toJson(QJsonDocument::Indented);
    if (auto check = fromJson(out); !check)
        return Result<QByteArray>::failure(check.error());
    return out;
}

} // namespace caps
