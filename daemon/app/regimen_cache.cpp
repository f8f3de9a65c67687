#include "app/regimen_cache.hpp"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "core/regimen_image.hpp"
#include "host/regular_file.hpp"
#include "host/zoneinfo.hpp"

namespace regimend {
namespace {

// An image holds the regimen's text and its model: a few times the text's 1 MiB limit.
constexpr std::size_t kMaxImageBytes = 16 * kMaxRegimenBytes;

struct Descriptor {
    int fd = -1;
    ~Descriptor() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

// The image's bytes, when it is a regular file of ours that no one else can change.
std::optional<std::string> read_private_file(const std::string& path) {
    Descriptor file{::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)};
    if (file.fd < 0) {
        return std::nullopt;
    }
    struct stat status {};
    if (::fstat(file.fd, &status) != 0 || !S_ISREG(status.st_mode) ||
        status.st_uid != ::geteuid() || (status.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
        static_cast<std::size_t>(status.st_size) > kMaxImageBytes) {
        return std::nullopt;
    }
    std::string bytes(static_cast<std::size_t>(status.st_size), '\0');
    std::size_t filled = 0;
    while (filled < bytes.size()) {
        const ssize_t got = ::read(file.fd, bytes.data() + filled, bytes.size() - filled);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return std::nullopt;  // an error, or the file shrank: not a whole image
        }
        filled += static_cast<std::size_t>(got);
    }
    return bytes;
}

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t wrote = ::write(fd, bytes.data(), bytes.size());
        if (wrote < 0 && errno == EINTR) {
            continue;
        }
        if (wrote <= 0) {
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(wrote));
    }
    return true;
}

int find_build_id(dl_phdr_info* info, std::size_t, void* out) {
    // The first object dl_iterate_phdr reports is the program itself.
    auto* build = static_cast<std::string*>(out);
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const auto& header = info->dlpi_phdr[i];
        if (header.p_type != PT_NOTE) {
            continue;
        }
        const char* at = reinterpret_cast<const char*>(info->dlpi_addr + header.p_vaddr);
        const char* end = at + header.p_memsz;
        while (at + sizeof(ElfW(Nhdr)) <= end) {
            ElfW(Nhdr) note;
            std::memcpy(&note, at, sizeof note);
            const char* name = at + sizeof note;
            const char* desc = name + ((note.n_namesz + 3) & ~3U);
            const char* next = desc + ((note.n_descsz + 3) & ~3U);
            if (next > end) {
                break;
            }
            if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
                std::memcmp(name, "GNU", 4) == 0) {
                static constexpr char kHex[] = "0123456789abcdef";
                for (std::uint32_t j = 0; j < note.n_descsz; ++j) {
                    const auto byte = static_cast<unsigned char>(desc[j]);
                    build->push_back(kHex[byte >> 4]);
                    build->push_back(kHex[byte & 15]);
                }
                return 1;
            }
            at = next;
        }
    }
    return 1;  // only the program counts, not its libraries
}

}  // namespace

RegimenCache::RegimenCache(std::string path, std::string build)
    : path_(std::move(path)), build_(std::move(build)) {}

std::string RegimenCache::executable_build_id() {
    static const std::string build = [] {
        std::string found;
        dl_iterate_phdr(find_build_id, &found);
        return found;
    }();
    return build;
}

std::optional<LoadedRegimen> RegimenCache::read(std::string_view text, const std::string& file_name,
                                                const regimend::TimeZone* default_zone) const {
    if (!enabled()) {
        return std::nullopt;
    }
    const auto bytes = read_private_file(path_);
    if (!bytes) {
        return std::nullopt;
    }
    auto image =
        decode_regimen_image(*bytes, build_, text, file_name, default_zone, regimend::find_zone);
    if (!image) {
        spdlog::debug("{} is not an image of this regimen; parsing it", path_);
        return std::nullopt;
    }
    LoadedRegimen loaded;
    loaded.regimen = std::make_shared<const Regimen>(std::move(image->regimen));
    loaded.diagnostics = std::move(image->diagnostics);
    loaded.text = std::string(text);
    return loaded;
}

void RegimenCache::write(const LoadedRegimen& loaded) const {
    if (!enabled() || !loaded.regimen || has_errors(loaded.diagnostics)) {
        return;
    }
    const std::string bytes =
        encode_regimen_image(build_, loaded.text, *loaded.regimen, loaded.diagnostics);
    std::string temporary = path_ + ".XXXXXX";
    Descriptor file{::mkostemp(temporary.data(), O_CLOEXEC)};  // mode 0600
    if (file.fd < 0) {
        spdlog::debug("cannot write {}: {}", path_, std::strerror(errno));
        return;
    }
    if (!write_all(file.fd, bytes) || ::rename(temporary.c_str(), path_.c_str()) != 0) {
        spdlog::debug("cannot write {}: {}", path_, std::strerror(errno));
        ::unlink(temporary.c_str());
        return;
    }
    spdlog::debug("{} written ({} bytes)", path_, bytes.size());
}

}  // namespace regimend
