// One IANA time zone, read from its own TZif file (RFC 8536) under /usr/share/zoneinfo.
//
// Why not date::locate_zone: Debian's libdate-tz indexes every file of the zoneinfo
// directory on its first lookup (about 650 stat calls and 1.85 M instructions, a quarter of
// a `regimenctl status`), although the daemon and the CLI need one zone, and its shared
// library needs libstdc++.so, so neither binary could link the C++ runtime statically
// (issue 17, docs/BENCHMARKS.md). This class answers the same questions as date's
// time_zone from the same file, in date's own types: the table of transitions up to 2037,
// and after it the file's footer rule, read by date's header-only POSIX zone (date/ptz.h).
// The calendar arithmetic stays date's (date/date.h). tests/unit/test_time_zone.cpp checks
// every zone on the machine against date::locate_zone.
#pragma once

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regimend {

class TimeZone {
  public:
    // The zone in a TZif file's bytes (version 2 or later); nullopt when they are not one.
    static std::optional<TimeZone> from_tzif(std::string name, std::string_view bytes);

    const std::string& name() const { return name_; }
    // As regimend::TimeZone: the offset, its abbreviation and the span it holds. `save` is
    // only a flag (one minute when daylight saving), as date reports it from a TZif file.
    date::sys_info get_info(std::chrono::sys_seconds instant) const;
    // As regimend::TimeZone: unique, nonexistent (in a gap) or ambiguous (in an overlap).
    date::local_info get_info(date::local_seconds local) const;
    date::local_seconds to_local(std::chrono::sys_seconds instant) const;
    std::chrono::sys_seconds to_sys(date::local_seconds local, date::choose choice) const;

  private:
    struct LocalType {
        std::int32_t offset;
        bool is_dst;
        std::string abbrev;
    };

    void drop_unchanging_transitions();
    date::sys_info table_info(std::size_t after) const;
    date::sys_info footer_info(std::chrono::sys_seconds instant) const;
    date::sys_info info_of(const LocalType& type) const;

    std::string name_;
    std::vector<std::int64_t> transitions_;       // seconds since the epoch, ascending
    std::vector<std::uint8_t> transition_types_;  // index into types_, one per transition
    std::vector<LocalType> types_;
    std::string footer_;  // the POSIX TZ rule after the last transition, when it changes
};

// The zone `name` ("Europe/Berlin", "UTC", a link such as "US/Eastern"), read once and then
// kept for the life of the process, like date's tzdb; safe from any thread. Throws
// std::runtime_error, as date::locate_zone does, when there is no such zone.
const TimeZone* locate_zone(const std::string& name);

// The same zone, or null when there is no such zone.
const TimeZone* find_zone(const std::string& name);

}  // namespace regimend
