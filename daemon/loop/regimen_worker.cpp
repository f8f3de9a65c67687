#include "loop/regimen_worker.hpp"
#include "core/i18n.hpp"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <system_error>
#include <utility>

#include "host/system_zone.hpp"

namespace regimend {

RegimenWorker::RegimenWorker(sd_event* event) {
    eventfd_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!eventfd_) {
        throw std::system_error(errno, std::generic_category(), "eventfd");
    }
    sd_event_source* source = nullptr;
    const int result = sd_event_add_io(event, &source, eventfd_.get(), EPOLLIN, &on_ready, this);
    if (result < 0) {
        throw std::system_error(-result, std::generic_category(), "sd_event_add_io");
    }
    source_.reset(source);
    // The loop takes its signals (SIGTERM, SIGHUP) through a signalfd, which works only
    // while every thread blocks them: the worker starts with all signals blocked.
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    thread_ = std::thread([this] { run(); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

RegimenWorker::~RegimenWorker() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
        jobs_.clear();
        waiting_calls_ = 0;
    }
    wake_.notify_one();
    thread_.join();
}

void RegimenWorker::load(std::string path, Done done, bool coalesce) {
    submit(Job{true, coalesce, false, std::move(path), {}, std::move(done)});
}

void RegimenWorker::load_for_call(std::string path, Done done) {
    submit(Job{true, false, true, std::move(path), {}, std::move(done)});
}

void RegimenWorker::check(std::string text, std::string file_name, Done done) {
    submit(Job{false, false, true, std::move(text), std::move(file_name), std::move(done)});
}

bool RegimenWorker::has_room_for_call() {
    const std::lock_guard lock(mutex_);
    return waiting_calls_ < kMaxWaitingCalls;
}

void RegimenWorker::submit(Job job) {
    {
        const std::lock_guard lock(mutex_);
        if (job.coalesce) {
            for (auto& waiting : jobs_) {
                if (waiting.coalesce) {
                    waiting = std::move(job);  // the latest file change wins
                    return;
                }
            }
        }
        waiting_calls_ += job.call ? 1 : 0;
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
}

void RegimenWorker::run() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (stopping_) {
                return;
            }
            job = std::move(jobs_.front());
            jobs_.pop_front();
            waiting_calls_ -= job.call ? 1 : 0;
        }
        LoadedRegimen loaded;
        try {
            loaded = job.is_file
                         ? load_regimen_file(job.path_or_text)
                         : check_regimen_text(job.path_or_text, job.file_name, system_zone());
        } catch (const std::exception& error) {
            loaded = LoadedRegimen{};
            loaded.diagnostics.push_back(
                Diagnostic{job.is_file ? job.path_or_text : job.file_name, 0, 0, Severity::Error,
                           fill(_("cannot check the regimen: {}"), {error.what()})});
        }
        {
            const std::lock_guard lock(mutex_);
            if (stopping_) {
                return;
            }
            results_.push_back(Result{std::move(loaded), std::move(job.done)});
        }
        const std::uint64_t one = 1;
        // Only this write crosses to the loop thread; EAGAIN means the counter is already
        // set, which wakes the loop just the same.
        [[maybe_unused]] const ssize_t written = write(eventfd_.get(), &one, sizeof one);
    }
}

int RegimenWorker::on_ready(sd_event_source*, int fd, uint32_t, void* userdata) noexcept {
    auto* self = static_cast<RegimenWorker*>(userdata);
    std::uint64_t count = 0;
    [[maybe_unused]] const ssize_t got = read(fd, &count, sizeof count);
    std::deque<Result> ready;
    {
        const std::lock_guard lock(self->mutex_);
        ready.swap(self->results_);
    }
    for (auto& result : ready) {
        try {
            const auto started = std::chrono::steady_clock::now();
            result.done(std::move(result.loaded));
            const auto held = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::steady_clock::now() - started);
            spdlog::debug("applying a checked regimen held the event loop for {:.1f} ms",
                          held.count() / 1000.0);
        } catch (const std::exception& error) {
            spdlog::error("applying a checked regimen failed: {}", error.what());
        }
    }
    if (self->after_results_) {
        self->after_results_();
    }
    return 0;
}

}  // namespace regimend
