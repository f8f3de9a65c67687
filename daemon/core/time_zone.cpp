#include "core/time_zone.hpp"

#include "core/posix_rule.hpp"

#include <algorithm>

namespace regimend {
namespace {

using std::chrono::sys_seconds;

// The ends of time in date's sys_info, so that both report the same spans.
const sys_seconds kBeginningOfTime{date::sys_days{date::year::min() / date::January / 1}};
const sys_seconds kEndOfTime{date::sys_days{date::year::max() / date::December / date::last}};

// Zone offsets are within a day (+14:00 to -12:00, at most 26 h in history).
constexpr std::chrono::hours kWidestOffset{26};

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

// The footer, "\n<POSIX TZ string>\n", when its rule changes offsets (it has a comma) and
// date's POSIX zone reads it; otherwise the last transition's type holds for ever.
std::string changing_footer(std::string_view rest) {
    const auto end = rest.find('\n', 1);
    if (rest.size() < 2 || rest.front() != '\n' || end == rest.npos) {
        return {};
    }
    std::string rule(rest.substr(1, end - 1));
    if (rule.find(',') == rule.npos) {
        return {};
    }
    return posix_rule_reads(rule) ? rule : std::string{};
}

}  // namespace

std::optional<TimeZone> TimeZone::from_tzif(std::string name, std::string_view bytes) {
    Reader reader{bytes};
    const auto first = header(reader);
    // Version 1 files have no 64-bit data; leap seconds only appear in the "right/" zones.
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
    if (counts.time > bytes.size() || counts.type > 256 || counts.chars > bytes.size()) {
        return std::nullopt;
    }
    TimeZone zone;
    zone.name_ = std::move(name);
    zone.transitions_.reserve(counts.time);
    for (std::uint64_t i = 0; i < counts.time; ++i) {
        zone.transitions_.push_back(static_cast<std::int64_t>(reader.number(8)));
    }
    for (std::uint64_t i = 0; i < counts.time; ++i) {
        zone.transition_types_.push_back(static_cast<std::uint8_t>(reader.number(1)));
    }
    std::vector<std::uint8_t> abbrev_index;
    for (std::uint64_t i = 0; i < counts.type; ++i) {
        const auto offset = static_cast<std::int32_t>(static_cast<std::uint32_t>(reader.number(4)));
        const bool is_dst = reader.number(1) != 0;
        abbrev_index.push_back(static_cast<std::uint8_t>(reader.number(1)));
        zone.types_.push_back({offset, is_dst, {}});
    }
    const auto chars = reader.take(counts.chars);
    for (std::size_t i = 0; i < zone.types_.size() && reader.ok; ++i) {
        if (abbrev_index[i] >= chars.size()) {
            return std::nullopt;
        }
        const auto text = chars.substr(abbrev_index[i]);
        zone.types_[i].abbrev = std::string(text.substr(0, text.find('\0')));
    }
    reader.take(counts.isstd + counts.isut);
    if (!reader.ok ||
        std::adjacent_find(zone.transitions_.begin(), zone.transitions_.end(),
                           std::greater_equal<>()) != zone.transitions_.end() ||
        std::any_of(zone.transition_types_.begin(), zone.transition_types_.end(),
                    [&](std::uint8_t type) { return type >= zone.types_.size(); })) {
        return std::nullopt;
    }
    zone.drop_unchanging_transitions();
    zone.footer_ = changing_footer(bytes.substr(reader.at));
    return zone;
}

// A transition to a type with the same offset, abbreviation and daylight saving changes
// nothing a caller sees (the first one is compared with the type before it, type 0); date
// drops them, and so spans here are date's spans.
void TimeZone::drop_unchanging_transitions() {
    auto same = [&](std::uint8_t a, std::uint8_t b) {
        return types_[a].offset == types_[b].offset && types_[a].is_dst == types_[b].is_dst &&
               types_[a].abbrev == types_[b].abbrev;
    };
    std::size_t kept = 0;
    for (std::size_t i = 0; i < transitions_.size(); ++i) {
        const auto before = kept == 0 ? std::uint8_t{0} : transition_types_[kept - 1];
        if (same(before, transition_types_[i])) {
            continue;
        }
        transitions_[kept] = transitions_[i];
        transition_types_[kept] = transition_types_[i];
        ++kept;
    }
    transitions_.resize(kept);
    transition_types_.resize(kept);
}

date::sys_info TimeZone::info_of(const LocalType& type) const {
    date::sys_info info{};
    info.begin = kBeginningOfTime;
    info.end = kEndOfTime;
    info.offset = std::chrono::seconds{type.offset};
    info.save = std::chrono::minutes{type.is_dst ? 1 : 0};
    info.abbrev = type.abbrev;
    return info;
}

// The span that begins at transition `after - 1` (or the time before the first one).
date::sys_info TimeZone::table_info(std::size_t after) const {
    if (after == 0) {
        // Before the first transition: RFC 8536 says the first local time type.
        auto info = info_of(types_.front());
        if (!transitions_.empty()) {
            info.end = sys_seconds{std::chrono::seconds{transitions_.front()}};
        }
        return info;
    }
    auto info = info_of(types_[transition_types_[after - 1]]);
    info.begin = sys_seconds{std::chrono::seconds{transitions_[after - 1]}};
    if (after < transitions_.size()) {
        info.end = sys_seconds{std::chrono::seconds{transitions_[after]}};
    }
    return info;
}

date::sys_info TimeZone::footer_info(sys_seconds instant) const {
    // Parsed again per call: a few hundred instructions, and only for instants after 2037.
    auto info = posix_rule_info(footer_, instant);
    info.save = std::chrono::minutes{info.save != std::chrono::minutes{0} ? 1 : 0};
    if (!transitions_.empty()) {
        info.begin = std::max(info.begin, sys_seconds{std::chrono::seconds{transitions_.back()}});
    }
    return info;
}

date::sys_info TimeZone::get_info(sys_seconds instant) const {
    const auto seconds = instant.time_since_epoch().count();
    const auto after = static_cast<std::size_t>(
        std::upper_bound(transitions_.begin(), transitions_.end(), seconds) - transitions_.begin());
    if (after == transitions_.size() && !footer_.empty()) {
        return footer_info(instant);
    }
    return table_info(after);
}

date::local_info TimeZone::get_info(date::local_seconds local) const {
    // Every span that may hold `local`: those that overlap local ± the widest offset. A
    // span [begin, end) with offset o holds the local times [begin + o, end + o).
    const sys_seconds as_utc{local.time_since_epoch()};
    // No zone has changed its offset more than a few times in two days; 16 spans is room.
    date::sys_info spans[16];
    std::size_t count = 0;
    for (auto info = get_info(as_utc - kWidestOffset); count < std::size(spans);
         info = get_info(info.end)) {
        spans[count++] = info;
        if (info.end > as_utc + kWidestOffset || info.end >= kEndOfTime) {
            break;
        }
    }
    date::local_info result{};
    std::size_t holding = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const auto& span = spans[i];
        if (span.begin + span.offset <= as_utc && as_utc < span.end + span.offset) {
            (holding++ == 0 ? result.first : result.second) = span;
            if (holding == 2) {
                break;
            }
        }
    }
    if (holding == 2) {
        result.result = date::local_info::ambiguous;
    } else if (holding == 1) {
        result.result = date::local_info::unique;
    } else {
        // In a gap: the span before it and the one after.
        for (std::size_t i = 0; i + 1 < count; ++i) {
            if (spans[i].end + spans[i].offset <= as_utc &&
                as_utc < spans[i + 1].begin + spans[i + 1].offset) {
                result.result = date::local_info::nonexistent;
                result.first = spans[i];
                result.second = spans[i + 1];
                return result;
            }
        }
        // Only past the room above: read it at the first span's offset rather than answer
        // with an empty span (whose begin, 1970, would become a dose's time).
        result.result = date::local_info::unique;
        result.first = get_info(as_utc - spans[0].offset);
    }
    return result;
}

date::local_seconds TimeZone::to_local(sys_seconds instant) const {
    return date::local_seconds{instant.time_since_epoch() + get_info(instant).offset};
}

sys_seconds TimeZone::to_sys(date::local_seconds local, date::choose choice) const {
    const auto info = get_info(local);
    if (info.result == date::local_info::nonexistent) {
        return info.first.end;
    }
    const auto& span = info.result == date::local_info::ambiguous && choice == date::choose::latest
                           ? info.second
                           : info.first;
    return sys_seconds{local.time_since_epoch() - span.offset};
}

const TimeZone& TimeZone::utc() {
    static const TimeZone zone = [] {
        TimeZone utc;
        utc.name_ = "UTC";
        utc.types_.push_back({0, false, "UTC"});
        return utc;
    }();
    return zone;
}

}  // namespace regimend
