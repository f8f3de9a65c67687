// The zone a verb prints its instants in, without date's tzdb when it can: date's first
// zone lookup indexes every file under /usr/share/zoneinfo (about 650 stat calls and
// 1.85 M instructions, a quarter of `regimenctl status`), yet printing today's doses needs
// only the UTC offsets of one zone. ClockZone reads them from that zone's own TZif file and
// asks date (the same file, looked up the usual way) only for what its table does not
// cover: instants before the first or after the last transition of a zone that still
// changes, and a file it cannot read. Either way the offsets are the ones date gives.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.hpp"

namespace regimenctl {

class ClockZone {
  public:
    // A zone date has already located.
    static ClockZone of(const date::time_zone& zone);
    // The zone `name` from its TZif file under /usr/share/zoneinfo; nullopt when `name` is
    // not a zone date would find there (then locate it with date, as before).
    static std::optional<ClockZone> read(const std::string& name);

    const std::string& name() const { return name_; }
    regimend::Seconds offset(regimend::Instant instant) const;
    regimend::LocalTime to_local(regimend::Instant instant) const;
    // date's zone of the same name, located on first use.
    const date::time_zone& full() const;
    // True when built by read() (for tests).
    bool from_file() const { return !types_.empty(); }

  private:
    std::string name_;
    mutable const date::time_zone* full_ = nullptr;
    std::vector<std::int64_t> transitions_;       // seconds since the epoch, ascending
    std::vector<std::uint8_t> transition_types_;  // index into types_, one per transition
    std::vector<std::int32_t> types_;             // UTC offset of each local time type
    bool changes_after_table_ = true;             // the footer's rule has daylight saving
};

// output.hpp's format_clock, format_when, zone_note and instant_json in a ClockZone: the
// same text, and zone_note needs no tzdb when the zone was read from its file and is the
// system's.
std::string format_clock(const ClockZone& zone, regimend::Instant instant);
std::string format_when(const ClockZone& zone, regimend::Instant instant,
                        regimend::LocalDate today);
std::string zone_note(const ClockZone& zone);
nlohmann::json instant_json(const ClockZone& zone, std::optional<regimend::Instant> instant);

}  // namespace regimenctl
