// Gets the one YAML document out of the regimen text with yaml-cpp, turning everything it
// can throw, and the inputs it cannot cope with, into diagnostics.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>

#include "core/parse_reader.hpp"
#include "core/parse_source.hpp"

namespace regimend {

// The document's root node, or nullopt after reporting why there is none (a syntax error,
// an empty file, more than one document, nesting too deep).
std::optional<YAML::Node> load_document(Diagnostics& diagnostics, const SourceText& source);

}  // namespace regimend
