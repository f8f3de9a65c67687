// The last valid regimen the daemon applied, kept in the state directory as the YAML text
// it was read from (a plain copy, 0600), so that a start on a regimen file with errors (an
// edit made while the daemon was not running) still reminds: it runs on this copy, says
// what is wrong with the file and applies the file as soon as it is valid. Not a cache:
// the copy is parsed like the file, and only when the file does not load.
#pragma once

#include <optional>
#include <string>

namespace regimend {

class LastRegimen {
  public:
    // `path` is Paths::last_regimen(); empty when the state directory is not to be used
    // (a file there is not the user's own): nothing is read or written then.
    explicit LastRegimen(std::string path) : path_(std::move(path)) {}

    // The copy's text, or nullopt when there is none or it is not a state file the user can
    // trust (host/regular_file.hpp; said in the log).
    std::optional<std::string> read();
    // Keeps `text` as the last valid regimen: replaced atomically, and only when it differs
    // from what the copy holds.
    void remember(const std::string& text);

  private:
    std::string path_;
    std::optional<std::string> known_;  // what the copy holds, once read or written
};

}  // namespace regimend
