// Texts a person reads go through gettext (catalogues in po/, see docs/DESIGN.md).
#pragma once

#include <libintl.h>

#define _(text) dgettext("regimend", text)
#define N_(text) text
#define P_(singular, plural, n) dngettext("regimend", singular, plural, n)
