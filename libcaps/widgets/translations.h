#pragma once

#include <QLocale>

namespace caps {

// Loads the windows' translations for `locale` (the system's unless given): CAPS' own from
// :/i18n (German, Spanish, and English plural forms) and Qt's (buttons of standard dialogs)
// from Qt's translations folder. Replaces what an earlier call installed. Returns whether CAPS
// has a translation for that language (English needs none); any other language gets English
// with its plural forms.
bool installTranslations(const QLocale &locale = QLocale());

} // namespace caps
