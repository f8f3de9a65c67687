// One IANA time zone, decoded from its TZif bytes (RFC 8536). Pure: the bytes come from
// the caller (host/zoneinfo.hpp reads them from /usr/share/zoneinfo and keeps each zone
// for the life of the process); UTC is built in.
//
// Why not date::locate_zone: Debian's libdate-tz indexes every file of the zoneinfo
// directory on its first lookup, although the daemon and the CLI need one zone, and its
// shared library needs libstdc++.so. This class answers the same questions as date's
// time_zone from the same bytes, in date's own types: the table of transitions up to 2037,
// and after it the file's footer rule, read by date's header-only POSIX zone (date/ptz.h).
// The calendar arithmetic stays date's (date/date.h). tests/unit/test_time_zone.cpp checks
// every zone on the machine against date::locate_zone.
#pragma once

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regimend {

class TimeZone {
  public:
    // The zone in a TZif file's bytes (version 2 or later); nullopt when they are not one.
    static std::optional<TimeZone> from_tzif(std::string name, std::string_view bytes);
    // UTC, built in: no file is read for it.
    static const TimeZone& utc();

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

// How the core finds a zone by its IANA name (a regimen's `timezone`): passed in by the
// caller, null when there is no such zone. host/zoneinfo.hpp's find_zone is the real one.
using FindZone = std::function<const TimeZone*(const std::string& name)>;

}  // namespace regimend
