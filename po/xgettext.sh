#!/usr/bin/env bash
# Writes the template of every text marked for translation in the sources to $1 (default
# po/regimend.pot). The one list of keywords: _(), N_() and P_() of daemon/core/i18n.hpp.
# Every .cpp/.hpp under daemon/ and ctl/ is scanned (no POTFILES list to keep in step: a
# file without markers adds nothing). Run from anywhere.
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$source_dir/po/regimend.pot}
version=$(sed -n 's/^project(regimend VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")
cd "$source_dir"
find daemon ctl \( -name '*.cpp' -o -name '*.hpp' \) -print | LC_ALL=C sort >"$out.files"
xgettext --language=C++ --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=P_:1,2 \
    --flag=_:1:no-c-format --flag=N_:1:no-c-format --flag=P_:1:no-c-format \
    --flag=P_:2:no-c-format --add-comments=TRANSLATORS: --package-name=regimend --package-version="$version" \
    --msgid-bugs-address=https://github.com/regimend/regimend/issues \
    --copyright-holder="the regimend authors" \
    --files-from="$out.files" --output="$out"
rm -f "$out.files"
# Every message is filled by regimend::fill ("{}" placeholders), never by printf: the
# no-c-format flags above keep "95% interval" from being read as a printf directive, and
# are then dropped here so that every entry is not tagged with them.
sed -i '/^#, no-c-format$/d' "$out"
