#include "widgets/appearance.h"

#include <QApplication>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace caps {

namespace {

const QString kSettingsKey = QStringLiteral("view/appearance");

QPalette darkPalette()
{
    // Fusion's own colours turned around; links and highlight keep enough contrast on grey.
    QPalette p;
    const QColor window(0x2d, 0x2d, 0x30);
    const QColor base(0x1e, 0x1e, 0x20);
    const QColor text(0xe8, 0xe8, 0xe8);
    const QColor disabled(0x80, 0x80, 0x80);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, QColor(0x5a, 0xb0, 0xf0));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x7f, 0xd0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x45, 0x45, 0x48));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3a, 0x3d));
    p.setColor(QPalette::Mid, QColor(0x25, 0x25, 0x28));
    p.setColor(QPalette::Dark, QColor(0x18, 0x18, 0x1a));
    p.setColor(QPalette::Shadow, Qt::black);
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

} // namespace

Appearance::Appearance()
    : QObject(qApp)
    , m_systemStyle(QApplication::style() ? QApplication::style()->name() : QString())
{ }

Appearance *Appearance::instance()
{
    static auto *appearance = new Appearance;
    return appearance;
}

QString Appearance::settingsValue(Mode mode)
{
    switch (mode) {
    case Mode::Light:
        return QStringLiteral("light");
    case Mode::Dark:
        return QStringLiteral("dark");
    case Mode::System:
        break;
    }
    return QStringLiteral("system");
}

void Appearance::restore()
{
    const QString value = QSettings().value(kSettingsKey).toString();
    m_mode = value == settingsValue(Mode::Dark) ? Mode::Dark
        : value == settingsValue(Mode::Light)   ? Mode::Light
                                                : Mode::System;
    if (m_mode != Mode::System)
        apply();
}

void Appearance::setMode(Mode mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    QSettings().setValue(kSettingsKey, settingsValue(mode));
    apply();
    Q_EMIT modeChanged(mode);
}

void Appearance::apply()
{
    if (m_mode == Mode::System) {
        if (QStyle *style = QStyleFactory::create(m_systemStyle))
            QApplication::setStyle(style);
        QApplication::setPalette(QApplication::style()->standardPalette());
        return;
    }
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(m_mode == Mode::Dark ? darkPalette() : QApplication::style()->standardPalette());
}

} // namespace caps
