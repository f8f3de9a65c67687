// Lint's inventory rule, kept apart from the plan-based rules in lint.cpp.
#pragma once

#include <vector>

#include "core/diagnostic.hpp"
#include "core/model.hpp"

namespace regimend {

// `stock: {per_dose: N}` that disagrees with a count at the start of `dose` ("2 capsules"
// with per_dose 1): each taken dose would take the wrong number off the stock. A `dose` in
// a measure ("300 mg") says nothing about units and is not compared.
void check_stock(const Regimen& regimen, std::vector<Diagnostic>& warnings);

}  // namespace regimend
