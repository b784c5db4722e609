#include "widgets/appicon.h"

#include "core/logging.h"

#include <QApplication>
#include <QFile>
#include <QImageReader>
#include <QStyle>

namespace caps {

bool AppIcon::svgSupported()
{
    return QImageReader::supportedImageFormats().contains("svg");
}

QIcon AppIcon::forProgram(const QString &program)
{
    const QString path = QStringLiteral(":/icons/%1.svg").arg(program);
    if (QFile::exists(path) && svgSupported())
        return QIcon(path);
    if (!svgSupported())
        qCWarning(lcGui) << "no SVG image plugin (Debian package libqt6svg6): using a generic icon";
    return QApplication::style()->standardIcon(QStyle::SP_ComputerIcon);
}

} // namespace caps
