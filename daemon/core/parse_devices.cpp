#include "core/parse_devices.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "core/i18n.hpp"
#include "core/parse_fields.hpp"
#include "core/placeholders.hpp"

namespace regimend {
namespace {

constexpr std::size_t kMaxUrlCharacters = 2000;
constexpr std::size_t kMaxPathCharacters = 4096;
constexpr Seconds kShortestPoll{10};
constexpr Seconds kLongestPoll{3600};

std::string lowercase(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return lower;
}

// The host of an http(s) URL, without userinfo and port; empty when there is none.
std::string_view url_host(std::string_view url) {
    const std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return {};
    }
    std::string_view rest = url.substr(scheme_end + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
        rest = rest.substr(at + 1);
    }
    if (rest.starts_with('[')) {
        return rest.substr(0, rest.find(']') + 1);
    }
    return rest.substr(0, rest.find(':'));
}

std::optional<std::string> read_absolute_path(Diagnostics& diagnostics, const Field& field) {
    auto text = read_text(diagnostics, field, "an absolute path", kMaxPathCharacters);
    if (!text) {
        return std::nullopt;
    }
    if (!text->value.starts_with('/')) {
        diagnostics.error(text->pos,
                          fill_placeholders(_("'{}' must be an absolute path (starting with /), "
                                              "got {}"),
                                            {field.key, quoted(text->value)}));
        return std::nullopt;
    }
    return text->value;
}

std::optional<std::string> read_url(Diagnostics& diagnostics, const Field& field) {
    auto text = read_text(diagnostics, field, "a URL", kMaxUrlCharacters);
    if (!text) {
        return std::nullopt;
    }
    const std::string lower = lowercase(text->value);
    const bool https = lower.starts_with("https://");
    const bool http = lower.starts_with("http://");
    if ((!https && !http) || url_host(text->value).empty()) {
        diagnostics.error(
            text->pos,
            fill_placeholders(_("'url' must be the collection's https:// address, got {}"),
                              {quoted(text->value)}));
        return std::nullopt;
    }
    if (http && !is_loopback_url(text->value)) {
        diagnostics.error(
            text->pos,
            fill_placeholders(_("'url' {} sends the password unencrypted: use https:// (plain "
                                "http:// is allowed only on this machine, e.g. 127.0.0.1)"),
                              {quoted(text->value)}));
        return std::nullopt;
    }
    // user:password@host would put a secret where logs and errors show the URL.
    const std::string_view after_scheme =
        std::string_view(text->value).substr(lower.find("://") + 3);
    const std::string_view authority = after_scheme.substr(0, after_scheme.find_first_of("/?#"));
    if (authority.find('@') != std::string_view::npos) {
        diagnostics.error(text->pos, _("'url' must not hold a user name or password: write "
                                       "them under 'username' and 'password_command' or "
                                       "'password_file'"));
        return std::nullopt;
    }
    return text->value;
}

std::optional<CaldavDevice> read_caldav(Diagnostics& diagnostics, const Field& field) {
    auto mapping =
        Mapping::read(diagnostics, field.value, field.value_pos, "'caldav'",
                      {"url", "username", "password_command", "password_file", "ca_file", "poll"});
    if (!mapping) {
        return std::nullopt;
    }
    const std::size_t errors_before = diagnostics.count();
    CaldavDevice device;
    device.pos = field.key_pos;
    if (const Field* url = mapping->get("url")) {
        if (auto value = read_url(diagnostics, *url)) {
            device.url = *value;
        }
    } else {
        diagnostics.error(mapping->pos(), _("'caldav' needs 'url', the address of a calendar "
                                            "collection that holds tasks"));
    }
    if (const Field* username = mapping->get("username")) {
        if (auto text = read_text(diagnostics, *username)) {
            device.username = text->value;
        }
    }
    const Field* command = mapping->get("password_command");
    const Field* file = mapping->get("password_file");
    if (command && file) {
        diagnostics.error(file->key_pos, _("'caldav' takes 'password_command' or "
                                           "'password_file', not both"));
    } else if ((command || file) && device.username.empty()) {
        diagnostics.error(mapping->pos(),
                          _("'caldav' has a password but no 'username' to go with it"));
    } else if (!command && !file && !device.username.empty()) {
        diagnostics.error(mapping->pos(),
                          _("'caldav' needs 'password_command' (e.g. [pass, show, dav/alice]) "
                            "or 'password_file' (a file of mode 0600) for its 'username'"));
    }
    if (command) {
        if (auto words = read_text_list(diagnostics, *command, 100)) {
            if (words->empty() || words->front().value.empty()) {
                diagnostics.error(command->value_pos,
                                  _("'password_command' must name a program, e.g. "
                                    "[pass, show, dav/alice]"));
            }
            for (const auto& word : *words) {
                device.password_command.push_back(word.value);
            }
        }
    }
    if (file) {
        if (auto path = read_absolute_path(diagnostics, *file)) {
            device.password_file = *path;
        }
    }
    if (const Field* ca_file = mapping->get("ca_file")) {
        if (auto path = read_absolute_path(diagnostics, *ca_file)) {
            device.ca_file = *path;
        }
    }
    if (const Field* poll = mapping->get("poll")) {
        if (auto duration = read_duration(diagnostics, *poll)) {
            if (*duration < kShortestPoll || *duration > kLongestPoll) {
                diagnostics.error(poll->value_pos,
                                  fill_placeholders(_("'poll' must be from 10s to 1h, got {}"),
                                                    {format_duration(*duration)}));
            } else {
                device.poll = *duration;
            }
        }
    }
    if (diagnostics.count() != errors_before) {
        return std::nullopt;
    }
    return device;
}

}  // namespace

bool is_loopback_url(std::string_view url) {
    const std::string host = lowercase(url_host(url));
    if (host == "localhost" || host == "[::1]") {
        return true;
    }
    // 127.x.y.z written as an address, not a name such as 127.example.org.
    return host.starts_with("127.") && host.find_first_not_of("0123456789.") == std::string::npos;
}

std::optional<CaldavDevice> read_devices(Diagnostics& diagnostics, const Field& field) {
    auto mapping =
        Mapping::read(diagnostics, field.value, field.value_pos, "'devices'", {"caldav"});
    if (!mapping) {
        return std::nullopt;
    }
    const Field* caldav = mapping->get("caldav");
    if (!caldav) {
        return std::nullopt;
    }
    return read_caldav(diagnostics, *caldav);
}

}  // namespace regimend
