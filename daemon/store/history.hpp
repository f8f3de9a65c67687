// The history database (SQLite, WAL). Every outcome is committed durably before the
// daemon answers anyone. Errors (locked, full, read-only) come back as a Result's StorageFailed
// Error, never as a crash; the caller reports them and keeps running.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/result.hpp"

namespace regimend {

class HistoryStore {
  public:
    // Opens or creates `path`, applies migrations. `read_only` opens without writing
    // (regimenctl reading the history offline).
    static Result<std::unique_ptr<HistoryStore>> open(const std::string& path,
                                                      bool read_only = false);
    // An empty store in memory that refuses every write with `reason`: what the daemon runs
    // on when its history is damaged, foreign or unwritable (store/health.hpp), so it keeps
    // reminding while every answer fails with that reason and the file is never touched.
    static Result<std::unique_ptr<HistoryStore>> open_refusing_writes(std::string reason);
    ~HistoryStore();
    HistoryStore(const HistoryStore&) = delete;
    HistoryStore& operator=(const HistoryStore&) = delete;
    // True for open_refusing_writes: no write will ever succeed, so none is retried.
    bool refuses_writes() const;

    // Appends events and, in the same transaction, the new horizon. Durable on return.
    // A second `taken`/`skipped` for the same dose is refused as a whole (unique index).
    Result<std::monostate> append(const std::vector<HistoryEvent>& events,
                                  std::optional<Instant> horizon = std::nullopt);

    // Events with `from <= at < to`, oldest first (optionally one item / symptom kind).
    Result<std::vector<HistoryEvent>> events_between(Instant from, Instant to,
                                                     const std::string& item = {}) const;

    // Like events_between (all items), but stops reading as soon as the events' size as
    // measured by `row_bytes` passes `max_bytes`: then `over_limit` is set and the events
    // read so far are returned, so memory stays bounded whatever the history holds.
    // Without `with_due`, `due` events (one per reminder) are left out.
    Result<std::vector<HistoryEvent>> events_between_bounded(
        Instant from, Instant to, std::size_t max_bytes,
        std::size_t (*row_bytes)(const HistoryEvent&), bool& over_limit,
        bool with_due = true) const;

    // Events of doses planned in [from, to), in the order they were written (an `undone`
    // cancels the answer written before it): what DoseTracker needs.
    Result<std::vector<HistoryEvent>> events_planned_between(Instant from, Instant to) const;

    Result<std::optional<Instant>> horizon() const;
    // The first instant the daemon tracked doses from: doses planned earlier were never
    // reminded, so they count neither as planned nor as missed and cannot be confirmed.
    // Recorded once, on the first run; for an older history, its first tracked dose.
    Result<std::optional<Instant>> tracking_since() const;
    // Records it unless it is already recorded.
    Result<std::monostate> set_tracking_since(Instant since);

    // How many `as_needed` events `item` has with `from <= at < to`, counted by SQLite
    // (Today's max_per_day check: a day may hold very many).
    Result<int> as_needed_count(const std::string& item, Instant from, Instant to) const;

    // The instant of the first recorded `taken` event, if any. Not `as_needed`: those may
    // be backdated as far as the user likes, like diary entries.
    Result<std::optional<Instant>> first_dose() const;
    // The instant of the first diary (`symptom`) entry of any kind: where the diary begins.
    Result<std::optional<Instant>> first_symptom_entry() const;
    // Every `paused` and `resumed` event, in the order written (core/pause.hpp reads them).
    Result<std::vector<HistoryEvent>> pause_events() const;

    // The events count_on_hand (core/inventory.hpp) reads for `item` at `at`: from its
    // last `stock` event at or before `at` on, in the order they happened.
    Result<std::vector<HistoryEvent>> stock_events(const std::string& item, Instant at) const;

    // stock_events of every item that has a count (a `stock` or `refill` event), by item,
    // in one read.
    Result<std::map<std::string, std::vector<HistoryEvent>>> all_stock_events(Instant at) const;

    // When the low-stock notice for `item` was last shown (kept across restarts, so a
    // restart does not repeat it); nullopt when it has not been or the stock recovered.
    Result<std::optional<Instant>> stock_warned(const std::string& item) const;
    Result<std::monostate> set_stock_warned(const std::string& item, std::optional<Instant> when);
    // Every item's stock_warned, in one read.
    Result<std::map<std::string, Instant>> stock_warned_all() const;

  private:
    struct Connection;  // the sqlite3 handle and its cached statements

  public:
    // While it lives, the store's reads share one read transaction: one lock and one
    // snapshot instead of one per statement (a reload recounting thousands of stocked
    // items spent a third of its loop time taking and releasing SQLite's file locks).
    // Only for reads: nothing may be written while a ReadSnapshot lives.
    class ReadSnapshot {
      public:
        ~ReadSnapshot();
        ReadSnapshot(const ReadSnapshot&) = delete;
        ReadSnapshot& operator=(const ReadSnapshot&) = delete;

      private:
        friend class HistoryStore;
        explicit ReadSnapshot(Connection* connection);
        Connection* connection_;  // null when the transaction could not begin
    };
    ReadSnapshot read_snapshot() const;

    static constexpr int kSchemaVersion = 6;

    // Test hook: caps the database at `max_pages` pages (never below its current size) so
    // tests can see what a full disk does. Not for production use.
    Result<std::monostate> limit_pages_for_testing(std::int64_t max_pages);

  private:
    explicit HistoryStore(std::unique_ptr<Connection> connection);
    std::unique_ptr<Connection> connection_;
};

}  // namespace regimend
