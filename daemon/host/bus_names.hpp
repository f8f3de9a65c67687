// The D-Bus names of ../shared/SPEC.md, in one place for the daemon and regimenctl.
#pragma once

namespace regimend::bus_names {

inline constexpr const char* kService = "org.regimend.Regimen1";
inline constexpr const char* kObjectPath = "/org/regimend/Regimen1";
inline constexpr const char* kInterface = "org.regimend.Regimen1";

// What every error of ours starts with: regimenctl prints such an error's message as is.
inline constexpr const char* kErrorPrefix = "org.regimend.Regimen1.Error.";
inline constexpr const char* kErrorUnknownItem = "org.regimend.Regimen1.Error.UnknownItem";
inline constexpr const char* kErrorNothingDue = "org.regimend.Regimen1.Error.NothingDue";
inline constexpr const char* kErrorNothingToUndo = "org.regimend.Regimen1.Error.NothingToUndo";
inline constexpr const char* kErrorInvalidRegimen = "org.regimend.Regimen1.Error.InvalidRegimen";
inline constexpr const char* kErrorInvalidArgument = "org.regimend.Regimen1.Error.InvalidArgument";
inline constexpr const char* kErrorAccessDenied = "org.regimend.Regimen1.Error.AccessDenied";
// Not in the spec's list (an addition): the history database refused a write, so the
// answer was not recorded and nothing changed.
inline constexpr const char* kErrorStorageFailed = "org.regimend.Regimen1.Error.StorageFailed";

inline constexpr const char* kNotifications = "org.freedesktop.Notifications";
inline constexpr const char* kNotificationsPath = "/org/freedesktop/Notifications";

inline constexpr const char* kLogControlPath = "/org/freedesktop/LogControl1";
inline constexpr const char* kLogControlInterface = "org.freedesktop.LogControl1";

}  // namespace regimend::bus_names
