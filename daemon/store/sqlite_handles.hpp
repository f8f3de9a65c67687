// SQLite handles owned by unique_ptr, and a prepared statement that always gives its
// read snapshot back: a cached SELECT left un-reset would pin the WAL and hide newer
// commits from this connection.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "host/handles.hpp"

namespace regimend::sqlite {

using regimend::Deleter;

using DatabasePtr = std::unique_ptr<sqlite3, Deleter<sqlite3_close_v2>>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, Deleter<sqlite3_finalize>>;

// The primary result code: SQLITE_BUSY for SQLITE_BUSY_SNAPSHOT and so on.
inline int primary(int result) {
    return result & 0xff;
}

class Statement {
  public:
    Statement() = default;
    explicit Statement(StatementPtr handle) : handle_(std::move(handle)) {}

    // Returns SQLITE_OK and fills `out`, or the error code (message on the connection).
    static int prepare(sqlite3* db, std::string_view sql, Statement& out) {
        sqlite3_stmt* raw = nullptr;
        const int result = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                              SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
        out = Statement(StatementPtr(raw));
        return result;
    }

    explicit operator bool() const { return handle_ != nullptr; }

    int bind(int index, std::int64_t value) {
        return sqlite3_bind_int64(handle_.get(), index, value);
    }
    int bind(int index, std::string_view text) {
        return sqlite3_bind_text(handle_.get(), index, text.data(), static_cast<int>(text.size()),
                                 SQLITE_TRANSIENT);
    }
    int bind(int index, double value) { return sqlite3_bind_double(handle_.get(), index, value); }
    int bind_null(int index) { return sqlite3_bind_null(handle_.get(), index); }

    int step() { return sqlite3_step(handle_.get()); }

    bool is_null(int column) const {
        return sqlite3_column_type(handle_.get(), column) == SQLITE_NULL;
    }
    std::int64_t integer(int column) const { return sqlite3_column_int64(handle_.get(), column); }
    double real(int column) const { return sqlite3_column_double(handle_.get(), column); }
    std::string text(int column) const {
        const auto* bytes = sqlite3_column_text(handle_.get(), column);
        const int size = sqlite3_column_bytes(handle_.get(), column);
        return bytes == nullptr ? std::string{}
                                : std::string(reinterpret_cast<const char*>(bytes),
                                              static_cast<std::size_t>(size));
    }

    // Resets the statement when a use of it ends, on every path out.
    class Use {
      public:
        explicit Use(Statement& statement) : statement_(statement) {}
        ~Use() {
            sqlite3_reset(statement_.handle_.get());
            sqlite3_clear_bindings(statement_.handle_.get());
        }
        Use(const Use&) = delete;
        Use& operator=(const Use&) = delete;

      private:
        Statement& statement_;
    };

  private:
    StatementPtr handle_;
};

}  // namespace regimend::sqlite
