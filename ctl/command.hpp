// What a verb file uses of CLI11 to declare its subcommand, without including CLI11: only
// command.cpp and main.cpp do. CLI11 2.1 defines its validators (ExistingFile, Number,
// PositiveNumber...) as `const` objects in its header, so every file that includes it
// constructs its own copies at start-up and destroys them at exit, once per verb file.
// Each call forwards to the CLI11 call of the same name, so --help and the parse are
// CLI11's.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace regimenctl {

// An option or positional argument of a verb.
class Argument {
  public:
    explicit Argument(CLI::Option* option) : option_(option) {}
    Argument& required();
    Argument& default_str(const std::string& text);
    // CLI::IsMember: the value must be one of `words`.
    Argument& one_of(std::vector<std::string> words);
    // CLI::Range: an integer from `min` to `max`.
    Argument& range(int min, int max);

  private:
    CLI::Option* option_;
};

// A verb's subcommand (or, for add_subcommand, the program's command line).
class Command {
  public:
    explicit Command(CLI::App* app) : app_(app) {}
    Command add_subcommand(const std::string& name, const std::string& description);
    Argument add_option(const std::string& name, std::string& value,
                        const std::string& description);
    Argument add_option(const std::string& name, std::optional<std::string>& value,
                        const std::string& description);
    Argument add_option(const std::string& name, int& value, const std::string& description);
    void add_flag(const std::string& name, bool& value, const std::string& description);
    void alias(const std::string& name);
    // "" hides the subcommand from --help.
    void group(const std::string& name);
    // When the command line selects this subcommand, `run` becomes `body`. `run` and anything
    // `body` captures by reference must live until main() returns (they do: main owns them).
    void on_selected(std::function<int()>& run, std::function<int()> body);

  private:
    CLI::App* app_;
};

}  // namespace regimenctl
