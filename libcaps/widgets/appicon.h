#pragma once

#include <QIcon>

namespace caps {

// The program's icon from the embedded SVG (:/icons/<program>.svg). SVG needs Qt's SVG image
// plugin at run time (Debian: libqt6svg6); without it the style's generic icon is used.
class AppIcon
{
public:
    [[nodiscard]] static QIcon forProgram(const QString &program);
    [[nodiscard]] static bool svgSupported();
};

} // namespace caps
