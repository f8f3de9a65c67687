#include "session.hpp"

#include <map>
#include <utility>

#include "error.hpp"
#include "host/zoneinfo.hpp"
#include "note_args.hpp"
#include "regimen_file.hpp"
#include "time_args.hpp"

namespace regimenctl {

const regimend::TimeZone* offline_zone(const std::string& path) {
    auto parsed = try_load_regimen(path);
    if (parsed && parsed->regimen && parsed->regimen->zone != nullptr) {
        return parsed->regimen->zone;
    }
    return system_zone();
}

DaemonSession open_session(const GlobalOptions& options) {
    DaemonSession session{BusClient::connect()};
    session.zone = find_zone(session.bus.time_zone());
    if (session.zone == nullptr) {
        session.zone = offline_zone(options.config_path);
    }
    return session;
}

EntrySession open_entry_session(const std::string& note, const std::optional<std::string>& at,
                                const GlobalOptions& options) {
    check_note_argument(note, "--note");
    if (at) {
        check_entry_at_form(*at);
    }
    auto session = open_session(options);
    const auto now = current_instant();
    const auto zone = session.zone;
    return EntrySession{std::move(session), now, optional_entry_at_argument(at, *zone, now)};
}

std::string DaemonSession::config_path(const GlobalOptions& options) {
    auto path = bus.config_path();
    return path.empty() ? options.config_path : path;
}

std::string DaemonSession::item_name(const std::string& item, Instant around,
                                     const GlobalOptions& options) {
    // Several doses of one item share its name: a prefix is unique if it names one id.
    std::map<std::string, std::string> prefix_matches;  // id -> name
    for (const auto& row : bus.list_doses(around - date::days{1}, around + date::days{1})) {
        if (row.item == item) {
            return row.name;
        }
        if (row.item.starts_with(item)) {
            prefix_matches.emplace(row.item, row.name);
        }
    }
    if (prefix_matches.size() == 1) {
        return prefix_matches.begin()->second;
    }
    if (auto parsed = try_load_regimen(config_path(options)); parsed && parsed->regimen) {
        if (const auto* found = parsed->regimen->resolve(item)) {
            return found->name;
        }
    }
    return item;
}

}  // namespace regimenctl
