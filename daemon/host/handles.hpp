// C handles owned by RAII, for the daemon and the CLI alike: a unique_ptr deleter that
// calls the library's own release function, and a file descriptor that closes itself.
// (sd-bus and sd-event handles: host/sd_handles.hpp; SQLite: store/sqlite_handles.hpp.)
#pragma once

#include <unistd.h>

#include <utility>

namespace regimend {

// std::unique_ptr<sqlite3, Deleter<sqlite3_close_v2>>: no lambda type, no state.
template <auto Fn>
struct Deleter {
    template <class T>
    void operator()(T* handle) const noexcept {
        Fn(handle);
    }
};

// An owned file descriptor (inotify, timerfd, eventfd): closed when it goes, so a
// constructor that throws half-way leaks nothing.
class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) {
            reset(std::exchange(other.fd_, -1));
        }
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    void reset(int fd = -1) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = fd;
    }

  private:
    int fd_ = -1;
};

}  // namespace regimend
