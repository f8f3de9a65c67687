#include <catch2/catch.hpp>

#include "core/markup.hpp"
#include "core/report.hpp"
#include "host/zoneinfo.hpp"
#include "report_html.hpp"

using namespace regimend;
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

}  // namespace

TEST_CASE("report page escapes user text and draws its figures", "[report_html]") {
    CHECK(regimend::escape_markup("<b>&\"'") == "&lt;b&gt;&amp;&quot;&#39;");

    Item item;
    item.id = "mag<1>";
    item.name = "Mag </td><script>alert(1)</script>";
    item.dose = "2 \"caps\"";
    item.amount = Amount{200, "mg", "200 mg"};
    item.schedule.times.push_back({TimeOfDay::Base::Midnight, 8h, "08:00", {}});
    item.schedule.start = 2026_y / 11 / 1;
    Regimen regimen;
    regimen.zone = regimend::locate_zone("Europe/Berlin");
    regimen.symptoms = {"mi<graine"};
    regimen.items = {item};

    ReportInput input;
    input.window = last_days(*regimen.zone, Instant{date::sys_days{2026_y / 11 / 10}} + 12h, 10);
    input.tracking_since = Instant{date::sys_days{2026_y / 10 / 1}};
    HistoryEvent taken;
    taken.item = item.id;
    taken.kind = EventKind::Taken;
    taken.planned = Instant{date::sys_days{2026_y / 11 / 2}} + 7h;
    taken.at = *taken.planned;
    HistoryEvent entry;
    entry.item = "mi<graine";
    entry.kind = EventKind::Symptom;
    entry.severity = 5;
    entry.at = Instant{date::sys_days{2026_y / 11 / 3}} + 9h;
    input.events = {taken, entry};
    HistoryEvent before_entry = entry;
    before_entry.at = Instant{date::sys_days{2026_y / 10 / 25}} + 9h;
    input.before_events = {before_entry};

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
