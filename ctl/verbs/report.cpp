// `regimenctl report [--days N] [--json]`: adherence per item, a calendar of the days,
// as-needed use and symptom figures against the same span before the regimen started.
// Reads the history database directly (read-only) and the regimen file: no daemon needed.
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "calendar.hpp"
#include "core/report.hpp"
#include "error.hpp"
#include "history_file.hpp"
#include "output.hpp"
#include "regimen_file.hpp"
#include "time_args.hpp"

namespace regimenctl {
namespace {

using regimend::Instant;
using regimend::Report;
using regimend::ReportInput;

struct ReportArgs {
    int days = 30;
    std::optional<std::string> state_dir;
};

const regimend::Regimen& require_valid(const regimend::ParseResult& parsed) {
    if (!parsed.ok()) {
        for (const auto& diagnostic : parsed.diagnostics) {
            std::cerr << regimend::format_diagnostic(diagnostic) << '\n';
        }
        throw CtlError(kExitFailed, "the regimen has errors; cannot report on it");
    }
    return *parsed.regimen;
}

ReportInput load_input(const regimend::Regimen& regimen, const ReportArgs& args, Instant now) {
    ReportInput input;
    input.window = regimend::last_days(*regimen.zone, now, args.days);
    auto store = open_history(args.state_dir.value_or(default_state_dir()));
    if (!store) {
        return input;  // nothing recorded yet
    }
    // A minute past now: an event the daemon is writing "now" is not cut off.
    Instant load_from = regimend::events_needed_from(regimen, input.window);
    input.events = value_or_fail(store->events_between(load_from, now + regimend::Seconds{60}));
    input.first_dose = value_or_fail(store->first_dose());
    // Where the daemon began tracking, as it recorded it: a backdated diary entry or log
    // never moves it, so doses planned before it count neither as planned nor as missed.
    input.tracking_since = value_or_fail(store->tracking_since());
    if (auto before = regimend::before_span(regimen, input.first_dose, args.days)) {
        input.before_events = value_or_fail(store->events_between(before->from, before->to));
    }
    return input;
}

nlohmann::json number_or_null(std::optional<double> value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json date_or_null(std::optional<regimend::LocalDate> day) {
    return day ? nlohmann::json(date::format("%F", *day)) : nlohmann::json(nullptr);
}

nlohmann::json report_json(const Report& report, const date::time_zone& zone) {
    auto items = nlohmann::json::array();
    for (const auto& item : report.items) {
        items.push_back({{"item", item.item},
                         {"name", item.name},
                         {"planned", item.planned},
                         {"taken", item.taken},
                         {"skipped", item.skipped},
                         {"missed", item.missed},
                         {"pending", item.pending},
                         {"adherence", number_or_null(item.adherence)},
                         {"late_median_minutes", number_or_null(item.late_median)}});
    }
    auto as_needed = nlohmann::json::array();
    for (const auto& item : report.as_needed) {
        as_needed.push_back(
            {{"item", item.item},
             {"name", item.name},
             {"uses", item.uses},
             {"uses_per_week", item.uses_per_week},
             {"max_per_day", item.max_per_day ? nlohmann::json(*item.max_per_day) : nullptr},
             {"days_over_max", item.days_over_max}});
    }
    auto symptoms = nlohmann::json::array();
    for (const auto& symptom : report.symptoms) {
        const auto& before = symptom.before;
        symptoms.push_back(
            {{"kind", symptom.kind},
             {"days", symptom.during.days},
             {"entries", symptom.during.entries},
             {"mean_severity", number_or_null(symptom.during.mean_severity)},
             {"before",
              {{"from", before.span ? instant_json(zone, before.span->from) : nullptr},
               {"to", before.span ? instant_json(zone, before.span->to) : nullptr},
               {"days", before.days},
               {"entries", before.entries},
               {"mean_severity", number_or_null(before.mean_severity)}}}});
    }
    auto overuse = nlohmann::json::array();
    for (const auto& month : report.overuse) {
        overuse.push_back({{"month", date::format("%Y-%m", month.month / date::day{1})},
                           {"acute_days", month.acute_days},
                           {"threshold", regimend::kOveruseThresholdDays},
                           {"note", regimend::overuse_note(month)}});
    }
    auto days = nlohmann::json::array();
    for (const auto& day : report.days) {
        days.push_back({{"date", date::format("%F", day.day)},
                        {"planned", day.planned},
                        {"taken", day.taken},
                        {"symptom", day.symptom},
                        {"acute", day.acute}});
    }
    return {{"from", instant_json(zone, report.window.from)},
            {"to", instant_json(zone, report.window.to)},
            {"counted_from", instant_json(zone, report.counted_from)},
            {"regimen_start", date_or_null(report.regimen_start)},
            {"items", items},
            {"as_needed", as_needed},
            {"symptoms", symptoms},
            {"acute_days", report.acute_days},
            {"overuse", overuse},
            {"days", days}};
}

std::string fixed(double value, int decimals) {
    std::ostringstream text;
    text << std::fixed << std::setprecision(decimals) << value;
    return text.str();
}

std::string plural(int count, const std::string& word) {
    return std::to_string(count) + " " + word + (count == 1 ? "" : "s");
}

Colour adherence_colour(double adherence) {
    if (adherence >= 0.9) {
        return Colour::Green;
    }
    return adherence >= 0.5 ? Colour::Yellow : Colour::Red;
}

std::string late_text(std::optional<double> minutes) {
    if (!minutes) {
        return "";
    }
    long rounded = std::lround(*minutes);
    if (rounded == 0) {
        return "on time";
    }
    return std::to_string(std::labs(rounded)) + " min " + (rounded > 0 ? "late" : "early");
}

std::string figures_text(const regimend::SymptomFigures& figures) {
    if (!figures.span) {
        return "unknown";
    }
    std::string text = plural(figures.days, "day");
    if (figures.mean_severity) {
        text += ", mean " + fixed(*figures.mean_severity, 1);
    }
    return text;
}

void print_items(const Report& report) {
    if (report.items.empty()) {
        return;
    }
    Table table;
    table.add_row({{"item", Colour::Bold},
                   {"taken", Colour::Bold},
                   {"skipped", Colour::Bold},
                   {"missed", Colour::Bold},
                   {"adherence", Colour::Bold},
                   {"median time", Colour::Bold}});
    for (const auto& item : report.items) {
        Cell adherence{"-"};
        if (item.adherence) {
            adherence = {fixed(*item.adherence * 100, 0) + "%", adherence_colour(*item.adherence)};
        }
        table.add_row({{item.item},
                       {std::to_string(item.taken) + "/" + std::to_string(item.planned)},
                       {std::to_string(item.skipped)},
                       {std::to_string(item.missed), item.missed > 0 ? Colour::Red : Colour::None},
                       adherence,
                       {late_text(item.late_median)}});
    }
    table.print(std::cout, "  ");
}

void print_as_needed(const Report& report) {
    if (report.as_needed.empty()) {
        return;
    }
    std::cout << "\n" << paint("As needed", Colour::Bold) << "\n";
    Table table;
    for (const auto& item : report.as_needed) {
        std::string over;
        if (item.max_per_day && item.days_over_max > 0) {
            over = plural(item.days_over_max, "day") + " over " +
                   std::to_string(*item.max_per_day) + " a day";
        }
        table.add_row({{item.item},
                       {plural(item.uses, "use")},
                       {fixed(item.uses_per_week, 1) + " a week"},
                       {over, Colour::Yellow}});
    }
    table.print(std::cout, "  ");
}

void print_symptoms(const Report& report, int days) {
    if (report.symptoms.empty()) {
        return;
    }
    std::cout << "\n"
              << paint("Symptoms", Colour::Bold) << ": the " << days
              << " days before the regimen started";
    if (report.regimen_start) {
        std::cout << " (" << date::format("%F", *report.regimen_start) << ")";
    }
    std::cout << " -> the last " << days << " days\n";
    Table table;
    for (const auto& symptom : report.symptoms) {
        table.add_row({{symptom.kind + ":"},
                       {figures_text(symptom.before), Colour::Dim},
                       {"->"},
                       {figures_text(symptom.during)}});
    }
    table.print(std::cout, "  ");
}

void print_acute(const Report& report) {
    if (report.as_needed.empty() && report.acute_days == 0) {
        return;
    }
    std::cout << "\nAcute (as-needed) doses on " << plural(report.acute_days, "day")
              << " of the window.\n";
    for (const auto& month : report.overuse) {
        std::cout << paint(regimend::overuse_note(month), Colour::Yellow) << "\n";
    }
}

void print_report(const Report& report, const date::time_zone& zone, int days) {
    std::cout << paint("Report", Colour::Bold) << " for "
              << date::format("%F", regimend::local_date(zone, report.window.from)) << " to "
              << date::format("%F", regimend::local_date(zone, report.window.to)) << " ("
              << plural(days, "day") << ")\n"
              << zone_note(zone);
    if (!report.counted_from) {
        std::cout << "No doses recorded yet: planned doses count from the first event in the "
                     "history.\n";
    } else if (*report.counted_from > report.window.from) {
        std::cout << "Doses count from " << format_when(zone, *report.counted_from, {})
                  << ", when the history begins.\n";
    }
    std::cout << "\n";
    print_items(report);
    if (!report.days.empty()) {
        std::cout << "\n" << render_calendar(report.days, colour_enabled());
    }
    print_as_needed(report);
    print_symptoms(report, days);
    print_acute(report);
}

int run_report(const ReportArgs& args, const GlobalOptions& options) {
    auto parsed = load_regimen(options.config_path);
    const auto& regimen = require_valid(parsed);
    const Instant now = current_instant();
    auto input = load_input(regimen, args, now);
    auto report = regimend::build_report(regimen, input, args.days);
    if (options.json) {
        print_json(report_json(report, *regimen.zone));
    } else {
        print_report(report, *regimen.zone, args.days);
    }
    return kExitOk;
}

const RegisterVerb registration{
    {80, [](CLI::App& app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<ReportArgs>();
         auto* command = app.add_subcommand(
             "report", "Adherence, a calendar and symptom figures over the last days (offline)");
         command->add_option("--days", args->days, "how many days, today included")
             ->default_str("30")
             ->check(CLI::Range(1, 3660));
         command->add_option("--state-dir", args->state_dir,
                             "directory of history.db (default $XDG_STATE_HOME/regimend)");
         command->add_option("--config", options.config_path, "regimen file");
         command->add_flag("--json", options.json, "print one JSON document");
         on_selected(command, run, [&options, args] { return run_report(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
