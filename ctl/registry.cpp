#include "verb.hpp"

namespace regimenctl {

// A function-local static, so verbs registering from other translation units' static
// initialisers never see it unconstructed.
std::vector<Verb>& verb_registry() {
    static std::vector<Verb> verbs;
    return verbs;
}

}  // namespace regimenctl
