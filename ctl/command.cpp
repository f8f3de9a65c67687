#include "command.hpp"
#include "core/i18n.hpp"

#include <CLI/CLI.hpp>

#include <utility>

namespace regimenctl {

Argument& Argument::required() {
    option_->required();
    return *this;
}

Argument& Argument::default_str(const std::string& text) {
    option_->default_str(text);
    return *this;
}

Argument& Argument::one_of(std::vector<std::string> words) {
    option_->check(CLI::IsMember(std::move(words)));
    return *this;
}

Argument& Argument::range(int min, int max) {
    option_->check(CLI::Range(min, max));
    return *this;
}

Command Command::add_subcommand(const std::string& name, const std::string& description) {
    // The heading --help lists the verbs under, in the user's language (ctl/main.cpp
    // translates CLI11's other words).
    return Command{app_->add_subcommand(name, description)->group(_("Subcommands"))};
}

Argument Command::add_option(const std::string& name, std::string& value,
                             const std::string& description) {
    return Argument{app_->add_option(name, value, description)};
}

Argument Command::add_option(const std::string& name, std::optional<std::string>& value,
                             const std::string& description) {
    return Argument{app_->add_option(name, value, description)};
}

Argument Command::add_option(const std::string& name, int& value, const std::string& description) {
    return Argument{app_->add_option(name, value, description)};
}

void Command::add_flag(const std::string& name, bool& value, const std::string& description) {
    app_->add_flag(name, value, description);
}

void Command::alias(const std::string& name) {
    app_->alias(name);
}

void Command::group(const std::string& name) {
    app_->group(name);
}

void Command::on_selected(std::function<int()>& run, std::function<int()> body) {
    app_->callback([&run, body = std::move(body)] { run = body; });
}

}  // namespace regimenctl
