// The compiled-regimen cache (core/regimen_image.hpp, app/regimen_cache.hpp): what comes
// back is what the parser and lint gave, field by field; an image of anything else (other
// text, file name, build, zone rules) or a damaged one gives nothing and never crashes; the
// cache file is read only when it is private to the user.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/regimen_cache.hpp"
#include "app/regimen_loader.hpp"
#include "core/content_hash.hpp"
#include "core/regimen_image.hpp"
#include "core/time_zone.hpp"
#include "host/zoneinfo.hpp"
#include "temp_dir.hpp"

using namespace regimend;
using regimend::testing::TempDir;

namespace {

const TimeZone* berlin() {
    return regimend::locate_zone("Europe/Berlin");
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

// Everything the model holds that the example regimen does not: a named zone, `separate`,
// `end`, hourly and every-N-days schedules, several times a day, a limit on two tags.
constexpr const char* kEveryField = R"(version: 1
timezone: America/New_York
bedtime: "23:15"
symptoms: [migraine, sleep_quality]
limits:
  - {name: iron, per_day: 45 mg, tags: [iron, multi]}
items:
  - id: iron
    name: Iron bisglycinate
    amount: 25 mg
    tags: [iron]
    at: ["07:30", "13:00:30"]
    start: 2026-01-05
    end: 2027-02-28
    separate: {from: [calcium, thyroid], by: 4h}
    stock: {per_dose: 1.5, unit: tablets, warn_before: 10d}
    notes: "Empty stomach; \"no\" coffee"
  - id: calcium
    name: Calcium
    tags: [calcium]
    every: 3 days
    start: 2026-02-01
    at: 30m after bedtime
  - id: thyroid
    name: Levothyroxine
    every: 8 hours
    start: 2026-03-01
    at: "06:00"
    reminders: {repeat_every: 5m, escalate_after: 20m, missed_after: 1h, snooze: 10m}
  - id: rescue
    name: Rescue
    as_needed: true
    max_per_day: 2
)";

LoadedRegimen checked(const std::string& text, const std::string& file = "/home/u/regimen.yaml",
                      const TimeZone* zone = nullptr) {
    return check_regimen_text(text, file, zone ? zone : berlin());
}

void require_same(const RegimenImage& image, const LoadedRegimen& loaded) {
    const Regimen& a = image.regimen;
    const Regimen& b = *loaded.regimen;
    CHECK(a.file == b.file);
    CHECK(a.version == b.version);
    CHECK(a.timezone_name == b.timezone_name);
    CHECK(a.zone == b.zone);
    CHECK(a.bedtime == b.bedtime);
    CHECK(a.reminders == b.reminders);
    CHECK(a.limits == b.limits);
    CHECK(a.symptoms == b.symptoms);
    REQUIRE(a.items.size() == b.items.size());
    for (std::size_t i = 0; i < a.items.size(); ++i) {
        INFO("item " << b.items[i].id);
        CHECK(a.items[i] == b.items[i]);
        CHECK(a.find(b.items[i].id) == &a.items[i]);  // the index was built
    }
    REQUIRE(image.diagnostics.size() == loaded.diagnostics.size());
    for (std::size_t i = 0; i < image.diagnostics.size(); ++i) {
        CHECK(format_diagnostic(image.diagnostics[i]) == format_diagnostic(loaded.diagnostics[i]));
    }
}

std::string image_of(const LoadedRegimen& loaded, const std::string& build = "build-1") {
    REQUIRE(loaded.regimen);
    return encode_regimen_image(build, loaded.text, *loaded.regimen, loaded.diagnostics);
}

std::string data_path(const std::string& relative) {
    return std::string(REGIMEND_TEST_DATA) + "/" + relative;
}

}  // namespace

TEST_CASE("an image gives back every field the parser and lint gave", "[regimen_image]") {
    const std::vector<std::pair<std::string, std::string>> regimens = {
        {"every field", kEveryField},
        {"every schedule form", read_file(data_path("good/schedule_forms.yaml"))},
        {"the example", read_file(data_path("fuzz/regimen/config_regimen.yaml"))},
    };
    for (const auto& [label, text] : regimens) {
        INFO(label);
        const LoadedRegimen loaded = checked(text);
        REQUIRE(loaded.regimen);
        const auto image = decode_regimen_image(
            image_of(loaded), "build-1", text, loaded.regimen->file, berlin(), regimend::find_zone);
        REQUIRE(image);
        require_same(*image, loaded);
    }

    // Lint's warnings come back too: the every-field regimen breaks its limit and its
    // separate rule on purpose.
    CHECK(checked(kEveryField).diagnostics.size() == 2);
}

TEST_CASE("an image of anything else gives nothing", "[regimen_image]") {
    const LoadedRegimen loaded = checked(kEveryField);
    const std::string image = image_of(loaded);
    const std::string& file = loaded.regimen->file;
    REQUIRE(
        decode_regimen_image(image, "build-1", kEveryField, file, berlin(), regimend::find_zone));

    SECTION("one byte of the text changed, even where the size stays") {
        std::string edited = kEveryField;
        edited[edited.find("Calcium")] = 'K';
        CHECK_FALSE(
            decode_regimen_image(image, "build-1", edited, file, berlin(), regimend::find_zone));
        CHECK_FALSE(decode_regimen_image(image, "build-1", edited + "\n", file, berlin(),
                                         regimend::find_zone));
    }
    SECTION("another build, another file name") {
        CHECK_FALSE(decode_regimen_image(image, "build-2", kEveryField, file, berlin(),
                                         regimend::find_zone));
        CHECK_FALSE(
            decode_regimen_image(image, "", kEveryField, file, berlin(), regimend::find_zone));
        CHECK_FALSE(decode_regimen_image(image, "build-1", kEveryField, file + "x", berlin(),
                                         regimend::find_zone));
    }
    SECTION("a regimen without `timezone` planned in another default zone") {
        const std::string text = "version: 1\nitems:\n  - {id: a, name: A, at: \"08:00\"}\n";
        const LoadedRegimen local = checked(text);
        const std::string local_image = image_of(local);
        CHECK(decode_regimen_image(local_image, "build-1", text, local.regimen->file, berlin(),
                                   regimend::find_zone));
        CHECK_FALSE(decode_regimen_image(local_image, "build-1", text, local.regimen->file,
                                         regimend::locate_zone("Europe/Paris"),
                                         regimend::find_zone));
        CHECK_FALSE(decode_regimen_image(local_image, "build-1", text, local.regimen->file, nullptr,
                                         regimend::find_zone));
    }
    SECTION("cut short anywhere") {
        for (std::size_t size = 0; size < image.size(); ++size) {
            INFO(size);
            CHECK_FALSE(decode_regimen_image(image.substr(0, size), "build-1", kEveryField, file,
                                             berlin(), regimend::find_zone));
        }
    }
    SECTION("any byte changed") {
        for (std::size_t at = 0; at < image.size(); ++at) {
            std::string damaged = image;
            damaged[at] = static_cast<char>(damaged[at] ^ 0x41);
            INFO(at);
            CHECK_FALSE(decode_regimen_image(damaged, "build-1", kEveryField, file, berlin(),
                                             regimend::find_zone));
        }
    }
}

// Whoever could write an image could also make its hash match: the decoder must still stop
// at every count, length and enum that does not fit, without reading past the end or
// reserving what is not there.
TEST_CASE("a damaged image with a matching hash never crashes", "[regimen_image]") {
    const LoadedRegimen loaded = checked(kEveryField);
    const std::string image = image_of(loaded);
    const std::string body = image.substr(0, image.size() - 8);
    auto rehashed = [](std::string changed) {
        const std::uint64_t hash = content_hash(changed);
        for (int shift = 0; shift < 64; shift += 8) {
            changed.push_back(static_cast<char>(hash >> shift));
        }
        return changed;
    };
    int decoded = 0;
    for (std::size_t at = 0; at < body.size(); ++at) {
        for (const unsigned char value : {0x00, 0x02, 0x7f, 0xff}) {
            std::string damaged = body;
            damaged[at] = static_cast<char>(value);
            const auto result =
                decode_regimen_image(rehashed(damaged), "build-1", kEveryField,
                                     loaded.regimen->file, berlin(), regimend::find_zone);
            decoded += result ? 1 : 0;
        }
    }
    // Bytes inside names and notes decode to another valid regimen; counts and enums do not.
    CHECK(decoded > 0);
    CHECK(decoded < static_cast<int>(body.size()) * 4);
}

TEST_CASE("the cache file is written privately and read only when private", "[regimen_image]") {
    TempDir dir;
    const std::string regimen_path = dir.file("regimen.yaml");
    write_file(regimen_path, kEveryField);
    const RegimenCache cache(dir.file("regimen.cache"), "build-1");
    auto system_zone = [](std::string*) { return berlin(); };

    const LoadedRegimen parsed = load_regimen_file(regimen_path, system_zone, &cache);
    REQUIRE(parsed.regimen);
    CHECK_FALSE(parsed.from_cache);
    cache.write(parsed);
    struct stat status {};
    REQUIRE(::stat(cache.path().c_str(), &status) == 0);
    CHECK((status.st_mode & 0777) == 0600);

    const LoadedRegimen again = load_regimen_file(regimen_path, system_zone, &cache);
    REQUIRE(again.regimen);
    CHECK(again.from_cache);
    CHECK(again.text == parsed.text);
    CHECK(again.regimen->items == parsed.regimen->items);

    SECTION("an edited regimen is parsed, not taken from the cache") {
        std::string edited = kEveryField;
        edited[edited.find("Levothyroxine")] = 'l';
        write_file(regimen_path, edited);
        const LoadedRegimen fresh = load_regimen_file(regimen_path, system_zone, &cache);
        REQUIRE(fresh.regimen);
        CHECK_FALSE(fresh.from_cache);
        CHECK(fresh.regimen->find("thyroid")->name == "levothyroxine");
    }
    SECTION("another build's cache is not used") {
        const RegimenCache other(cache.path(), "build-2");
        CHECK_FALSE(load_regimen_file(regimen_path, system_zone, &other).from_cache);
    }
    SECTION("no build id: no cache") {
        const RegimenCache none(cache.path(), "");
        CHECK_FALSE(none.enabled());
        CHECK_FALSE(load_regimen_file(regimen_path, system_zone, &none).from_cache);
    }
    SECTION("a cache others may write is not read") {
        REQUIRE(::chmod(cache.path().c_str(), 0620) == 0);
        CHECK_FALSE(load_regimen_file(regimen_path, system_zone, &cache).from_cache);
    }
    SECTION("a symlink in its place is not followed") {
        const std::string real = dir.file("elsewhere.cache");
        std::filesystem::rename(cache.path(), real);
        std::filesystem::create_symlink(real, cache.path());
        CHECK_FALSE(load_regimen_file(regimen_path, system_zone, &cache).from_cache);
    }
    SECTION("garbage, or an empty file, is parsed over") {
        write_file(cache.path(), "not an image");
        CHECK_FALSE(load_regimen_file(regimen_path, system_zone, &cache).from_cache);
        write_file(cache.path(), "");
        CHECK_FALSE(load_regimen_file(regimen_path, system_zone, &cache).from_cache);
    }
    SECTION("a regimen with errors is never stored") {
        write_file(regimen_path, "version: 1\nitems: 3\n");
        const LoadedRegimen bad = load_regimen_file(regimen_path, system_zone, &cache);
        REQUIRE_FALSE(bad.regimen);
        cache.write(bad);
        write_file(regimen_path, kEveryField);
        CHECK(load_regimen_file(regimen_path, system_zone, &cache).from_cache);
    }
}

TEST_CASE("the program has a build id, so the daemon's cache is on", "[regimen_image]") {
    // The unit tests are linked as regimend is; without -Wl,--build-id the cache would
    // silently never be used.
    CHECK(RegimenCache::executable_build_id().size() >= 16);
}
