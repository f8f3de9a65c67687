// Watches one file by watching its directory: editors and `ln -sf` replace a file by
// renaming a new one over it, which a watch on the file itself would not follow. Bursts of
// events (write, close, rename) are merged into one callback after a short quiet period.
// A file that is a symlink (dotfile managers) is watched through the link as well: the
// directory of its final target is watched for the target's name, and the link is
// resolved again after every change, so editing the target or re-linking both count.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "host/sd_handles.hpp"

namespace regimend {

class FileWatch {
  public:
    // Throws std::system_error when the directory cannot be watched.
    FileWatch(sd_event* event, const std::string& file_path, std::function<void()> on_change);
    ~FileWatch();
    FileWatch(const FileWatch&) = delete;
    FileWatch& operator=(const FileWatch&) = delete;

  private:
    static int readable(sd_event_source* source, int fd, uint32_t revents, void* userdata) noexcept;
    static int settled(sd_event_source* source, uint64_t usec, void* userdata) noexcept;
    void restart_quiet_period();
    // Watches the link's current target (and drops the watch of the previous one).
    void follow_link();
    bool watches(int wd, std::string_view name) const;

    struct Watched {
        int wd;
        std::string name;
    };
    std::string path_;
    std::string target_;            // the link's final target, "" when the file is not a link
    std::vector<Watched> watched_;  // [0]: the file's directory; [1]: the target's, if any
    std::string name_;
    std::function<void()> on_change_;
    UniqueFd fd_;  // before the sources: they go first
    SourcePtr io_source_;
    SourcePtr quiet_timer_;
};

}  // namespace regimend
