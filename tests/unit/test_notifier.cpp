// What the notification client sends as text (bus/notifier.hpp): never a control character
// or a bidirectional override, whatever the name or note holds.
#include <catch2/catch.hpp>

#include <string>

#include "bus/notifier.hpp"
#include "core/markup.hpp"

using namespace regimend;

TEST_CASE("text shown in a notification", "[notifier]") {
    SECTION("bidirectional embeddings, overrides and isolates are removed") {
        // U+202E RIGHT-TO-LEFT OVERRIDE, U+202A, U+2066 LRI, U+2069 PDI.
        CHECK(shown_text("Vitamin \xE2\x80\xAE"
                         "D") == "Vitamin D");
        CHECK(shown_text("\xE2\x80\xAA"
                         "a\xE2\x81\xA6"
                         "b\xE2\x81\xA9") == "ab");
        // Neighbours of those ranges stay: U+2029, U+202F, U+2065, U+206A; and LRM U+200E.
        const std::string kept = "\xE2\x80\xA9\xE2\x80\xAF\xE2\x81\xA5\xE2\x81\xAA\xE2\x80\x8E";
        CHECK(shown_text(kept) == kept);
    }
    SECTION("control characters are removed, line feeds kept") {
        CHECK(shown_text(std::string("a\0b", 3)) == "ab");
        CHECK(shown_text("a\tb\x1B[31m\x7F") == "ab[31m");
        CHECK(shown_text("a\xC2\x85"
                         "b") == "ab");  // U+0085, C1
        CHECK(shown_text("line one\nline two") == "line one\nline two");
        CHECK(shown_text("M\xC3\xBCller \xC2\xB5g") == "M\xC3\xBCller \xC2\xB5g");
    }
    SECTION("markup is escaped after") {
        CHECK(escape_markup(shown_text("<b>\xE2\x80\xAE</b>")) == "&lt;b&gt;&lt;/b&gt;");
    }
}
