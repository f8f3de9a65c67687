// `regimenctl symptom KIND SEVERITY [--at TIME] [--note TEXT]`: a diary entry; --at may be
// a date alone (a paper diary has dates): that day's entry.
#include <algorithm>
#include <iostream>
#include <memory>

#include "core/i18n.hpp"
#include "error.hpp"
#include "output.hpp"
#include "session.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct SymptomArgs {
    std::string kind;
    std::string severity;
    std::optional<std::string> at;
    std::string note;
};

// "0" to "10"; anything else (4.5, -1, 11, "bad") is a usage error that says the scale.
unsigned severity_argument(const std::string& text) {
    const bool digits =
        !text.empty() && text.size() <= 2 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(text) > 10) {
        throw CtlError(
            kExitUsage,
            regimend::fill(_("severity is a whole number from 0 to 10, not '{}'"), {text}));
    }
    return static_cast<unsigned>(std::stoi(text));
}

int run_symptom(const SymptomArgs& args, const GlobalOptions& options) {
    const unsigned severity = severity_argument(args.severity);
    auto [session, now, at] = open_entry_session(args.note, args.at, options);
    session.bus.log_symptom(args.kind, severity, at, args.note);
    std::cout << regimend::fill(regimend::is_day_entry(*session.zone, at.value_or(now))
                                    ? _("Logged: {0}, severity {1}, for {2}")
                                    : _("Logged: {0}, severity {1}, at {2}"),
                                {args.kind, std::to_string(severity),
                                 format_entry_when(*session.zone, at.value_or(now),
                                                   regimend::local_date(*session.zone, now))})
              << '\n';
    return kExitOk;
}

const RegisterVerb registration{
    {"symptom", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<SymptomArgs>();
         auto command = app.add_subcommand("symptom", _("Record a diary entry (e.g. migraine 6)"));
         command.add_option("KIND", args->kind, _("one of the regimen's `symptoms`")).required();
         command.add_option("SEVERITY", args->severity, _("0 (none) to 10 (worst)")).required();
         command.add_option("--at", args->at,
                            _("when (default now): \"21:10\", \"2026-11-22 21:10\", or a date "
                              "alone, \"2026-11-22\" (that day's entry)"));
         command.add_option("--note", args->note, _("free text kept in the history"));
         command.on_selected(run, [&options, args] { return run_symptom(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
