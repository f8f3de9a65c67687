// `devices: caldav:` (core/parse_devices.hpp): a valid device reads into the model; every
// mistake is an error with file:line:column; without the key nothing changes.
#include <catch2/catch.hpp>

#include <string>

#include "core/parse.hpp"
#include "host/zoneinfo.hpp"

using namespace regimend;
using namespace std::chrono_literals;

namespace {

ParseResult parse(const std::string& devices) {
    const std::string text =
        "version: 1\nitems:\n  - id: a\n    name: A\n    at: \"08:00\"\n" + devices;
    return parse_regimen(text, "test.yaml", &TimeZone::utc(), regimend::find_zone);
}

std::string messages(const ParseResult& result) {
    std::string text;
    for (const auto& diagnostic : result.diagnostics) {
        text += format_diagnostic(diagnostic) + "\n";
    }
    return text;
}

}  // namespace

TEST_CASE("devices: caldav: reads into the model", "[parse_devices]") {
    SECTION("without the key there is no device") {
        auto result = parse("");
        REQUIRE(result.regimen);
        CHECK_FALSE(result.regimen->caldav);
    }
    SECTION("a full device") {
        auto result = parse(
            "devices:\n  caldav:\n    url: https://dav.example.org/alice/regimen/\n"
            "    username: alice\n    password_command: [pass, show, dav/alice]\n"
            "    ca_file: /etc/ssl/private-ca.pem\n    poll: 5m\n");
        INFO(messages(result));
        REQUIRE(result.regimen);
        REQUIRE(result.regimen->caldav);
        const CaldavDevice& device = *result.regimen->caldav;
        CHECK(device.url == "https://dav.example.org/alice/regimen/");
        CHECK(device.username == "alice");
        CHECK(device.password_command == std::vector<std::string>{"pass", "show", "dav/alice"});
        CHECK(device.password_file.empty());
        CHECK(device.ca_file == "/etc/ssl/private-ca.pem");
        CHECK(device.poll == Seconds{300});
        CHECK(device.pos == SourcePos{7, 3});
    }
    SECTION("poll defaults to a minute; a password file; plain http on the loopback") {
        auto result = parse(
            "devices:\n  caldav:\n    url: http://127.0.0.1:5232/alice/regimen/\n"
            "    username: alice\n    password_file: /home/alice/.config/regimend/dav\n");
        INFO(messages(result));
        REQUIRE(result.regimen);
        REQUIRE(result.regimen->caldav);
        CHECK(result.regimen->caldav->poll == Seconds{60});
        CHECK(result.regimen->caldav->password_file == "/home/alice/.config/regimend/dav");
    }
}

TEST_CASE("devices: caldav: mistakes are errors with their place", "[parse_devices]") {
    struct Case {
        std::string devices;
        std::string expected;
    };
    const Case cases[] = {
        {"devices:\n  caldav:\n    url: https://d.example/x/\n    username: a\n"
         "    password_command: [pass]\n    poll: 5s\n",
         "test.yaml:11:11: error: 'poll' must be from 10s to 1h, got 5s"},
        {"devices:\n  caldav:\n    url: https://d.example/x/\n    username: a\n"
         "    password_command: [pass]\n    poll: 2h\n",
         "test.yaml:11:11: error: 'poll' must be from 10s to 1h, got 2h"},
        {"devices:\n  caldav:\n    url: http://dav.example.org/x/\n    username: a\n"
         "    password_command: [pass]\n",
         "test.yaml:8:10: error: 'url' \"http://dav.example.org/x/\" sends the password "
         "unencrypted"},
        {"devices:\n  caldav:\n    url: http://127.evil.example/x/\n",
         "test.yaml:8:10: error: 'url' \"http://127.evil.example/x/\" sends the password"},
        {"devices:\n  caldav:\n    url: ftp://d.example/x/\n",
         "test.yaml:8:10: error: 'url' must be the collection's https:// address, got "
         "\"ftp://d.example/x/\""},
        {"devices:\n  caldav:\n    url: https://alice:secret@d.example/x/\n",
         "test.yaml:8:10: error: 'url' must not hold a user name or password"},
        {"devices:\n  caldav:\n    username: a\n    password_file: /p\n",
         "test.yaml:8:5: error: 'caldav' needs 'url'"},
        {"devices:\n  caldav:\n    url: https://d.example/x/\n    username: a\n",
         "test.yaml:8:5: error: 'caldav' needs 'password_command'"},
        {"devices:\n  caldav:\n    url: https://d.example/x/\n    username: a\n"
         "    password_command: [pass]\n    password_file: /p\n",
         "test.yaml:11:5: error: 'caldav' takes 'password_command' or 'password_file', not both"},
        {"devices:\n  caldav:\n    url: https://d.example/x/\n    username: a\n"
         "    password_file: secret.txt\n",
         "test.yaml:10:20: error: 'password_file' must be an absolute path (starting with /), got "
         "\"secret.txt\""},
        {"devices:\n  caldav:\n    url: https://d.example/x/\n    ca_file: ca.pem\n",
         "test.yaml:9:14: error: 'ca_file' must be an absolute path"},
        {"devices:\n  caldav:\n    url: https://d.example/x/\n    password: hunter2\n",
         "test.yaml:9:5:"},
        {"devices:\n  carddav: {}\n", "test.yaml:7:3:"},
        {"devices: [caldav]\n", "test.yaml:6:10:"},
    };
    for (const auto& test : cases) {
        auto result = parse(test.devices);
        INFO(test.devices);
        INFO(messages(result));
        CHECK_FALSE(result.regimen);
        CHECK(messages(result).find(test.expected) != std::string::npos);
    }
}
