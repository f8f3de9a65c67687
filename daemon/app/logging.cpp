#include "app/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cstdlib>
#include <utility>

namespace regimend {
namespace {

bool journal_target = false;

constexpr std::array<std::pair<std::string_view, spdlog::level::level_enum>, 8> kSyslogLevels{{
    {"emerg", spdlog::level::critical},
    {"alert", spdlog::level::critical},
    {"crit", spdlog::level::critical},
    {"err", spdlog::level::err},
    {"warning", spdlog::level::warn},
    {"notice", spdlog::level::info},
    {"info", spdlog::level::info},
    {"debug", spdlog::level::debug},
}};

}  // namespace

void setup_logging(bool verbose) {
    // systemd sets JOURNAL_STREAM for a service whose stderr goes to the journal: log there
    // natively, with priorities, instead of as plain lines.
    journal_target = std::getenv("JOURNAL_STREAM") != nullptr;
    std::shared_ptr<spdlog::logger> logger;
    if (journal_target) {
        logger = std::make_shared<spdlog::logger>(
            "regimend", std::make_shared<spdlog::sinks::systemd_sink_mt>("regimend"));
    } else {
        logger = std::make_shared<spdlog::logger>(
            "regimend", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %l: %v");
    }
    logger->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
    // Every line reaches the log at once, even when the process is killed right after.
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
}

std::string log_level_name() {
    switch (spdlog::get_level()) {
        case spdlog::level::trace:
        case spdlog::level::debug:
            return "debug";
        case spdlog::level::info:
            return "info";
        case spdlog::level::warn:
            return "warning";
        case spdlog::level::err:
            return "err";
        case spdlog::level::critical:
        case spdlog::level::off:
        default:
            return "crit";
    }
}

bool set_log_level(std::string_view syslog_name) {
    for (const auto& [name, level] : kSyslogLevels) {
        if (name == syslog_name) {
            spdlog::set_level(level);
            return true;
        }
    }
    return false;
}

std::string log_target_name() {
    return journal_target ? "journal" : "console";
}

}  // namespace regimend
