// `devices:` (../shared/SPEC.md "Phone and other devices (CalDAV)"): where the daemon
// publishes due doses as tasks. Pure: the password is not read here, and the mode of
// `password_file` is checked by the daemon when it reads the file.
#pragma once

#include <optional>

#include "core/model.hpp"
#include "core/parse_reader.hpp"

namespace regimend {

// The `devices` mapping; nullopt (with errors reported) when it is wrong, or when it names
// no device.
std::optional<CaldavDevice> read_devices(Diagnostics& diagnostics, const Field& field);

// Whether `url` may be used with HTTP without TLS: only on this machine's loopback
// (127.0.0.0/8, [::1], localhost), where nothing crosses a network.
bool is_loopback_url(std::string_view url);

}  // namespace regimend
