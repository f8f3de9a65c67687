// How a verb fails: throw CtlError with the exit code of ../shared/SPEC.md. main.cpp
// prints "regimenctl: <message>" on stderr and exits with the code, so helpers deep in a
// verb (bus calls, time parsing, file reading) never need to thread exit codes back up.
#pragma once

#include <stdexcept>
#include <string>

#include "global_options.hpp"

namespace regimenctl {

class CtlError : public std::runtime_error {
  public:
    CtlError(int exit_code, const std::string& message)
        : std::runtime_error(message), exit_code_(exit_code) {}
    int exit_code() const { return exit_code_; }

  private:
    int exit_code_;
};

// Bad arguments that CLI11 could not catch itself (a time or duration it cannot read).
inline CtlError usage_error(const std::string& message) {
    return {kExitUsage, message};
}

}  // namespace regimenctl
