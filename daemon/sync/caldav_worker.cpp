#include "sync/caldav_worker.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>

#include "core/i18n.hpp"
#include "core/placeholders.hpp"

extern char** environ;

namespace regimend {
namespace {

constexpr long kConnectTimeoutSeconds = 10;
constexpr long kTotalTimeoutSeconds = 60;
// A reply that sends less than a byte a second for this long has stalled.
constexpr long kStallSeconds = 15;
constexpr std::size_t kMaxPasswordBytes = 4096;
constexpr int kPasswordCommandTimeoutMs = 10000;

using CurlPtr = std::unique_ptr<CURL, Deleter<curl_easy_cleanup>>;
using HeadersPtr = std::unique_ptr<curl_slist, Deleter<curl_slist_free_all>>;

// curl's messages may quote the URL: drop any userinfo ("scheme://user:pw@host") from it.
std::string without_userinfo(std::string text) {
    for (std::size_t scheme = text.find("://"); scheme != std::string::npos;
         scheme = text.find("://", scheme + 3)) {
        const std::size_t start = scheme + 3;
        const std::size_t end = text.find_first_of("/ \t\n'\"", start);
        const std::size_t at = text.rfind('@', end == std::string::npos ? text.size() : end);
        if (at != std::string::npos && at >= start) {
            text.erase(start, at + 1 - start);
        }
    }
    return text;
}

struct Body {
    std::string text;
    bool too_large = false;
};

size_t write_body(char* data, size_t size, size_t count, void* userdata) {
    auto* body = static_cast<Body*>(userdata);
    const size_t bytes = size * count;
    if (body->text.size() + bytes > caldav::kMaxReplyBytes) {
        body->too_large = true;
        return 0;  // curl stops with CURLE_WRITE_ERROR
    }
    body->text.append(data, bytes);
    return bytes;
}

size_t read_header(char* data, size_t size, size_t count, void* userdata) {
    const size_t bytes = size * count;
    std::string_view line(data, bytes);
    if (line.size() > 5 && strncasecmp(line.data(), "etag:", 5) == 0) {
        line.remove_prefix(5);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
            line.remove_prefix(1);
        }
        while (!line.empty() &&
               (line.back() == '\r' || line.back() == '\n' || line.back() == ' ')) {
            line.remove_suffix(1);
        }
        *static_cast<std::string*>(userdata) = std::string(line);
    }
    return bytes;
}

int on_progress(void* userdata, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<std::atomic<bool>*>(userdata)->load() ? 1 : 0;
}

// The collection's URL with a member's name appended (RFC 3986 segment characters kept,
// the rest percent-encoded).
std::string member_url(const std::string& collection, const std::string& name) {
    std::string url = collection;
    if (!url.ends_with('/')) {
        url += '/';
    }
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (unsigned char c : name) {
        if (std::isalnum(c) || std::strchr("-._~@", c) != nullptr) {
            url += static_cast<char>(c);
        } else {
            url += '%';
            url += kHex[c >> 4];
            url += kHex[c & 15];
        }
    }
    return url;
}

// Runs argv with stdout to a pipe, waits at most kPasswordCommandTimeoutMs, returns its first
// line. The command's stderr goes to the daemon's (the journal) as it is.
std::optional<std::string> run_password_command(const std::vector<std::string>& argv,
                                                std::string& error) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        error = fill_placeholders(_("cannot run password_command: {}"), {std::strerror(errno)});
        return std::nullopt;
    }
    UniqueFd read_end(fds[0]);
    UniqueFd write_end(fds[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::vector<char*> args;
    for (const auto& word : argv) {
        args.push_back(const_cast<char*>(word.c_str()));
    }
    args.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    write_end.reset();
    if (spawned != 0) {
        error = fill_placeholders(_("cannot run password_command {}: {}"),
                                  {argv[0], std::strerror(spawned)});
        return std::nullopt;
    }
    std::string output;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kPasswordCommandTimeoutMs);
    bool timed_out = false;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd watch{read_end.get(), POLLIN, 0};
        if (poll(&watch, 1, static_cast<int>(left.count())) <= 0) {
            continue;
        }
        char buffer[512];
        const ssize_t got = read(read_end.get(), buffer, sizeof buffer);
        if (got <= 0) {
            break;
        }
        output.append(buffer, static_cast<std::size_t>(got));
        if (output.size() > kMaxPasswordBytes) {
            break;
        }
    }
    if (timed_out) {
        kill(pid, SIGKILL);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (timed_out) {
        error =
            fill_placeholders(_("password_command {} did not finish within 10 seconds"), {argv[0]});
        return std::nullopt;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        error = fill_placeholders(_("password_command {} failed"), {argv[0]});
        return std::nullopt;
    }
    output = output.substr(0, output.find('\n'));
    if (output.ends_with('\r')) {
        output.pop_back();
    }
    return output;
}

std::optional<std::string> read_password_file(const std::string& path, std::string& error) {
    UniqueFd fd(open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (!fd) {
        error =
            fill_placeholders(_("cannot read password_file {}: {}"), {path, std::strerror(errno)});
        return std::nullopt;
    }
    struct stat info {};
    if (fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
        error = fill_placeholders(_("password_file {} is not a regular file"), {path});
        return std::nullopt;
    }
    if (info.st_uid != getuid() || (info.st_mode & 077) != 0) {
        error = fill_placeholders(
            _("password_file {} must be yours and readable by you alone (chmod 600 {})"),
            {path, path});
        return std::nullopt;
    }
    std::string text(kMaxPasswordBytes + 1, '\0');
    const ssize_t got = read(fd.get(), text.data(), text.size());
    if (got < 0) {
        error =
            fill_placeholders(_("cannot read password_file {}: {}"), {path, std::strerror(errno)});
        return std::nullopt;
    }
    text.resize(static_cast<std::size_t>(got));
    text = text.substr(0, text.find('\n'));
    if (text.ends_with('\r')) {
        text.pop_back();
    }
    return text;
}

}  // namespace

CaldavWorker::CaldavWorker(sd_event* event, CaldavDevice device, Done done)
    : device_(std::move(device)), done_(std::move(done)), ready_(event, &on_ready, this) {
    static const CURLcode initialised = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (initialised != CURLE_OK) {
        throw std::runtime_error("curl_global_init failed");
    }
    thread_ = start_worker_thread([this] { run(); });
}

CaldavWorker::~CaldavWorker() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
        jobs_.clear();
    }
    wake_.notify_one();
    thread_.join();  // a running request sees stopping_ in its progress callback
}

void CaldavWorker::submit(CaldavRequest request) {
    {
        const std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(request));
    }
    ++pending_;
    wake_.notify_one();
}

void CaldavWorker::run() {
    // libical keeps per-thread buffers: given back when the thread ends.
    struct ReleaseBuffers {
        ~ReleaseBuffers() { caldav::release_thread_buffers(); }
    } release;
    for (;;) {
        CaldavRequest request;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (stopping_) {
                return;
            }
            request = std::move(jobs_.front());
            jobs_.pop_front();
        }
        CaldavResult result;
        try {
            result = carry_out(request);
        } catch (const std::exception& error) {
            result.request = request;
            result.error = without_userinfo(error.what());
        }
        {
            const std::lock_guard lock(mutex_);
            if (stopping_) {
                return;
            }
            results_.push_back(std::move(result));
        }
        ready_.notify();
    }
}

std::optional<std::string> CaldavWorker::password(std::string& error) {
    if (password_) {
        return password_;
    }
    if (!device_.password_command.empty()) {
        password_ = run_password_command(device_.password_command, error);
    } else if (!device_.password_file.empty()) {
        password_ = read_password_file(device_.password_file, error);
    } else {
        password_ = std::string{};
    }
    return password_;
}

CaldavResult CaldavWorker::carry_out(const CaldavRequest& request) {
    CaldavResult result;
    result.request = request;
    std::optional<std::string> secret;
    if (!device_.username.empty()) {
        secret = password(result.error);
        if (!secret) {
            return result;
        }
    }
    CurlPtr curl(curl_easy_init());
    if (!curl) {
        result.error = _("cannot start an HTTP request (libcurl)");
        return result;
    }
    CURL* handle = curl.get();
    char error_buffer[CURL_ERROR_SIZE] = {};
    Body body;
    std::string etag;
    std::string upload;
    HeadersPtr headers;
    auto add_header = [&headers](const char* header) {
        headers.reset(curl_slist_append(headers.release(), header));
    };
    std::string url;
    switch (request.kind) {
        case CaldavRequest::Kind::Put:
            url = member_url(device_.url, caldav::task_resource(request.task.dose));
            upload = caldav::vtodo_text(request.task, request.stamp);
            curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, "PUT");
            add_header("Content-Type: text/calendar; charset=utf-8");
            break;
        case CaldavRequest::Kind::Delete:
            url = member_url(device_.url, caldav::task_resource(request.task.dose));
            curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, "DELETE");
            break;
        case CaldavRequest::Kind::Sync:
            url = device_.url;
            upload = caldav::sync_collection_body(request.sync_token);
            curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, "REPORT");
            add_header("Content-Type: application/xml; charset=utf-8");
            add_header("Depth: 0");  // RFC 6578 3.2: sync-level says how deep
            break;
    }
    std::string condition;
    if (request.kind != CaldavRequest::Kind::Sync) {
        condition = request.etag.empty() ? "If-None-Match: *" : "If-Match: " + request.etag;
        add_header(condition.c_str());
    }
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    if (!upload.empty()) {
        curl_easy_setopt(handle, CURLOPT_POSTFIELDS, upload.data());
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(upload.size()));
    }
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!device_.ca_file.empty()) {
        curl_easy_setopt(handle, CURLOPT_CAINFO, device_.ca_file.c_str());
    }
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT, kTotalTimeoutSeconds);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, kStallSeconds);
    curl_easy_setopt(handle, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(caldav::kMaxReplyBytes));
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &write_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &read_header);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &etag);
    curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &stopping_);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(handle, CURLOPT_USERAGENT, "regimend/" REGIMEND_VERSION);
    if (secret) {
        curl_easy_setopt(handle, CURLOPT_USERNAME, device_.username.c_str());
        curl_easy_setopt(handle, CURLOPT_PASSWORD, secret->c_str());
        curl_easy_setopt(handle, CURLOPT_HTTPAUTH, CURLAUTH_BASIC | CURLAUTH_DIGEST);
    }
    const CURLcode code = curl_easy_perform(handle);
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &result.http_status);
    if (body.too_large || code == CURLE_FILESIZE_EXCEEDED) {
        result.error = _("the server's reply is larger than 4 MiB");
        return result;
    }
    if (code != CURLE_OK) {
        const std::string detail =
            error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
        result.error =
            without_userinfo(fill_placeholders(_("cannot reach the server: {}"), {detail}));
        return result;
    }
    if (result.http_status == 401 || result.http_status == 403) {
        password_.reset();  // read it again next time: it may have been changed
        result.error =
            fill_placeholders(_("the server refused the user name or password (HTTP {})"),
                              {std::to_string(result.http_status)});
        return result;
    }
    if (result.http_status < 200 || result.http_status >= 300) {
        // 412 is a normal answer to a conditional PUT: the caller reads the status.
        result.error = fill_placeholders(_("the server answered HTTP {}"),
                                         {std::to_string(result.http_status)});
        return result;
    }
    result.etag = etag;
    if (request.kind != CaldavRequest::Kind::Sync) {
        return result;
    }
    auto parsed = caldav::parse_multistatus(body.text);
    if (auto* problem = std::get_if<std::string>(&parsed)) {
        result.error = *problem;
        return result;
    }
    auto& reply = std::get<caldav::Multistatus>(parsed);
    result.sync_token = reply.sync_token;
    for (auto& response : reply.responses) {
        RemoteMember member;
        member.href = response.href;
        member.etag = response.etag;
        member.removed = response.status == 404;
        if (!member.removed && !response.calendar_data.empty()) {
            auto task = caldav::read_vtodo(response.calendar_data);
            if (auto* read = std::get_if<caldav::RemoteTask>(&task)) {
                member.task = std::move(*read);
            }
        }
        result.members.push_back(std::move(member));
    }
    return result;
}

int CaldavWorker::on_ready(sd_event_source*, int fd, uint32_t, void* userdata) noexcept {
    auto* self = static_cast<CaldavWorker*>(userdata);
    LoopWake::drain(fd);
    std::deque<CaldavResult> ready;
    {
        const std::lock_guard lock(self->mutex_);
        ready.swap(self->results_);
    }
    for (auto& result : ready) {
        --self->pending_;
        try {
            self->done_(std::move(result));
        } catch (const std::exception& error) {
            spdlog::error("handling a CalDAV reply failed: {}", error.what());
        }
    }
    return 0;
}

}  // namespace regimend
