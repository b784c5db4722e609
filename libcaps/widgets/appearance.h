#pragma once

#include <QObject>
#include <QString>

namespace caps {

// The windows' look: the desktop's (style and palette as the platform theme gives them), or
// Fusion with a light or a dark palette whatever the desktop says. Kept in QSettings
// ("view/appearance"); every window of the program follows it at once.
class Appearance : public QObject
{
    Q_OBJECT
public:
    enum class Mode { System, Light, Dark };
    Q_ENUM(Mode)

    // The program's one instance (made on first use, after QApplication).
    [[nodiscard]] static Appearance *instance();

    [[nodiscard]] Mode mode() const { return m_mode; }
    // Applies and keeps `mode`.
    void setMode(Mode mode);
    // Applies the mode kept in the settings (main(), before the first window).
    void restore();

    [[nodiscard]] static QString settingsValue(Mode mode);

Q_SIGNALS:
    void modeChanged(caps::Appearance::Mode mode);

private:
    Appearance();
    void apply();

    Mode m_mode = Mode::System;
    QString m_systemStyle; // the style the program started with
};

} // namespace caps
