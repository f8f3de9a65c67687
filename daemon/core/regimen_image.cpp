#include "core/regimen_image.hpp"

#include <bit>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <type_traits>

#include "core/content_hash.hpp"
#include "core/time_zone.hpp"

namespace regimend {
namespace {

// "regimend" and a format number: bump kFormat when the layout below changes. The build
// id already changes with any code change; the number keeps a hand-built image honest.
constexpr std::string_view kMagic = "regimend-image\n";
constexpr std::uint32_t kFormat = 2;

// Every field of the model must be written and read below. A new field changes these
// sizes and stops the build here, so that it cannot be forgotten in the image (a
// forgotten field would come back from the cache as its default after a restart).
#if defined(__x86_64__) && defined(__GLIBCXX__) && !defined(_GLIBCXX_DEBUG)
static_assert(sizeof(Amount) == 72);
static_assert(sizeof(ReminderPolicy) == 32);
static_assert(sizeof(TimeOfDay) == 56);
static_assert(sizeof(Schedule) == 56);
static_assert(sizeof(RampStep) == 88);
static_assert(sizeof(SeparateRule) == 40);
static_assert(sizeof(StockPolicy) == 64);
static_assert(sizeof(Item) == 496);
static_assert(sizeof(Limit) == 136);
static_assert(sizeof(Regimen) == 296);
static_assert(sizeof(Diagnostic) == 80);
#endif

class Writer {
  public:
    void u8(std::uint8_t value) { bytes_.push_back(static_cast<char>(value)); }
    void i64(std::int64_t value) {
        const auto bits = static_cast<std::uint64_t>(value);
        for (int shift = 0; shift < 64; shift += 8) {
            u8(static_cast<std::uint8_t>(bits >> shift));
        }
    }
    void f64(double value) { i64(std::bit_cast<std::int64_t>(value)); }
    void flag(bool value) { u8(value ? 1 : 0); }
    void text(std::string_view value) {
        i64(static_cast<std::int64_t>(value.size()));
        bytes_.append(value);
    }
    void seconds(Seconds value) { i64(value.count()); }
    void pos(SourcePos value) {
        i64(value.line);
        i64(value.column);
    }
    void date(LocalDate value) { i64(date::sys_days{value}.time_since_epoch().count()); }
    template <typename Each, typename T>
    void list(const std::vector<T>& values, Each each) {
        i64(static_cast<std::int64_t>(values.size()));
        for (const auto& value : values) {
            each(value);
        }
    }
    void texts(const std::vector<std::string>& values) {
        list(values, [this](const std::string& value) { text(value); });
    }
    std::string take() { return std::move(bytes_); }

  private:
    std::string bytes_;
};

// Reads what Writer wrote. The first thing that does not fit (past the end, a count larger
// than the bytes left, an enum out of range) sets failed(), and every read after it gives
// zero values, so a decoder reads on and checks once at the end.
class Reader {
  public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}

    bool failed() const { return failed_; }
    bool at_end() const { return at_ == bytes_.size(); }
    void fail() { failed_ = true; }

    std::uint8_t u8() {
        if (failed_ || at_ >= bytes_.size()) {
            failed_ = true;
            return 0;
        }
        return static_cast<std::uint8_t>(bytes_[at_++]);
    }
    std::int64_t i64() {
        if (failed_ || bytes_.size() - at_ < 8) {
            failed_ = true;
            return 0;
        }
        std::uint64_t bits = 0;
        for (int shift = 0; shift < 64; shift += 8) {
            bits |= std::uint64_t{static_cast<unsigned char>(bytes_[at_++])} << shift;
        }
        return static_cast<std::int64_t>(bits);
    }
    int i32() {
        const std::int64_t value = i64();
        if (value < INT32_MIN || value > INT32_MAX) {
            failed_ = true;
            return 0;
        }
        return static_cast<int>(value);
    }
    double f64() { return std::bit_cast<double>(i64()); }
    bool flag() {
        const std::uint8_t value = u8();
        if (value > 1) {
            failed_ = true;
        }
        return value == 1;
    }
    // A count of things each at least `smallest` bytes long: never more than could fit.
    std::size_t count(std::size_t smallest) {
        const std::int64_t value = i64();
        if (value < 0 || static_cast<std::uint64_t>(value) > (bytes_.size() - at_) / smallest) {
            failed_ = true;
            return 0;
        }
        return static_cast<std::size_t>(value);
    }
    std::string_view view() {
        const std::size_t size = count(1);
        if (failed_) {
            return {};
        }
        const std::string_view value = bytes_.substr(at_, size);
        at_ += size;
        return value;
    }
    std::string text() { return std::string(view()); }
    Seconds seconds() { return Seconds{i64()}; }
    SourcePos pos() {
        SourcePos value;
        value.line = i32();
        value.column = i32();
        return value;
    }
    LocalDate date() {
        // A parsed date is a real one within years 0..9999: anything else was not written
        // by Writer::date.
        const std::int64_t days = i64();
        if (days < -800'000 || days > 3'000'000) {
            failed_ = true;
            return LocalDate{};
        }
        return LocalDate{date::sys_days{date::days{days}}};
    }
    template <typename T, typename Each>
    void list(std::vector<T>& values, Each each) {
        const std::size_t size = count(1);
        values.reserve(size);
        for (std::size_t i = 0; i < size && !failed_; ++i) {
            values.push_back(each());
        }
    }
    void texts(std::vector<std::string>& values) {
        list(values, [this] { return text(); });
    }
    template <typename Enum>
    Enum choice(Enum last) {
        const std::uint8_t value = u8();
        if (value > static_cast<std::uint8_t>(last)) {
            failed_ = true;
            return Enum{};
        }
        return static_cast<Enum>(value);
    }

  private:
    std::string_view bytes_;
    std::size_t at_ = 0;
    bool failed_ = false;
};

void write_amount(Writer& out, const Amount& amount) {
    out.f64(amount.value);
    out.text(amount.unit);
    out.text(amount.text);
}

Amount read_amount(Reader& in) {
    Amount amount;
    amount.value = in.f64();
    amount.unit = in.text();
    amount.text = in.text();
    return amount;
}

void write_reminders(Writer& out, const ReminderPolicy& policy) {
    out.seconds(policy.repeat_every);
    out.seconds(policy.escalate_after);
    out.seconds(policy.missed_after);
    out.seconds(policy.snooze);
}

ReminderPolicy read_reminders(Reader& in) {
    ReminderPolicy policy;
    policy.repeat_every = in.seconds();
    policy.escalate_after = in.seconds();
    policy.missed_after = in.seconds();
    policy.snooze = in.seconds();
    return policy;
}

void write_schedule(Writer& out, const Schedule& schedule) {
    out.u8(static_cast<std::uint8_t>(schedule.frequency));
    out.i64(schedule.interval);
    out.u8(schedule.weekdays);
    out.list(schedule.times, [&out](const TimeOfDay& time) {
        out.u8(static_cast<std::uint8_t>(time.base));
        out.seconds(time.offset);
        out.text(time.text);
        out.pos(time.pos);
    });
    out.flag(schedule.start.has_value());
    if (schedule.start) {
        out.date(*schedule.start);
    }
    out.flag(schedule.end.has_value());
    if (schedule.end) {
        out.date(*schedule.end);
    }
}

Schedule read_schedule(Reader& in) {
    Schedule schedule;
    schedule.frequency = in.choice(Frequency::EveryNHours);
    schedule.interval = in.i32();
    schedule.weekdays = in.u8();
    in.list(schedule.times, [&in] {
        TimeOfDay time;
        time.base = in.choice(TimeOfDay::Base::Bedtime);
        time.offset = in.seconds();
        time.text = in.text();
        time.pos = in.pos();
        return time;
    });
    if (in.flag()) {
        schedule.start = in.date();
    }
    if (in.flag()) {
        schedule.end = in.date();
    }
    return schedule;
}

void write_item(Writer& out, const Item& item) {
    out.text(item.id);
    out.text(item.name);
    out.text(item.dose);
    out.text(item.notes);
    out.flag(item.amount.has_value());
    if (item.amount) {
        write_amount(out, *item.amount);
    }
    out.texts(item.tags);
    write_schedule(out, item.schedule);
    out.list(item.ramp, [&out](const RampStep& step) {
        out.i64(step.after.count());
        write_amount(out, step.amount);
        out.pos(step.pos);
    });
    out.flag(item.as_needed);
    out.flag(item.max_per_day.has_value());
    if (item.max_per_day) {
        out.i64(*item.max_per_day);
    }
    write_reminders(out, item.reminders);
    out.flag(item.separate.has_value());
    if (item.separate) {
        out.texts(item.separate->from);
        out.seconds(item.separate->by);
        out.pos(item.separate->pos);
    }
    out.flag(item.stock.has_value());
    if (item.stock) {
        out.f64(item.stock->per_dose);
        out.text(item.stock->unit);
        out.seconds(item.stock->warn_before);
        out.pos(item.stock->pos);
        out.pos(item.stock->per_dose_pos);
    }
    out.pos(item.pos);
    out.pos(item.amount_pos);
}

Item read_item_image(Reader& in) {
    Item item;
    item.id = in.text();
    item.name = in.text();
    item.dose = in.text();
    item.notes = in.text();
    if (in.flag()) {
        item.amount = read_amount(in);
    }
    in.texts(item.tags);
    item.schedule = read_schedule(in);
    in.list(item.ramp, [&in] {
        RampStep step;
        step.after = date::days{in.i32()};
        step.amount = read_amount(in);
        step.pos = in.pos();
        return step;
    });
    item.as_needed = in.flag();
    if (in.flag()) {
        item.max_per_day = in.i32();
    }
    item.reminders = read_reminders(in);
    if (in.flag()) {
        SeparateRule rule;
        in.texts(rule.from);
        rule.by = in.seconds();
        rule.pos = in.pos();
        item.separate = std::move(rule);
    }
    if (in.flag()) {
        StockPolicy stock;
        stock.per_dose = in.f64();
        stock.unit = in.text();
        stock.warn_before = in.seconds();
        stock.pos = in.pos();
        stock.per_dose_pos = in.pos();
        item.stock = std::move(stock);
    }
    item.pos = in.pos();
    item.amount_pos = in.pos();
    return item;
}

// The zone a regimen plans in, as parse_regimen chose it; null when there is none.
const TimeZone* zone_for(const std::string& timezone_name, const TimeZone* default_zone) {
    return timezone_name.empty() ? default_zone : find_zone(timezone_name);
}

}  // namespace

std::string encode_regimen_image(std::string_view build, std::string_view text,
                                 const Regimen& regimen,
                                 const std::vector<Diagnostic>& diagnostics) {
    Writer out;
    out.text(kMagic);
    out.i64(kFormat);
    out.text(build);
    out.text(regimen.file);
    out.text(text);
    out.text(regimen.zone ? regimen.zone->name() : std::string());
    out.i64(static_cast<std::int64_t>(regimen.zone ? regimen.zone->fingerprint() : 0));
    out.list(diagnostics, [&out](const Diagnostic& diagnostic) {
        out.text(diagnostic.file);
        out.i64(diagnostic.line);
        out.i64(diagnostic.column);
        out.u8(static_cast<std::uint8_t>(diagnostic.severity));
        out.text(diagnostic.message);
    });
    out.i64(regimen.version);
    out.text(regimen.timezone_name);
    out.flag(regimen.bedtime.has_value());
    if (regimen.bedtime) {
        out.seconds(*regimen.bedtime);
    }
    write_reminders(out, regimen.reminders);
    out.list(regimen.limits, [&out](const Limit& limit) {
        out.text(limit.name);
        write_amount(out, limit.per_day);
        out.texts(limit.tags);
        out.pos(limit.pos);
    });
    out.texts(regimen.symptoms);
    out.list(regimen.symptom_better, [&out](const std::pair<std::string, Better>& kind) {
        out.text(kind.first);
        out.u8(static_cast<std::uint8_t>(kind.second));
    });
    out.list(regimen.items, [&out](const Item& item) { write_item(out, item); });
    std::string bytes = out.take();
    Writer sum;
    sum.i64(static_cast<std::int64_t>(content_hash(bytes)));
    bytes += sum.take();
    return bytes;
}

std::optional<RegimenImage> decode_regimen_image(std::string_view bytes, std::string_view build,
                                                 std::string_view text,
                                                 const std::string& file_name,
                                                 const regimend::TimeZone* default_zone) {
    // The last 8 bytes are the hash of the rest: a file cut short or changed ends here.
    if (bytes.size() < 8) {
        return std::nullopt;
    }
    const std::string_view body = bytes.substr(0, bytes.size() - 8);
    Reader sum(bytes.substr(body.size()));
    if (static_cast<std::uint64_t>(sum.i64()) != content_hash(body)) {
        return std::nullopt;
    }
    Reader in(body);
    if (in.view() != kMagic || in.i64() != kFormat || in.view() != build ||
        in.view() != file_name || in.view() != text || in.failed()) {
        return std::nullopt;
    }
    const std::string zone_name = in.text();
    const auto zone_fingerprint = static_cast<std::uint64_t>(in.i64());

    RegimenImage image;
    in.list(image.diagnostics, [&in] {
        Diagnostic diagnostic;
        diagnostic.file = in.text();
        diagnostic.line = in.i32();
        diagnostic.column = in.i32();
        diagnostic.severity = in.choice(Severity::Warning);
        diagnostic.message = in.text();
        return diagnostic;
    });
    Regimen& regimen = image.regimen;
    regimen.file = file_name;
    regimen.version = in.i32();
    regimen.timezone_name = in.text();
    if (in.flag()) {
        regimen.bedtime = in.seconds();
    }
    regimen.reminders = read_reminders(in);
    in.list(regimen.limits, [&in] {
        Limit limit;
        limit.name = in.text();
        limit.per_day = read_amount(in);
        in.texts(limit.tags);
        limit.pos = in.pos();
        return limit;
    });
    in.texts(regimen.symptoms);
    in.list(regimen.symptom_better, [&in] {
        std::string kind = in.text();
        return std::pair<std::string, Better>{std::move(kind), in.choice(Better::Higher)};
    });
    in.list(regimen.items, [&in] { return read_item_image(in); });
    if (in.failed() || !in.at_end()) {
        return std::nullopt;
    }
    // The zone as the parser would find it now: the same name, read from the same bytes.
    regimen.zone = zone_for(regimen.timezone_name, default_zone);
    if (!regimen.zone || regimen.zone->name() != zone_name ||
        regimen.zone->fingerprint() != zone_fingerprint) {
        return std::nullopt;
    }
    regimen.index_items();
    return image;
}

}  // namespace regimend
