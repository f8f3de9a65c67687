// The org.regimend.Regimen1 object: methods, properties and signals of ../shared/SPEC.md.
// Handlers check the caller, check the arguments, hand the work to the engine and turn its
// errors (and any exception) into D-Bus errors by name (bus/method_call.hpp). The methods
// live one file per concern: answer_methods.cpp, listing_methods.cpp, regimen_methods.cpp;
// the properties, signals and Subscribe in service.cpp.
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

    RegimenWorker* worker() const { return worker_; }
    Subscribers& subscribers() { return subscribers_; }

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
    void emit(const char* member, const char* signature, ...);
    void emit_properties_changed(std::initializer_list<const char*> names);

    sd_bus* bus_;
    Engine* engine_ = nullptr;
    RegimenWorker* worker_ = nullptr;
    std::vector<sd_bus_vtable> vtable_;  // joined by serve(); sd-bus keeps a pointer to it
    SlotPtr slot_;
    std::vector<std::string> warnings_;
    Callers callers_;
    Subscribers subscribers_;
    SyncState sync_;
};

}  // namespace regimend
