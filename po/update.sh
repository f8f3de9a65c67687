#!/usr/bin/env bash
# After a change of the marked texts: regenerates po/regimend.pot from the sources, merges
# it into every catalogue of po/LINGUAS (new texts untranslated, changed ones fuzzy), and
# lists what each catalogue now lacks. Translate those, remove the "fuzzy" flags you have
# checked, and `ctest -R po.catalogue` passes again.
set -euo pipefail
po_dir=$(cd "$(dirname "$0")" && pwd)
new=$(mktemp)
trap 'rm -f "$new"' EXIT
bash "$po_dir/xgettext.sh" "$new"
# A template that differs only in its creation date is left as it is (no churn in git).
if ! diff -q -I '^"POT-Creation-Date:' "$new" "$po_dir/regimend.pot" >/dev/null 2>&1; then
    cp "$new" "$po_dir/regimend.pot"
fi
status=0
for lang in $(grep -v '^#' "$po_dir/LINGUAS"); do
    msgmerge --quiet --update --backup=none --previous "$po_dir/$lang.po" "$po_dir/regimend.pot"
    echo "po/$lang.po: $(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po_dir/$lang.po" 2>&1)"
done
bash "$po_dir/check-catalogues.sh" || status=1
exit $status
