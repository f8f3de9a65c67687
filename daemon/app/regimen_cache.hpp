// The compiled-regimen cache: the last regimen the daemon parsed and linted, kept as an
// image (core/regimen_image.hpp) next to the history, so that a restart on an unchanged
// file skips yaml-cpp and lint (issue 17: with 1,000 items they were 80% of a restart).
//
// It is only ever a shortcut. An image is used when it was made by this very build (its
// GNU build id) from the same bytes of the same file, with the same zone rules; otherwise
// the file is parsed as always. Nothing is lost by deleting it, and a cache that cannot be
// read or written is skipped without a word above debug level. It is read only when the
// file is ours and no one else can write it: the state directory may be a shared one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/regimen_loader.hpp"

namespace regimend {

class RegimenCache {
  public:
    // `path` is the image file, e.g. Paths::regimen_cache(). `build` names the program;
    // the default is this executable's GNU build id (empty, and the cache off, without one).
    explicit RegimenCache(std::string path, std::string build = executable_build_id());

    const std::string& path() const { return path_; }
    bool enabled() const { return !build_.empty(); }

    // The regimen the image holds for exactly `text` read as `file_name`, or nullopt.
    std::optional<LoadedRegimen> read(std::string_view text, const std::string& file_name,
                                      const regimend::TimeZone* default_zone) const;
    // Replaces the image with `loaded` (a regimen without errors; anything else is not
    // stored). Written to a new file and renamed over the old one, mode 0600.
    void write(const LoadedRegimen& loaded) const;

    // The GNU build id of the running program, in hex; empty when it has none.
    static std::string executable_build_id();

  private:
    std::string path_;
    std::string build_;
};

}  // namespace regimend
