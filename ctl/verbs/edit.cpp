// `regimenctl edit`: like `crontab -e` / `visudo`. The user edits a copy in $TMPDIR; the
// copy is validated (by the daemon's Validate when it runs, else offline) and re-opened
// while it has errors; only a valid regimen is installed (atomically), then regimend is
// asked to reload. The running regimen is never replaced by a broken one.
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "bus_client.hpp"
#include "core/i18n.hpp"
#include "core/lint.hpp"
#include "error.hpp"
#include "install_file.hpp"
#include "output.hpp"
#include "regimen_file.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

// Without a terminal nobody can answer "Re-open?": give a scripted editor a few chances,
// then stop rather than loop for ever.
constexpr int kMaxUnattendedAttempts = 3;

constexpr const char* kNewRegimen =
    "# regimend regimen: the README describes every key.\n"
    "version: 1\n"
    "items:\n"
    "  - id: example\n"
    "    name: Example item\n"
    "    at: \"08:00\"\n";

std::string editor_command() {
    for (const char* variable : {"VISUAL", "EDITOR"}) {
        const char* value = std::getenv(variable);
        if (value != nullptr && value[0] != '\0') {
            return value;
        }
    }
    return "vi";
}

// Runs the editor through /bin/sh so "code --wait" works; the file is passed as "$1" so
// its name is never re-parsed by the shell.
int run_editor(const std::string& editor, const std::string& file) {
    std::cout.flush();
    pid_t child = ::fork();
    if (child < 0) {
        throw CtlError(kExitFailed,
                       regimend::fill(_("cannot start the editor: {}"), {std::strerror(errno)}));
    }
    if (child == 0) {
        std::string script = editor + " \"$1\"";
        ::execl("/bin/sh", "sh", "-c", script.c_str(), "sh", file.c_str(),
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            throw CtlError(kExitFailed,
                           regimend::fill(_("waiting for the editor: {}"), {std::strerror(errno)}));
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class TemporaryCopy {
  public:
    explicit TemporaryCopy(const std::string& text) {
        const char* tmpdir = std::getenv("TMPDIR");
        path_ = std::string(tmpdir != nullptr && tmpdir[0] != '\0' ? tmpdir : "/tmp") +
                "/regimen-XXXXXX.yaml";
        int fd = ::mkstemps(path_.data(), 5);
        if (fd < 0) {
            throw CtlError(kExitFailed, regimend::fill(_("cannot create a temporary file {0}: {1}"),
                                                       {path_, std::strerror(errno)}));
        }
        bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
        ::close(fd);
        if (!written) {
            ::unlink(path_.c_str());
            throw CtlError(kExitFailed, regimend::fill(_("cannot write {}"), {path_}));
        }
    }
    TemporaryCopy(const TemporaryCopy&) = delete;
    TemporaryCopy& operator=(const TemporaryCopy&) = delete;
    // The copy is removed once installed or unchanged; after errors it is kept (the user's
    // work is never thrown away) and its path is printed.
    ~TemporaryCopy() {
        if (!keep_) {
            ::unlink(path_.c_str());
        }
    }
    const std::string& path() const { return path_; }
    void keep() { keep_ = true; }

  private:
    std::string path_;
    bool keep_ = false;
};

std::vector<regimend::Diagnostic> validate(const std::string& text, const std::string& target) {
    try {
        auto bus = BusClient::connect();
        return bus.validate(text, target);
    } catch (const CtlError&) {
        // No daemon, or one that could not answer (a text over the bus's message size):
        // the same parser and lint, offline. A bus failure must never cost the user the
        // edit they just made.
    }
    auto parsed = regimend::parse_regimen(text, target, system_zone(), regimend::find_zone);
    auto diagnostics = parsed.diagnostics;
    if (parsed.regimen) {
        auto warnings = regimend::lint(*parsed.regimen);
        diagnostics.insert(diagnostics.end(), warnings.begin(), warnings.end());
    }
    return diagnostics;
}

// The edited copy as the editor left it: a regular file of ours, never through a symlink
// (an editor or another program may leave one in place of the copy, pointing anywhere).
// The edited copy, read only while it is still the regular file of this user that was made
// (an editor that leaves a symbolic link in its place is not followed); CtlError otherwise.
std::string read_copy(const std::string& path) {
    const auto refuse = [&](const std::string& why) {
        throw CtlError(kExitFailed,
                       regimend::fill(_("cannot read the edited copy {0}: {1}"), {path, why}));
    };
    struct stat before {};
    if (::lstat(path.c_str(), &before) != 0) {
        refuse(std::strerror(errno));
    }
    if (S_ISLNK(before.st_mode)) {
        refuse(_("it is now a symbolic link, not the copy regimenctl made"));
    }
    if (!S_ISREG(before.st_mode) || before.st_uid != ::geteuid()) {
        refuse(_("it is no longer a regular file of yours"));
    }
    std::string text = read_text_file(path);
    struct stat after {};
    if (::lstat(path.c_str(), &after) != 0 || after.st_dev != before.st_dev ||
        after.st_ino != before.st_ino) {
        refuse(_("it was replaced while it was read"));
    }
    return text;
}

// The target as it is now: its text, or nullopt when it does not exist.
std::optional<std::string> current_target(const std::string& target) {
    std::error_code ignored;
    if (!std::filesystem::exists(target, ignored)) {
        return std::nullopt;
    }
    try {
        return read_text_file(target);
    } catch (const CtlError& error) {
        return "\n(unreadable: " + std::string(error.what()) +
               ")";  // differs from any text read before
    }
}

bool ask_reopen() {
    // TRANSLATORS: the answer is read by the language's own yes/no words (rpmatch).
    std::cerr << _("Re-open the editor? [Y/n] ") << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) {
        return false;
    }
    return answer.empty() || ::rpmatch(answer.c_str()) == 1;
}

bool same_file(const std::string& a, const std::string& b) {
    std::error_code error;
    return std::filesystem::equivalent(a, b, error) && !error;
}

// Reload when regimend runs and reads this file; says what happened.
int reload_after_install(const std::string& target) {
    try {
        auto bus = BusClient::connect();
        auto running = bus.config_path();
        if (!same_file(running, target)) {
            std::cout << regimend::fill(_("Installed {0}; regimend runs {1}, so it was not "
                                          "reloaded."),
                                        {target, running})
                      << '\n';
            return kExitOk;
        }
        bus.reload();
        std::cout << regimend::fill(_("Installed {}; regimend reloaded it."), {target}) << '\n';
        return kExitOk;
    } catch (const CtlError& error) {
        if (error.exit_code() == kExitNoDaemon) {
            std::cout << regimend::fill(_("Installed {}; regimend is not running (it reads the "
                                          "file when it starts)."),
                                        {target})
                      << '\n';
            return kExitOk;
        }
        std::cerr << "regimenctl: "
                  << regimend::fill(_("installed {0}, but the reload failed: {1}"),
                                    {target, error.what()})
                  << '\n';
        return kExitFailed;
    }
}

int run_edit(const GlobalOptions& options) {
    const std::string target = options.config_path;
    // What the target held when the copy was made: installing is refused if that changed.
    std::optional<std::string> before;
    std::error_code ignored;
    if (std::filesystem::exists(target, ignored)) {
        before = read_text_file(target);
    }
    const std::string original = before.value_or(kNewRegimen);

    TemporaryCopy copy(original);
    const auto editor = editor_command();
    const bool interactive = ::isatty(STDIN_FILENO) == 1;
    std::string edited;
    for (int attempt = 1;; ++attempt) {
        int status = run_editor(editor, copy.path());
        if (status != 0) {
            copy.keep();
            throw CtlError(kExitFailed,
                           regimend::fill(_("the editor ({0}) exited with status {1}; nothing "
                                            "installed (your copy: {2})"),
                                          {editor, std::to_string(status), copy.path()}));
        }
        try {
            edited = read_copy(copy.path());
        } catch (const CtlError&) {
            copy.keep();  // never throw the user's work away (it may be over 1 MiB)
            throw;
        }
        if (edited == original) {
            std::cout << _("No changes.") << '\n';
            return kExitOk;
        }
        // Named as the file the editor shows, so line:column lead to what the user edits.
        auto diagnostics = validate(edited, copy.path());
        for (const auto& diagnostic : diagnostics) {
            std::cerr << format_diagnostic_line(diagnostic) << '\n';
        }
        if (!regimend::has_errors(diagnostics)) {
            break;
        }
        bool again = interactive ? ask_reopen() : attempt < kMaxUnattendedAttempts;
        if (!again) {
            copy.keep();
            throw CtlError(kExitFailed,
                           regimend::fill(_("the regimen still has errors; nothing installed "
                                            "(your copy: {})"),
                                          {copy.path()}));
        }
    }
    // Another `edit` (or any program) changed the file since the copy was made: installing
    // would silently throw that change away. The user's copy is kept to merge by hand.
    if (current_target(target) != before) {
        copy.keep();
        throw CtlError(kExitFailed,
                       regimend::fill(_("{0} changed while you were editing it (another edit?); "
                                        "nothing installed, so that change is not lost. Your "
                                        "copy: {1} (merge it, then run regimenctl edit again)"),
                                      {target, copy.path()}));
    }
    install_atomically(target, edited);
    return reload_after_install(target);
}

const RegisterVerb registration{
    {"edit", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto command = app.add_subcommand(
             "edit", _("Edit the regimen in $VISUAL/$EDITOR, validate, install, reload"));
         command.on_selected(run, [&options] { return run_edit(options); });
     }}};

}  // namespace
}  // namespace regimenctl
