#include "store/schema.hpp"

#include <sqlite3.h>

#include "store/sqlite_handles.hpp"

namespace regimend::schema {
namespace {

static_assert(kMigrations.front().version == 1);

// Executes SQL with no result rows; returns sqlite's message on failure.
std::optional<std::string> execute(sqlite3* db, std::string_view sql) {
    const std::string text(sql);
    char* raw_message = nullptr;
    if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, &raw_message) == SQLITE_OK) {
        return std::nullopt;
    }
    const std::unique_ptr<char, sqlite::Deleter<sqlite3_free>> message(raw_message);
    return std::string(message ? message.get() : sqlite3_errmsg(db));
}

std::optional<int> user_version(sqlite3* db, std::string& error) {
    sqlite::Statement statement;
    if (sqlite::Statement::prepare(db, "PRAGMA user_version", statement) != SQLITE_OK) {
        error = sqlite3_errmsg(db);
        return std::nullopt;
    }
    if (statement.step() != SQLITE_ROW) {
        error = sqlite3_errmsg(db);
        return std::nullopt;
    }
    return static_cast<int>(statement.integer(0));
}

std::optional<std::string> check_not_newer(int version) {
    if (version > kLatestVersion) {
        return "history database has schema version " + std::to_string(version) +
               ", newer than the " + std::to_string(kLatestVersion) +
               " this regimend understands; use a newer regimend";
    }
    return std::nullopt;
}

std::optional<std::string> apply_after(sqlite3* db, int version) {
    for (const Migration& migration : kMigrations) {
        if (migration.version <= version) {
            continue;
        }
        if (auto error = execute(db, migration.sql)) {
            return "migrating the history to schema version " + std::to_string(migration.version) +
                   ": " + *error;
        }
    }
    return execute(db, "PRAGMA user_version = " + std::to_string(kLatestVersion));
}

}  // namespace

std::optional<std::string> migrate(sqlite3* db, bool read_only) {
    std::string error;
    const auto version = user_version(db, error);
    if (!version) {
        return error;
    }
    if (auto newer = check_not_newer(*version)) {
        return newer;
    }
    if (*version == kLatestVersion) {
        return std::nullopt;
    }
    if (read_only) {
        return "history database has schema version " + std::to_string(*version) + ", older than " +
               std::to_string(kLatestVersion) + "; start regimend once to upgrade it";
    }
    if (auto failed = execute(db, "BEGIN IMMEDIATE")) {
        return failed;
    }
    // Another process may have migrated between the first look and the write lock.
    auto locked_version = user_version(db, error);
    std::optional<std::string> failure;
    if (!locked_version) {
        failure = error;
    } else if (!(failure = check_not_newer(*locked_version))) {
        failure = apply_after(db, *locked_version);
    }
    if (!failure) {
        failure = execute(db, "COMMIT");
    }
    if (failure && sqlite3_get_autocommit(db) == 0) {
        execute(db, "ROLLBACK");
    }
    return failure;
}

}  // namespace regimend::schema
