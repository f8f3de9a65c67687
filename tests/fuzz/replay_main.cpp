// Replays fuzz inputs without libFuzzer: each argument is a file, or a directory whose
// regular files (recursively) are each one input. Lets g++ builds and ctest run the seed
// corpus and every regression input through the same LLVMFuzzerTestOneInput.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

bool replay(const fs::path& file) {
    // Named before it runs: a crash report then says which input did it.
    std::printf("replay: %s\n", file.c_str());
    std::fflush(stdout);
    std::ifstream stream(file, std::ios::binary);
    if (!stream) {
        std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
        return false;
    }
    const std::vector<char> bytes{std::istreambuf_iterator<char>(stream),
                                  std::istreambuf_iterator<char>()};
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
        return 2;
    }
    std::vector<fs::path> inputs;
    for (int index = 1; index < argc; ++index) {
        const fs::path argument(argv[index]);
        std::error_code error;
        if (fs::is_directory(argument, error)) {
            for (const auto& entry : fs::recursive_directory_iterator(argument)) {
                if (entry.is_regular_file()) {
                    inputs.push_back(entry.path());
                }
            }
        } else if (fs::exists(argument, error)) {
            inputs.push_back(argument);
        } else {
            std::fprintf(stderr, "replay: no such file or directory: %s\n", argv[index]);
            return 2;
        }
    }
    // A fixed order, so a failure reproduces the same way on every machine.
    std::sort(inputs.begin(), inputs.end());
    std::size_t unreadable = 0;
    for (const auto& input : inputs) {
        if (!replay(input)) {
            ++unreadable;
        }
    }
    std::printf("replayed %zu inputs\n", inputs.size() - unreadable);
    return unreadable == 0 && !inputs.empty() ? 0 : 1;
}
