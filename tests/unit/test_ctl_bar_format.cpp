// `regimenctl bar`'s line (ctl/bar_format.hpp): every format from literal snapshots and
// instants, and when the line changes by itself (the only timeout --follow ever sets).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "bar_format.hpp"
#include "host/zoneinfo.hpp"

using regimenctl::BarDose;
using regimenctl::BarFormat;
using regimenctl::BarSnapshot;

namespace {

regimend::Instant utc(int y, unsigned m, unsigned d, int hh, int mm, int ss = 0) {
    return regimend::Instant{date::sys_days{date::year{y} / m / d}} + std::chrono::hours{hh} +
           std::chrono::minutes{mm} + std::chrono::seconds{ss};
}

const regimend::TimeZone& berlin() {
    return *regimend::locate_zone("Europe/Berlin");
}

// Monday 2026-11-30 in Berlin (UTC+1).
BarSnapshot day_snapshot() {
    BarSnapshot snapshot;
    snapshot.online = true;
    snapshot.today = {
        {"threonate-am", "Magnesium L-threonate", utc(2026, 11, 30, 7, 0), "taken",
         utc(2026, 11, 30, 7, 12)},
        {"glycinate-pm", "Magnesium glycinate", utc(2026, 11, 30, 20, 30), "upcoming",
         std::nullopt},
    };
    snapshot.focus = snapshot.today[1];
    return snapshot;
}

nlohmann::json waybar(const BarSnapshot& snapshot, regimend::Instant now) {
    return nlohmann::json::parse(render_bar(snapshot, now, berlin(), BarFormat::Waybar));
}

}  // namespace

TEST_CASE("bar shows the next upcoming dose with its absolute time", "[ctl_bar]") {
    const auto snapshot = day_snapshot();
    const auto now = utc(2026, 11, 30, 12, 0);
    CHECK(render_bar(snapshot, now, berlin(), BarFormat::Plain) == "glycinate-pm 21:30");

    SECTION("waybar: text, tooltip listing today's doses, class and alt") {
        auto line = render_bar(snapshot, now, berlin(), BarFormat::Waybar);
        CHECK(line.find('\n') == std::string::npos);
        auto object = nlohmann::json::parse(line);
        CHECK(object["text"] == "glycinate-pm 21:30");
        CHECK(object["class"] == "upcoming");
        CHECK(object["alt"] == "upcoming");
        CHECK(object["tooltip"] ==
              "Today, Mon 2026-11-30\n"
              "08:00  Magnesium L-threonate: taken 08:12\n"
              "21:30  Magnesium glycinate: upcoming");
    }
    SECTION("i3blocks: a persistent-mode JSON block") {
        auto object =
            nlohmann::json::parse(render_bar(snapshot, now, berlin(), BarFormat::I3blocks));
        CHECK(object["full_text"] == "glycinate-pm 21:30");
        CHECK(object["short_text"] == "glycinate-pm");
        CHECK(object["urgent"] == false);
        CHECK_FALSE(object.contains("color"));
    }
    SECTION("a dose on another day carries its weekday, never a countdown") {
        auto tomorrow = snapshot;
        tomorrow.focus = BarDose{"threonate-am", "Magnesium L-threonate", utc(2026, 12, 1, 7, 0),
                                 "upcoming", std::nullopt};
        CHECK(render_bar(tomorrow, utc(2026, 11, 30, 21, 0), berlin(), BarFormat::Plain) ==
              "threonate-am Tue 08:00");
        auto object = waybar(tomorrow, utc(2026, 11, 30, 21, 0));
        CHECK(object["tooltip"].get<std::string>().ends_with(
            "\nNext: Tue 08:00  Magnesium L-threonate: upcoming"));
    }
}

TEST_CASE("bar shows the oldest due dose, critical once escalated", "[ctl_bar]") {
    auto snapshot = day_snapshot();
    snapshot.today[1].state = "due";
    snapshot.focus = snapshot.today[1];
    snapshot.escalates_at = utc(2026, 11, 30, 21, 30);

    SECTION("due") {
        const auto now = utc(2026, 11, 30, 20, 45);
        CHECK(render_bar(snapshot, now, berlin(), BarFormat::Plain) == "glycinate-pm due 21:30");
        auto object = waybar(snapshot, now);
        CHECK(object["class"] == "due");
        CHECK(object["alt"] == "due");
        auto block =
            nlohmann::json::parse(render_bar(snapshot, now, berlin(), BarFormat::I3blocks));
        CHECK(block["urgent"] == false);
        CHECK(block.contains("color"));
    }
    SECTION("a snoozed dose is still due") {
        snapshot.focus->state = "snoozed";
        CHECK(waybar(snapshot, utc(2026, 11, 30, 20, 45))["class"] == "due");
    }
    SECTION("critical from escalate_after on") {
        const auto now = utc(2026, 11, 30, 21, 30);
        CHECK(render_bar(snapshot, now, berlin(), BarFormat::Plain) ==
              "glycinate-pm overdue 21:30");
        CHECK(waybar(snapshot, now)["class"] == "critical");
        auto block =
            nlohmann::json::parse(render_bar(snapshot, now, berlin(), BarFormat::I3blocks));
        CHECK(block["urgent"] == true);
    }
    SECTION("more doses due say how many") {
        snapshot.more_due = 2;
        CHECK(render_bar(snapshot, utc(2026, 11, 30, 20, 45), berlin(), BarFormat::Plain) ==
              "glycinate-pm due 21:30 +2");
    }
}

TEST_CASE("bar says none and offline", "[ctl_bar]") {
    const auto now = utc(2026, 11, 30, 12, 0);
    SECTION("nothing planned") {
        BarSnapshot snapshot;
        snapshot.online = true;
        CHECK(render_bar(snapshot, now, berlin(), BarFormat::Plain) == "no doses planned");
        auto object = waybar(snapshot, now);
        CHECK(object["class"] == "none");
        CHECK(object["tooltip"] == "Today, Mon 2026-11-30\nno doses planned");
    }
    SECTION("the daemon cannot be reached") {
        BarSnapshot snapshot;
        snapshot.offline_reason = "regimend is not running: start it with `systemctl ...`";
        CHECK(render_bar(snapshot, now, berlin(), BarFormat::Plain) == "regimend offline");
        auto object = waybar(snapshot, now);
        CHECK(object["class"] == "offline");
        CHECK(object["alt"] == "offline");
        CHECK(object["tooltip"] == "regimend is not running: start it with `systemctl ...`");
        CHECK(nlohmann::json::parse(
                  render_bar(snapshot, now, berlin(), BarFormat::I3blocks))["full_text"] ==
              "regimend offline");
    }
}

TEST_CASE("bar adds low-stock as a second class", "[ctl_bar]") {
    auto snapshot = day_snapshot();
    snapshot.low_stock = {"glycinate-pm"};
    const auto now = utc(2026, 11, 30, 12, 0);
    auto object = waybar(snapshot, now);
    CHECK(object["class"] == nlohmann::json::array({"upcoming", "low-stock"}));
    CHECK(object["alt"] == "upcoming");
    CHECK(object["text"] == "glycinate-pm 21:30 \u00b7 low stock");
    CHECK(object["tooltip"].get<std::string>().ends_with(
        "\nLow stock: glycinate-pm (regimenctl stock)"));
}

TEST_CASE("bar escapes user text for waybar's markup only", "[ctl_bar]") {
    auto snapshot = day_snapshot();
    snapshot.today[1].name = "Salt & <b>bold</b>";
    snapshot.focus = snapshot.today[1];
    const auto now = utc(2026, 11, 30, 12, 0);
    auto tooltip = waybar(snapshot, now)["tooltip"].get<std::string>();
    CHECK(tooltip.find("Salt &amp; &lt;b&gt;bold&lt;/b&gt;") != std::string::npos);
}

TEST_CASE("bar changes by itself only at an escalation or at midnight", "[ctl_bar]") {
    auto snapshot = day_snapshot();
    const auto now = utc(2026, 11, 30, 12, 0);
    SECTION("upcoming: the date changes at local midnight (23:00 UTC)") {
        CHECK(bar_next_change(snapshot, now, berlin()) == utc(2026, 11, 30, 23, 0));
    }
    SECTION("due: the escalation comes first") {
        snapshot.focus->state = "due";
        snapshot.escalates_at = utc(2026, 11, 30, 21, 30);
        CHECK(bar_next_change(snapshot, utc(2026, 11, 30, 20, 45), berlin()) ==
              utc(2026, 11, 30, 21, 30));
        SECTION("and once escalated, nothing but midnight") {
            CHECK(bar_next_change(snapshot, utc(2026, 11, 30, 21, 30), berlin()) ==
                  utc(2026, 11, 30, 23, 0));
        }
    }
    SECTION("offline: only the daemon's return changes anything") {
        BarSnapshot offline;
        CHECK_FALSE(bar_next_change(offline, now, berlin()).has_value());
    }
}
