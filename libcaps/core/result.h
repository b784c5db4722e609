#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace caps {

// A value or an error message. Decoders return this instead of throwing: nothing that a
// peer sends may raise an exception into the Qt event loop.
template <typename T> class Result
{
public:
    Result(T value)
        : m_value(std::move(value))
    { } // NOLINT(google-explicit-constructor)
    // A sink, moved below; clang-tidy 14 takes `r.m_error = ...` in a template for a const use.
    // NOLINTNEXTLINE(performance-unnecessary-value-param)
    [[nodiscard]] static Result failure(QString error)
    {
        Result r;
        r.m_error = std::move(error);
        return r;
    }

    [[nodiscard]] bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    [[nodiscard]] const T &value() const & { return *m_value; }
    [[nodiscard]] T &value() & { return *m_value; }
    [[nodiscard]] T &&value() && { return std::move(*m_value); }
    const T *operator->() const { return &*m_value; }
    T *operator->() { return &*m_value; }
    const T &operator*() const { return *m_value; }
    T &operator*() { return *m_value; }
    [[nodiscard]] const QString &error() const { return m_error; }

private:
    Result() = default;
    std::optional<T> m_value;
    QString m_error;
};

} // namespace caps
