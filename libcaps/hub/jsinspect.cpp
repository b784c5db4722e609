#include "hub/jsinspect.h"

#include <QLocale>
#include <QStringBuilder>

#include <cmath>

namespace caps::jsinspect {

namespace {

constexpr int kMaxDepth = 64; // guards the recursion; the codec already caps nesting at 32
constexpr int kInspectDepth = 2; // util.inspect's default `depth`
constexpr int kMaxArrayItems = 100; // util.inspect's default `maxArrayLength`

bool isIdentifier(const QString &key)
{
    if (key.isEmpty())
        return false;
    for (qsizetype i = 0; i < key.size(); ++i) {
        const QChar c = key.at(i);
        const bool letter = (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
            || (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) || c == QLatin1Char('_');
        const bool digit = c >= QLatin1Char('0') && c <= QLatin1Char('9');
        if (!letter && !(digit && i > 0))
            return false;
    }
    return true;
}

class Reader
{
public:
    explicit Reader(QByteArrayView text)
        : m_s(text)
    { }

    void skipSpace()
    {
        while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\n' || m_s[m_i] == '\r'))
            ++m_i;
    }
    [[nodiscard]] bool atEnd() const { return m_i >= m_s.size(); }
    [[nodiscard]] char peek() const { return atEnd() ? '\0' : m_s[m_i]; }
    [[nodiscard]] qsizetype pos() const { return m_i; }
    bool consume(char c)
    {
        if (peek() != c)
            return false;
        ++m_i;
        return true;
    }
    bool consumeWord(QByteArrayView word)
    {
        if (!m_s.sliced(m_i).startsWith(word))
            return false;
        m_i += word.size();
        return true;
    }

    std::optional<QString> readString()
    {
        if (!consume('"'))
            return std::nullopt;
        QByteArray utf8;
        QString out;
        const auto flushUtf8 = [&] {
            out += QString::fromUtf8(utf8);
            utf8.clear();
        };
        while (!atEnd()) {
            const char c = m_s[m_i++];
            if (c == '"') {
                flushUtf8();
                return out;
            }
            if (uchar(c) < 0x20)
                return std::nullopt;
            if (c != '\\') {
                utf8.append(c);
                continue;
            }
            if (atEnd())
                return std::nullopt;
            const char e = m_s[m_i++];
            switch (e) {
            case '"':
                utf8.append('"');
                break;
            case '\\':
                utf8.append('\\');
                break;
            case '/':
                utf8.append('/');
                break;
            case 'b':
                utf8.append('\b');
                break;
            case 'f':
                utf8.append('\f');
                break;
            case 'n':
                utf8.append('\n');
                break;
            case 'r':
                utf8.append('\r');
                break;
            case 't':
                utf8.append('\t');
                break;
            case 'u': {
                if (m_i + 4 > m_s.size())
                    return std::nullopt;
                bool ok = false;
                const ushort unit = m_s.sliced(m_i, 4).toByteArray().toUShort(&ok, 16);
                if (!ok)
                    return std::nullopt;
                m_i += 4;
                flushUtf8();
                out += QChar(unit);
                break;
            }
            default:
                return std::nullopt;
            }
        }
        return std::nullopt;
    }

    std::optional<double> readNumber()
    {
        const qsizetype start = m_i;
        while (!atEnd() && QByteArrayView("+-0123456789.eE").contains(m_s[m_i]))
            ++m_i;
        bool ok = false;
        const double d = m_s.sliced(start, m_i - start).toByteArray().toDouble(&ok);
        if (!ok || m_i == start)
            return std::nullopt;
        return d;
    }

    // Skips one value, returning false if it is not valid JSON. It accepts exactly what render()
    // accepts, but decodes nothing and allocates nothing: splitArray() runs on every event the
    // hub relays, and decoding each string there cost a fifth of the hub's instructions.
    bool skipValue(int depth)
    {
        if (depth > kMaxDepth)
            return false;
        skipSpace();
        switch (peek()) {
        case '{':
            return skipObject(depth);
        case '[':
            return skipArray(depth);
        case '"':
            return skipString();
        case 't':
            return consumeWord("true");
        case 'f':
            return consumeWord("false");
        case 'n':
            return consumeWord("null");
        default:
            return readNumber().has_value();
        }
    }

    bool skipString()
    {
        if (!consume('"'))
            return false;
        const char *const data = m_s.data();
        const qsizetype size = m_s.size();
        while (m_i < size) {
            const auto c = uchar(data[m_i++]);
            if (c == '"')
                return true;
            if (c < 0x20)
                return false;
            if (c != '\\')
                continue;
            if (m_i >= size)
                return false;
            switch (data[m_i++]) {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
                break;
            case 'u': {
                if (m_i + 4 > size)
                    return false;
                // The same test as readString(), so that both accept the same escapes.
                bool ok = false;
                m_s.sliced(m_i, 4).toByteArray().toUShort(&ok, 16);
                if (!ok)
                    return false;
                m_i += 4;
                break;
            }
            default:
                return false;
            }
        }
        return false;
    }

    // Renders one value (or only validates it when `out` is null).
    bool render(int depth, int level, QString *out)
    {
        if (depth > kMaxDepth)
            return false;
        skipSpace();
        const char c = peek();
        if (c == '{')
            return renderObject(depth, level, out);
        if (c == '[')
            return renderArray(depth, level, out);
        if (c == '"') {
            const auto s = readString();
            if (!s)
                return false;
            if (out)
                *out += quote(*s);
            return true;
        }
        if (consumeWord("true")) {
            if (out)
                *out += QLatin1String("true");
            return true;
        }
        if (consumeWord("false")) {
            if (out)
                *out += QLatin1String("false");
            return true;
        }
        if (consumeWord("null")) {
            if (out)
                *out += QLatin1String("null");
            return true;
        }
        const auto n = readNumber();
        if (!n)
            return false;
        if (out)
            *out += number(*n);
        return true;
    }

private:
    bool skipObject(int depth)
    {
        consume('{');
        skipSpace();
        if (consume('}'))
            return true;
        for (;;) {
            skipSpace();
            if (!skipString())
                return false;
            skipSpace();
            if (!consume(':'))
                return false;
            if (!skipValue(depth + 1))
                return false;
            skipSpace();
            if (consume(','))
                continue;
            return consume('}');
        }
    }

    bool skipArray(int depth)
    {
        consume('[');
        skipSpace();
        if (consume(']'))
            return true;
        for (;;) {
            if (!skipValue(depth + 1))
                return false;
            skipSpace();
            if (consume(','))
                continue;
            return consume(']');
        }
    }

    bool renderObject(int depth, int level, QString *out)
    {
        consume('{');
        skipSpace();
        if (consume('}')) {
            if (out)
                *out += QLatin1String("{}");
            return true;
        }
        const bool collapsed = level > kInspectDepth;
        if (out)
            *out += collapsed ? QStringLiteral("[Object]") : QStringLiteral("{ ");
        QString *inner = collapsed ? nullptr : out;
        bool first = true;
        for (;;) {
            skipSpace();
            const auto key = readString();
            if (!key)
                return false;
            skipSpace();
            if (!consume(':'))
                return false;
            if (inner) {
                if (!first)
                    *inner += QLatin1String(", ");
                *inner += isIdentifier(*key) ? *key : quote(*key);
                *inner += QLatin1String(": ");
            }
            first = false;
            if (!render(depth + 1, level + 1, inner))
                return false;
            skipSpace();
            if (consume(','))
                continue;
            if (consume('}'))
                break;
            return false;
        }
        if (inner)
            *inner += QLatin1String(" }");
        return true;
    }

    bool renderArray(int depth, int level, QString *out)
    {
        consume('[');
        skipSpace();
        if (consume(']')) {
            if (out)
                *out += QLatin1String("[]");
            return true;
        }
        const bool collapsed = level > kInspectDepth;
        if (out)
            *out += collapsed ? QStringLiteral("[Array]") : QStringLiteral("[ ");
        QString *inner = collapsed ? nullptr : out;
        int count = 0;
        for (;;) {
            QString *item = count < kMaxArrayItems ? inner : nullptr;
            if (item && count > 0)
                *item += QLatin1String(", ");
            if (!render(depth + 1, level + 1, item))
                return false;
            ++count;
            skipSpace();
            if (consume(','))
                continue;
            if (consume(']'))
                break;
            return false;
        }
        if (inner) {
            if (count > kMaxArrayItems) {
                const int more = count - kMaxArrayItems;
                *inner
                    += QStringLiteral(", ... %1 more item%2").arg(more).arg(more > 1 ? QStringLiteral("s") : QString());
            }
            *inner += QLatin1String(" ]");
        }
        return true;
    }

    QByteArrayView m_s;
    qsizetype m_i = 0;
};

} // namespace

std::optional<QList<QByteArrayView>> splitArray(QByteArrayView json)
{
    Reader r(json);
    r.skipSpace();
    if (!r.consume('['))
        return std::nullopt;
    QList<QByteArrayView> items;
    r.skipSpace();
    if (r.consume(']')) {
        r.skipSpace();
        return r.atEnd() ? std::optional(items) : std::nullopt;
    }
    for (;;) {
        r.skipSpace();
        const qsizetype start = r.pos();
        if (!r.skipValue(1))
            return std::nullopt;
        items.append(json.sliced(start, r.pos() - start));
        r.skipSpace();
        if (r.consume(','))
            continue;
        if (r.consume(']'))
            break;
        return std::nullopt;
    }
    r.skipSpace();
    if (!r.atEnd())
        return std::nullopt;
    return items;
}

std::optional<QString> inspect(QByteArrayView json, int level)
{
    Reader r(json);
    QString out;
    if (!r.render(0, level, &out))
        return std::nullopt;
    r.skipSpace();
    if (!r.atEnd())
        return std::nullopt;
    return out;
}

QString quote(const QString &s)
{
    // util.inspect prefers single quotes, then double, then backticks, whichever the string lacks.
    QChar q = QLatin1Char('\'');
    if (s.contains(QLatin1Char('\''))) {
        if (!s.contains(QLatin1Char('"')))
            q = QLatin1Char('"');
        else if (!s.contains(QLatin1Char('`')) && !s.contains(QLatin1String("${")))
            q = QLatin1Char('`');
    }
    QString out;
    out.reserve(s.size() + 2);
    out += q;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s.at(i);
        const ushort u = c.unicode();
        if (c == q || c == QLatin1Char('\\')) {
            out += QLatin1Char('\\');
            out += c;
        } else if (u == '\n') {
            out += QLatin1String("\\n");
        } else if (u == '\t') {
            out += QLatin1String("\\t");
        } else if (u == '\r') {
            out += QLatin1String("\\r");
        } else if (u == '\b') {
            out += QLatin1String("\\b");
        } else if (u == '\f') {
            out += QLatin1String("\\f");
        } else if (u < 0x20 || u == 0x7f) {
            out += QStringLiteral("\\x%1")
                       .arg(u, 2, 16, QLatin1Char('0'))
                       .toUpper()
                       .replace(QLatin1String("\\X"), QLatin1String("\\x"));
        } else if (c.isSurrogate() && !(c.isHighSurrogate() && i + 1 < s.size() && s.at(i + 1).isLowSurrogate())
                   && !(c.isLowSurrogate() && i > 0 && s.at(i - 1).isHighSurrogate())) {
            out += QStringLiteral("\\u%1")
                       .arg(u, 4, 16, QLatin1Char('0'))
                       .toUpper()
                       .replace(QLatin1String("\\U"), QLatin1String("\\u"));
        } else {
            out += c;
        }
    }
    out += q;
    return out;
}

QString number(double value)
{
    if (std::isnan(value))
        return QStringLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    if (value == 0)
        return std::signbit(value) ? QStringLiteral("-0") : QStringLiteral("0");
    const double magnitude = std::abs(value);
    if (magnitude >= 1e-6 && magnitude < 1e21)
        return QString::number(value, 'f', QLocale::FloatingPointShortest);
    // JavaScript writes "1e+21" and "1e-7"; Qt pads the exponent to two digits.
    QString s = QString::number(value, 'e', QLocale::FloatingPointShortest);
    const qsizetype e = s.indexOf(QLatin1Char('e'));
    if (e >= 0) {
        const QChar sign = s.at(e + 1);
        QString digits = s.sliced(e + 2);
        while (digits.size() > 1 && digits.startsWith(QLatin1Char('0')))
            digits.remove(0, 1);
        s = s.first(e + 1) + sign + digits;
    }
    return s;
}

} // namespace caps::jsinspect
