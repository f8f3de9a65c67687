#include "sync/device_sync.hpp"

#include <spdlog/spdlog.h>
#include <time.h>

#include <algorithm>
#include <utility>

#include "core/i18n.hpp"
#include "core/placeholders.hpp"

namespace regimend {
namespace {

constexpr Seconds kFirstRetry{5};
constexpr Seconds kLastRetry{600};

bool is_open(DoseState state) {
    return state == DoseState::Due || state == DoseState::Snoozed;
}

uint64_t monotonic_usec_after(Seconds delay) {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<uint64_t>(now.tv_sec) * 1000000ULL +
           static_cast<uint64_t>(now.tv_nsec) / 1000ULL +
           static_cast<uint64_t>(delay.count()) * 1000000ULL;
}

bool enabled(sd_event_source* source) {
    int state = SD_EVENT_OFF;
    return source != nullptr && sd_event_source_get_enabled(source, &state) >= 0 &&
           state != SD_EVENT_OFF;
}

// The last segment of an href, percent-decoded ("/a/b/x%40regimend.ics" -> "x@regimend.ics").
std::string resource_name(std::string_view href) {
    while (href.ends_with('/')) {
        href.remove_suffix(1);
    }
    href = href.substr(href.rfind('/') + 1);
    std::string name;
    for (std::size_t i = 0; i < href.size(); ++i) {
        if (href[i] == '%' && i + 2 < href.size() && std::isxdigit(href[i + 1]) &&
            std::isxdigit(href[i + 2])) {
            name += static_cast<char>(std::stoi(std::string(href.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            name += href[i];
        }
    }
    return name;
}

}  // namespace

DeviceSync::DeviceSync(sd_event* event, Engine& engine) : event_(event), engine_(engine) {
    sd_event_source* source = nullptr;
    if (sd_event_add_defer(event_, &source, &on_defer, this) >= 0) {
        defer_.reset(source);
        sd_event_source_set_enabled(source, SD_EVENT_OFF);
    }
    source = nullptr;
    if (sd_event_add_time(event_, &source, CLOCK_MONOTONIC, UINT64_MAX, 0, &on_timer, this) >= 0) {
        poll_timer_.reset(source);
        sd_event_source_set_enabled(source, SD_EVENT_OFF);
    }
    source = nullptr;
    if (sd_event_add_time(event_, &source, CLOCK_MONOTONIC, UINT64_MAX, 0, &on_timer, this) >= 0) {
        retry_timer_.reset(source);
        sd_event_source_set_enabled(source, SD_EVENT_OFF);
    }
}

DeviceSync::~DeviceSync() = default;

void DeviceSync::changed() {
    if (defer_) {
        sd_event_source_set_enabled(defer_.get(), SD_EVENT_ONESHOT);
    }
}

std::optional<SyncStatus> DeviceSync::status() const {
    if (!device_) {
        return std::nullopt;
    }
    return status_;
}

int DeviceSync::on_defer(sd_event_source*, void* userdata) noexcept {
    auto* self = static_cast<DeviceSync*>(userdata);
    try {
        self->configure();
        self->reconcile();
    } catch (const std::exception& error) {
        spdlog::error("CalDAV sync: {}", error.what());
    }
    return 0;
}

int DeviceSync::on_timer(sd_event_source* source, uint64_t, void* userdata) noexcept {
    auto* self = static_cast<DeviceSync*>(userdata);
    try {
        sd_event_source_set_enabled(source, SD_EVENT_OFF);
        if (source == self->poll_timer_.get()) {
            self->request_sync();
        } else {
            self->reconcile();  // the retry: the backoff has passed
        }
    } catch (const std::exception& error) {
        spdlog::error("CalDAV sync: {}", error.what());
    }
    return 0;
}

void DeviceSync::configure() {
    const std::optional<CaldavDevice>& wanted = engine_.regimen().caldav;
    if (wanted == device_) {
        return;
    }
    worker_.reset();
    published_.clear();
    by_href_.clear();
    in_flight_.clear();
    conflicts_.clear();
    synced_once_ = false;
    sync_in_flight_ = false;
    sync_wanted_ = false;
    sync_token_.clear();
    status_ = SyncStatus{};
    failing_ = false;
    backoff_ = Seconds{0};
    sd_event_source_set_enabled(poll_timer_.get(), SD_EVENT_OFF);
    sd_event_source_set_enabled(retry_timer_.get(), SD_EVENT_OFF);
    device_ = wanted;
    if (device_) {
        spdlog::info("CalDAV sync with {}", device_->url);
        worker_ = std::make_unique<CaldavWorker>(
            event_, *device_, [this](CaldavResult result) { handle(std::move(result)); });
    }
    if (status_changed_) {
        status_changed_();
    }
}

void DeviceSync::request_sync() {
    if (!worker_) {
        return;
    }
    if (sync_in_flight_) {
        sync_wanted_ = true;
        return;
    }
    sync_in_flight_ = true;
    CaldavRequest request;
    request.kind = CaldavRequest::Kind::Sync;
    request.sync_token = sync_token_;
    worker_->submit(std::move(request));
}

void DeviceSync::reconcile() {
    if (!worker_) {
        return;
    }
    const Micros now = now_micros();
    const Instant instant = to_instant(now);
    auto listed = engine_.list_doses(instant - caldav::kTaskLifetime, instant + Seconds{1}, now);
    auto* doses = std::get_if<std::vector<DoseView>>(&listed);
    if (doses == nullptr) {
        return;  // the history cannot be read: the next change tries again
    }
    const bool any_open = std::any_of(doses->begin(), doses->end(),
                                      [](const DoseView& view) { return is_open(view.state); });
    const bool waiting_to_retry = enabled(retry_timer_.get());
    if (!synced_once_) {
        // What the server already holds (after a restart) is learnt before anything is put.
        const bool work = std::any_of(doses->begin(), doses->end(), [](const DoseView& view) {
            return view.state != DoseState::Upcoming;
        });
        if (work && !waiting_to_retry) {
            request_sync();
        }
        return;
    }
    if (!waiting_to_retry) {
        for (const DoseView& view : *doses) {
            if (view.state == DoseState::Upcoming || in_flight_.contains(view.dose)) {
                continue;
            }
            const Item* item = engine_.regimen().find(view.dose.item_id);
            if (item == nullptr || item->as_needed) {
                continue;
            }
            caldav::Task task = caldav::task_for(*item, view);
            auto known = published_.find(view.dose);
            CaldavRequest request;
            request.kind = CaldavRequest::Kind::Put;
            request.stamp = instant;
            if (known == published_.end()) {
                if (!is_open(view.state)) {
                    continue;  // answered before it was ever published: nothing to tell
                }
            } else if (known->second.status == task.status &&
                       (task.status != caldav::TaskStatus::Completed ||
                        known->second.completed == task.completed)) {
                continue;
            } else {
                request.etag = known->second.etag;
            }
            request.task = std::move(task);
            in_flight_.insert(view.dose);
            worker_->submit(std::move(request));
        }
        for (const auto& [dose, known] : published_) {
            if (dose.planned < instant - caldav::kTaskLifetime && !in_flight_.contains(dose)) {
                CaldavRequest request;
                request.kind = CaldavRequest::Kind::Delete;
                request.task.dose = dose;
                request.etag = known.etag;
                in_flight_.insert(dose);
                worker_->submit(std::move(request));
            }
        }
    }
    arm_poll(any_open);
}

void DeviceSync::arm_poll(bool any_open) {
    if (!any_open || !synced_once_) {
        sd_event_source_set_enabled(poll_timer_.get(), SD_EVENT_OFF);
        return;
    }
    if (!enabled(poll_timer_.get()) && !sync_in_flight_) {
        sd_event_source_set_time(poll_timer_.get(), monotonic_usec_after(device_->poll));
        sd_event_source_set_enabled(poll_timer_.get(), SD_EVENT_ONESHOT);
    }
}

void DeviceSync::arm_retry() {
    backoff_ = backoff_ == Seconds{0} ? kFirstRetry : std::min(backoff_ * 2, kLastRetry);
    sd_event_source_set_time(retry_timer_.get(), monotonic_usec_after(backoff_));
    sd_event_source_set_enabled(retry_timer_.get(), SD_EVENT_ONESHOT);
}

void DeviceSync::failed(const std::string& error) {
    spdlog::warn("CalDAV sync with {} failed: {}", device_ ? device_->url : "", error);
    status_.error = error;
    failing_ = true;
    if (!enabled(retry_timer_.get())) {
        arm_retry();
    }
    if (status_changed_) {
        status_changed_();
    }
}

void DeviceSync::succeeded() {
    status_.last_ok = now_instant();
    // A task the server keeps refusing stays the error (and keeps its backoff) however
    // well the syncs around it go.
    const bool stuck = std::any_of(conflicts_.begin(), conflicts_.end(),
                                   [](const auto& entry) { return entry.second > 2; });
    if (!stuck) {
        const bool was_failing = failing_ || !status_.error.empty();
        status_.error.clear();
        failing_ = false;
        backoff_ = Seconds{0};
        sd_event_source_set_enabled(retry_timer_.get(), SD_EVENT_OFF);
        if (was_failing) {
            spdlog::info("CalDAV sync with {} works again", device_ ? device_->url : "");
        }
    }
    if (status_changed_) {
        status_changed_();
    }
}

void DeviceSync::handle(CaldavResult result) {
    const CaldavRequest& request = result.request;
    switch (request.kind) {
        case CaldavRequest::Kind::Put:
            in_flight_.erase(request.task.dose);
            if (result.ok()) {
                published_[request.task.dose] =
                    Published{result.etag, request.task.status, request.task.completed};
                by_href_[caldav::task_resource(request.task.dose)] = request.task.dose;
                conflicts_.erase(request.task.dose);
                if (result.etag.empty()) {
                    request_sync();  // the server did not say the new ETag: learn it
                }
                succeeded();
            } else if (result.http_status == 412 && ++conflicts_[request.task.dose] > 2) {
                failed(fill_placeholders(
                    _("the server keeps refusing the task {} (HTTP 412) although its list "
                      "does not show it changed"),
                    {caldav::task_uid(request.task.dose)}));
            } else if (result.http_status == 412) {
                // Created elsewhere (a restart forgot it) or changed on the phone since: read
                // the collection before writing again. Not a failure.
                if (request.etag.empty()) {
                    sync_token_.clear();
                }
                request_sync();
            } else {
                failed(result.error);
            }
            break;
        case CaldavRequest::Kind::Delete:
            in_flight_.erase(request.task.dose);
            if (result.ok() || result.http_status == 404 || result.http_status == 412) {
                published_.erase(request.task.dose);
                by_href_.erase(caldav::task_resource(request.task.dose));
                if (result.ok()) {
                    succeeded();
                }
            } else {
                failed(result.error);
            }
            break;
        case CaldavRequest::Kind::Sync:
            sync_in_flight_ = false;
            if (result.ok()) {
                handle_sync(result);
                synced_once_ = true;
                succeeded();
            } else if (!sync_token_.empty() &&
                       (result.http_status == 403 || result.http_status == 409)) {
                // RFC 6578: the token is no longer valid; start over with a full sync.
                sync_token_.clear();
                sync_wanted_ = true;
            } else {
                failed(result.error);
            }
            if (sync_wanted_) {
                sync_wanted_ = false;
                request_sync();
            }
            break;
    }
    reconcile();
}

void DeviceSync::handle_sync(const CaldavResult& result) {
    const Micros now = now_micros();
    const Instant instant = to_instant(now);
    std::map<DoseKey, DoseState> states;
    auto listed = engine_.list_doses(instant - caldav::kTaskLifetime - Seconds{86400},
                                     instant + Seconds{86400}, now);
    if (auto* doses = std::get_if<std::vector<DoseView>>(&listed)) {
        for (const DoseView& view : *doses) {
            states.emplace(view.dose, view.state);
        }
    }
    for (const RemoteMember& member : result.members) {
        apply_remote(member, now, states);
    }
    if (!result.sync_token.empty()) {
        sync_token_ = result.sync_token;
    }
}

void DeviceSync::apply_remote(const RemoteMember& member, Micros now,
                              const std::map<DoseKey, DoseState>& states) {
    const std::string name = resource_name(member.href);
    if (member.removed) {
        if (auto found = by_href_.find(name); found != by_href_.end()) {
            published_.erase(found->second);
            by_href_.erase(found);
        }
        return;
    }
    if (!member.task) {
        return;  // not a task, or not one this daemon can read: left alone
    }
    const std::optional<DoseKey> dose = caldav::dose_of_uid(member.task->uid);
    if (!dose) {
        spdlog::debug("CalDAV: ignoring the task {}, which regimend did not make", name);
        return;
    }
    published_[*dose] = Published{member.etag, member.task->status, member.task->completed};
    by_href_[name] = *dose;
    const auto state = states.find(*dose);
    const auto outcome = caldav::outcome_of(
        *member.task, engine_.regimen(),
        state == states.end() ? std::nullopt : std::optional<DoseState>(state->second),
        to_instant(now));
    if (const auto* refused = std::get_if<caldav::Refused>(&outcome)) {
        spdlog::warn("CalDAV: not recorded: {}", refused->reason);
        return;
    }
    const auto* answer = std::get_if<caldav::PhoneAnswer>(&outcome);
    if (answer == nullptr) {
        return;
    }
    spdlog::info("CalDAV: '{}' planned {} was {} on another device", answer->dose.item_id,
                 format_rfc3339(*engine_.regimen().zone, answer->dose.planned),
                 answer->kind == caldav::PhoneAnswer::Kind::Taken ? "completed" : "cancelled");
    const auto result = answer->kind == caldav::PhoneAnswer::Kind::Taken
                            ? engine_.confirm_dose(answer->dose, answer->at, now)
                            : engine_.skip_dose(answer->dose, "skipped on another device", now);
    if (!result.ok()) {
        spdlog::warn("CalDAV: the answer to {} from another device was not recorded: {}",
                     answer->dose.item_id, result.error().message);
    }
}

}  // namespace regimend
