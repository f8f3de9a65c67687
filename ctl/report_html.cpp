#include "report_html.hpp"
#include "core/i18n.hpp"

#include "core/markup.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace regimenctl {
namespace {

using regimend::LocalDate;
using regimend::Report;

constexpr const char* kNotAdvice =
    N_("Not medical advice: these are figures from the diary and the dose history, for "
       "information, to discuss with a clinician.");

// Light by default, dark when the reader's system prefers it, always light on paper.
constexpr const char* kStyle = R"css(
:root { --fg: #1b1b1b; --bg: #ffffff; --muted: #5f6368; --grid: #d0d4d9; --before: #eef1f4;
  --taken: #1e8e3e; --partial: #9aa0a6; --skipped: #e3a008; --missed: #d93025; --none: #f1f3f4;
  --point: #3367d6; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8eaed; --bg: #17181a; --muted: #9aa0a6; --grid: #3c4043; --before: #24272b;
    --taken: #5bb974; --partial: #80868b; --skipped: #fdd663; --missed: #f28b82; --none: #2a2d31;
    --point: #8ab4f8; }
}
body { font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg);
  max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; margin-top: 1.8rem; border-bottom: 1px solid var(--grid); }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { text-align: left; padding: .2rem .7rem .2rem 0; border-bottom: 1px solid var(--grid);
  vertical-align: top; }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.date { white-space: nowrap; }
.muted, .advice { color: var(--muted); }
.advice { font-style: italic; }
figure { margin: .5rem 0 1rem; break-inside: avoid; }
svg { max-width: 100%; height: auto; font: 11px system-ui, sans-serif; }
svg text { fill: var(--fg); }
svg .axis { stroke: var(--grid); stroke-width: 1; }
svg .before { fill: var(--before); }
svg .start { stroke: var(--fg); stroke-width: 1.5; }
svg .phase { stroke: var(--muted); stroke-width: 1; stroke-dasharray: 4 3; }
svg .mean { stroke: var(--muted); stroke-width: 1.5; stroke-dasharray: 6 3; }
svg .point { fill: var(--point); }
svg .unrated { fill: var(--muted); }
svg .taken, .key.taken { fill: var(--taken); background: var(--taken); }
svg .partial, .key.partial { fill: var(--partial); background: var(--partial); }
svg .skipped, .key.skipped { fill: var(--skipped); background: var(--skipped); }
svg .missed, .key.missed { fill: var(--missed); background: var(--missed); }
svg .none, .key.none { fill: var(--none); background: var(--none); }
.key { display: inline-block; width: .8rem; height: .8rem; vertical-align: -1px;
  border: 1px solid var(--grid); margin: 0 .25rem 0 .8rem; }
ul.readings li { margin: .2rem 0; }
@media print {
  :root { --fg: #000; --bg: #fff; --muted: #444; --grid: #bbb; --before: #eee; --taken: #1e8e3e;
    --partial: #888; --skipped: #e3a008; --missed: #d93025; --none: #f1f1f1; --point: #1a4fb5; }
  body { max-width: none; margin: 0; font-size: 11pt; }
  h2 { break-after: avoid; }
  table, figure { break-inside: avoid; }
}
)css";

// Coordinates in the SVG: always with a point.
std::string format_number(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

// A figure the reader reads: the language's decimal mark.
std::string shown_number(double value, int decimals) {
    return regimend::format_reader_decimal(value, decimals);
}

std::string optional_number(const std::optional<double>& value, int decimals) {
    return value ? shown_number(*value, decimals) : "–";
}

std::string percent(double fraction) {
    return regimend::fill(_("{}%"), {shown_number(fraction * 100, 0)});
}

std::string day_text(LocalDate day) {
    return regimend::format_reader_date(day);
}

LocalDate add_days(LocalDate day, int count) {
    return LocalDate{date::sys_days{day} + date::days{count}};
}

// A generous width of `text` at the figures' 11px font, for room at an edge: an SVG cuts
// off whatever runs past its box.
double text_width(const std::string& text) {
    return 7.0 * static_cast<double>(text.size());
}

int days_between(LocalDate first, LocalDate last) {
    return static_cast<int>((date::sys_days{last} - date::sys_days{first}).count());
}

const char* day_class(const regimend::ItemDay& day) {
    if (day.taken >= day.planned) {
        return "taken";
    }
    if (day.taken > 0) {
        return "partial";
    }
    return day.missed > 0 ? "missed" : "skipped";
}

std::string item_amounts(const regimend::Item& item) {
    std::string text = item.amount ? item.amount->text : "";
    if (!item.ramp.empty() && item.schedule.start) {
        for (const auto& step : item.ramp) {
            text +=
                "; " + regimend::fill(_("{0} from {1}"),
                                      {step.amount.text,
                                       day_text(add_days(*item.schedule.start,
                                                         static_cast<int>(step.after.count())))});
        }
    }
    if (!item.dose.empty()) {
        text += (text.empty() ? "" : " (") + item.dose + (text.empty() ? "" : ")");
    }
    return text;
}

std::string item_times(const regimend::Item& item) {
    std::string text;
    for (const auto& time : item.schedule.times) {
        text += (text.empty() ? "" : ", ") + time.text;
    }
    if (item.schedule.start && item.schedule.end) {
        text += "; " + regimend::fill(_("from {0} to {1}"), {day_text(*item.schedule.start),
                                                             day_text(*item.schedule.end)});
    } else if (item.schedule.start) {
        text += "; " + regimend::fill(_("from {}"), {day_text(*item.schedule.start)});
    } else if (item.schedule.end) {
        text += "; " + regimend::fill(_("until {}"), {day_text(*item.schedule.end)});
    }
    return text;
}

// One row per weekday (Monday first), one column per week: like a wall calendar on its side.
std::string adherence_svg(const regimend::ItemAdherence& item, LocalDate first, LocalDate last) {
    constexpr int kCell = 13;
    constexpr int kStep = 15;
    constexpr int kLeft = 28;
    constexpr int kTop = 16;
    auto first_monday =
        date::sys_days{first} - date::days{date::weekday{date::sys_days{first}}.iso_encoding() - 1};
    int weeks = static_cast<int>((date::sys_days{last} - first_monday).count()) / 7 + 1;
    int width = kLeft + weeks * kStep + 4;
    // The last date label starts at its week's column and may run past the last column.
    const int last_label_column = (weeks - 1) / 4 * 4;
    width =
        std::max(width, kLeft + last_label_column * kStep + static_cast<int>(text_width("30 Nov")));
    int height = kTop + 7 * kStep + 4;
    std::map<LocalDate, const regimend::ItemDay*> by_day;
    for (const auto& day : item.days) {
        by_day[day.day] = &day;
    }
    std::string svg =
        "<svg class=\"calendar\" role=\"img\" viewBox=\"0 0 " + std::to_string(width) + " " +
        std::to_string(height) + "\" width=\"" + std::to_string(width) + "\" height=\"" +
        std::to_string(height) + "\" aria-label=\"" +
        regimend::escape_markup(regimend::fill(_("adherence calendar of {}"), {item.item})) + "\">";
    // Monday, Wednesday, Friday, Sunday: 2026-11-30 is a Monday.
    const LocalDate monday{date::year{2026} / 11 / 30};
    for (int row = 0; row < 7; row += 2) {
        svg += "<text x=\"0\" y=\"" + std::to_string(kTop + row * kStep + 10) + "\">" +
               regimend::escape_markup(regimend::format_weekday(add_days(monday, row))) + "</text>";
    }
    for (auto day = first; day <= last; day = add_days(day, 1)) {
        int offset = static_cast<int>((date::sys_days{day} - first_monday).count());
        int column = offset / 7;
        int row = offset % 7;
        if ((row == 0 || day == first) && column % 4 == 0) {  // a date every four weeks
            svg += "<text x=\"" + std::to_string(kLeft + column * kStep) + "\" y=\"11\">" +
                   regimend::escape_markup(regimend::format_reader_day_month(day)) + "</text>";
        }
        auto found = by_day.find(day);
        std::string klass = "none";
        std::string title = regimend::fill(_("{}: not planned or not tracked"), {day_text(day)});
        if (found != by_day.end()) {
            const auto& counts = *found->second;
            klass = day_class(counts);
            title = regimend::fill(
                _("{0}: {1} of {2} taken"),
                {day_text(day), std::to_string(counts.taken), std::to_string(counts.planned)});
            if (counts.skipped > 0) {
                title += ", " + regimend::fill(_("{} skipped"), {std::to_string(counts.skipped)});
            }
            if (counts.missed > 0) {
                title += ", " + regimend::fill(_("{} missed"), {std::to_string(counts.missed)});
            }
        }
        svg += "<rect class=\"" + klass + "\" x=\"" + std::to_string(kLeft + column * kStep) +
               "\" y=\"" + std::to_string(kTop + row * kStep) + "\" width=\"" +
               std::to_string(kCell) + "\" height=\"" + std::to_string(kCell) +
               "\" rx=\"2\"><title>" + title + "</title></rect>";
    }
    return svg + "</svg>";
}

std::string severity_svg(const Report& report, const regimend::SymptomSummary& symptom,
                         LocalDate first, LocalDate last) {
    constexpr double kWidth = 720;
    constexpr double kHeight = 190;
    constexpr double kLeft = 30;
    constexpr double kRight = 10;
    constexpr double kTop = 18;
    constexpr double kBottom = 26;
    const double plot_width = kWidth - kLeft - kRight;
    const double plot_height = kHeight - kTop - kBottom;
    const int span = days_between(first, last) + 1;
    auto x_of = [&](LocalDate day) {
        return kLeft + (days_between(first, day) + 0.5) * plot_width / span;
    };
    auto x_edge = [&](LocalDate day) {
        return kLeft + days_between(first, day) * plot_width / span;
    };
    auto y_of = [&](double severity) { return kTop + (10.0 - severity) / 10.0 * plot_height; };
    auto n = [](double value) { return format_number(value, 1); };

    std::string svg =
        "<svg class=\"severity\" role=\"img\" viewBox=\"0 0 720 190\" width=\"720\" "
        "height=\"190\" aria-label=\"" +
        regimend::escape_markup(regimend::fill(_("{} severity per day"), {symptom.kind})) + "\">";
    if (report.regimen_start && *report.regimen_start > first) {
        svg += "<rect class=\"before\" x=\"" + n(kLeft) + "\" y=\"" + n(kTop) + "\" width=\"" +
               n(x_edge(*report.regimen_start) - kLeft) + "\" height=\"" + n(plot_height) + "\"/>";
    }
    for (int level : {0, 5, 10}) {
        svg += "<line class=\"axis\" x1=\"" + n(kLeft) + "\" x2=\"" + n(kWidth - kRight) +
               "\" y1=\"" + n(y_of(level)) + "\" y2=\"" + n(y_of(level)) +
               "\"/><text x=\"4\" y=\"" + n(y_of(level) + 4) + "\">" + std::to_string(level) +
               "</text>";
    }
    // The mean of each side, as a dashed level over its days.
    const auto& severity = symptom.comparison.mean_severity;
    if (report.regimen_start && *report.regimen_start > first && severity.before) {
        svg += "<line class=\"mean\" x1=\"" + n(kLeft) + "\" x2=\"" +
               n(x_edge(*report.regimen_start)) + "\" y1=\"" + n(y_of(*severity.before)) +
               "\" y2=\"" + n(y_of(*severity.before)) + "\"><title>" +
               regimend::fill(_("mean before: {}"), {shown_number(*severity.before, 1)}) +
               "</title></line>";
    }
    if (report.after && severity.after && !report.phases.empty()) {
        double x = x_edge(report.phases.front().first_day);
        svg += "<line class=\"mean\" x1=\"" + n(x) + "\" x2=\"" + n(kWidth - kRight) + "\" y1=\"" +
               n(y_of(*severity.after)) + "\" y2=\"" + n(y_of(*severity.after)) + "\"><title>" +
               regimend::fill(_("mean after: {}"), {shown_number(*severity.after, 1)}) +
               "</title></line>";
    }
    for (size_t index = 1; index < report.phases.size(); ++index) {
        double x = x_edge(report.phases[index].first_day);
        svg += "<line class=\"phase\" x1=\"" + n(x) + "\" x2=\"" + n(x) + "\" y1=\"" + n(kTop) +
               "\" y2=\"" + n(kTop + plot_height) + "\"><title>" +
               regimend::escape_markup(report.phases[index].label) + "</title></line><text x=\"" +
               n(x + 2) + "\" y=\"" + n(kTop + plot_height - 4) + "\">" +
               std::to_string(index + 1) + "</text>";
    }
    if (report.regimen_start && *report.regimen_start >= first && *report.regimen_start <= last) {
        double x = x_edge(*report.regimen_start);
        const std::string label = regimend::escape_markup(
            regimend::fill(_("start {}"), {day_text(*report.regimen_start)}));
        // Right of the line, or left of it when it would run past the chart's edge.
        const bool fits_right = x + 3 + text_width(label) <= kWidth;
        svg += "<line class=\"start\" x1=\"" + n(x) + "\" x2=\"" + n(x) + "\" y1=\"" + n(kTop - 6) +
               "\" y2=\"" + n(kTop + plot_height) + "\"/><text x=\"" +
               n(fits_right ? x + 3 : x - 3) + "\" y=\"" + n(kTop - 8 + 6) + "\"" +
               (fits_right ? "" : " text-anchor=\"end\"") + ">" + label + "</text>";
    }
    for (const auto& day : symptom.series) {
        if (day.day < first || day.day > last) {
            continue;
        }
        std::string title = regimend::fill(P_("{0}: {1} entry", "{0}: {1} entries", day.entries),
                                           {day_text(day.day), std::to_string(day.entries)});
        if (day.rated > 0) {
            double mean = day.severity_sum / day.rated;
            svg += "<circle class=\"point\" cx=\"" + n(x_of(day.day)) + "\" cy=\"" + n(y_of(mean)) +
                   "\" r=\"3.5\"><title>" +
                   regimend::fill(_("{0}, severity {1}"), {title, shown_number(mean, 1)}) +
                   "</title></circle>";
        } else {
            svg += "<rect class=\"unrated\" x=\"" + n(x_of(day.day) - 2) + "\" y=\"" +
                   n(kTop + plot_height - 4) + "\" width=\"4\" height=\"4\"><title>" + title +
                   "</title></rect>";
        }
    }
    svg += "<text x=\"" + n(kLeft) + "\" y=\"" + n(kHeight - 6) + "\">" + day_text(first) +
           "</text><text x=\"" + n(kWidth - kRight) + "\" y=\"" + n(kHeight - 6) +
           "\" text-anchor=\"end\">" + day_text(last) + "</text>";
    return svg + "</svg>";
}

// "2026-11-15 to 2026-12-05 (21 days)", or that the diary covers none of the side.
std::string covered_text(const regimend::TimeZone& zone, const regimend::SymptomFigures& figures) {
    if (!figures.covered) {
        return _("no day");
    }
    const LocalDate first = regimend::local_date(zone, figures.covered->from);
    const LocalDate last = regimend::local_date(zone, figures.covered->to - regimend::Seconds{1});
    const std::string days = std::to_string(figures.covered_days);
    if (last == first) {
        return regimend::fill(P_("{0} ({1} day)", "{0} ({1} days)", figures.covered_days),
                              {day_text(first), days});
    }
    return regimend::fill(P_("{0} to {1} ({2} day)", "{0} to {1} ({2} days)", figures.covered_days),
                          {day_text(first), day_text(last), days});
}

std::string compared_row(const std::string& kind, const std::string& measure,
                         const regimend::ComparedFigure& figure) {
    std::string interval = "–";
    std::string difference = "–";
    if (figure.started && figure.too_early() && (figure.before || figure.after)) {
        difference = _("too early to tell");  // each side's days are in the sentence above
    } else if (figure.estimate) {
        difference = shown_number(figure.estimate->difference, 2);
        interval = regimend::fill(_("{0} to {1}"), {shown_number(figure.estimate->low, 2),
                                                    shown_number(figure.estimate->high, 2)});
    }
    return "<tr><td>" + regimend::escape_markup(kind) + "</td><td>" + measure +
           "</td><td class=\"number\">" + optional_number(figure.before, 2) +
           "</td><td class=\"number\">" + optional_number(figure.after, 2) +
           "</td><td class=\"number\">" + difference + "</td><td class=\"number\">" + interval +
           "</td></tr>";
}

}  // namespace

std::string render_report_html(const Report& report, const regimend::Regimen& regimen, int days) {
    const auto& zone = *regimen.zone;
    const LocalDate first = regimend::local_date(zone, report.window.from);
    const LocalDate last = regimend::local_date(zone, report.window.to - regimend::Seconds{1});
    const auto text = [](const std::string& words) { return regimend::escape_markup(words); };
    // TRANSLATORS: the language code of this catalogue, for the report page's <html lang>.
    std::string page =
        "<!DOCTYPE html>\n<html lang=\"" + text(_("en")) +
        "\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"color-scheme\" content=\"light dark\">\n"
        "<title>" +
        text(regimend::fill(_("Regimen report {0} to {1}"), {day_text(first), day_text(last)})) +
        "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
    const std::string span = regimend::fill(
        P_("{0} to {1} ({2} day), time zone {3}", "{0} to {1} ({2} days), time zone {3}", days),
        {day_text(first), day_text(last), std::to_string(days), zone.name()});
    page += "<h1>" + text(_("Regimen report")) + "</h1>\n<p>" +
            text(report.regimen_start ? regimend::fill(_("{0}; the regimen started on {1}."),
                                                       {span, day_text(*report.regimen_start)})
                                      : regimend::fill(_("{}."), {span}));
    page += "</p>\n<p class=\"advice\">" + text(_(kNotAdvice)) + "</p>\n";

    page += "<h2>" + text(_("Items")) + "</h2>\n<table>\n<tr>";
    for (const char* heading : {N_("item"), N_("name"), N_("amount"), N_("when"), N_("taken"),
                                N_("skipped"), N_("missed"), N_("adherence")}) {
        page += "<th>" + text(_(heading)) + "</th>";
    }
    page += "</tr>\n";
    for (const auto& item : report.items) {
        const auto* model = regimen.find(item.item);
        page += "<tr><td>" + regimend::escape_markup(item.item) + "</td><td>" +
                regimend::escape_markup(item.name) + "</td><td>" +
                regimend::escape_markup(model ? item_amounts(*model) : "") + "</td><td>" +
                regimend::escape_markup(model ? item_times(*model) : "") +
                "</td><td class=\"number\">" + std::to_string(item.taken) + "/" +
                std::to_string(item.planned) + "</td><td class=\"number\">" +
                std::to_string(item.skipped) + "</td><td class=\"number\">" +
                std::to_string(item.missed) + "</td><td class=\"number\">" +
                (item.adherence ? text(percent(*item.adherence)) : "–") + "</td></tr>\n";
    }
    for (const auto& item : report.as_needed) {
        page +=
            "<tr><td>" + regimend::escape_markup(item.item) + "</td><td>" +
            regimend::escape_markup(item.name) + "</td><td>" + text(_("as needed")) + "</td><td>" +
            text(regimend::fill(P_("{0} use, {1} a week", "{0} uses, {1} a week", item.uses),
                                {std::to_string(item.uses), shown_number(item.uses_per_week, 1)})) +
            "</td><td></td><td></td><td></td><td></td></tr>\n";
    }
    page += "</table>\n";

    page += "<h2>" + text(_("Adherence calendar")) + "</h2>\n<p class=\"muted\">";
    for (const auto& [klass, meaning] :
         {std::pair{"taken", N_("taken")}, std::pair{"partial", N_("some taken")},
          std::pair{"skipped", N_("skipped")}, std::pair{"missed", N_("missed")},
          std::pair{"none", N_("not planned or not tracked")}}) {
        page += std::string("<span class=\"key ") + klass + "\"></span>" + text(_(meaning));
    }
    page += "</p>\n";
    for (const auto& item : report.items) {
        page += "<figure class=\"figure adherence\"><h3>" + regimend::escape_markup(item.name) +
                " (" + regimend::escape_markup(item.item) + ")</h3>" +
                adherence_svg(item, first, last) + "</figure>\n";
    }

    page += "<h2>" + text(_("Symptoms before and after the start")) + "</h2>\n";
    if (!report.symptoms.empty()) {
        // Each side as far as the diary covers it: the figures count no other day.
        const auto& first_kind = report.symptoms.front();
        if (report.after) {
            page += "<p>" +
                    text(regimend::fill(_("The diary covers {0} before the start and {1} after "
                                          "it."),
                                        {covered_text(zone, first_kind.before),
                                         covered_text(zone, first_kind.during)})) +
                    "</p>\n";
        } else {
            page += "<p>" +
                    text(regimend::fill(
                        _("The regimen has not started yet (no item has a start date that has "
                          "come and no dose has been taken): there is nothing after the start "
                          "to compare. The diary covers {} of the window."),
                        {covered_text(zone, first_kind.during)})) +
                    "</p>\n";
        }
        page += "<table>\n<tr>";
        for (const char* heading : {N_("symptom"), N_("figure"), N_("before"), N_("after"),
                                    N_("difference"), N_("95% interval")}) {
            page += "<th>" + text(_(heading)) + "</th>";
        }
        page += "</tr>\n";
        for (const auto& symptom : report.symptoms) {
            page += compared_row(symptom.kind, text(_("days a week")),
                                 symptom.comparison.days_per_week) +
                    "\n" +
                    compared_row(symptom.kind, text(_("mean severity")),
                                 symptom.comparison.mean_severity) +
                    "\n";
        }
        page += "</table>\n<ul class=\"readings\">\n";
        for (const auto& symptom : report.symptoms) {
            page += "<li>" +
                    regimend::escape_markup(
                        regimend::days_reading(symptom.kind, symptom.comparison.days_per_week)) +
                    "</li>\n<li>" +
                    regimend::escape_markup(regimend::severity_reading(
                        symptom.kind, symptom.comparison.mean_severity)) +
                    "</li>\n";
        }
        page += "</ul>\n<p class=\"muted\">" +
                text(_("Intervals: 95% percentile bootstrap, resampling days (10,000 resamples, "
                       "fixed seed). Days without an entry count as days without the symptom "
                       "once the diary was kept on that side.")) +
                "</p>\n";
    }
    LocalDate chart_first = first;
    for (const auto& symptom : report.symptoms) {
        if (symptom.before.span) {
            chart_first =
                std::min(chart_first, regimend::local_date(zone, symptom.before.span->from));
        }
    }
    for (const auto& symptom : report.symptoms) {
        page += "<figure class=\"figure severity\"><h3>" +
                text(regimend::fill(_("{}: severity per day (0–10)"), {symptom.kind})) + "</h3>" +
                severity_svg(report, symptom, chart_first, last) + "<figcaption class=\"muted\">" +
                text(_("Shaded: before the start. Solid line: the start; dashed: phase "
                       "boundaries; a dot: the day's mean severity.")) +
                "</figcaption></figure>\n";
    }

    if (!report.phases.empty()) {
        page += "<h2>" + text(_("Phases after the start")) + "</h2>\n<table>\n<tr><th>#</th>";
        for (const char* heading : {N_("phase"), N_("from"), N_("to"), N_("adherence")}) {
            page += "<th>" + text(_(heading)) + "</th>";
        }
        for (const auto& symptom : report.symptoms) {
            page += "<th>" + text(regimend::fill(_("{} days a week"), {symptom.kind})) +
                    "</th><th>" + text(regimend::fill(_("{} mean severity"), {symptom.kind})) +
                    "</th>";
        }
        page += "</tr>\n";
        for (size_t index = 0; index < report.phases.size(); ++index) {
            const auto& phase = report.phases[index];
            page += "<tr><td>" + std::to_string(index + 1) + "</td><td>" +
                    regimend::escape_markup(phase.label) + "</td><td class=\"date\">" +
                    day_text(phase.first_day) + "</td><td class=\"date\">" +
                    day_text(phase.last_day) + "</td><td class=\"number\">" +
                    (phase.adherence ? text(percent(*phase.adherence)) : "–") + "</td>";
            for (const auto& symptom : phase.symptoms) {
                page += "<td class=\"number\">" + shown_number(symptom.days_per_week, 1) +
                        "</td><td class=\"number\">" + optional_number(symptom.mean_severity, 1) +
                        "</td>";
            }
            page += "</tr>\n";
        }
        page += "</table>\n";
    }
    page += "<p class=\"advice\">" + text(_(kNotAdvice)) + "</p>\n</body>\n</html>\n";
    return page;
}

}  // namespace regimenctl
