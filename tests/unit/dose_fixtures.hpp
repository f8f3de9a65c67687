// Helpers for the dose state machine's tests: items, regimens and instants from literals.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/doses.hpp"
#include "core/parse.hpp"
#include "event_fixtures.hpp"
#include "host/zoneinfo.hpp"
#include "time_helpers.hpp"

namespace regimend::test {

// A regimen from YAML text in UTC, which must parse (its diagnostics shown otherwise).
inline Regimen parse_ok(const std::string& yaml) {
    auto parsed =
        parse_regimen(yaml, "regimen.yaml", &regimend::TimeZone::utc(), regimend::find_zone);
    for (const auto& diagnostic : parsed.diagnostics) {
        INFO(format_diagnostic(diagnostic));
    }
    REQUIRE(parsed.regimen);
    return *parsed.regimen;
}

// The diagnostics of YAML text that must not parse.
inline std::vector<Diagnostic> parse_failure(const std::string& yaml) {
    auto parsed =
        parse_regimen(yaml, "regimen.yaml", &regimend::TimeZone::utc(), regimend::find_zone);
    REQUIRE_FALSE(parsed.regimen);
    return parsed.diagnostics;
}

// One tablet a day at 08:00 UTC from 2026-11-01 on the cycle `cycle`, with a stock.
inline Regimen stocked_cycle(const std::string& id, const std::string& name,
                             const std::string& cycle) {
    return parse_ok("version: 1\nitems:\n  - id: " + id + "\n    name: " + name +
                    "\n    at: \"08:00\"\n    start: 2026-11-01\n    cycle: " + cycle +
                    "\n    stock: {per_dose: 1, unit: tablets}\n");
}

inline Item daily_item(const std::string& id, const std::vector<std::string>& times,
                       ReminderPolicy policy = {}) {
    Item item;
    item.id = id;
    item.name = "Item " + id;
    for (const auto& text : times) {
        TimeOfDay time;
        time.offset = *parse_clock_time(text);
        time.text = text;
        item.schedule.times.push_back(time);
    }
    item.reminders = policy;
    return item;
}

inline Item as_needed_item(const std::string& id) {
    Item item;
    item.id = id;
    item.name = "Item " + id;
    item.as_needed = true;
    item.max_per_day = 3;
    return item;
}

inline RegimenPtr make_regimen(const std::string& zone, std::vector<Item> items) {
    auto regimen = std::make_shared<Regimen>();
    regimen->file = "regimen.yaml";
    regimen->timezone_name = zone;
    regimen->zone = regimend::locate_zone(zone);
    regimen->items = std::move(items);
    return regimen;
}

// "2026-11-20 08:00" in the regimen's zone.
inline Instant local(const Regimen& regimen, const std::string& text) {
    return local_instant(*regimen.zone, text);
}

inline long count_kind(const std::vector<HistoryEvent>& events, EventKind kind) {
    return std::count_if(events.begin(), events.end(),
                         [&](const HistoryEvent& event) { return event.kind == kind; });
}

inline const Answer& answer_of(const AnswerResult& result) {
    if (const auto* failure = std::get_if<Error>(&result)) {
        FAIL("unexpected failure: " << failure->message);
    }
    return std::get<Answer>(result);
}

inline const Error& failure_of(const AnswerResult& result) {
    REQUIRE(std::holds_alternative<Error>(result));
    return std::get<Error>(result);
}

// Starts `tracker` an hour before `planned` (after a run that processed the plan up to
// then, or as the very first run) and advances it to `planned`, so the dose planned then
// is due; returns that advance's effects.
inline Effects start_due(DoseTracker& tracker, Instant planned, bool first_run = false) {
    const Instant before = planned - std::chrono::hours{1};
    tracker.restore({}, first_run ? std::nullopt : std::optional<Instant>{before}, before);
    return tracker.advance(planned);
}

inline std::optional<DoseState> state_of(const std::vector<DoseView>& views, const DoseKey& key) {
    for (const auto& view : views) {
        if (view.dose == key) {
            return view.state;
        }
    }
    return std::nullopt;
}

}  // namespace regimend::test
