#include "core/hooks.hpp"

#include <algorithm>

#include "core/name_table.hpp"

namespace regimend {
namespace {

constexpr NameTable<HookEvent, 8> kEventNames = {{
    {HookEvent::Due, "due"},
    {HookEvent::Escalated, "escalated"},
    {HookEvent::Taken, "taken"},
    {HookEvent::Skipped, "skipped"},
    {HookEvent::Missed, "missed"},
    {HookEvent::Undone, "undone"},
    {HookEvent::LowStock, "low_stock"},
    {HookEvent::RegimenError, "regimen_error"},
}};

bool is_word_character(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Calls `literal(text)` and `placeholder(word)` for the pieces of `text`, in order.
template <class Literal, class Placeholder>
void scan(std::string_view text, Literal&& literal, Placeholder&& placeholder) {
    std::size_t done = 0;
    std::size_t open = text.find('{');
    while (open != std::string_view::npos) {
        std::size_t end = open + 1;
        while (end < text.size() && is_word_character(text[end])) {
            ++end;
        }
        if (end > open + 1 && end < text.size() && text[end] == '}') {
            literal(text.substr(done, open - done));
            placeholder(text.substr(open + 1, end - open - 1));
            done = end + 1;
            open = text.find('{', done);
        } else {
            open = text.find('{', open + 1);
        }
    }
    literal(text.substr(done));
}

std::optional<std::size_t> placeholder_index(std::string_view word) {
    auto found = std::find(kHookPlaceholders.begin(), kHookPlaceholders.end(), word);
    if (found == kHookPlaceholders.end()) {
        return std::nullopt;
    }
    return static_cast<std::size_t>(found - kHookPlaceholders.begin());
}

bool hook_applies(const Hook& hook, const HookFacts& facts) {
    if (std::find(hook.events.begin(), hook.events.end(), facts.event) == hook.events.end()) {
        return false;
    }
    return hook.items.empty() || facts.item.empty() ||
           std::find(hook.items.begin(), hook.items.end(), facts.item) != hook.items.end();
}

}  // namespace

std::string_view to_string(HookEvent event) {
    return name_of(kEventNames, event).value_or("due");
}

std::optional<HookEvent> hook_event_from_string(std::string_view text) {
    return value_named(kEventNames, text);
}

std::string hook_event_names() {
    std::string names;
    for (const auto& [value, name] : kEventNames) {
        names += names.empty() ? "" : ", ";
        names += name;
    }
    return names;
}

std::optional<std::string> unknown_placeholder(std::string_view text) {
    std::optional<std::string> unknown;
    scan(
        text, [](std::string_view) {},
        [&](std::string_view word) {
            if (!unknown && !placeholder_index(word)) {
                unknown = "{" + std::string(word) + "}";
            }
        });
    return unknown;
}

std::string expand_placeholders(std::string_view text,
                                const std::array<std::string, kHookPlaceholders.size()>& values) {
    std::string expanded;
    scan(
        text, [&](std::string_view literal) { expanded += literal; },
        [&](std::string_view word) {
            if (auto index = placeholder_index(word)) {
                expanded += values[*index];
            } else {  // the parser refuses these; kept as written all the same
                expanded += "{";
                expanded += word;
                expanded += "}";
            }
        });
    return expanded;
}

std::vector<HookCall> hook_calls(const Regimen& regimen, const HookFacts& facts) {
    std::vector<HookCall> calls;
    if (regimen.hooks.empty()) {
        return calls;
    }
    const auto& zone = zone_of(regimen);
    // In kHookPlaceholders' order.
    const std::array<std::string, kHookPlaceholders.size()> values = {
        facts.item,
        facts.name,
        facts.amount,
        facts.planned ? format_rfc3339(zone, *facts.planned) : std::string(),
        format_rfc3339(zone, facts.at),
        std::string(to_string(facts.event)),
    };
    for (const auto& hook : regimen.hooks) {
        if (!hook_applies(hook, facts) || hook.run.empty()) {
            continue;
        }
        HookCall call;
        call.timeout = hook.timeout;
        for (const auto& argument : hook.run) {
            call.argv.push_back(expand_placeholders(argument, values));
        }
        for (std::size_t i = 0; i < kHookPlaceholders.size(); ++i) {
            std::string variable = "REGIMEND_";
            for (char c : kHookPlaceholders[i]) {
                variable += static_cast<char>(c - 'a' + 'A');
            }
            call.environment.emplace_back(std::move(variable), values[i]);
        }
        call.label = std::string(to_string(facts.event)) + " hook" +
                     (facts.item.empty() ? "" : " for '" + facts.item + "'") + " (" +
                     call.argv.front() + ")";
        calls.push_back(std::move(call));
    }
    return calls;
}

bool HookQueue::push(HookCall call) {
    if (waiting_.size() >= max_waiting_) {
        return false;
    }
    waiting_.push_back(std::move(call));
    return true;
}

std::optional<HookCall> HookQueue::next() {
    if (running_ >= max_running_ || waiting_.empty()) {
        return std::nullopt;
    }
    HookCall call = std::move(waiting_.front());
    waiting_.pop_front();
    ++running_;
    return call;
}

void HookQueue::finished() {
    if (running_ > 0) {
        --running_;
    }
}

}  // namespace regimend
