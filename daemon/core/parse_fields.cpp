#include "core/parse_fields.hpp"
#include "core/i18n.hpp"

#include "core/parse_values.hpp"

namespace regimend {

std::optional<Amount> read_amount(Diagnostics& diagnostics, const Field& field) {
    auto text = read_text(diagnostics, field, N_("an amount such as \"144 mg\""));
    if (!text) {
        return std::nullopt;
    }
    auto amount = parse_amount(text->value);
    if (!amount.value) {
        // TRANSLATORS: {1} is what is wrong with an amount ("must be ...").
        diagnostics.error(text->pos, fill(_("'{0}' {1}"), {field.key, amount.error}));
        return std::nullopt;
    }
    return amount.value;
}

std::optional<Seconds> read_duration(Diagnostics& diagnostics, const Field& field) {
    const std::string expected = _("a duration such as 90s, 15m, 2h, 1h30m, 3d or 2w");
    auto text = read_text(diagnostics, field, expected);
    if (!text) {
        return std::nullopt;
    }
    auto duration = parse_duration(text->value);
    if (!duration) {
        diagnostics.error(text->pos, fill(_("'{0}' must be {1}, got {2}"),
                                          {field.key, expected, quoted(text->value)}));
    }
    return duration;
}

std::optional<LocalDate> read_date(Diagnostics& diagnostics, const Field& field) {
    const std::string expected = _("a date \"YYYY-MM-DD\"");
    auto text = read_text(diagnostics, field, expected);
    if (!text) {
        return std::nullopt;
    }
    auto day = parse_date(text->value);
    if (!day) {
        diagnostics.error(text->pos, fill(_("'{0}' must be {1} (a real calendar date), got {2}"),
                                          {field.key, expected, quoted(text->value)}));
    }
    return day;
}

std::optional<Seconds> read_clock_time(Diagnostics& diagnostics, const Field& field) {
    const std::string expected = _("a time of day \"HH:MM\" or \"HH:MM:SS\" (24-hour)");
    auto text = read_text(diagnostics, field, expected);
    if (!text) {
        return std::nullopt;
    }
    auto offset = parse_clock_time(text->value);
    if (!offset) {
        diagnostics.error(text->pos, fill(_("'{0}' must be {1}, got {2}"),
                                          {field.key, expected, quoted(text->value)}));
    }
    return offset;
}

ReminderPolicy read_reminders(Diagnostics& diagnostics, const Field& field,
                              const ReminderPolicy& inherited) {
    ReminderPolicy policy = inherited;
    auto mapping = Mapping::read(diagnostics, field.value, field.value_pos, N_("'reminders'"),
                                 {"repeat_every", "escalate_after", "missed_after", "snooze"});
    if (!mapping) {
        return policy;
    }
    for (auto [key, target] :
         {std::pair{"repeat_every", &policy.repeat_every},
          std::pair{"escalate_after", &policy.escalate_after},
          std::pair{"missed_after", &policy.missed_after}, std::pair{"snooze", &policy.snooze}}) {
        if (const Field* value = mapping->get(key)) {
            if (auto duration = read_duration(diagnostics, *value)) {
                *target = *duration;
            }
        }
    }
    return policy;
}

}  // namespace regimend
