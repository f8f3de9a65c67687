// `regimenctl report [--days N] [--format text|json|html] [--output FILE]`: adherence per
// item, a calendar of the days, as-needed use and symptom figures against the same span
// before the regimen started, compared with a bootstrap interval, and the phases after the
// start. Reads the history database directly (read-only) and the regimen file: no daemon.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "calendar.hpp"
#include "core/pause.hpp"
#include "core/report.hpp"
#include "error.hpp"
#include "history_file.hpp"
#include "output.hpp"
#include "regimen_file.hpp"
#include "report_html.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

using regimend::Instant;
using regimend::Report;
using regimend::ReportInput;

struct ReportArgs {
    int days = 30;
    std::optional<std::string> state_dir;
    std::string format;  // text, json or html; empty: text, or json with --json
    std::optional<std::string> output;
};

// `pause_events`: the history's `paused` and `resumed` events (core/pause.hpp), so paused
// days count neither as planned nor as missed.
ReportInput load_input(const regimend::Regimen& regimen, const ReportArgs& args, Instant now,
                       std::vector<regimend::HistoryEvent>& pause_events) {
    ReportInput input;
    input.window = regimend::last_days(*regimen.zone, now, args.days);
    auto store = open_history(args.state_dir.value_or(default_state_dir()));
    if (!store) {
        return input;  // nothing recorded yet
    }
    pause_events = value_or_fail(store->pause_events());
    // A minute past now: an event the daemon is writing "now" is not cut off.
    Instant load_from = regimend::events_needed_from(regimen, input.window);
    input.events = value_or_fail(store->events_between(load_from, now + regimend::Seconds{60}));
    input.first_dose = value_or_fail(store->first_dose());
    // Where the diary begins: "before" never reaches further back than that.
    input.first_diary_entry = value_or_fail(store->first_symptom_entry());
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
    return day ? nlohmann::json(regimend::format_date(*day)) : nlohmann::json(nullptr);
}

nlohmann::json compared_json(const regimend::ComparedFigure& figure) {
    nlohmann::json interval = nullptr;
    nlohmann::json difference = nullptr;
    if (figure.estimate) {
        difference = figure.estimate->difference;
        interval = nlohmann::json::array({figure.estimate->low, figure.estimate->high});
    }
    return {{"before", number_or_null(figure.before)},
            {"after", number_or_null(figure.after)},
            {"difference", difference},
            {"ci95", interval}};
}

nlohmann::json phases_json(const Report& report, const regimend::TimeZone& zone) {
    auto phases = nlohmann::json::array();
    for (const auto& phase : report.phases) {
        auto symptoms = nlohmann::json::array();
        for (const auto& symptom : phase.symptoms) {
            symptoms.push_back({{"kind", symptom.kind},
                                {"days", symptom.days},
                                {"entries", symptom.entries},
                                {"days_per_week", symptom.days_per_week},
                                {"mean_severity", number_or_null(symptom.mean_severity)}});
        }
        phases.push_back({{"from", instant_json(zone, phase.span.from)},
                          {"to", instant_json(zone, phase.span.to)},
                          {"label", phase.label},
                          {"planned", phase.planned},
                          {"taken", phase.taken},
                          {"skipped", phase.skipped},
                          {"missed", phase.missed},
                          {"adherence", number_or_null(phase.adherence)},
                          {"symptoms", symptoms}});
    }
    return phases;
}

nlohmann::json report_json(const Report& report, const regimend::TimeZone& zone) {
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
                         {"late_median_minutes", number_or_null(item.late_median)},
                         {"taken_other_amount", item.taken_other_amount}});
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
             {"covered_days", symptom.during.covered_days},
             {"before",
              {{"from", before.span ? instant_json(zone, before.span->from) : nullptr},
               {"to", before.span ? instant_json(zone, before.span->to) : nullptr},
               {"days", before.days},
               {"entries", before.entries},
               {"mean_severity", number_or_null(before.mean_severity)},
               {"covered_days", before.covered_days}}},
             {"comparison",
              {{"days_per_week", compared_json(symptom.comparison.days_per_week)},
               {"mean_severity", compared_json(symptom.comparison.mean_severity)}}},
             {"readings",
              {regimend::days_reading(symptom.kind, symptom.comparison.days_per_week),
               regimend::severity_reading(symptom.kind, symptom.comparison.mean_severity)}}});
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
        days.push_back({{"date", regimend::format_date(day.day)},
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
            {"days", days},
            {"phases", phases_json(report, zone)}};
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
                       {lateness_text(item.late_median)}});
    }
    table.print(std::cout, "  ");
    for (const auto& item : report.items) {
        if (item.taken_other_amount > 0) {
            std::cout << "  " << item.item << ": " << plural(item.taken_other_amount, "dose")
                      << " taken at another amount than planned (take --amount)\n";
        }
    }
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

// "2026-11-15 to 2026-12-05, 21 days covered", or that the diary covers none of the side.
std::string covered_text(const regimend::TimeZone& zone, const regimend::SymptomFigures& figures) {
    if (!figures.covered) {
        return "no diary";
    }
    auto first = regimend::local_date(zone, figures.covered->from);
    auto last = regimend::local_date(zone, figures.covered->to - regimend::Seconds{1});
    std::string text = regimend::format_date(first);
    if (last != first) {
        text += " to " + regimend::format_date(last);
    }
    return text + ", " + plural(figures.covered_days, "day") + " covered";
}

void print_symptoms(const Report& report, const regimend::TimeZone& zone, int days) {
    if (report.symptoms.empty()) {
        return;
    }
    // Each side as far as the diary covers it, never the whole window it might have held.
    const auto& first = report.symptoms.front();
    std::cout << "\n" << paint("Symptoms", Colour::Bold);
    if (!report.after) {
        std::cout << ": the regimen has not started yet; the last " << plural(days, "day") << " ("
                  << covered_text(zone, first.during) << ")\n";
    } else {
        std::cout << " before and after the start";
        if (report.regimen_start) {
            std::cout << " on " << regimend::format_date(*report.regimen_start);
        }
        std::cout << "\n  before: " << covered_text(zone, first.before)
                  << "\n  after:  " << covered_text(zone, first.during) << "\n";
    }
    Table table;
    for (const auto& symptom : report.symptoms) {
        table.add_row({{symptom.kind + ":"},
                       {figures_text(symptom.before), Colour::Dim},
                       {"->"},
                       {figures_text(symptom.during)}});
    }
    table.print(std::cout, "  ");
    std::cout << "\n";
    for (const auto& symptom : report.symptoms) {
        std::cout << "  "
                  << terminal_text(
                         regimend::days_reading(symptom.kind, symptom.comparison.days_per_week))
                  << "\n  "
                  << terminal_text(
                         regimend::severity_reading(symptom.kind, symptom.comparison.mean_severity))
                  << "\n";
    }
    // How the intervals were made, when there is one to explain.
    const bool any_interval =
        std::any_of(report.symptoms.begin(), report.symptoms.end(), [](const auto& symptom) {
            return symptom.comparison.days_per_week.estimate ||
                   symptom.comparison.mean_severity.estimate;
        });
    if (any_interval) {
        std::cout << paint("  95% intervals: bootstrap over days, 10,000 resamples, fixed seed.",
                           Colour::Dim)
                  << "\n";
    }
}

void print_phases(const Report& report) {
    if (report.phases.size() < 2) {
        return;
    }
    std::cout << "\n" << paint("Phases", Colour::Bold) << " since the start\n";
    Table table;
    for (const auto& phase : report.phases) {
        std::vector<Cell> row{{phase.label},
                              {phase.adherence ? fixed(*phase.adherence * 100, 0) + "% taken"
                                               : std::string("not planned or not tracked")}};
        for (const auto& symptom : phase.symptoms) {
            std::string text = symptom.kind + " " + fixed(symptom.days_per_week, 1) + "/week";
            if (symptom.mean_severity) {
                text += ", mean " + fixed(*symptom.mean_severity, 1);
            }
            row.push_back({text});
        }
        table.add_row(row);
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

void print_report(const Report& report, const regimend::TimeZone& zone, int days) {
    std::cout << paint("Report", Colour::Bold) << " for "
              << regimend::format_date(regimend::local_date(zone, report.window.from)) << " to "
              << regimend::format_date(
                     regimend::local_date(zone, report.window.to - regimend::Seconds{1}))
              << " (" << plural(days, "day") << ")\n"
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
    print_symptoms(report, zone, days);
    print_phases(report);
    print_acute(report);
}

// A new file is 0600 (a health record); an existing one keeps its mode.
void write_output(const std::string& path, const std::string& text) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        throw CtlError(kExitFailed, "cannot write " + path + ": " + std::strerror(errno));
    }
    size_t written = 0;
    while (written < text.size()) {
        ssize_t result = ::write(fd, text.data() + written, text.size() - written);
        if (result < 0 && errno == EINTR) {
            continue;
        }
        if (result <= 0) {
            int error = errno;
            ::close(fd);
            throw CtlError(kExitFailed, "cannot write " + path + ": " + std::strerror(error));
        }
        written += static_cast<size_t>(result);
    }
    if (::close(fd) != 0) {
        throw CtlError(kExitFailed, "cannot write " + path + ": " + std::strerror(errno));
    }
}

// Runs `print` with std::cout captured, so every format can go to a file as well.
template <class Print>
std::string captured(Print print) {
    std::ostringstream buffer;
    auto* previous = std::cout.rdbuf(buffer.rdbuf());
    try {
        print();
    } catch (...) {
        std::cout.rdbuf(previous);
        throw;
    }
    std::cout.rdbuf(previous);
    return buffer.str();
}

int run_report(const ReportArgs& args, const GlobalOptions& options) {
    const auto file_regimen = load_valid_regimen(options.config_path, "cannot report on it");
    const Instant now = current_instant();
    std::vector<regimend::HistoryEvent> pause_events;
    auto input = load_input(file_regimen, args, now, pause_events);
    const auto regimen = regimend::with_pauses(
        file_regimen, regimend::pauses_from_events(file_regimen, pause_events));
    auto report = regimend::build_report(regimen, input, args.days);
    std::string format = args.format.empty() ? (options.json ? "json" : "text") : args.format;
    if (options.json && format != "json") {
        throw usage_error("--json and --format " + format + " disagree");
    }
    if (args.output) {
        switch_colour_off();
    }
    std::string text;
    if (format == "html") {
        text = render_report_html(report, regimen, args.days);
    } else if (format == "json") {
        text = json_text(report_json(report, *regimen.zone));
    } else {
        text = captured([&] { print_report(report, *regimen.zone, args.days); });
    }
    if (args.output) {
        write_output(*args.output, text);
    } else {
        std::cout << text << std::flush;
    }
    return kExitOk;
}

const RegisterVerb registration{
    {"report", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<ReportArgs>();
         auto command = app.add_subcommand(
             "report", "Adherence, a calendar and symptom figures over the last days (offline)");
         command.add_option("--days", args->days, "how many days, today included")
             .default_str("30")
             .range(1, 3660);
         command.add_option("--state-dir", args->state_dir,
                            "directory of history.db (default $XDG_STATE_HOME/regimend)");
         command.add_option("--config", options.config_path, "regimen file");
         command.add_flag("--json", options.json, "print one JSON document (--format json)");
         command.add_option("--format", args->format, "text (default), json or html")
             .one_of({"text", "json", "html"});
         command.add_option("--output", args->output,
                            "write to FILE instead of stdout (a new file is 0600)");
         command.on_selected(run, [&options, args] { return run_report(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
