#include "bus_client.hpp"
#include "core/i18n.hpp"

#include <cmath>

#include "bus_call.hpp"

namespace regimenctl {

using namespace regimend::bus_names;
using namespace bus_call;
using regimend::BusError;
using regimend::MessagePtr;

void BusClient::BusDeleter::operator()(sd_bus* bus) const noexcept {
    sd_bus_flush_close_unref(bus);
}

BusClient::BusClient(BusClient&&) noexcept = default;
BusClient& BusClient::operator=(BusClient&&) noexcept = default;
BusClient::~BusClient() = default;

BusClient BusClient::connect() {
    sd_bus* bus = nullptr;
    int result = sd_bus_open_user(&bus);
    if (result < 0) {
        throw CtlError(kExitNoDaemon,
                       regimend::fill(_("cannot connect to the session bus ({0}); {1}"),
                                      {std::strerror(-result), how_to_start()}));
    }
    return BusClient(bus);
}

Instant BusClient::confirm(const std::string& item, std::optional<Instant> at) {
    auto reply = call(bus_.get(), kInterface, "Confirm", "st", item.c_str(), bus_time_or_now(at));
    return from_bus_time(read_single<std::uint64_t>(reply.get(), "t", "Confirm"));
}

Instant BusClient::confirm_amount(const std::string& item, std::optional<Instant> at,
                                  const std::string& amount) {
    auto reply = call(bus_.get(), kInterface, "ConfirmAmount", "sts", item.c_str(),
                      bus_time_or_now(at), amount.c_str());
    return from_bus_time(read_single<std::uint64_t>(reply.get(), "t", "ConfirmAmount"));
}

Instant BusClient::skip(const std::string& item, const std::string& reason) {
    auto reply = call(bus_.get(), kInterface, "Skip", "ss", item.c_str(), reason.c_str());
    return from_bus_time(read_single<std::uint64_t>(reply.get(), "t", "Skip"));
}

Instant BusClient::undo(const std::string& item) {
    auto reply = call(bus_.get(), kInterface, "Undo", "s", item.c_str());
    return from_bus_time(read_single<std::uint64_t>(reply.get(), "t", "Undo"));
}

Instant BusClient::snooze(const std::string& item, std::optional<regimend::Seconds> length) {
    std::uint64_t seconds = length ? static_cast<std::uint64_t>(length->count()) : 0;
    auto reply = call(bus_.get(), kInterface, "Snooze", "st", item.c_str(), seconds);
    return from_bus_time(read_single<std::uint64_t>(reply.get(), "t", "Snooze"));
}

void BusClient::log_dose(const std::string& item, std::optional<Instant> at,
                         const std::string& note) {
    call(bus_.get(), kInterface, "LogDose", "sts", item.c_str(), bus_time_or_now(at), note.c_str());
}

std::string BusClient::log_dose_with(const std::string& item, std::optional<Instant> at,
                                     const std::string& note, bool force) {
    auto reply = call(bus_.get(), kInterface, "LogDoseWith", "stsb", item.c_str(),
                      bus_time_or_now(at), note.c_str(), force ? 1 : 0);
    return read_string(reply.get(), "LogDoseWith");
}

void BusClient::log_symptom(const std::string& kind, unsigned severity, std::optional<Instant> at,
                            const std::string& note) {
    call(bus_.get(), kInterface, "LogSymptom", "suts", kind.c_str(),
         static_cast<std::uint32_t>(severity), bus_time_or_now(at), note.c_str());
}

std::vector<DoseRow> BusClient::list_doses(Instant from, Instant to) {
    std::vector<DoseRow> rows;
    collect_split<DoseRow>(
        from, to, [this](Instant a, Instant b) { return list_doses_once(a, b); }, rows);
    return rows;
}

// Reads ListDoses' a(sstst) from `reply`.
static std::vector<DoseRow> read_dose_rows(sd_bus_message* reply, const char* member) {
    int result = sd_bus_message_enter_container(reply, 'a', "(sstst)");
    if (result < 0) {
        throw_bad_reply(result, member);
    }
    std::vector<DoseRow> rows;
    for (;;) {
        const char* item = nullptr;
        const char* name = nullptr;
        const char* state = nullptr;
        std::uint64_t planned = 0;
        std::uint64_t acted_at = 0;
        // Field by field rather than sd_bus_message_read(reply, "(sstst)", ...), which
        // parses the signature again for every row.
        result = sd_bus_message_enter_container(reply, SD_BUS_TYPE_STRUCT, "sstst");
        if (result < 0) {
            throw_bad_reply(result, member);
        }
        if (result == 0) {
            break;
        }
        if ((result = sd_bus_message_read_basic(reply, SD_BUS_TYPE_STRING, &item)) < 0 ||
            (result = sd_bus_message_read_basic(reply, SD_BUS_TYPE_STRING, &name)) < 0 ||
            (result = sd_bus_message_read_basic(reply, SD_BUS_TYPE_UINT64, &planned)) < 0 ||
            (result = sd_bus_message_read_basic(reply, SD_BUS_TYPE_STRING, &state)) < 0 ||
            (result = sd_bus_message_read_basic(reply, SD_BUS_TYPE_UINT64, &acted_at)) < 0 ||
            (result = sd_bus_message_exit_container(reply)) < 0) {
            throw_bad_reply(result, member);
        }
        rows.push_back({item, name, from_bus_time(planned), state, optional_time(acted_at)});
    }
    if ((result = sd_bus_message_exit_container(reply)) < 0) {
        throw_bad_reply(result, member);
    }
    return rows;
}

std::vector<DoseRow> BusClient::list_doses_once(Instant from, Instant to) {
    auto reply = call_on(bus_.get(), auto_start_, kInterface, "ListDoses", "tt", to_bus_time(from),
                         to_bus_time(to));
    return read_dose_rows(reply.get(), "ListDoses");
}

std::optional<TodayReply> BusClient::today() {
    MessagePtr reply;
    try {
        reply = call(bus_.get(), kInterface, "Today", "");
    } catch (const bus_call::SpanTooLong&) {
        return std::nullopt;  // a day with more doses than one reply holds
    }
    TodayReply today;
    const char* zone = nullptr;
    int result = sd_bus_message_read(reply.get(), "s", &zone);
    if (result < 0) {
        throw_bad_reply(result, "Today");
    }
    today.zone = zone;
    today.doses = read_dose_rows(reply.get(), "Today");
    const char* next_item = nullptr;
    const char* next_name = nullptr;
    std::uint64_t next_planned = 0;
    result = sd_bus_message_read(reply.get(), "sst", &next_item, &next_name, &next_planned);
    if (result < 0 || (result = sd_bus_message_enter_container(reply.get(), 'a', "(stt)")) < 0) {
        throw_bad_reply(result, "Today");
    }
    today.next_item = next_item;
    today.next_name = next_name;
    today.next_planned = optional_time(next_planned);
    const char* item = nullptr;
    std::uint64_t planned = 0;
    std::uint64_t until = 0;
    while ((result = sd_bus_message_read(reply.get(), "(stt)", &item, &planned, &until)) > 0) {
        today.snoozed.push_back({item, {from_bus_time(planned), from_bus_time(until)}});
    }
    if (result < 0 || (result = sd_bus_message_exit_container(reply.get())) < 0 ||
        (result = sd_bus_message_enter_container(reply.get(), 'a', "s")) < 0) {
        throw_bad_reply(result, "Today");
    }
    const char* warning = nullptr;
    while ((result = sd_bus_message_read(reply.get(), "s", &warning)) > 0) {
        today.warnings.emplace_back(warning);
    }
    if (result < 0) {
        throw_bad_reply(result, "Today");
    }
    return today;
}

void BusClient::reload() {
    call(bus_.get(), kInterface, "Reload", "");
}

double BusClient::refill(const std::string& item, double quantity, bool absolute) {
    auto reply =
        call(bus_.get(), kInterface, "Refill", "sdb", item.c_str(), quantity, absolute ? 1 : 0);
    return read_single<double>(reply.get(), "d", "Refill");
}

std::vector<StockRow> BusClient::stock() {
    auto reply = call(bus_.get(), kInterface, "Stock", "");
    int result = sd_bus_message_enter_container(reply.get(), 'a', "(sdddt)");
    if (result < 0) {
        throw_bad_reply(result, "Stock");
    }
    std::vector<StockRow> rows;
    for (;;) {
        const char* item = nullptr;
        double on_hand = 0;
        double per_dose = 0;
        double doses_left = 0;
        std::uint64_t runs_out = 0;
        result = sd_bus_message_read(reply.get(), "(sdddt)", &item, &on_hand, &per_dose,
                                     &doses_left, &runs_out);
        if (result < 0) {
            throw_bad_reply(result, "Stock");
        }
        if (result == 0) {
            break;
        }
        StockRow row;
        row.item = item;
        if (!std::isnan(on_hand)) {
            row.on_hand = on_hand;
        }
        row.per_dose = per_dose;
        if (!std::isnan(doses_left)) {
            row.doses_left = doses_left;
        }
        row.runs_out = optional_time(runs_out);
        rows.push_back(std::move(row));
    }
    return rows;
}

Instant BusClient::pause(const std::string& item, const std::string& until) {
    auto reply = call(bus_.get(), kInterface, "Pause", "ss", item.c_str(), until.c_str());
    return from_bus_time(read_single<std::uint64_t>(reply.get(), "t", "Pause"));
}

void BusClient::resume(const std::string& item) {
    call(bus_.get(), kInterface, "Resume", "s", item.c_str());
}

std::vector<PauseRow> BusClient::pauses() {
    auto reply = call(bus_.get(), kInterface, "Pauses", "");
    int result = sd_bus_message_enter_container(reply.get(), 'a', "(sstt)");
    if (result < 0) {
        throw_bad_reply(result, "Pauses");
    }
    std::vector<PauseRow> rows;
    for (;;) {
        const char* item = nullptr;
        const char* until = nullptr;
        std::uint64_t from = 0;
        std::uint64_t to = 0;
        result = sd_bus_message_read(reply.get(), "(sstt)", &item, &until, &from, &to);
        if (result < 0) {
            throw_bad_reply(result, "Pauses");
        }
        if (result == 0) {
            break;
        }
        rows.push_back(PauseRow{item, until, from_bus_time(from), from_bus_time(to)});
    }
    return rows;
}

std::vector<regimend::Diagnostic> BusClient::validate(const std::string& yaml,
                                                      const std::string& file_name) {
    auto reply = call(bus_.get(), kInterface, "Validate", "s", yaml.c_str());
    int result = sd_bus_message_enter_container(reply.get(), 'a', "(uuss)");
    if (result < 0) {
        throw_bad_reply(result, "Validate");
    }
    std::vector<regimend::Diagnostic> diagnostics;
    for (;;) {
        std::uint32_t line = 0;
        std::uint32_t column = 0;
        const char* severity = nullptr;
        const char* message = nullptr;
        result = sd_bus_message_read(reply.get(), "(uuss)", &line, &column, &severity, &message);
        if (result < 0) {
            throw_bad_reply(result, "Validate");
        }
        if (result == 0) {
            break;
        }
        diagnostics.push_back({file_name, static_cast<int>(line), static_cast<int>(column),
                               std::string_view(severity) == "warning" ? regimend::Severity::Warning
                                                                       : regimend::Severity::Error,
                               message});
    }
    return diagnostics;
}

std::optional<Instant> BusClient::next_due() {
    auto reply = get_property_on(bus_.get(), auto_start_, "NextDue", "t");
    return optional_time(read_single<std::uint64_t>(reply.get(), "t", "NextDue"));
}

std::string BusClient::config_path() {
    auto reply = get_property_on(bus_.get(), auto_start_, "ConfigPath", "s");
    return read_string(reply.get(), "ConfigPath");
}

std::string BusClient::version() {
    auto reply = get_property(bus_.get(), "Version", "s");
    return read_string(reply.get(), "Version");
}

std::string BusClient::time_zone() {
    auto reply = get_property_on(bus_.get(), auto_start_, "TimeZone", "s");
    return read_string(reply.get(), "TimeZone");
}

std::vector<std::string> BusClient::strings_property(const char* property) {
    auto reply = get_property_on(bus_.get(), auto_start_, property, "as");
    std::vector<std::string> values;
    int result = sd_bus_message_enter_container(reply.get(), 'a', "s");
    if (result < 0) {
        throw_bad_reply(result, property);
    }
    const char* value = nullptr;
    while ((result = sd_bus_message_read(reply.get(), "s", &value)) > 0) {
        values.emplace_back(value);
    }
    if (result < 0) {
        throw_bad_reply(result, property);
    }
    return values;
}

std::vector<std::string> BusClient::warnings() {
    return strings_property("Warnings");
}

std::optional<BusClient::SyncInfo> BusClient::sync() {
    MessagePtr reply;
    try {
        reply = get_property_on(bus_.get(), auto_start_, "Sync", "(bts)");
    } catch (const CtlError&) {
        return std::nullopt;  // a daemon from before the property
    }
    int configured = 0;
    std::uint64_t last_ok = 0;
    const char* error = nullptr;
    const int result = sd_bus_message_read(reply.get(), "(bts)", &configured, &last_ok, &error);
    if (result < 0) {
        throw_bad_reply(result, "Sync");
    }
    if (configured == 0) {
        return std::nullopt;
    }
    return SyncInfo{optional_time(last_ok), error != nullptr ? error : ""};
}

std::vector<std::string> BusClient::low_stock() {
    return strings_property("LowStock");
}

sd_bus* BusClient::raw() const noexcept {
    return bus_.get();
}

}  // namespace regimenctl
