#include "core/parse_item.hpp"

#include "core/i18n.hpp"
#include "core/inventory.hpp"
#include "core/parse_fields.hpp"
#include "core/parse_values.hpp"
#include "core/placeholders.hpp"

namespace regimend {
namespace {

constexpr std::size_t kMaxTimes = 100;
constexpr std::size_t kMaxRampSteps = 100;
constexpr std::size_t kMaxTags = 100;

class ItemReader {
  public:
    ItemReader(Diagnostics& diagnostics, const Mapping& mapping, const ItemDefaults& defaults,
               ReadItem& read)
        : diagnostics_(diagnostics),
          mapping_(mapping),
          defaults_(defaults),
          read_(read),
          item_(read.item) {}

    void read() {
        read_identity();
        read_amount_and_tags();
        read_as_needed();
        if (!item_.as_needed) {  // check_as_needed() reports these keys instead
            read_times();
            read_frequency();
            read_cycle();
            read_ramp();
        }
        read_dates();
        read_separate();
        read_stock();
        if (const Field* reminders = mapping_.get("reminders")) {
            item_.reminders = read_reminders(diagnostics_, *reminders, defaults_.reminders);
        }
        // With an unreadable `as_needed`, whether the item is scheduled is unknown: its one
        // error says how to write the boolean, and nothing is reported as missing for it.
        if (as_needed_unreadable_) {
            return;
        }
        if (item_.as_needed) {
            check_as_needed();
        } else {
            check_scheduled();
        }
    }

  private:
    void error(SourcePos pos, std::string message) { diagnostics_.error(pos, std::move(message)); }

    // "item 'glycinate-pm'" once the id is known, for messages about what is missing.
    std::string item_label() const {
        return item_.id.empty() ? std::string("this item") : "item '" + item_.id + "'";
    }

    void read_identity() {
        if (const Field* id = mapping_.get("id")) {
            if (auto text = read_text(diagnostics_, *id)) {
                read_.id_pos = text->pos;
                if (is_valid_id(text->value)) {
                    item_.id = text->value;
                } else {
                    error(text->pos,
                          "'id' must be 1 to 64 lowercase letters, digits or dashes "
                          "(a-z, 0-9, -), got " +
                              quoted(text->value));
                }
            }
        } else {
            error(mapping_.pos(), "the item has no 'id' (a short name such as magnesium-pm)");
        }
        if (const Field* name = mapping_.get("name")) {
            if (auto text = read_text(diagnostics_, *name)) {
                if (text->value.empty()) {
                    error(text->pos, "'name' must not be empty");
                }
                item_.name = text->value;
            }
        } else {
            error(mapping_.pos(), item_label() + " has no 'name' (shown in reminders)");
        }
        if (const Field* dose = mapping_.get("dose")) {
            if (auto text = read_text(diagnostics_, *dose)) {
                item_.dose = text->value;
            }
        }
        if (const Field* notes = mapping_.get("notes")) {
            if (auto text = read_text(diagnostics_, *notes, "a text", kMaxNotesCharacters, true)) {
                item_.notes = text->value;
            }
        }
    }

    void read_amount_and_tags() {
        if (const Field* amount = mapping_.get("amount")) {
            item_.amount_pos = amount->value_pos;
            item_.amount = read_amount(diagnostics_, *amount);
        }
        if (const Field* tags = mapping_.get("tags")) {
            if (auto texts = read_text_list(diagnostics_, *tags, kMaxTags)) {
                for (const auto& tag : *texts) {
                    if (tag.value.empty()) {
                        error(tag.pos, "a tag must not be empty");
                    } else if (!item_.has_tag(tag.value)) {
                        item_.tags.push_back(tag.value);
                    }
                }
            }
        }
    }

    void read_as_needed() {
        if (const Field* as_needed = mapping_.get("as_needed")) {
            auto value = read_bool(diagnostics_, *as_needed);
            item_.as_needed = value.value_or(false);
            as_needed_unreadable_ = !value;
        }
        if (const Field* max = mapping_.get("max_per_day")) {
            if (auto value = read_integer(diagnostics_, *max, 1, 1000)) {
                item_.max_per_day = static_cast<int>(*value);
            }
        }
        if (const Field* gap = mapping_.get("min_interval")) {
            if (auto duration = read_duration(diagnostics_, *gap)) {
                if (duration->count() <= 0) {
                    error(gap->value_pos, "'min_interval' must be longer than 0s, got " +
                                              quoted(gap->value.Scalar()));
                } else if (duration->count() > 7LL * 86400) {
                    error(gap->value_pos, "'min_interval' must be at most a week (7d), got " +
                                              quoted(gap->value.Scalar()));
                } else {
                    item_.min_interval = *duration;
                }
            }
        }
    }

    void read_times() {
        const Field* at = mapping_.get("at");
        if (!at) {
            return;
        }
        auto texts = read_text_list(diagnostics_, *at, kMaxTimes);
        if (!texts) {
            return;
        }
        if (texts->empty()) {
            error(at->value_pos, "'at' must name at least one time");
        }
        for (const auto& text : *texts) {
            auto time = parse_time_of_day(text.value);
            if (!time.value) {
                error(text.pos, time.error);
                continue;
            }
            time.value->pos = text.pos;
            if (time.value->base == TimeOfDay::Base::Bedtime && !defaults_.has_bedtime) {
                error(text.pos, quoted(text.value) +
                                    " is counted from bedtime, but the file sets no "
                                    "'bedtime: \"HH:MM\"' at the top level");
                continue;
            }
            for (const auto& earlier : item_.schedule.times) {
                if (earlier.base == time.value->base && earlier.offset == time.value->offset) {
                    error(text.pos, "'at' lists the same time twice: " + quoted(text.value) +
                                        " (line " + std::to_string(earlier.pos.line) + ")");
                }
            }
            item_.schedule.times.push_back(*time.value);
        }
    }

    void read_frequency() {
        if (const Field* every = mapping_.get("every")) {
            if (auto text = read_text(diagnostics_, *every)) {
                auto parsed = parse_every(text->value);
                if (parsed.value) {
                    item_.schedule.frequency = parsed.value->frequency;
                    item_.schedule.interval = parsed.value->interval;
                    every_ = *text;
                } else {
                    error(text->pos, parsed.error);
                }
            }
        }
        const Field* days = mapping_.get("days");
        if (!days) {
            return;
        }
        days_pos_ = days->key_pos;
        auto texts = read_text_list(diagnostics_, *days, 100);
        if (!texts) {
            return;
        }
        if (texts->empty()) {
            error(days->value_pos, "'days' must name at least one day (mon..sun)");
            return;
        }
        std::uint8_t mask = 0;
        for (const auto& text : *texts) {
            if (auto bit = parse_weekday(text.value)) {
                mask |= *bit;
            } else {
                error(text.pos, "'days' entries must be mon, tue, wed, thu, fri, sat or sun, got " +
                                    quoted(text.value));
            }
        }
        if (mask != 0) {
            item_.schedule.weekdays = mask;
        }
    }

    // `cycle: {active: 21d, rest: 7d}`: whole days, each at least a day and at most ten
    // years; counted from `start` (checked in check_scheduled).
    void read_cycle() {
        const Field* cycle = mapping_.get("cycle");
        if (!cycle) {
            return;
        }
        auto cycle_mapping = Mapping::read(diagnostics_, cycle->value, cycle->value_pos, "'cycle'",
                                           {"active", "rest"});
        if (!cycle_mapping) {
            return;
        }
        Cycle read_value;
        read_value.pos = cycle->key_pos;
        bool complete = true;
        for (const char* key : {"active", "rest"}) {
            const Field* field = cycle_mapping->get(key);
            if (!field) {
                error(
                    cycle->value_pos,
                    fill_in(_("'cycle' needs '{}', e.g. cycle: {{active: 21d, rest: 7d}}"), {key}));
                complete = false;
                continue;
            }
            auto days = read_cycle_days(*field);
            if (!days) {
                complete = false;
                continue;
            }
            (std::string_view(key) == "active" ? read_value.active : read_value.rest) = *days;
        }
        if (complete) {
            item_.schedule.cycle = read_value;
        }
    }

    std::optional<date::days> read_cycle_days(const Field& field) {
        auto duration = read_duration(diagnostics_, field);
        if (!duration) {
            return std::nullopt;
        }
        constexpr long long kMaxCycleDays = 3653;
        if (duration->count() % 86400 != 0 || duration->count() < 86400 ||
            duration->count() > kMaxCycleDays * 86400) {
            error(field.value_pos,
                  fill_in(_("'{}' must be a whole number of days from 1d to 3653d (ten years), "
                            "such as 21d or 3w, got {}"),
                          {field.key, quoted(field.value.Scalar())}));
            return std::nullopt;
        }
        return date::days{duration->count() / 86400};
    }

    void read_dates() {
        const Field* start = mapping_.get("start");
        if (start) {
            item_.schedule.start = read_date(diagnostics_, *start);
        }
        const Field* end = mapping_.get("end");
        if (end) {
            item_.schedule.end = read_date(diagnostics_, *end);
        }
        if (item_.schedule.start && item_.schedule.end &&
            *item_.schedule.end < *item_.schedule.start) {
            error(end->value_pos, "'end' (" + end->value.Scalar() + ") is before 'start' (" +
                                      start->value.Scalar() + ")");
        }
    }

    void read_ramp() {
        const Field* ramp = mapping_.get("ramp");
        if (!ramp) {
            return;
        }
        auto steps = read_sequence(diagnostics_, *ramp, kMaxRampSteps);
        if (!steps) {
            return;
        }
        if (!mapping_.get("start")) {
            error(ramp->key_pos, "'ramp' counts days from 'start', but " + item_label() +
                                     " has no 'start: YYYY-MM-DD'");
        }
        if (!mapping_.get("amount")) {
            error(ramp->key_pos,
                  "'ramp' needs the item's 'amount' for the days before its "
                  "first step");
        }
        for (const auto& node : *steps) {
            read_ramp_step(node);
        }
    }

    void read_ramp_step(const YAML::Node& node) {
        SourcePos where = diagnostics_.position(node.Mark());
        auto step_mapping =
            Mapping::read(diagnostics_, node, where, "a 'ramp' step", {"after", "amount"});
        if (!step_mapping) {
            return;
        }
        RampStep step;
        step.pos = where;
        const Field* after = step_mapping->get("after");
        const Field* amount = step_mapping->get("amount");
        if (!after || !amount) {
            error(where, std::string("a 'ramp' step needs ") +
                             (after    ? "'amount'"
                              : amount ? "'after'"
                                       : "'after' and 'amount'") +
                             ", e.g. {after: 14d, amount: 300 mg}");
        }
        std::optional<date::days> after_days;
        if (after) {
            if (auto duration = read_duration(diagnostics_, *after)) {
                if (duration->count() % 86400 == 0) {
                    after_days = date::days{duration->count() / 86400};
                } else {
                    error(after->value_pos,
                          "'after' must be a whole number of days such as 14d or 2w, got " +
                              quoted(after->value.Scalar()));
                }
            }
        }
        std::optional<Amount> step_amount;
        if (amount) {
            step_amount = read_amount(diagnostics_, *amount);
            if (step_amount && item_.amount && !same_kind_of_unit(*item_.amount, *step_amount)) {
                error(amount->value_pos, "the ramp amount " + quoted(step_amount->text) +
                                             " is not in a unit comparable with 'amount' " +
                                             quoted(item_.amount->text));
            }
        }
        if (!after_days || !step_amount) {
            return;
        }
        step.after = *after_days;
        step.amount = *step_amount;
        if (!item_.ramp.empty() && step.after <= item_.ramp.back().after) {
            error(after->value_pos, "ramp steps must come in increasing order of 'after': " +
                                        quoted(after->value.Scalar()) +
                                        " follows the step at line " +
                                        std::to_string(item_.ramp.back().pos.line));
            return;
        }
        item_.ramp.push_back(step);
    }

    static bool same_kind_of_unit(const Amount& a, const Amount& b) {
        return a.unit == b.unit || (milligrams(a) && milligrams(b));
    }

    void read_separate() {
        const Field* separate = mapping_.get("separate");
        if (!separate) {
            return;
        }
        auto rule_mapping = Mapping::read(diagnostics_, separate->value, separate->value_pos,
                                          "'separate'", {"from", "by"});
        if (!rule_mapping) {
            return;
        }
        SeparateRule rule;
        rule.pos = separate->key_pos;
        const Field* from = rule_mapping->get("from");
        const Field* by = rule_mapping->get("by");
        if (!from || !by) {
            error(separate->value_pos,
                  "'separate' needs both 'from' (item ids or tags) and 'by' (a duration), "
                  "e.g. {from: [antibiotic], by: 2h}");
        }
        if (from) {
            if (auto names = read_text_list(diagnostics_, *from, kMaxTags)) {
                if (names->empty()) {
                    error(from->value_pos, "'from' must name at least one item id or tag");
                }
                for (const auto& name : *names) {
                    rule.from.push_back(name.value);
                }
                read_.separate_from = *names;
            }
        }
        if (by) {
            if (auto duration = read_duration(diagnostics_, *by)) {
                rule.by = *duration;
            }
        }
        item_.separate = rule;
    }

    // `stock: {per_dose: 2, unit: capsules, warn_before: 7d}`; every key is optional.
    void read_stock() {
        const Field* stock = mapping_.get("stock");
        if (!stock) {
            return;
        }
        auto stock_mapping = Mapping::read(diagnostics_, stock->value, stock->value_pos, "'stock'",
                                           {"per_dose", "unit", "warn_before"});
        if (!stock_mapping) {
            return;
        }
        StockPolicy policy;
        policy.pos = stock->key_pos;
        policy.per_dose_pos = stock->key_pos;
        if (const Field* per_dose = stock_mapping->get("per_dose")) {
            policy.per_dose_pos = per_dose->value_pos;
            if (auto value = read_positive_number(diagnostics_, *per_dose, kMaxStockQuantity)) {
                policy.per_dose = *value;
            }
        }
        if (const Field* unit = stock_mapping->get("unit")) {
            if (auto text = read_text(diagnostics_, *unit)) {
                policy.unit = text->value;
            }
        }
        if (const Field* warn_before = stock_mapping->get("warn_before")) {
            if (auto duration = read_duration(diagnostics_, *warn_before)) {
                if (duration->count() > 365LL * 86400) {
                    error(warn_before->value_pos,
                          "'warn_before' must be at most a year (365d): nothing is forecast "
                          "further ahead, got " +
                              quoted(warn_before->value.Scalar()));
                } else {
                    policy.warn_before = *duration;
                }
            }
        }
        item_.stock = policy;
    }

    void check_as_needed() {
        for (const char* key : {"at", "every", "days", "ramp", "cycle"}) {
            if (const Field* field = mapping_.get(key)) {
                error(field->key_pos, "an as-needed item is never scheduled: remove '" +
                                          std::string(key) + "' or 'as_needed: true'");
            }
        }
    }

    void check_scheduled() {
        for (const char* key : {"max_per_day", "min_interval"}) {
            if (const Field* field = mapping_.get(key)) {
                error(field->key_pos, "'" + std::string(key) +
                                          "' applies to as-needed items only "
                                          "('as_needed: true')");
            }
        }
        if (!mapping_.get("at")) {
            error(mapping_.pos(), item_label() +
                                      " has no 'at': a scheduled item needs a time such as "
                                      "at: \"08:00\" (or 'as_needed: true')");
        }
        if (const Field* cycle = mapping_.get("cycle"); cycle && !mapping_.get("start")) {
            error(cycle->key_pos,
                  fill_in(_("'cycle' is counted from 'start', but {} has no 'start: YYYY-MM-DD'"),
                          {item_label()}));
        }
        if (!every_) {
            return;
        }
        const Schedule& schedule = item_.schedule;
        if (schedule.frequency == Frequency::Weekly && !mapping_.get("days")) {
            error(every_->pos, "'every: week' needs 'days', e.g. days: [sun]");
        }
        bool counted_from_start = schedule.frequency == Frequency::EveryNDays ||
                                  schedule.frequency == Frequency::EveryNHours;
        if (counted_from_start && !mapping_.get("start")) {
            error(every_->pos, "'every: " + every_->value + "' is counted from 'start', but " +
                                   item_label() + " has no 'start: YYYY-MM-DD'");
        }
        if (counted_from_start && days_pos_) {
            error(*days_pos_,
                  "'days' works with 'every: day' or 'every: week', not with "
                  "'every: " +
                      every_->value + "'");
        }
        const Field* at = mapping_.get("at");
        if (schedule.frequency == Frequency::EveryNHours && at && at->value.IsSequence() &&
            at->value.size() > 1) {
            error(at->value_pos, "'every: " + every_->value +
                                     "' takes a single 'at' (the first dose on 'start'), got " +
                                     std::to_string(at->value.size()) + " times");
        }
    }

    Diagnostics& diagnostics_;
    const Mapping& mapping_;
    const ItemDefaults& defaults_;
    ReadItem& read_;
    Item& item_;
    std::optional<Text> every_;
    std::optional<SourcePos> days_pos_;
    bool as_needed_unreadable_ = false;
};

}  // namespace

ReadItem read_item(Diagnostics& diagnostics, const YAML::Node& node, SourcePos where,
                   const ItemDefaults& defaults) {
    ReadItem read;
    read.item.pos = where;
    read.item.amount_pos = where;
    read.item.reminders = defaults.reminders;
    read.id_pos = where;
    auto mapping = Mapping::read(diagnostics, node, where, "an item",
                                 {"id", "name", "dose", "notes", "amount", "tags", "at", "every",
                                  "days", "start", "end", "ramp", "as_needed", "max_per_day",
                                  "min_interval", "separate", "reminders", "stock", "cycle"});
    if (mapping) {
        ItemReader(diagnostics, *mapping, defaults, read).read();
    }
    return read;
}

}  // namespace regimend
