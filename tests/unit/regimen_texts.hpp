// Regimen text shared by the unit tests that parse one.
#pragma once

namespace regimend::test {

// The example's magnesium limit and morning dose (config/regimen.yaml): `limits:` with
// "supplemental magnesium" (350 mg a day, tag magnesium), then `items:` and threonate-am
// (144 mg at 08:00), ten lines. A test writes its top-level keys before it and its other
// items after it.
inline constexpr const char* kMagnesiumLimitAndMorningDose = R"(limits:
  - name: supplemental magnesium
    per_day: 350 mg
    tags: [magnesium]
items:
  - id: threonate-am
    name: Magnesium L-threonate
    amount: 144 mg
    tags: [magnesium]
    at: "08:00"
)";

}  // namespace regimend::test
