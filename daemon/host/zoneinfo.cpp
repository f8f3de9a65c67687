#include "host/zoneinfo.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "host/regular_file.hpp"

namespace regimend {
namespace {

constexpr std::string_view kZoneDirectory = "/usr/share/zoneinfo/";

// A TZif file is a few kB.
constexpr std::size_t kMaxZoneFileBytes = 1024 * 1024;

// Names date's index of the zone directory skips at every level: not zones, or the same
// zones with leap seconds ("right/") or without a name of their own ("posix/").
bool not_a_zone_part(std::string_view part) {
    static constexpr std::string_view kSkipped[] = {
        "Factory",      "iso3166.tab", "right",       "+VERSION",          "zone.tab",
        "zone1970.tab", "tzdata.zi",   "leapseconds", "leap-seconds.list", ".."};
    return part.empty() || part.front() == '.' || part.starts_with("posix") ||
           std::find(std::begin(kSkipped), std::end(kSkipped), part) != std::end(kSkipped);
}

// IANA names use letters, digits and "/_+-." ("America/Port-au-Prince", "Etc/GMT+5"); any
// other byte (a NUL that would cut the path short, a space, a control) is not a zone.
bool is_zone_character(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
           c == '_' || c == '+' || c == '-' || c == '.';
}

bool is_zone_name(std::string_view name) {
    if (name.empty() || name.size() > 255 || name.front() == '/' ||
        !std::all_of(name.begin(), name.end(), is_zone_character)) {
        return false;
    }
    while (true) {
        const auto slash = name.find('/');
        if (not_a_zone_part(name.substr(0, slash))) {
            return false;
        }
        if (slash == std::string_view::npos) {
            return true;
        }
        name.remove_prefix(slash + 1);
    }
}

}  // namespace

std::string read_zone_file(std::string_view name) {
    if (!is_zone_name(name)) {
        return {};
    }
    std::string error;
    auto bytes = read_regular_file(std::string(kZoneDirectory) + std::string(name), error,
                                   kMaxZoneFileBytes);
    return bytes ? std::move(*bytes) : std::string{};
}

const TimeZone* find_zone(const std::string& name) {
    if (name == TimeZone::utc().name()) {
        return &TimeZone::utc();
    }
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<const TimeZone>, std::less<>> zones;
    std::lock_guard lock(mutex);
    if (auto found = zones.find(name); found != zones.end()) {
        return found->second.get();
    }
    if (auto zone = TimeZone::from_tzif(name, read_zone_file(name))) {
        auto& kept = zones[name];
        kept = std::make_unique<const TimeZone>(std::move(*zone));
        return kept.get();
    }
    return nullptr;
}

const TimeZone* locate_zone(const std::string& name) {
    if (const TimeZone* zone = find_zone(name)) {
        return zone;
    }
    throw std::runtime_error(name + " not found in timezone database");
}

}  // namespace regimend
