#include "store/health.hpp"
#include "core/i18n.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>

#include "host/regular_file.hpp"

#include "store/sqlite_handles.hpp"

namespace regimend {
namespace {

// The probe waits this long for another writer before calling it contention.
constexpr int kProbeBusyMilliseconds = 200;

bool is_damage(int code) {
    const int primary = sqlite::primary(code);
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

bool is_contention(int code) {
    const int primary = sqlite::primary(code);
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

HistoryHealth problem(HistoryProblem kind, std::string detail) {
    return HistoryHealth{kind, std::move(detail)};
}

// Runs SQL without rows; SQLITE_OK or the error code.
int run(sqlite3* db, const char* sql) {
    return sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
}

HistoryHealth check_contents(sqlite3* db) {
    sqlite::Statement statement;
    int result = sqlite::Statement::prepare(db, "PRAGMA quick_check", statement);
    if (result != SQLITE_OK) {
        return problem(is_damage(result) ? HistoryProblem::Damaged : HistoryProblem::Unwritable,
                       sqlite3_errmsg(db));
    }
    std::string verdict;
    while ((result = statement.step()) == SQLITE_ROW) {
        if (verdict.empty()) {
            verdict = statement.text(0);
        }
    }
    if (result != SQLITE_DONE) {
        if (is_contention(result)) {
            return {};
        }
        return problem(is_damage(result) ? HistoryProblem::Damaged : HistoryProblem::Unwritable,
                       sqlite3_errmsg(db));
    }
    if (verdict != "ok") {
        return problem(HistoryProblem::Damaged, fill(_("integrity check: {}"), {verdict}));
    }

    sqlite::Statement tables;
    if (sqlite::Statement::prepare(
            db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", tables) !=
        SQLITE_OK) {
        return problem(HistoryProblem::Damaged, sqlite3_errmsg(db));
    }
    static const std::set<std::string> kOurTables = {"events", "meta"};
    std::string foreign;
    while (tables.step() == SQLITE_ROW) {
        const std::string name = tables.text(0);
        if (!kOurTables.contains(name) && !name.starts_with("sqlite_")) {
            foreign += (foreign.empty() ? "" : ", ") + name;
        }
    }
    if (!foreign.empty()) {
        return problem(HistoryProblem::Foreign,
                       fill(_("it has tables that are not regimend's: {}"), {foreign}));
    }
    return {};
}

HistoryHealth probe_write(sqlite3* db) {
    sqlite3_busy_timeout(db, kProbeBusyMilliseconds);
    int result = run(db, "BEGIN IMMEDIATE");
    if (result == SQLITE_OK) {
        result = run(db,
                     "CREATE TABLE regimend_write_probe (x); "
                     "INSERT INTO regimend_write_probe VALUES (1)");
        const std::string message = sqlite3_errmsg(db);
        run(db, "ROLLBACK");
        if (result == SQLITE_OK) {
            return {};
        }
        if (is_contention(result)) {
            return {};
        }
        return problem(is_damage(result) ? HistoryProblem::Damaged : HistoryProblem::Unwritable,
                       message);
    }
    if (is_contention(result)) {
        return {};
    }
    return problem(is_damage(result) ? HistoryProblem::Damaged : HistoryProblem::Unwritable,
                   sqlite3_errmsg(db));
}

}  // namespace

HistoryHealth check_history(const std::string& path,
                            const std::vector<std::string>& other_state_files) {
    for (const std::string& file : {path, path + "-wal", path + "-shm", path + "-journal"}) {
        const StateFileCheck check = check_state_file(file);
        if (check.verdict == StateFileVerdict::Untrusted) {
            return problem(HistoryProblem::Untrusted, file + ": " + check.why);
        }
        if (check.verdict == StateFileVerdict::Unreadable) {
            return problem(HistoryProblem::Damaged, file + ": " + check.why);
        }
    }
    // The others are only ignored when they are the user's own but unreadable (a FIFO, too
    // large): whoever reads them says so.
    for (const std::string& file : other_state_files) {
        const StateFileCheck check = check_state_file(file);
        if (check.verdict == StateFileVerdict::Untrusted) {
            return problem(HistoryProblem::Untrusted, file + ": " + check.why);
        }
    }
    struct stat status {};
    if (lstat(path.c_str(), &status) != 0 || status.st_size == 0) {
        return {};  // nothing yet: HistoryStore::open creates it
    }
    // Read-write without CREATE: opening writes nothing, and nothing is committed below.
    sqlite3* raw = nullptr;
    int result =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, nullptr);
    sqlite::DatabasePtr db(raw);
    if (result != SQLITE_OK) {
        const std::string message = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(result);
        return problem(is_damage(result) ? HistoryProblem::Damaged : HistoryProblem::Unwritable,
                       message);
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, kProbeBusyMilliseconds);
    if (HistoryHealth contents = check_contents(raw); !contents) {
        return contents;
    }
    return probe_write(raw);
}

std::string HistoryHealth::summary(const std::string& path) const {
    switch (problem) {
        case HistoryProblem::Damaged:
            return fill(_("The history database {0} is damaged ({1}): regimend keeps reminding but "
                          "records nothing"),
                        {path, detail});
        case HistoryProblem::Foreign:
            return fill(_("{0} is not a regimend history ({1}): regimend left it untouched, keeps "
                          "reminding but records nothing"),
                        {path, detail});
        case HistoryProblem::Unwritable:
            return fill(_("The history database {0} cannot be written ({1}): regimend keeps "
                          "reminding but records nothing"),
                        {path, detail});
        case HistoryProblem::Untrusted:
            return fill(_("The state directory {0} holds a file regimend does not trust ({1}): "
                          "regimend left it untouched, keeps reminding but records nothing"),
                        {std::filesystem::path(path).parent_path().string(), detail});
        case HistoryProblem::None:
        default:
            return {};
    }
}

std::string HistoryHealth::advice(const std::string& path) const {
    switch (problem) {
        case HistoryProblem::Damaged:
            return fill(_("Stop regimend, move the file aside (mv {0} {0}.damaged; `sqlite3 "
                          "{0}.damaged .recover` may rescue its events) and start regimend again."),
                        {path});
        case HistoryProblem::Foreign:
            return _(
                "Move that file elsewhere, or start regimend with --state-dir DIR, then "
                "restart regimend.");
        case HistoryProblem::Unwritable:
            return _(
                "Check the file's and its directory's permissions and the free disk space, "
                "then restart regimend.");
        case HistoryProblem::Untrusted:
            return _(
                "A state file must be a regular file of your own that no one else can "
                "write. Remove that file if it is not yours, or start regimend with "
                "--state-dir DIR in a directory of your own, then restart regimend.");
        case HistoryProblem::None:
        default:
            return {};
    }
}

}  // namespace regimend
