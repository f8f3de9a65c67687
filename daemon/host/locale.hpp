// The language of the texts a person reads (docs/DESIGN.md, "Languages"): both programs
// call use_environment_locale() first thing in main().
#pragma once

namespace regimend {

// setlocale(LC_ALL, "") from the environment (LC_ALL, LC_MESSAGES, LANG; LANGUAGE for the
// order of catalogues), then LC_NUMERIC back to "C" so that no printf, strtod or stream
// reads or writes a decimal comma in the regimen, JSON, CSV or iCalendar; and binds the
// "regimend" domain to $REGIMEND_LOCALEDIR when set (tests, the build tree), else to the
// installed share/locale.
void use_environment_locale();

// Messages in the source's English from now on, whatever the environment says (for
// machine-readable output such as --json, whose messages are data).
void use_untranslated_messages();

// The directory the "regimend" domain was bound to.
const char* locale_directory();

}  // namespace regimend
