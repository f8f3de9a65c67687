// The daemon's one error convention between its parts (the core, the store, the engine): a
// call that can fail returns Result<T>, its value or an Error, the kind of failure and a
// sentence a person reads. The kinds are the spec's D-Bus errors; the bus names them in one
// place (bus/method_call.cpp method_error). A check with no value to give returns
// std::optional<Error>. sd-bus callbacks keep sd-bus's own convention (a negative errno and
// an sd_bus_error); regimenctl throws CtlError.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace regimend {

enum class ErrorKind {
    UnknownItem,
    NothingDue,
    NothingToUndo,
    InvalidRegimen,
    InvalidArgument,
    StorageFailed,  // the history database refused (full, locked, read-only, damaged)
};

struct Error {
    ErrorKind kind;
    std::string message;  // for a person: "No dose of 'glycinate-pm' is due or within 3h"
};

// A std::variant<T, Error>, so std::get_if<Error> and std::visit work on it as well.
template <class T>
class Result : public std::variant<T, Error> {
  public:
    using std::variant<T, Error>::variant;

    bool ok() const { return this->index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(*this); }
    const T& value() const& { return std::get<0>(*this); }
    T&& value() && { return std::get<0>(std::move(*this)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<Error>(*this); }
};

}  // namespace regimend
