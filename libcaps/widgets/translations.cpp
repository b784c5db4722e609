#include "widgets/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

#include <memory>

namespace caps {

bool installTranslations(const QLocale &locale)
{
    static std::unique_ptr<QTranslator> caps;
    static std::unique_ptr<QTranslator> qt;
    for (auto *old : {&caps, &qt}) {
        if (*old)
            QCoreApplication::removeTranslator(old->get());
        old->reset();
    }
    auto own = std::make_unique<QTranslator>();
    const bool found = own->load(locale, QStringLiteral("caps"), QStringLiteral("_"), QStringLiteral(":/i18n"));
    // A language CAPS has no catalogue for (French, or the "C" locale of a bare session) reads
    // English, and English needs its catalogue for the plural forms ("1 order", not "1 order(s)").
    const bool english = found
        || own->load(QLocale(QLocale::English), QStringLiteral("caps"), QStringLiteral("_"), QStringLiteral(":/i18n"));
    if (english) {
        QCoreApplication::installTranslator(own.get());
        caps = std::move(own);
    }
    auto base = std::make_unique<QTranslator>();
    if (base->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                   QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(base.get());
        qt = std::move(base);
    }
    return found && locale.language() != QLocale::English;
}

} // namespace caps
