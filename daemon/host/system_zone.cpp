#include "host/system_zone.hpp"

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "host/regular_file.hpp"
#include "host/system_zone_name.hpp"
#include "host/zoneinfo.hpp"

namespace regimend {
namespace {

// "/usr/share/zoneinfo/Europe/Berlin" -> "Europe/Berlin"; other text is returned as is.
std::string zone_name_from_path(std::string text) {
    static constexpr std::string_view kMarker = "zoneinfo/";
    if (const auto position = text.rfind(kMarker); position != std::string::npos) {
        text = text.substr(position + kMarker.size());
    }
    // "posix/Europe/Berlin" and "right/..." are the same zones with other leap rules.
    for (std::string_view prefix : {"posix/", "right/"}) {
        if (text.starts_with(prefix)) {
            text = text.substr(prefix.size());
        }
    }
    return text;
}

const regimend::TimeZone* locate(const std::string& name) {
    return name.empty() ? nullptr : regimend::find_zone(name);
}

std::optional<std::string> localtime_link_target() {
    std::error_code error;
    const auto target = std::filesystem::read_symlink("/etc/localtime", error);
    if (error) {
        return std::nullopt;
    }
    return zone_name_from_path(target.string());
}

// Its first line, read as the regimen is (regular file only, bounded).
std::optional<std::string> etc_timezone() {
    std::string error;
    auto text = read_regular_file("/etc/timezone", error, 4096);
    if (!text) {
        return std::nullopt;
    }
    std::string name = text->substr(0, text->find('\n'));
    if (name.empty()) {
        return std::nullopt;
    }
    return name;
}

}  // namespace

std::string system_zone_first_choice() {
    if (const char* tz = std::getenv("TZ"); tz != nullptr && *tz != '\0') {
        return zone_name_from_path(tz[0] == ':' ? tz + 1 : tz);
    }
    if (auto name = localtime_link_target()) {
        return *name;
    }
    if (auto name = etc_timezone()) {
        return *name;
    }
    return "UTC";
}

const regimend::TimeZone* system_zone(std::string* problem) {
    if (problem != nullptr) {
        problem->clear();
    }
    if (const char* tz = std::getenv("TZ"); tz != nullptr && *tz != '\0') {
        std::string name = tz[0] == ':' ? tz + 1 : tz;
        if (const auto* zone = locate(zone_name_from_path(name))) {
            return zone;
        }
        if (problem != nullptr) {
            *problem =
                "TZ='" + std::string(tz) + "' is not an IANA time zone name; using the system zone";
        }
    }
    if (const auto name = localtime_link_target()) {
        if (const auto* zone = locate(*name)) {
            return zone;
        }
    }
    if (const auto name = etc_timezone()) {
        if (const auto* zone = locate(*name)) {
            return zone;
        }
    }
    return &TimeZone::utc();
}

}  // namespace regimend
