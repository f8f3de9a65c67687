#include "app/first_run.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <system_error>

#include "core/first_run_text.hpp"
#include "example_regimen.hpp"
#include "host/atomic_file.hpp"
#include "store/directory.hpp"

namespace regimend {

FirstRun write_example_regimen_if_missing(const std::string& path) {
    std::error_code error;
    if (std::filesystem::exists(path, error) || error) {
        return FirstRun::AlreadyThere;
    }
    const std::filesystem::path target(path);
    // ~/.config/regimend and the parents we create are private (0700); existing ones keep
    // their modes.
    if (auto failed = make_private_directories(target.parent_path())) {
        spdlog::error("{}", *failed);
        return FirstRun::Failed;
    }
    // Not replacing: a regimen that appeared meanwhile is never overwritten.
    if (auto failed = write_file_atomically(path, inactive_example(kExampleRegimen),
                                            AtomicWrite{.mode = 0600, .replace = false})) {
        spdlog::error("{}", *failed);
        return FirstRun::Failed;
    }
    spdlog::info("first run: wrote the example regimen to {}", path);
    return FirstRun::Written;
}

}  // namespace regimend
