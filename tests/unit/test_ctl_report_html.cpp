#include <catch2/catch.hpp>

#include "core/markup.hpp"
#include "core/report.hpp"
#include "event_fixtures.hpp"
#include "host/zoneinfo.hpp"
#include "report_html.hpp"
#include "time_helpers.hpp"

using namespace regimend;
using namespace regimend::test;
using namespace date::literals;
using namespace std::chrono_literals;

namespace {

size_t occurrences(const std::string& text, const std::string& needle) {
    size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        ++count;
    }
    return count;
}

// A regimen in Berlin of one item taken daily at 08:00 from `start`, with one symptom kind.
Regimen daily_from(Item item, date::year_month_day start, const std::string& symptom_kind) {
    item.schedule.times.push_back({TimeOfDay::Base::Midnight, 8h, "08:00", {}});
    item.schedule.start = start;
    Regimen regimen;
    regimen.zone = regimend::locate_zone("Europe/Berlin");
    regimen.symptoms = {symptom_kind};
    regimen.items = {std::move(item)};
    return regimen;
}

}  // namespace

TEST_CASE("report page escapes user text and draws its figures", "[report_html]") {
    CHECK(regimend::escape_markup("<b>&\"'") == "&lt;b&gt;&amp;&quot;&#39;");

    Item item;
    item.id = "mag<1>";
    item.name = "Mag </td><script>alert(1)</script>";
    item.dose = "2 \"caps\"";
    item.amount = Amount{200, "mg", "200 mg"};
    const Regimen regimen = daily_from(item, 2026_y / 11 / 1, "mi<graine");

    ReportInput input;
    input.window = last_days(*regimen.zone, utc(2026_y / 11 / 10, 12h), 10);
    input.tracking_since = utc(2026_y / 10 / 1);
    const Instant planned = utc(2026_y / 11 / 2, 7h);
    input.events = {stored(item.id, EventKind::Taken, planned, planned),
                    entry("mi<graine", EventKind::Symptom, utc(2026_y / 11 / 3, 9h), 5)};
    input.before_events = {entry("mi<graine", EventKind::Symptom, utc(2026_y / 10 / 25, 9h), 5)};

    auto page = regimenctl::render_report_html(build_report(regimen, input, 10), regimen, 10);
    CHECK(page.starts_with("<!DOCTYPE html>"));
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find("http") == std::string::npos);
    CHECK(page.find("Mag &lt;/td&gt;&lt;script&gt;") != std::string::npos);
    CHECK(page.find("mag&lt;1&gt;") != std::string::npos);
    CHECK(page.find("mi&lt;graine") != std::string::npos);
    CHECK(page.find("mi<graine") == std::string::npos);
    CHECK(page.find("2 &quot;caps&quot;") != std::string::npos);
    CHECK(occurrences(page, "Not medical advice") == 2);
    CHECK(occurrences(page, "<svg class=\"calendar\"") == 1);
    CHECK(occurrences(page, "<svg class=\"severity\"") == 1);
    CHECK(occurrences(page, "<rect class=\"taken\"") == 1);
    CHECK(occurrences(page, "<rect class=\"missed\"") == 9);   // Nov 1, 3..10: none recorded
    CHECK(occurrences(page, "<circle class=\"point\"") == 2);  // Oct 25 and Nov 3
    CHECK(occurrences(page, "<line class=\"start\"") == 1);
    CHECK(page.find("prefers-color-scheme: dark") != std::string::npos);
    CHECK(page.find("@media print") != std::string::npos);
}

namespace {

// The number after `key="` in `text` from `from` on.
double attribute(const std::string& text, const std::string& key, size_t from = 0) {
    auto at = text.find(key + "=\"", from);
    REQUIRE(at != std::string::npos);
    return std::stod(text.substr(at + key.size() + 2));
}

}  // namespace

TEST_CASE("report page keeps its labels inside the figures", "[report_html]") {
    // The regimen started today, the last day of a 30-day window: the start line is at the
    // chart's right edge and the calendar's last date label in its last column.
    Item item;
    item.id = "riboflavin";
    item.name = "Riboflavin";
    const Regimen regimen = daily_from(item, 2026_y / 12 / 6, "migraine");
    ReportInput input;
    input.window = last_days(*regimen.zone, utc(2026_y / 12 / 6, 18h), 30);
    input.tracking_since = input.window.from;
    for (unsigned day = 15; day <= 30; day += 3) {
        const auto migraine =
            entry("migraine", EventKind::Symptom, utc(2026_y / 11 / date::day{day}, 9h), 5);
        input.before_events.push_back(migraine);
        input.events.push_back(migraine);
    }
    input.events.push_back(entry("migraine", EventKind::Symptom, utc(2026_y / 12 / 6, 9h), 5));
    auto page = regimenctl::render_report_html(build_report(regimen, input, 30), regimen, 30);

    SECTION("the start label runs left of the line at the right edge") {
        auto chart = page.find("<svg class=\"severity\"");
        REQUIRE(chart != std::string::npos);
        auto label = page.find(">start 2026-12-06</text>", chart);
        REQUIRE(label != std::string::npos);
        auto tag = page.rfind("<text", label);
        CHECK(page.substr(tag, label - tag).find("text-anchor=\"end\"") != std::string::npos);
        CHECK(attribute(page, "x", tag) <= 720);
    }

    SECTION("the calendar is wide enough for its last date label") {
        auto calendar = page.find("<svg class=\"calendar\"");
        REQUIRE(calendar != std::string::npos);
        const double width = attribute(page, "width", calendar);
        auto end = page.find("</svg>", calendar);
        double last_label = 0;
        for (auto at = page.find("y=\"11\">", calendar); at < end;
             at = page.find("y=\"11\">", at + 1)) {
            last_label = attribute(page, "x", page.rfind("<text", at));
        }
        CHECK(last_label > 0);
        CHECK(width >= last_label + 6 * 6.5);  // "30 Nov" at 11px
    }

    SECTION("each side's covered days, and no difference while it is too early") {
        CHECK(page.find("The diary covers 2026-11-15 to 2026-12-05 (21 days) before the start "
                        "and 2026-12-06 (1 day) after it.") != std::string::npos);
        CHECK(page.find("<td class=\"number\">too early to tell</td>") != std::string::npos);
    }
}
