#include "app/engine.hpp"
#include "core/i18n.hpp"

#include "core/daily_totals.hpp"
#include "core/diary.hpp"
#include "core/notice_text.hpp"
#include "core/stock_text.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <utility>

#include "core/reply_limits.hpp"

namespace regimend {
namespace {

std::vector<std::string> warning_lines(const std::vector<Diagnostic>& diagnostics) {
    std::vector<std::string> lines;
    for (const auto& diagnostic : diagnostics) {
        if (diagnostic.severity == Severity::Warning) {
            lines.push_back(format_diagnostic(diagnostic));
        }
    }
    return lines;
}

// restore() reads the doses planned from well before the retention window to well after
// any plausible clock: "all of them".
constexpr Seconds kFarFuture{3660LL * 86400};

// Held-back events are tried again this long after a refused write, then twice as long
// after each further refusal, up to kLastRetry: a full disk that frees up is caught up
// within seconds, one that stays full costs a wakeup every few minutes, not a busy loop.
constexpr Seconds kFirstRetry{2};
constexpr Seconds kLastRetry{600};

// Today lists at most this many of the file's errors (regimenctl check lists them all).
constexpr std::size_t kMaxListedErrors = 10;

Error storage_error(const Error& error) {
    return Error{ErrorKind::StorageFailed,
                 fill(_("The history database refused the write, so nothing was recorded: {}"),
                      {error.message})};
}

}  // namespace

Engine::Engine(std::string config_path, LoadedRegimen loaded, HistoryStore& store,
               ReminderDisplay& display, DoseSignals& signals, WakeupScheduler& scheduler,
               ZoneLookup zone_lookup)
    : config_path_(std::move(config_path)),
      zone_lookup_(std::move(zone_lookup)),
      loaded_text_(std::move(loaded.text)),
      lint_warnings_(warning_lines(loaded.diagnostics)),
      store_(store),
      display_(display),
      signals_(signals),
      scheduler_(scheduler),
      tracker_(loaded.regimen),
      stock_(store, display, signals),
      file_regimen_(std::move(loaded.regimen)) {
    stock_.on_low([this](const Item& item, Instant now) {
        HookFacts facts;
        facts.event = HookEvent::LowStock;
        facts.item = item.id;
        facts.name = item.name;
        facts.amount = item.amount ? item.amount->text : std::string{};
        facts.at = now;
        run_hooks(std::move(facts));
    });
}

bool Engine::restore(Micros now) {
    const Instant instant = to_instant(now);
    const Instant from =
        instant - DoseTracker::kRetention - tracker_.regimen().longest_missed_after();
    auto recent = store_.events_planned_between(from, instant + kFarFuture);
    auto horizon = store_.horizon();
    auto since = store_.tracking_since();
    if (!recent || !horizon || !since) {
        spdlog::error("cannot read the history database: {}", !recent    ? recent.error().message
                                                              : !horizon ? horizon.error().message
                                                                         : since.error().message);
        return false;
    }
    auto pauses = store_.pause_events();
    if (!pauses) {
        spdlog::error("cannot read the history database: {}", pauses.error().message);
        return false;
    }
    pause_events_ = std::move(*pauses);
    if (!pause_events_.empty()) {
        tracker_.set_regimen(paused_regimen(file_regimen_), instant);
    }
    tracker_.restore(*recent, *horizon, instant, *since);
    if (!*since) {
        // The first run (or a history from before this was kept): remember where tracking
        // began, so backdated diary entries never move it.
        if (auto written = store_.set_tracking_since(tracker_.tracking_since()); !written) {
            spdlog::warn("cannot record when tracking began: {}", written.error().message);
        }
    }
    spdlog::debug("restored {} recent events; horizon {}", recent->size(),
                  *horizon ? format_rfc3339(*regimen().zone, **horizon) : "none");
    stock_.check_all(tracker_, StockTrigger::Start, instant);
    return true;
}

void Engine::advance(Micros now) {
    const Instant instant = to_instant(now);
    last_advance_ = instant;
    if (regimen_error_hooks_pending_) {
        regimen_error_hooks_pending_ = false;
        run_hooks(HookFacts{HookEvent::RegimenError, {}, {}, {}, std::nullopt, instant});
    }
    Effects effects = tracker_.advance(instant);
    for (const auto& dose : effects.became_due) {
        // How late the loop woke for this dose: the figure to watch for timer accuracy.
        const auto late = std::chrono::duration_cast<std::chrono::milliseconds>(
            now - std::chrono::time_point_cast<std::chrono::microseconds>(dose.planned));
        spdlog::debug("'{}' planned {} became due {} ms after its planned instant", dose.item_id,
                      format_rfc3339(*regimen().zone, dose.planned), late.count());
    }
    // Reminding still matters more than the record: go on, and write these later.
    write_or_hold_back(effects.events, instant);
    carry_out(effects, instant);
    // A reminder is when a low stock is worth saying again (once a day at most).
    std::set<std::string> reminded;
    for (const auto& reminder : effects.reminders) {
        reminded.insert(reminder.dose.item_id);
    }
    check_stock(reminded, StockTrigger::Reminder, instant);
    refresh_next_due(instant);
    reschedule();
}

void Engine::check_stock(const std::set<std::string>& items, StockTrigger trigger, Instant now) {
    for (const auto& id : items) {
        if (const Item* item = regimen().find(id); item != nullptr && item->stock) {
            stock_.check(tracker_, *item, trigger, now);
        }
    }
}

std::optional<Error> Engine::write(const std::vector<HistoryEvent>& events) {
    std::vector<HistoryEvent> batch = unwritten_;
    batch.insert(batch.end(), events.begin(), events.end());
    auto result = store_.append(batch, tracker_.horizon());
    if (!result) {
        spdlog::error("cannot write to the history database: {}", result.error().message);
        return result.error();
    }
    if (!unwritten_.empty()) {
        spdlog::info("wrote {} events held back while the history database failed",
                     unwritten_.size());
        unwritten_.clear();
    }
    retry_at_.reset();
    retry_after_ = Seconds{0};
    return std::nullopt;
}

void Engine::write_or_hold_back(const std::vector<HistoryEvent>& events, Instant now) {
    if (write(events).has_value()) {
        unwritten_.insert(unwritten_.end(), events.begin(), events.end());
    }
    if (!unwritten_.empty() && !store_.refuses_writes()) {
        retry_after_ =
            retry_after_ == Seconds{0} ? kFirstRetry : std::min(retry_after_ * 2, kLastRetry);
        retry_at_ = now + retry_after_;
        spdlog::debug("{} events held back; trying again in {} s", unwritten_.size(),
                      retry_after_.count());
    }
}

void Engine::carry_out(const Effects& effects, Instant now) {
    for (const auto& dose : effects.closed) {
        display_.close(dose);
    }
    // Doses planned for the same instant share one notification.
    std::map<Instant, std::vector<ReminderText>> groups;
    for (const auto& reminder : effects.reminders) {
        ReminderText text = reminder_text(regimen(), reminder, stock_note(reminder, now));
        spdlog::info("reminder: {}{} {}{}", text.summary,
                     text.detail.empty() ? "" : " (" + text.detail + ")", text.due_text,
                     reminder.urgency == Urgency::Critical ? " [critical]" : "");
        groups[reminder.dose.planned].push_back(std::move(text));
    }
    for (const auto& [planned, group] : groups) {
        display_.show_group(group);
    }
    for (const auto& dose : effects.became_due) {
        signals_.dose_due(dose);
        run_dose_hooks(HookEvent::Due, dose, now);
    }
    for (const auto& dose : effects.escalated) {
        run_dose_hooks(HookEvent::Escalated, dose, now);
    }
    for (const auto& dose : effects.missed) {
        spdlog::info("missed: '{}' planned {}", dose.item_id,
                     format_rfc3339(*regimen().zone, dose.planned));
        signals_.dose_missed(dose);
        const Item* item = regimen().find(dose.item_id);
        run_dose_hooks(HookEvent::Missed, dose,
                       item != nullptr ? dose.planned + item->reminders.missed_after : now);
    }
    if (!effects.missed.empty()) {
        show_missed_notice(effects.missed, now);
    }
}

Result<Answer> Engine::answer(const std::function<AnswerResult(DoseTracker&)>& ask) {
    // The tracker changes its memory as it answers; if the disk then refuses the write,
    // this copy puts memory back so the two agree.
    DoseTracker before = tracker_;
    AnswerResult result = ask(tracker_);
    if (auto* failure = std::get_if<Error>(&result)) {
        return *failure;
    }
    if (auto failure = write(std::get<Answer>(result).effects.events)) {
        tracker_ = std::move(before);
        return storage_error(*failure);
    }
    return std::get<Answer>(std::move(result));
}

Result<Instant> Engine::answer_call(const std::function<AnswerResult(DoseTracker&)>& ask,
                                    Micros now, const AfterAnswer& after) {
    const Instant instant = to_instant(now);
    auto result = answer(ask);
    if (auto* error = std::get_if<Error>(&result)) {
        return *error;
    }
    const Answer& done = std::get<Answer>(result);
    carry_out(done.effects, instant);
    const Instant reply = after(done, instant);
    refresh_next_due(instant);
    reschedule();
    return reply;
}

Result<Instant> Engine::confirm(std::string_view item, std::optional<Instant> at, Micros now,
                                const std::optional<std::string>& amount) {
    std::optional<Amount> taken;
    if (amount) {
        std::string why;
        const Item* found = regimen().resolve(item, &why);
        if (found == nullptr) {
            return Error{ErrorKind::UnknownItem, why};
        }
        auto checked = taken_amount(*found, *amount);
        if (auto* failure = std::get_if<Error>(&checked)) {
            return *failure;
        }
        taken = std::get<Amount>(std::move(checked));
    }
    return confirm_with(
        [&](DoseTracker& tracker) { return tracker.confirm(item, at, to_instant(now), taken); },
        now);
}

Result<Instant> Engine::confirm_with(const std::function<AnswerResult(DoseTracker&)>& ask,
                                     Micros now) {
    return answer_call(ask, now, [this](const Answer& done, Instant instant) {
        Instant taken_at = instant;
        std::string amount;
        for (const auto& event : done.effects.events) {
            if (event.kind == EventKind::Taken) {
                taken_at = event.at;
                amount = event.amount;
            }
        }
        spdlog::info("taken: '{}' planned {} at {}", done.dose.item_id,
                     format_rfc3339(*regimen().zone, done.dose.planned),
                     format_rfc3339(*regimen().zone, taken_at));
        signals_.dose_taken(done.dose, taken_at);
        run_dose_hooks(HookEvent::Taken, done.dose, taken_at, amount);
        check_stock({done.dose.item_id}, StockTrigger::Taken, instant);
        return done.dose.planned;
    });
}

Result<Instant> Engine::skip(std::string_view item, const std::string& reason, Micros now) {
    if (auto failure = note_failure(reason, N_("reason"))) {
        return *failure;
    }
    return skip_with(
        [&](DoseTracker& tracker) { return tracker.skip(item, reason, to_instant(now)); }, reason,
        now);
}

Result<Instant> Engine::skip_with(const std::function<AnswerResult(DoseTracker&)>& ask,
                                  const std::string& reason, Micros now) {
    return answer_call(ask, now, [&](const Answer& done, Instant instant) {
        spdlog::info("skipped: '{}' planned {}{}", done.dose.item_id,
                     format_rfc3339(*regimen().zone, done.dose.planned),
                     reason.empty() ? "" : " (" + reason + ")");
        signals_.dose_skipped(done.dose);
        run_dose_hooks(HookEvent::Skipped, done.dose, instant);
        return done.dose.planned;
    });
}

Result<Instant> Engine::snooze(std::string_view item, std::optional<Seconds> length, Micros now) {
    return snooze_with(
        [&](DoseTracker& tracker) { return tracker.snooze(item, length, to_instant(now)); }, now);
}

Result<Instant> Engine::snooze_with(const std::function<AnswerResult(DoseTracker&)>& ask,
                                    Micros now) {
    return answer_call(ask, now, [this](const Answer& done, Instant) {
        spdlog::info("snoozed: '{}' planned {} until {}", done.dose.item_id,
                     format_rfc3339(*regimen().zone, done.dose.planned),
                     format_rfc3339(*regimen().zone, done.until));
        return done.until;
    });
}

Result<Instant> Engine::undo(std::string_view item, Micros now) {
    auto target = undo_target(regimen(), item);
    if (auto* failure = std::get_if<Error>(&target)) {
        return *failure;
    }
    if (const auto& entry = std::get<UndoTarget>(target); entry.kind != UndoTarget::Kind::Dose) {
        return undo_entry(entry, now);
    }
    return answer_call([&](DoseTracker& tracker) { return tracker.undo(item, to_instant(now)); },
                       now,
                       [this](const Answer& done, Instant instant) {
                           spdlog::info("undone: '{}' planned {}", done.dose.item_id,
                                        format_rfc3339(*regimen().zone, done.dose.planned));
                           signals_.dose_undone(done.dose);
                           run_dose_hooks(HookEvent::Undone, done.dose, instant);
                           check_stock({done.dose.item_id}, StockTrigger::Undone, instant);
                           return done.dose.planned;
                       });
}

Result<Instant> Engine::undo_entry(const UndoTarget& target, Micros now) {
    const Instant instant = to_instant(now);
    auto recent = store_.events_between(instant - DoseTracker::kRetention,
                                        instant + kFutureTolerance + Seconds{1}, target.name);
    if (!recent) {
        return Error{ErrorKind::StorageFailed,
                     fill(_("Cannot read the history database: {}"), {recent.error().message})};
    }
    auto undone = regimend::undo_entry(regimen(), target, *recent, instant);
    if (auto* failure = std::get_if<Error>(&undone)) {
        return *failure;
    }
    const HistoryEvent& event = std::get<HistoryEvent>(undone);
    if (auto failure = write({event})) {
        return storage_error(*failure);
    }
    spdlog::info("undone: {} '{}' at {}", event.note, event.item,
                 format_rfc3339(*regimen().zone, event.at));
    if (target.kind == UndoTarget::Kind::AsNeeded) {
        signals_.dose_undone(DoseKey{event.item, event.at});
        if (const Item* item = regimen().find(event.item)) {
            run_hooks(HookFacts{HookEvent::Undone, item->id, item->name, event.amount, std::nullopt,
                                instant});
        }
        check_stock({event.item}, StockTrigger::Undone, instant);
    }
    return event.at;
}

Result<std::string> Engine::log_dose(std::string_view item_text, Instant at,
                                     const std::string& note, Micros now, bool force) {
    auto found = as_needed_item(regimen(), item_text);
    if (auto* failure = std::get_if<Error>(&found)) {
        return *failure;
    }
    if (auto failure = note_failure(note)) {
        return *failure;
    }
    if (auto failure = future_time_failure(regimen(), at, to_instant(now))) {
        return *failure;
    }
    const Item& item = *std::get<const Item*>(found);
    const regimend::TimeZone& zone = *regimen().zone;
    std::string warning;
    if (item.min_interval) {
        auto near = store_.events_between(at - *item.min_interval,
                                          at + *item.min_interval + Seconds{1}, item.id);
        if (!near) {
            return Error{ErrorKind::StorageFailed,
                         fill(_("Cannot read the history database: {}"), {near.error().message})};
        }
        if (auto refusal = min_interval_refusal(regimen(), item, *near, at)) {
            if (!force) {
                return Error{ErrorKind::InvalidArgument, *refusal};
            }
            // Without the refusal's advice to use --force (its last clause, after a ';').
            std::string reason = *refusal;
            if (auto command = reason.find("`regimenctl log --force`");
                command != std::string::npos) {
                if (auto cut = reason.rfind(';', command); cut != std::string::npos) {
                    reason.erase(cut);
                }
            }
            warning = fill(_("Recorded with --force although it is too soon: {}"), {reason});
        }
    }
    HistoryEvent event;
    event.item = item.id;
    event.kind = EventKind::AsNeeded;
    event.at = at;
    event.note = note;
    event.amount = item.amount ? item.amount->text : std::string{};
    if (auto failure = write({event})) {
        return storage_error(*failure);
    }
    spdlog::info("as needed: '{}' at {}", item.id, format_rfc3339(zone, at));
    // A logged as-needed dose is `taken` for the hooks, with no planned instant.
    run_hooks(HookFacts{HookEvent::Taken, item.id, item.name, event.amount, std::nullopt, at});
    if (!warning.empty()) {
        spdlog::warn("{}", warning);
    }
    check_stock({item.id}, StockTrigger::Logged, to_instant(now));
    if (item.max_per_day) {
        const LocalDate day = local_date(zone, at);
        const LocalDate next_day{date::sys_days{day} + date::days{1}};
        if (auto same_day = store_.events_between(start_of_day(zone, day),
                                                  start_of_day(zone, next_day), item.id)) {
            const int uses = as_needed_uses_on_day(regimen(), *same_day, item.id, at);
            if (auto note_text = max_per_day_note(item, uses, day)) {
                spdlog::warn("{}", *note_text);
            }
        }
    }
    return warning;
}

Result<std::monostate> Engine::log_symptom(std::string_view kind, int severity, Instant at,
                                           const std::string& note, Micros now) {
    if (auto failure = symptom_failure(regimen(), kind, severity)) {
        return *failure;
    }
    if (auto failure = note_failure(note)) {
        return *failure;
    }
    if (auto failure = future_time_failure(regimen(), at, to_instant(now))) {
        return *failure;
    }
    HistoryEvent event;
    event.item = std::string(kind);
    event.kind = EventKind::Symptom;
    event.at = at;
    event.note = note;
    event.severity = severity;
    if (auto failure = write({event})) {
        return storage_error(*failure);
    }
    spdlog::info("symptom: {} severity {} at {}", kind, severity,
                 format_rfc3339(*regimen().zone, at));
    return std::monostate{};
}

Result<double> Engine::refill(std::string_view item_text, double quantity, bool absolute,
                              Micros now) {
    if (auto problem = quantity_problem(quantity, absolute)) {
        return Error{ErrorKind::InvalidArgument, *problem};
    }
    std::string why;
    const Item* item = regimen().resolve(item_text, &why);
    if (item == nullptr) {
        return Error{ErrorKind::UnknownItem, why};
    }
    if (!item->stock) {
        return Error{ErrorKind::InvalidArgument, no_stock_message(*item)};
    }
    const Instant instant = to_instant(now);
    HistoryEvent event;
    event.item = item->id;
    event.kind = absolute ? EventKind::Stock : EventKind::Refill;
    event.at = instant;
    event.quantity = quantity;
    if (auto failure = write({event})) {
        return storage_error(*failure);
    }
    spdlog::info("{}: '{}' {}", absolute ? "stock set" : "refill", item->id, quantity);
    const auto counted = stock_.check(tracker_, *item, StockTrigger::Refilled, instant);
    if (!counted) {
        return Error{ErrorKind::StorageFailed,
                     _("The refill is recorded, but the history cannot be read back to "
                       "count the stock")};
    }
    return counted->on_hand.value_or(0);
}

RegimenPtr Engine::paused_regimen(const RegimenPtr& regimen) const {
    if (pause_events_.empty() || !regimen) {
        return regimen;
    }
    return std::make_shared<const Regimen>(
        with_pauses(*regimen, pauses_from_events(*regimen, pause_events_)));
}

std::optional<Error> Engine::record_pause_event(const HistoryEvent& event, Instant now) {
    if (auto failure = write({event})) {
        return failure;
    }
    pause_events_.push_back(event);
    Effects effects = tracker_.set_regimen(paused_regimen(file_regimen_), now);
    carry_out(effects, now);
    stock_.check_all(tracker_, StockTrigger::Reload, now);
    refresh_next_due(now);
    reschedule();
    signals_.properties_changed();
    return std::nullopt;
}

Result<Instant> Engine::pause(std::string_view item_text, std::string_view until_text, Micros now) {
    std::string why;
    const Item* item = regimen().resolve(item_text, &why);
    if (item == nullptr) {
        return Error{ErrorKind::UnknownItem, why};
    }
    if (item->as_needed) {
        return Error{
            ErrorKind::InvalidArgument,
            fill(_("{} is taken as needed: nothing is planned for it to pause"), {item->id})};
    }
    const Instant instant = to_instant(now);
    auto until = pause_until(*regimen().zone, until_text, instant);
    if (auto* problem = std::get_if<std::string>(&until)) {
        return Error{ErrorKind::InvalidArgument, *problem};
    }
    // An open dose's reminder ends with the pause: the pause begins at the oldest one.
    Instant from = instant;
    for (const auto& open : tracker_.open_doses()) {
        if (open.dose.item_id == item->id) {
            from = std::min(from, open.dose.planned);
        }
    }
    const std::string id = item->id;  // `item` points into the regimen about to be replaced
    const HistoryEvent event = pause_event(id, from, std::get<LocalDate>(until), instant);
    if (auto failure = record_pause_event(event, instant)) {
        return storage_error(*failure);
    }
    spdlog::info("'{}' paused until {}", id, event.note);
    for (const auto& pause : pauses(now)) {
        if (pause.item == id) {
            return pause.to;
        }
    }
    return instant;
}

Result<std::monostate> Engine::resume(std::string_view item_text, Micros now) {
    std::string why;
    const Item* item = regimen().resolve(item_text, &why);
    if (item == nullptr) {
        return Error{ErrorKind::UnknownItem, why};
    }
    const std::string id = item->id;
    const auto current = pauses(now);
    if (std::none_of(current.begin(), current.end(),
                     [&id](const Pause& pause) { return pause.item == id; })) {
        return Error{ErrorKind::InvalidArgument, fill(_("{} is not paused"), {id})};
    }
    const Instant instant = to_instant(now);
    if (auto failure = record_pause_event(resume_event(id, instant), instant)) {
        return storage_error(*failure);
    }
    spdlog::info("'{}' resumed", id);
    // Doses from now on are planned again: one may be due at once.
    advance(now);
    return std::monostate{};
}

std::vector<Pause> Engine::pauses(Micros now) const {
    if (pause_events_.empty()) {
        return {};
    }
    return current_pauses(pauses_from_events(*file_regimen_, pause_events_), to_instant(now));
}

Result<std::vector<Engine::StockRow>> Engine::stock(Micros now) const {
    auto counted = stock_.forecast_all(tracker_, to_instant(now));
    if (!counted) {
        return Error{ErrorKind::StorageFailed,
                     fill(_("Cannot read the history database: {}"), {counted.error().message})};
    }
    std::vector<StockRow> rows;
    for (const auto& item : regimen().items) {
        if (auto found = counted->find(item.id); found != counted->end()) {
            rows.push_back(StockRow{&item, found->second});
        }
    }
    return rows;
}

Result<std::vector<DoseView>> Engine::list_doses(Instant from, Instant to, Micros now) const {
    auto stored = store_.events_planned_between(from, to);
    if (!stored) {
        return Error{ErrorKind::StorageFailed,
                     fill(_("Cannot read the history database: {}"), {stored.error().message})};
    }
    return tracker_.doses(from, to, to_instant(now), *stored);
}

Result<std::vector<HistoryEvent>> Engine::history(Instant from, Instant to, bool with_due) const {
    // Bounded while reading (core/reply_limits.hpp): a reply over the bus's limit would
    // cost the daemon its connection, and reading it all first would cost the memory.
    bool over_limit = false;
    auto stored = store_.events_between_bounded(from, to, kMaxReplyBytes, &history_row_bytes,
                                                over_limit, with_due);
    if (!stored) {
        return Error{ErrorKind::StorageFailed,
                     fill(_("Cannot read the history database: {}"), {stored.error().message})};
    }
    if (over_limit) {
        return Error{ErrorKind::InvalidArgument,
                     reply_too_large_message("History", kMaxReplyBytes)};
    }
    return std::move(*stored);
}

Result<TodayView> Engine::today(Micros now) const {
    const Instant instant = to_instant(now);
    const auto& zone = zone_of(regimen());
    const LocalDate day = local_date(zone, instant);
    TodayView view;
    view.from = start_of_day(zone, day);
    view.to = start_of_day(zone, LocalDate{date::local_days{day} + date::days{1}});
    // Only the events of the day's doses: the day's diary and as-needed entries (there may
    // be very many) are counted by the store, never read.
    auto stored = store_.events_planned_between(view.from, view.to);
    if (!stored) {
        return Error{ErrorKind::StorageFailed,
                     fill(_("Cannot read the history database: {}"), {stored.error().message})};
    }
    const auto& dose_events = *stored;
    view.doses = tracker_.doses(view.from, view.to, instant, dose_events);

    view.next = tracker_.next_due(instant);
    std::vector<DoseKey> taken;
    for (const auto& row : view.doses) {
        if (row.state == DoseState::Taken) {
            taken.push_back(row.dose);
        }
        if (row.state != DoseState::Snoozed) {
            continue;
        }
        if (const auto until = snoozed_until(dose_events, row.dose)) {
            view.snoozed_until.emplace_back(row.dose, *until);
        }
    }
    if (!file_problems_.empty()) {
        view.warnings = file_problems_;
        return view;
    }
    view.warnings = lint_warnings_;
    std::map<std::string, int> as_needed_uses;
    for (const auto& item : regimen().items) {
        if (item.as_needed && item.max_per_day) {
            auto count = store_.as_needed_count(item.id, view.from, view.to);
            if (!count) {
                return Error{
                    ErrorKind::StorageFailed,
                    fill(_("Cannot read the history database: {}"), {count.error().message})};
            }
            as_needed_uses[item.id] = *count;
        }
    }
    for (auto& warning : day_warnings(regimen(), day, taken, dose_events, as_needed_uses)) {
        view.warnings.push_back(std::move(warning));
    }
    return view;
}

Result<std::monostate> Engine::reload(ReloadTrigger trigger, Micros now) {
    return apply_reload(load_regimen_file(config_path_, zone_lookup_), trigger, now);
}

Result<std::monostate> Engine::apply_reload(LoadedRegimen loaded, ReloadTrigger trigger,
                                            Micros now) {
    // (While the file on disk is reported broken, its return to the running text is news.)
    if (trigger == ReloadTrigger::FileChanged && loaded.regimen && loaded.text == loaded_text_ &&
        file_problems_.empty()) {
        spdlog::debug("{} changed on disk but its text is the same: nothing to reload",
                      config_path_);
        return std::monostate{};
    }
    if (!loaded.regimen) {
        log_diagnostics(loaded.diagnostics);
        const bool repeated = failed_text_.has_value() && *failed_text_ == loaded.text;
        const std::string consequence = _("the previous regimen stays active");
        if (trigger == ReloadTrigger::Request || !repeated) {
            report_reload_failure(loaded, consequence);
        }
        if (!repeated) {  // a caregiver hears of a broken file once, not at every save
            run_hooks(
                HookFacts{HookEvent::RegimenError, {}, {}, {}, std::nullopt, to_instant(now)});
        }
        failed_text_ = loaded.text;
        set_file_problems(loaded, _("regimend keeps the last valid regimen"));
        return Error{ErrorKind::InvalidRegimen, loaded.errors_text()};
    }
    log_diagnostics(loaded.diagnostics);
    const Instant instant = to_instant(now);
    const std::string old_zone = regimen().zone->name();
    file_regimen_ = loaded.regimen;
    Effects effects = tracker_.set_regimen(paused_regimen(loaded.regimen), instant);
    loaded_text_ = std::move(loaded.text);
    lint_warnings_ = warning_lines(loaded.diagnostics);
    file_problems_.clear();
    if (failure_shown_) {
        // The file is good again: the notice about its errors no longer holds.
        display_.close_notice("reload-failed");
        failure_shown_ = false;
    }
    failed_text_.reset();
    if (applied_) {
        applied_(loaded_text_);
    }
    write_or_hold_back(effects.events, instant);
    carry_out(effects, instant);
    spdlog::info("loaded {}: {} item{}, time zone {}{}", config_path_, regimen().items.size(),
                 regimen().items.size() == 1 ? "" : "s", regimen().zone->name(),
                 old_zone == regimen().zone->name() ? "" : " (was " + old_zone + ")");
    signals_.regimen_reloaded(static_cast<std::uint32_t>(regimen().items.size()));
    // The new plan may have doses already due, or a different next one.
    advance(now);
    stock_.check_all(tracker_, StockTrigger::Reload, instant);
    signals_.properties_changed();
    return std::monostate{};
}

void Engine::start_despite(const LoadedRegimen& failed, bool on_last_valid) {
    const std::string consequence = on_last_valid ? _("regimend runs on the last valid regimen")
                                                  : _("nothing is reminded until it is fixed");
    failed_text_ = failed.text;
    set_file_problems(failed, on_last_valid ? _("regimend runs on the last valid regimen")
                                            : _("regimend runs with no items until it loads"));
    report_reload_failure(failed, consequence);
    regimen_error_hooks_pending_ = true;  // run by the first advance(), which knows the time
}

void Engine::set_file_problems(const LoadedRegimen& failed, const std::string& consequence) {
    file_problems_.clear();
    if (failed.missing) {
        // TRANSLATORS: {1} is one of the consequences ("regimend keeps the last valid regimen").
        file_problems_.push_back(
            fill(_("cannot read {0}: it was removed; {1}"), {config_path_, consequence}));
        return;
    }
    file_problems_.push_back(
        fill(_("{0} has errors; {1} (run `regimenctl check`)"), {config_path_, consequence}));
    std::size_t listed = 0;
    for (const auto& diagnostic : failed.diagnostics) {
        if (diagnostic.severity != Severity::Error) {
            continue;
        }
        if (listed == kMaxListedErrors) {
            const std::size_t more = failed.error_count() - kMaxListedErrors;
            file_problems_.push_back(
                fill(P_("... and {} more error", "... and {} more errors", more),
                     {std::to_string(more)}));
            break;
        }
        file_problems_.push_back(format_diagnostic(diagnostic));
        ++listed;
    }
}

void Engine::report_reload_failure(const LoadedRegimen& loaded, const std::string& consequence) {
    const std::size_t errors = loaded.error_count();
    const std::string file = config_path_.substr(config_path_.find_last_of('/') + 1);
    const std::string summary =
        loaded.missing ? fill(_("{0} was removed; {1}"), {file, consequence})
                       : fill(P_("{0} has {1} error; {2}", "{0} has {1} errors; {2}", errors),
                              {file, std::to_string(errors), consequence});
    spdlog::error("{}", summary);
    display_.notice("reload-failed", summary,
                    loaded.missing ? _("Put it back, or write a new one with: regimenctl edit")
                                   : loaded.errors_text());
    failure_shown_ = true;
    signals_.reload_failed(summary + "\n" + loaded.errors_text());
}

Result<Instant> Engine::confirm_dose(const DoseKey& dose, Instant at, Micros now) {
    auto result =
        confirm_with([&](DoseTracker& tracker) { return tracker.confirm_open(dose, at); }, now);
    if (!result.ok()) {
        // Not open any more: a missed dose is taken late as Confirm with `at` would.
        return confirm(dose.item_id, at, now);
    }
    return result;
}

Result<Instant> Engine::skip_dose(const DoseKey& dose, const std::string& reason, Micros now) {
    return skip_with(
        [&](DoseTracker& tracker) { return tracker.skip_open(dose, reason, to_instant(now)); },
        reason, now);
}

void Engine::answer_from_notification(const DoseKey& dose, std::string_view action, Micros now) {
    spdlog::debug("notification action '{}' for '{}' planned {}", action, dose.item_id,
                  format_rfc3339(*regimen().zone, dose.planned));
    // The button answers the dose its notification shows (not the item's oldest open
    // one), and at the time of the click: a Taken pressed late is recorded late.
    const Instant clicked = to_instant(now);
    Result<Instant> result = Error{ErrorKind::InvalidArgument, ""};
    if (action == "taken") {
        result = confirm_with(
            [&](DoseTracker& tracker) { return tracker.confirm_open(dose, clicked); }, now);
    } else if (action == "skip") {
        const std::string reason = "skipped from the notification";
        result = skip_with(
            [&](DoseTracker& tracker) { return tracker.skip_open(dose, reason, clicked); }, reason,
            now);
    } else if (action == "snooze") {
        result = snooze_with(
            [&](DoseTracker& tracker) { return tracker.snooze_open(dose, clicked); }, now);
    } else {
        return;  // "default" (a click on the body) and unknown keys
    }
    if (auto* error = std::get_if<Error>(&result)) {
        spdlog::warn("could not carry out '{}' for '{}': {}", action, dose.item_id, error->message);
    }
}

std::vector<std::vector<ReminderText>> Engine::open_reminders(Micros now) const {
    const Instant instant = to_instant(now);
    std::map<Instant, std::vector<ReminderText>> groups;
    for (const auto& view : tracker_.open_doses()) {
        const Item* item = regimen().find(view.dose.item_id);
        if (view.state != DoseState::Due || item == nullptr) {
            continue;  // a snoozed dose comes back when its snooze ends
        }
        const bool critical = instant >= view.dose.planned + item->reminders.escalate_after;
        const Reminder reminder{view.dose, critical ? Urgency::Critical : Urgency::Normal, true};
        groups[view.dose.planned].push_back(
            reminder_text(regimen(), reminder, stock_note(reminder, instant)));
    }
    std::vector<std::vector<ReminderText>> shown;
    for (auto& [planned, group] : groups) {
        shown.push_back(std::move(group));
    }
    return shown;
}

std::string Engine::stock_note(const Reminder& reminder, Instant now) const {
    const Item* item = regimen().find(reminder.dose.item_id);
    if (item == nullptr || !item->stock) {
        return {};
    }
    if (auto counted = stock_.forecast(tracker_, *item, now)) {
        return stock_reminder_note(*item, *counted).value_or("");
    }
    return {};
}

void Engine::show_missed_notice(const std::vector<DoseKey>& missed, Instant now) {
    const NoticeText text = missed_notice(regimen(), missed, now);
    display_.notice("missed", text.summary, text.body);
}

void Engine::run_hooks(HookFacts facts) const {
    if (hooks_ == nullptr) {
        return;
    }
    for (auto& call : hook_calls(regimen(), facts)) {
        hooks_->launch(std::move(call));
    }
}

void Engine::run_dose_hooks(HookEvent event, const DoseKey& dose, Instant at,
                            const std::string& amount) const {
    if (hooks_ == nullptr || regimen().hooks.empty()) {
        return;
    }
    const Item* item = regimen().find(dose.item_id);
    HookFacts facts{event,  dose.item_id, item != nullptr ? item->name : dose.item_id,
                    amount, dose.planned, at};
    if (facts.amount.empty() && item != nullptr) {
        if (auto planned = item->amount_on(local_date(zone_of(regimen()), dose.planned))) {
            facts.amount = planned->text;
        }
    }
    run_hooks(std::move(facts));
}

void Engine::refresh_next_due(Instant now) {
    const auto next = tracker_.next_due(now);
    const std::optional<Instant> value =
        next ? std::optional<Instant>{next->planned} : std::nullopt;
    if (value != next_due_) {
        next_due_ = value;
        signals_.properties_changed();
    }
}

void Engine::reschedule() {
    auto deadline = tracker_.next_deadline();
    if (retry_at_ && !unwritten_.empty() && (!deadline || *retry_at_ < *deadline)) {
        deadline = retry_at_;  // held-back events: try the history again then
    }
    // Defensive: advance() has processed everything up to last_advance_, so a deadline at
    // or before it would only spin the loop.
    if (deadline && *deadline <= last_advance_) {
        spdlog::debug("next deadline {} is not after the last advance; waking a second later",
                      deadline->time_since_epoch().count());
        deadline = last_advance_ + Seconds{1};
    }
    scheduler_.schedule(deadline);
}

}  // namespace regimend
