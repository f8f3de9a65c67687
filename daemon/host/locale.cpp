#include "host/locale.hpp"

#include <libintl.h>

#include <clocale>
#include <cstdlib>

namespace regimend {

const char* locale_directory() {
    const char* override_dir = std::getenv("REGIMEND_LOCALEDIR");
    return override_dir != nullptr && *override_dir != '\0' ? override_dir : REGIMEND_LOCALEDIR;
}

void use_environment_locale() {
    std::setlocale(LC_ALL, "");
    std::setlocale(LC_NUMERIC, "C");
    bindtextdomain("regimend", locale_directory());
    bind_textdomain_codeset("regimend", "UTF-8");
}

void use_untranslated_messages() {
    std::setlocale(LC_MESSAGES, "C");
}

}  // namespace regimend
