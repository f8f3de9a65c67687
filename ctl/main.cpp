// regimenctl: parses the command line with the verbs registered under ctl/verbs/, runs the
// selected one (status when none is named) and maps failures to the spec's exit codes.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cassert>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "core/i18n.hpp"
#include "error.hpp"
#include "host/locale.hpp"
#include "regimen_file.hpp"
#include "verb.hpp"

namespace {

using regimenctl::CtlError;
using regimenctl::GlobalOptions;

// CLI11 reads a vector of arguments last-first.
std::vector<std::string> reversed_arguments(int argc, char** argv, const std::string& extra) {
    std::vector<std::string> arguments(argv + 1, argv + argc);
    arguments.push_back(extra);
    std::reverse(arguments.begin(), arguments.end());
    return arguments;
}

// The first word of the command line that is neither an option nor --config's value (the
// verb, or a typo of one), and whether -h/--help came before it.
struct FirstWord {
    std::optional<std::string_view> word;
    bool help_before = false;
};

FirstWord first_word(int argc, char** argv) {
    FirstWord first;
    for (int index = 1; index < argc; ++index) {
        const std::string_view word = argv[index];
        if (word == "--config") {
            ++index;  // its value
            continue;
        }
        if (word == "-h" || word == "--help") {
            first.help_before = true;
        }
        if (!word.starts_with("-")) {
            first.word = word;
            break;
        }
    }
    return first;
}

// The verb the command line names by its own name, before any --help: then only that verb
// is added to CLI11, whose cost grows with every option and subcommand it is given. Anything
// else (no verb, an alias such as `confirm`, a typo, --help for the whole program) adds
// them all.
const regimenctl::Verb* named_verb(const FirstWord& first,
                                   const std::vector<regimenctl::Verb>& verbs) {
    if (!first.word || first.help_before) {
        return nullptr;
    }
    const auto found = std::find_if(verbs.begin(), verbs.end(),
                                    [&](const auto& verb) { return verb.name == *first.word; });
    return found == verbs.end() ? nullptr : &*found;
}

// `run` with failures reported as ../shared/SPEC.md says: the message on stderr, the
// exit code of the CtlError (1 for anything else).
int run_reporting_errors(const std::function<int()>& run) {
    try {
        return run();
    } catch (const CtlError& error) {
        std::cerr << "regimenctl: " << error.what() << '\n';
        return error.exit_code();
    } catch (const std::exception& error) {
        std::cerr << "regimenctl: " << error.what() << '\n';
        return regimenctl::kExitFailed;
    }
}

// The verb that runs without a parser: `regimenctl status` or a bare `regimenctl` (the
// default verb, status), when that verb has run_alone. Anything more on the command line
// (an option, --help, another word) goes through CLI11.
const regimenctl::Verb* verb_alone(int argc, char** argv,
                                   const std::vector<regimenctl::Verb>& verbs) {
    if (argc > 2) {
        return nullptr;
    }
    const std::string_view name = argc == 2 ? std::string_view(argv[1]) : "status";
    const auto found = std::find_if(verbs.begin(), verbs.end(),
                                    [&](const auto& verb) { return verb.name == name; });
    return found != verbs.end() && found->run_alone ? &*found : nullptr;
}

// The verbs that read the regimen file themselves: the others answer from the daemon,
// where --config would be silently ignored, so they refuse it.
bool reads_config_file(std::string_view verb) {
    for (std::string_view name : {"check", "edit", "export", "plan", "report", "__complete"}) {
        if (verb == name) {
            return true;
        }
    }
    return false;
}

// --help and usage errors in the user's language: CLI11's headings, the words of its usage
// line and its error footer. The error's own first line (e.g. "The following argument was
// not expected: x") is CLI11's English text, which it builds inside the library.
void translate_cli11(CLI::App& app) {
    auto formatter = app.get_formatter();
    formatter->label("Usage", _("Usage"));
    formatter->label("OPTIONS", _("OPTIONS"));
    formatter->label("SUBCOMMAND", _("SUBCOMMAND"));
    formatter->label("SUBCOMMANDS", _("SUBCOMMANDS"));
    formatter->label("REQUIRED", _("REQUIRED"));
    formatter->label("Positionals", _("Positionals"));
    formatter->label("TEXT", _("TEXT"));
    formatter->label("INT", _("INT"));
    formatter->label("FILE", _("FILE"));
    formatter->label("DIR", _("DIR"));
    app.option_defaults()->group(_("Options"));
    app.set_help_flag("-h,--help", _("Print this help message and exit"));
    app.failure_message([](const CLI::App*, const CLI::Error& error) {
        return regimend::fill(_("{}\nRun with --help for more information.\n"), {error.what()});
    });
}

}  // namespace

namespace regimenctl {

// A function-local static, so verbs registering from other translation units' static
// initialisers never see it unconstructed. Defined here rather than in regimenctl_lib: the
// library's files do not include CLI11 (ctl/global_options.hpp).
std::vector<Verb>& verb_registry() {
    static std::vector<Verb> verbs;
    return verbs;
}

}  // namespace regimenctl

int main(int argc, char** argv) {
    // regimenctl speaks its own environment's language (the daemon's answers, such as
    // status warnings, come in the daemon's).
    regimend::use_environment_locale();
    GlobalOptions options;
    options.config_path = regimenctl::default_config_path();
    if (const auto* verb = verb_alone(argc, argv, regimenctl::verb_registry())) {
        return run_reporting_errors([&] { return verb->run_alone(options); });
    }

    CLI::App app{
        _("Control regimend: confirm, skip and snooze doses, log as-needed doses and symptoms,\n"
          "show status and history, plan, check and edit the regimen."),
        "regimenctl"};
    translate_cli11(app);
    app.fallthrough();  // global options are accepted after the verb too
    app.require_subcommand(0, 1);

    app.add_option("--config", options.config_path, _("regimen file"))
        ->default_str(options.config_path);
    app.set_version_flag("--version", std::string("regimenctl ") + REGIMEND_VERSION,
                         _("Display program version information and exit"));

    std::function<int()> run;
    auto verbs = regimenctl::verb_registry();
    // Sorted by name: the registration order of files is the linker's, not ours.
    std::sort(verbs.begin(), verbs.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    const FirstWord first = first_word(argc, argv);
    if (const auto* verb = named_verb(first, verbs)) {
        verb->add(regimenctl::Command{&app}, options, run);
    } else {
        for (const auto& each : verbs) {
            each.add(regimenctl::Command{&app}, options, run);
            assert(app.get_subcommands([](CLI::App*) { return true; }).back()->get_name() ==
                   each.name);
        }
    }

    // An unknown first word is most likely a mistyped verb: say so, not "not expected".
    if (first.word) {
        const std::string name(*first.word);
        if (app.get_subcommands([&](CLI::App* verb) { return verb->check_name(name); }).empty()) {
            std::cerr << "regimenctl: "
                      << regimend::fill(_("unknown verb '{}'; see regimenctl --help"), {name})
                      << '\n';
            return regimenctl::kExitUsage;
        }
    }

    try {
        app.parse(argc, argv);
        if (!run) {
            // No verb: `status`, with whatever global options were given.
            app.clear();
            auto arguments = reversed_arguments(argc, argv, "status");
            app.parse(arguments);
        }
    } catch (const CLI::ParseError& error) {
        int code = app.exit(error);
        return code == 0 ? regimenctl::kExitOk : regimenctl::kExitUsage;
    }
    if (!run) {
        std::cerr << "regimenctl: " << _("no verb to run") << '\n';
        return regimenctl::kExitUsage;
    }
    if (app.get_option("--config")->count() > 0) {
        const auto selected = app.get_subcommands();
        const std::string verb = selected.empty() ? "status" : selected.front()->get_name();
        if (!reads_config_file(verb)) {
            std::cerr << "regimenctl: "
                      << regimend::fill(
                             _("--config does not apply to '{}': it answers from the running "
                               "regimend, which reads its own file (regimenctl reload); "
                               "--config is for check, edit, export, plan and report"),
                             {verb})
                      << '\n';
            return regimenctl::kExitUsage;
        }
    }

    const auto selected = app.get_subcommands();
    if (options.json && (selected.empty() || selected.front()->get_name() != "bar")) {
        // A JSON document's messages are data: the same words in every language. (bar's
        // JSON lines carry the words a status bar shows, in the user's language.)
        regimend::use_untranslated_messages();
    }
    return run_reporting_errors(run);
}
