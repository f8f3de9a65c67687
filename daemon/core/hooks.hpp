// Hooks in the pure core (../shared/SPEC.md "Hooks: reaching someone else"): the event
// names, the `{placeholder}` syntax of `run`, which hooks an event starts and with what
// argv and environment, and the runner's queue (who starts, who waits, who is dropped).
// No process is started here: loop/hook_runner.hpp is the shell that spawns.
#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/model.hpp"

namespace regimend {

// "due", "escalated", "taken", "skipped", "missed", "undone", "low_stock", "regimen_error".
std::string_view to_string(HookEvent event);
std::optional<HookEvent> hook_event_from_string(std::string_view text);
// Every event name, in the order above, for messages.
std::string hook_event_names();

// What `run` may say: `{item}`, `{name}`, `{amount}`, `{planned}`, `{at}`, `{event}`.
inline constexpr std::array<std::string_view, 6> kHookPlaceholders = {"item",    "name", "amount",
                                                                      "planned", "at",   "event"};

// A `{word}` (letters, digits, '_') in a `run` argument is a placeholder; any other brace is
// kept as written (a JSON body such as `{"title": "x"}` needs no escaping). The first
// `{word}` whose word is not one of kHookPlaceholders, as written ("{nmae}"), or nullopt.
std::optional<std::string> unknown_placeholder(std::string_view text);

// What happened, for the hooks: the values of the placeholders.
struct HookFacts {
    HookEvent event = HookEvent::Due;
    std::string item;                // the item id; empty for regimen_error
    std::string name;                // the item's name; empty for regimen_error
    std::string amount;              // "300 mg"; empty when the item has none
    std::optional<Instant> planned;  // the dose's planned instant; none for as-needed doses
    Instant at{};                    // when it happened
};

// One command to start: the hook's `run` with its placeholders replaced, the REGIMEND_*
// variables to add to the daemon's environment, and how long it may run.
struct HookCall {
    std::vector<std::string> argv;
    std::vector<std::pair<std::string, std::string>> environment;
    Seconds timeout{30};
    std::string label;  // for the journal: "missed hook for 'glycinate-pm' (curl)"

    friend bool operator==(const HookCall&, const HookCall&) = default;
};

// `text` with each placeholder replaced by its value (`values` in kHookPlaceholders'
// order). Literal: a value is inserted as it is and never scanned again, so a name that
// holds "{item}", quotes or spaces reaches the command as one unchanged argument.
std::string expand_placeholders(std::string_view text,
                                const std::array<std::string, kHookPlaceholders.size()>& values);

// The calls `facts` starts: every hook of `regimen` that lists the event and, when it names
// `items`, the item (an event of no item, regimen_error, ignores `items`). Instants are
// RFC 3339 in the regimen's zone.
std::vector<HookCall> hook_calls(const Regimen& regimen, const HookFacts& facts);

// The runner's bookkeeping: at most kMaxRunning commands at once, at most kMaxWaiting
// waiting behind them (first come, first started); a call beyond that is dropped.
class HookQueue {
  public:
    static constexpr std::size_t kMaxRunning = 4;
    static constexpr std::size_t kMaxWaiting = 64;

    explicit HookQueue(std::size_t max_running = kMaxRunning, std::size_t max_waiting = kMaxWaiting)
        : max_running_(max_running), max_waiting_(max_waiting) {}

    // False when the call is dropped: the queue is full.
    bool push(HookCall call);
    // The next call to start now, counted as running; nullopt while kMaxRunning run or
    // none waits.
    std::optional<HookCall> next();
    // A running call ended (or could not be started).
    void finished();

    std::size_t running() const { return running_; }
    std::size_t waiting() const { return waiting_.size(); }

  private:
    std::size_t max_running_;
    std::size_t max_waiting_;
    std::size_t running_ = 0;
    std::deque<HookCall> waiting_;
};

}  // namespace regimend
