#include "core/parse_hooks.hpp"

#include <set>
#include <string_view>
#include <utility>

#include "core/hooks.hpp"
#include "core/i18n.hpp"
#include "core/parse_fields.hpp"

namespace regimend {
namespace {

// A regimen is read by a person; a few dozen hooks is already a lot.
constexpr std::size_t kMaxHooks = 100;
constexpr std::size_t kMaxArguments = 100;
constexpr std::size_t kMaxArgumentCharacters = 4000;

std::vector<HookEvent> read_events(Diagnostics& diagnostics, const Field& field) {
    std::vector<HookEvent> events;
    auto texts = read_text_list(diagnostics, field, 20);
    if (!texts) {
        return events;
    }
    if (texts->empty()) {
        diagnostics.error(field.value_pos, fill(_("'events' must name at least one event: {}"),
                                                {hook_event_names()}));
    }
    for (const auto& text : *texts) {
        if (auto event = hook_event_from_string(text.value)) {
            events.push_back(*event);
        } else {
            diagnostics.error(text.pos, fill(_("unknown hook event {}: 'events' lists some of {}"),
                                             {quoted(text.value), hook_event_names()}));
        }
    }
    return events;
}

std::vector<std::string> read_run(Diagnostics& diagnostics, const Field& field) {
    std::vector<std::string> run;
    if (field.value.IsScalar()) {
        diagnostics.error(field.value_pos,
                          fill(_("'run' must be a list, the command and then each argument, "
                                 "such as [curl, -d, \"{name}\", URL]: it is started without a "
                                 "shell, got {}"),
                               {describe(field.value)}));
        return run;
    }
    auto nodes = read_sequence(diagnostics, field, kMaxArguments);
    if (!nodes) {
        return run;
    }
    if (nodes->empty()) {
        diagnostics.error(field.value_pos,
                          _("'run' is empty: it must name the command to run, then its arguments"));
        return run;
    }
    bool valid = true;
    for (const auto& node : *nodes) {
        SourcePos pos = diagnostics.position(node.Mark());
        if (!node.IsScalar()) {
            diagnostics.error(
                pos, fill(_("each entry of 'run' must be a text, got {}"), {describe(node)}));
            valid = false;
            continue;
        }
        const std::string& argument = node.Scalar();
        // Newlines are fine in an argument (a mail's body); other control characters are not.
        if (auto problem = text_problem(argument, kMaxArgumentCharacters, true)) {
            diagnostics.error(pos, "an entry of 'run' " + *problem);
            valid = false;
            continue;
        }
        if (run.empty() && argument.empty()) {
            diagnostics.error(pos, _("the first entry of 'run', the command, is empty"));
            valid = false;
        }
        if (auto unknown = unknown_placeholder(argument)) {
            diagnostics.error(pos,
                              fill(_("'run' uses the unknown placeholder {}; the placeholders "
                                     "are {item}, {name}, {amount}, {planned}, {at} and {event}"),
                                   {*unknown}));
            valid = false;
        }
        run.push_back(argument);
    }
    if (!valid) {
        run.clear();
    }
    return run;
}

std::optional<Seconds> read_timeout(Diagnostics& diagnostics, const Field& field) {
    auto timeout = read_duration(diagnostics, field);
    if (timeout && *timeout > kMaxHookTimeout) {
        diagnostics.error(field.value_pos,
                          fill(_("'timeout' must be at most 10m (a hook that runs longer is "
                                 "killed), got {}"),
                               {format_duration(*timeout)}));
        return std::nullopt;
    }
    return timeout;
}

ReadHook read_hook(Diagnostics& diagnostics, const YAML::Node& node) {
    ReadHook read;
    SourcePos where = diagnostics.position(node.Mark());
    read.hook.pos = where;
    auto mapping =
        Mapping::read(diagnostics, node, where, "a hook", {"events", "items", "run", "timeout"});
    if (!mapping) {
        return read;
    }
    const Field* events = mapping->get("events");
    const Field* run = mapping->get("run");
    if (!events || !run) {
        diagnostics.error(where, _("a hook needs 'events' and 'run', e.g. {events: [missed], "
                                   "run: [curl, -d, \"{name} was not taken\", URL]}"));
    }
    if (events) {
        read.hook.events = read_events(diagnostics, *events);
    }
    if (run) {
        read.hook.run = read_run(diagnostics, *run);
    }
    if (const Field* items = mapping->get("items")) {
        if (auto texts = read_text_list(diagnostics, *items)) {
            if (texts->empty()) {
                diagnostics.error(items->value_pos,
                                  _("'items' is empty: leave it out to run the hook for every "
                                    "item"));
            }
            for (auto& text : *texts) {
                read.hook.items.push_back(text.value);
                read.items.push_back(std::move(text));
            }
        }
    }
    read.hook.timeout = kDefaultHookTimeout;
    if (const Field* timeout = mapping->get("timeout")) {
        read.hook.timeout = read_timeout(diagnostics, *timeout).value_or(kDefaultHookTimeout);
    }
    return read;
}

}  // namespace

std::vector<ReadHook> read_hooks(Diagnostics& diagnostics, const Field& field) {
    std::vector<ReadHook> hooks;
    auto nodes = read_sequence(diagnostics, field, kMaxHooks);
    if (!nodes) {
        return hooks;
    }
    for (const auto& node : *nodes) {
        hooks.push_back(read_hook(diagnostics, node));
    }
    return hooks;
}

void check_hook_items(Diagnostics& diagnostics, const std::vector<ReadHook>& hooks,
                      const std::vector<Item>& items) {
    std::set<std::string_view> ids;
    for (const auto& item : items) {
        ids.insert(item.id);
    }
    for (const auto& hook : hooks) {
        for (const auto& id : hook.items) {
            if (!ids.contains(id.value)) {
                diagnostics.error(id.pos,
                                  fill(_("the hook's 'items' names {}, which is not the id of "
                                         "an item"),
                                       {quoted(id.value)}));
            }
        }
    }
}

}  // namespace regimend
