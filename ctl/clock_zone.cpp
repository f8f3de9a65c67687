#include "clock_zone.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <string_view>

namespace regimenctl {
namespace {

// Where Debian's libdate-tz (USE_OS_TZDB) finds the zones; it prefers a uclibc directory
// when there is one, and then ClockZone leaves the lookup to it.
constexpr const char* kZoneDirectory = "/usr/share/zoneinfo";
constexpr const char* kUclibcZoneDirectory = "/usr/share/zoneinfo/uclibc";

// date's index of that directory skips these names at every level; a name that passes
// through one is not a zone to date, so it is not one here either.
bool skipped_by_date(std::string_view part) {
    static constexpr std::string_view kSkipped[] = {
        "Factory",      "iso3166.tab", "right",       "+VERSION",         "zone.tab",
        "zone1970.tab", "tzdata.zi",   "leapseconds", "leap-seconds.list"};
    return part.empty() || part.front() == '.' || part.starts_with("posix") ||
           std::find(std::begin(kSkipped), std::end(kSkipped), part) != std::end(kSkipped);
}

bool zone_name_date_indexes(std::string_view name) {
    if (name.empty() || name.front() == '/') {
        return false;
    }
    while (true) {
        const auto slash = name.find('/');
        if (skipped_by_date(name.substr(0, slash))) {
            return false;
        }
        if (slash == std::string_view::npos) {
            return true;
        }
        name.remove_prefix(slash + 1);
    }
}

bool is_directory(const char* path) {
    struct stat status {};
    return stat(path, &status) == 0 && S_ISDIR(status.st_mode);
}

// The whole file when it is a regular file of at most 1 MiB (a TZif file is a few kB).
std::optional<std::string> read_small_file(const std::string& path) {
    struct stat status {};
    if (stat(path.c_str(), &status) != 0 || !S_ISREG(status.st_mode) ||
        status.st_size > (1 << 20)) {
        return std::nullopt;
    }
    std::FILE* file = std::fopen(path.c_str(), "rbe");
    if (file == nullptr) {
        return std::nullopt;
    }
    std::string data(static_cast<std::size_t>(status.st_size), '\0');
    const auto got = std::fread(data.data(), 1, data.size(), file);
    std::fclose(file);
    if (got != data.size()) {
        return std::nullopt;
    }
    return data;
}

// Big-endian reads over the file's bytes; any read past the end makes `ok` false.
struct Reader {
    std::string_view data;
    std::size_t at = 0;
    bool ok = true;

    std::string_view take(std::size_t count) {
        if (!ok || data.size() - at < count) {
            ok = false;
            return {};
        }
        auto part = data.substr(at, count);
        at += count;
        return part;
    }
    std::uint64_t number(std::size_t bytes) {
        std::uint64_t value = 0;
        for (unsigned char byte : take(bytes)) {
            value = value << 8 | byte;
        }
        return value;
    }
};

struct Counts {
    std::uint64_t isut, isstd, leap, time, type, chars;
};

// RFC 8536 header: "TZif", the version, 15 reserved bytes, six counts.
std::optional<std::pair<char, Counts>> header(Reader& reader) {
    if (reader.take(4) != "TZif") {
        return std::nullopt;
    }
    const auto version = reader.take(1);
    reader.take(15);
    Counts counts{};
    for (auto* count :
         {&counts.isut, &counts.isstd, &counts.leap, &counts.time, &counts.type, &counts.chars}) {
        *count = reader.number(4);
    }
    if (!reader.ok) {
        return std::nullopt;
    }
    return std::pair{version.front(), counts};
}

}  // namespace

ClockZone ClockZone::of(const date::time_zone& zone) {
    ClockZone clock;
    clock.name_ = zone.name();
    clock.full_ = &zone;
    return clock;
}

std::optional<ClockZone> ClockZone::read(const std::string& name) {
    if (!zone_name_date_indexes(name) || is_directory(kUclibcZoneDirectory)) {
        return std::nullopt;
    }
    const auto data = read_small_file(std::string(kZoneDirectory) + "/" + name);
    if (!data) {
        return std::nullopt;
    }
    Reader reader{*data};
    const auto first = header(reader);
    // Version 1 files have no 64-bit data; leap seconds only appear in the "right/" zones,
    // which date skips. Both are left to date.
    if (!first || first->first < '2' || first->second.leap != 0) {
        return std::nullopt;
    }
    const auto& v1 = first->second;
    reader.take(v1.time * 5 + v1.type * 6 + v1.chars + v1.leap * 8 + v1.isstd + v1.isut);
    const auto second = header(reader);
    if (!second || second->second.leap != 0 || second->second.type == 0) {
        return std::nullopt;
    }
    const auto& counts = second->second;
    if (counts.time > data->size() || counts.type > data->size()) {
        return std::nullopt;
    }
    ClockZone clock;
    clock.name_ = name;
    clock.transitions_.reserve(counts.time);
    for (std::uint64_t i = 0; i < counts.time; ++i) {
        clock.transitions_.push_back(static_cast<std::int64_t>(reader.number(8)));
    }
    for (std::uint64_t i = 0; i < counts.time; ++i) {
        clock.transition_types_.push_back(static_cast<std::uint8_t>(reader.number(1)));
    }
    for (std::uint64_t i = 0; i < counts.type; ++i) {
        clock.types_.push_back(
            static_cast<std::int32_t>(static_cast<std::uint32_t>(reader.number(4))));
        reader.take(2);  // is_dst, abbreviation index
    }
    reader.take(counts.chars + counts.isstd + counts.isut);
    // The footer, "\n<POSIX TZ string>\n": a rule with a comma changes offsets after the
    // table's last transition, which only date's own lookup answers the way date does.
    const auto rest = reader.data.substr(std::min(reader.at, reader.data.size()));
    const auto footer_end = rest.find('\n', 1);
    const auto footer = rest.size() > 1 && rest.front() == '\n' && footer_end != rest.npos
                            ? rest.substr(1, footer_end - 1)
                            : std::string_view{};
    clock.changes_after_table_ = footer.empty() || footer.find(',') != footer.npos;
    if (!reader.ok || !std::is_sorted(clock.transitions_.begin(), clock.transitions_.end()) ||
        std::any_of(clock.transition_types_.begin(), clock.transition_types_.end(),
                    [&](std::uint8_t type) { return type >= clock.types_.size(); })) {
        return std::nullopt;
    }
    return clock;
}

const date::time_zone& ClockZone::full() const {
    if (full_ == nullptr) {
        full_ = date::locate_zone(name_);
    }
    return *full_;
}

regimend::Seconds ClockZone::offset(regimend::Instant instant) const {
    if (types_.empty()) {
        return full().get_info(instant).offset;
    }
    const auto seconds = instant.time_since_epoch().count();
    if (transitions_.empty()) {
        return changes_after_table_ ? full().get_info(instant).offset
                                    : regimend::Seconds{types_.front()};
    }
    if (seconds < transitions_.front()) {
        return full().get_info(instant).offset;
    }
    const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), seconds);
    if (after == transitions_.end() && changes_after_table_) {
        return full().get_info(instant).offset;
    }
    const auto index = static_cast<std::size_t>(after - transitions_.begin()) - 1;
    return regimend::Seconds{types_[transition_types_[index]]};
}

regimend::LocalTime ClockZone::to_local(regimend::Instant instant) const {
    return regimend::LocalTime{instant.time_since_epoch() + offset(instant)};
}

}  // namespace regimenctl
