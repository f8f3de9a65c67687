// The org.regimend.Regimen1 object: methods, properties and signals of ../shared/SPEC.md.
// Handlers check the caller, check the arguments, hand the work to the engine and turn its
// errors (and any exception) into D-Bus errors by name.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/engine.hpp"
#include "app/outputs.hpp"
#include "bus/callers.hpp"
#include "bus/subscribers.hpp"
#include "host/sd_handles.hpp"

namespace regimend {

class RegimenWorker;

class Service : public DoseSignals {
  public:
    explicit Service(sd_bus* bus) : bus_(bus), callers_(bus), subscribers_(bus) {}

    // Registers the object; the engine must outlive the service. Throws std::system_error.
    void serve(Engine& engine);

    void dose_due(const DoseKey& dose) override;
    void dose_taken(const DoseKey& dose, Instant at) override;
    void dose_skipped(const DoseKey& dose) override;
    void dose_missed(const DoseKey& dose) override;
    void dose_undone(const DoseKey& dose) override;
    void regimen_reloaded(std::uint32_t items) override;
    void reload_failed(const std::string& message) override;
    void properties_changed() override;
    void stock_low(const std::string& item, std::optional<double> on_hand,
                   std::optional<Instant> runs_out) override;
    void stock_changed() override;

    // Calls from a different user than the daemon's are refused (the spec's AccessDenied).
    // The AccessFilter admits (or parks) every call first (bus/callers.hpp); the vtable's
    // handlers and LogControl check again against the same verdicts.
    int admit_caller(sd_bus_message* message, sd_bus_error* error) {
        return callers_.admit(message, error);
    }
    int check_caller(sd_bus_message* message, sd_bus_error* error) {
        return callers_.check(message, error);
    }

    Engine* engine() const { return engine_; }

    // From now on Reload and Validate read and check the regimen on this worker's thread
    // and reply when it is done (without one, on the loop: the fuzzer's synchronous bus).
    void use_worker(RegimenWorker* worker) { worker_ = worker; }

    // The Warnings property (an addition): problems a user must act on that the daemon
    // found itself, e.g. a history it cannot use; `regimenctl status` lists them.
    void set_warnings(std::vector<std::string> warnings) { warnings_ = std::move(warnings); }
    const std::vector<std::string>& warnings() const { return warnings_; }

    // The Sync property (an addition, `status`'s sync): whether a CalDAV device is
    // configured, the last good sync (µs, 0 = none yet) and the last error (empty: none).
    struct SyncState {
        bool configured = false;
        std::uint64_t last_ok = 0;
        std::string error;
    };
    void set_sync(SyncState sync) { sync_ = std::move(sync); }
    const SyncState& sync() const { return sync_; }

  private:
    SyncState sync_;
    // The object's vtable (service.cpp): defined as a member so that it, and only it,
    // reaches the private handlers below, with the service as its userdata.
    static const sd_bus_vtable kVtable[];

    // Method handlers, called through kVtable.
    int confirm(sd_bus_message* message, sd_bus_error* error);
    int skip(sd_bus_message* message, sd_bus_error* error);
    int snooze(sd_bus_message* message, sd_bus_error* error);
    int undo(sd_bus_message* message, sd_bus_error* error);
    int log_dose(sd_bus_message* message, sd_bus_error* error);
    int confirm_amount(sd_bus_message* message, sd_bus_error* error);
    int log_dose_with(sd_bus_message* message, sd_bus_error* error);
    int confirm_dose(sd_bus_message* message, sd_bus_error* error, bool with_amount);
    int log_as_needed(sd_bus_message* message, sd_bus_error* error, bool with_force);
    int log_symptom(sd_bus_message* message, sd_bus_error* error);
    int list_doses(sd_bus_message* message, sd_bus_error* error);
    int history(sd_bus_message* message, sd_bus_error* error);
    int today(sd_bus_message* message, sd_bus_error* error);
    int history_answers(sd_bus_message* message, sd_bus_error* error);
    int history_columns(sd_bus_message* message, sd_bus_error* error);
    int reload(sd_bus_message* message, sd_bus_error* error);
    int validate(sd_bus_message* message, sd_bus_error* error);
    int refill(sd_bus_message* message, sd_bus_error* error);
    int stock(sd_bus_message* message, sd_bus_error* error);
    int subscribe(sd_bus_message* message, sd_bus_error* error);
    int unsubscribe(sd_bus_message* message, sd_bus_error* error);
    int history_reply(sd_bus_message* message, sd_bus_error* error, bool with_due);
    int history_events(std::uint64_t from_usec, std::uint64_t to_usec, bool with_due,
                       sd_bus_error* error, std::vector<HistoryEvent>& events);
    void emit(const char* member, const char* signature, ...);
    void emit_properties_changed(std::initializer_list<const char*> names);

    sd_bus* bus_;
    Engine* engine_ = nullptr;
    RegimenWorker* worker_ = nullptr;
    SlotPtr slot_;
    std::vector<std::string> warnings_;
    Callers callers_;
    Subscribers subscribers_;
};

}  // namespace regimend
