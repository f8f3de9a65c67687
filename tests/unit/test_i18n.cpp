// The translation helpers (core/i18n.hpp) and the one date formatter's language-dependent
// forms (core/time.hpp): English without a catalogue, German with the build tree's.
#include <catch2/catch.hpp>

#include <libintl.h>

#include <clocale>
#include <string>

#include "core/i18n.hpp"
#include "core/time.hpp"

using regimend::fill;

TEST_CASE("fill puts values in order or by position", "[i18n]") {
    CHECK(fill("{} was taken at {}", {"Glycinate", "21:30"}) == "Glycinate was taken at 21:30");
    CHECK(fill("{1}: {0}", {"a", "b"}) == "b: a");
    CHECK(fill("{0} and {0}", {"x"}) == "x and x");
    CHECK(fill("{{sleep: {}}}", {"higher"}) == "{sleep: higher}");
    SECTION("a translation with a mistake shows it rather than crashing") {
        CHECK(fill("{2} {}", {"a"}) == "{2} a");
        CHECK(fill("{x} {", {"a"}) == "{x} {");
        CHECK(fill("{} {} {}", {"a"}) == "a {} {}");
    }
}

TEST_CASE("human dates and decimals are the source's English without a catalogue", "[i18n]") {
    const regimend::LocalDate day{date::year{2026} / 12 / 6};
    CHECK(regimend::format_reader_date(day) == "2026-12-06");
    CHECK(regimend::format_weekday(day) == "Sun");
    CHECK(regimend::format_long_weekday(day) == "Sunday");
    CHECK(regimend::format_reader_month(day) == "December 2026");
    CHECK(regimend::format_reader_day_month(day) == "06 Dec");
    CHECK(regimend::format_reader_date(regimend::LocalDate{date::year{-1} / 1 / 2}) ==
          "-0001-01-02");
    CHECK(regimend::format_reader_decimal(4.25, 1) == "4.2");
    CHECK(regimend::format_reader_decimal(87, 0) == "87");
}

TEST_CASE("human dates and decimals follow the German catalogue", "[i18n]") {
    if (std::setlocale(LC_ALL, "de_DE.UTF-8") == nullptr) {
        WARN("de_DE.UTF-8 is not generated here (scripts/setup-tests.sh): not checked");
        return;
    }
    std::setlocale(LC_NUMERIC, "C");  // as the programs run (host/locale.cpp)
    bindtextdomain("regimend", REGIMEND_BUILD_LOCALEDIR);
    const regimend::LocalDate day{date::year{2026} / 12 / 6};
    CHECK(regimend::format_reader_date(day) == "06.12.2026");
    CHECK(regimend::format_weekday(day) == "So");
    CHECK(regimend::format_long_weekday(day) == "Sonntag");
    CHECK(regimend::format_reader_month(day) == "Dezember 2026");
    CHECK(regimend::format_reader_date_hh_mm(date::local_days{day} + std::chrono::minutes{1290}) ==
          "06.12.2026 21:30");
    CHECK(regimend::format_reader_decimal(4.5, 1) == "4,5");
    CHECK(regimend::format_date(day) == "2026-12-06");  // files and what users type back
    CHECK(fill(P_("{} day", "{} days", 1), {"1"}) == "1 Tag");
    CHECK(fill(P_("{} day", "{} days", 3), {"3"}) == "3 Tage");
    std::setlocale(LC_ALL, "C");
}
