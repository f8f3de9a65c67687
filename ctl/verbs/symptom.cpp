// `regimenctl symptom KIND SEVERITY [--at TIME] [--note TEXT]`: a diary entry.
#include <iostream>
#include <memory>

#include "output.hpp"
#include "session.hpp"
#include "time_args.hpp"

namespace regimenctl {
namespace {

struct SymptomArgs {
    std::string kind;
    unsigned severity = 0;
    std::optional<std::string> at;
    std::string note;
};

int run_symptom(const SymptomArgs& args, const GlobalOptions& options) {
    if (args.at) {
        check_at_form(*args.at);
    }
    auto session = open_session(options);
    const auto now = current_instant();
    const std::optional<Instant> at = optional_at_argument(args.at, *session.zone, now);
    session.bus.log_symptom(args.kind, args.severity, at, args.note);
    std::cout << "Logged: " << args.kind << ", severity " << args.severity << ", at "
              << format_when(*session.zone, at.value_or(now),
                             regimend::local_date(*session.zone, now))
              << '\n';
    return kExitOk;
}

const RegisterVerb registration{
    {60, [](CLI::App& app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<SymptomArgs>();
         auto* command = app.add_subcommand("symptom", "Record a diary entry (e.g. migraine 6)");
         command->add_option("KIND", args->kind, "one of the regimen's `symptoms`")->required();
         command->add_option("SEVERITY", args->severity, "0 (none) to 10 (worst)")
             ->required()
             ->check(CLI::Range(0u, 10u));
         command->add_option("--at", args->at,
                             "when (default now): \"21:10\", \"2026-11-22 21:10\"");
         command->add_option("--note", args->note, "free text kept in the history");
         on_selected(command, run, [&options, args] { return run_symptom(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
