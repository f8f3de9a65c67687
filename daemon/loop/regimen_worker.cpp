#include "loop/regimen_worker.hpp"
#include "core/i18n.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <utility>

#include "host/system_zone.hpp"

namespace regimend {

RegimenWorker::RegimenWorker(sd_event* event) : ready_(event, &on_ready, this) {
    thread_ = start_worker_thread([this] { run(); });
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
        ready_.notify();
    }
}

int RegimenWorker::on_ready(sd_event_source*, int fd, uint32_t, void* userdata) noexcept {
    auto* self = static_cast<RegimenWorker*>(userdata);
    LoopWake::drain(fd);
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
