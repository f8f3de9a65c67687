#!/usr/bin/env bash
# Fails when a catalogue lags the source: extracts the marked texts of the sources now
# (po/xgettext.sh, into a temporary template: po/ is not written), merges each catalogue
# of po/LINGUAS with it as msgmerge would, and lists every message that is untranslated
# or fuzzy there, with the source line that uses it. Registered in ctest as
# po.catalogue_complete; po/update.sh does the same and writes the merge into po/.
set -euo pipefail
po_dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$po_dir/xgettext.sh" "$work/regimend.pot"
status=0
for lang in $(grep -v '^#' "$po_dir/LINGUAS"); do
    msgmerge --quiet --previous -o "$work/$lang.po" "$po_dir/$lang.po" "$work/regimend.pot"
    if ! msgfmt --check -o /dev/null "$work/$lang.po"; then
        echo "po/$lang.po: msgfmt --check fails (see above)"
        status=1
    fi
    # "N translated messages, M fuzzy translations, K untranslated messages."
    statistics=$(LC_ALL=C msgfmt --statistics -o /dev/null "$work/$lang.po" 2>&1)
    fuzzy=$(grep -o '[0-9]* fuzzy' <<<"$statistics" | cut -d' ' -f1 || true)
    untranslated=$(grep -o '[0-9]* untranslated' <<<"$statistics" | cut -d' ' -f1 || true)
    for kind in untranslated fuzzy; do
        count=${!kind:-0}
        if ((count > 0)); then
            status=1
            echo "po/$lang.po lags the source: $count $kind message(s); run po/update.sh and translate:"
            msgattrib --$([[ $kind == fuzzy ]] && echo only-fuzzy || echo untranslated) \
                --no-obsolete --no-wrap "$work/$lang.po" |
                awk '/^#: /{entry=1; print "    " $0} /^msgid/{text=entry} /^msgstr/{text=0}
                     text{print "        " $0}'
        fi
    done
done
if ((status == 0)); then
    echo "every catalogue ($(grep -v '^#' "$po_dir/LINGUAS" | xargs)) translates every marked text"
fi
exit $status
