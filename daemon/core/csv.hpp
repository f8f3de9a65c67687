// The history as CSV for a clinician or a spreadsheet (RFC 4180): a header row, CRLF line
// endings, fields quoted when they hold a comma, a quote, CR or LF; text fields that a
// spreadsheet would read as a formula begin with `'`. Pure text out.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"

namespace regimend {

// One field, quoted and with its quotes doubled when it needs it.
std::string csv_field(std::string_view text);

// A field of text from a person or the regimen (ids, names, amounts, notes): one that
// begins with `=`, `+`, `-`, `@`, a tab or a CR gets a leading `'`, so a spreadsheet shows
// it as text instead of evaluating it (OWASP's advice against CSV injection); then as
// csv_field. Numbers regimend writes itself (instants, severity, quantity) are not text.
std::string csv_text_field(std::string_view text);

// item,name,event,planned,at,amount,severity,note,quantity — instants RFC 3339 in `zone`, empty
// when missing (no planned instant, no severity, no quantity: only refill and stock events have
// one); `name` from `names` (item id -> the name a clinician reads), empty for symptoms and items
// no longer in the regimen; events in the order given.
std::string history_csv(const std::vector<HistoryEvent>& events, const regimend::TimeZone& zone,
                        const std::map<std::string, std::string>& names = {});

}  // namespace regimend
