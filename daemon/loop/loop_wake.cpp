#include "loop/loop_wake.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>
#include <utility>

namespace regimend {

LoopWake::LoopWake(sd_event* event, sd_event_io_handler_t handler, void* userdata) {
    fd_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!fd_) {
        throw std::system_error(errno, std::generic_category(), "eventfd");
    }
    sd_event_source* source = nullptr;
    const int result = sd_event_add_io(event, &source, fd_.get(), EPOLLIN, handler, userdata);
    if (result < 0) {
        throw std::system_error(-result, std::generic_category(), "sd_event_add_io");
    }
    source_.reset(source);
}

void LoopWake::notify() const noexcept {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = write(fd_.get(), &one, sizeof one);
}

void LoopWake::drain(int fd) noexcept {
    std::uint64_t count = 0;
    [[maybe_unused]] const ssize_t got = read(fd, &count, sizeof count);
}

std::thread start_worker_thread(std::function<void()> body) {
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    std::thread thread(std::move(body));
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return thread;
}

}  // namespace regimend
