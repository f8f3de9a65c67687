# fish completion for regimenctl. Words come from `regimenctl __complete`; the option lists
# are checked against every verb's --help by tests/integration/test_completion.py.

function __regimenctl_words
    set -l tokens (commandline -opc)
    set -l config
    set -l index (contains -i -- --config $tokens)
    if test -n "$index"
        set config --config $tokens[(math $index + 1)]
    end
    regimenctl $config __complete $argv[1] 2>/dev/null
end

set -l verbs status take confirm undo skip snooze log symptom history report plan check edit reload bar export refill stock pause resume
complete -c regimenctl -f
complete -c regimenctl -n "not __fish_seen_subcommand_from $verbs" -a "$verbs"
complete -c regimenctl -l config -r -F -d 'regimen file'
complete -c regimenctl -l help -d 'show help'
complete -c regimenctl -n "not __fish_seen_subcommand_from $verbs" -l version -d 'show the version'

complete -c regimenctl -n '__fish_seen_subcommand_from status' -l json
complete -c regimenctl -n '__fish_seen_subcommand_from take confirm' -l all -d 'every due dose'
complete -c regimenctl -n '__fish_seen_subcommand_from take confirm' -l at -x -d 'when it was taken'
complete -c regimenctl -n '__fish_seen_subcommand_from take confirm' -l amount -x -d 'what was really taken'
complete -c regimenctl -n '__fish_seen_subcommand_from take confirm skip snooze pause resume' -a '(__regimenctl_words scheduled)'
complete -c regimenctl -n '__fish_seen_subcommand_from undo' -a '(__regimenctl_words items) (__regimenctl_words symptoms)'
complete -c regimenctl -n '__fish_seen_subcommand_from log' -l force -d 'record it even sooner than min_interval'
complete -c regimenctl -n '__fish_seen_subcommand_from skip' -l reason -x
complete -c regimenctl -n '__fish_seen_subcommand_from log' -a '(__regimenctl_words as-needed)'
complete -c regimenctl -n '__fish_seen_subcommand_from log symptom' -l at -x
complete -c regimenctl -n '__fish_seen_subcommand_from log symptom' -l note -x
complete -c regimenctl -n '__fish_seen_subcommand_from symptom' -a '(__regimenctl_words symptoms)'
complete -c regimenctl -n '__fish_seen_subcommand_from history' -l since -x
complete -c regimenctl -n '__fish_seen_subcommand_from history' -l item -x -a '(__regimenctl_words items; __regimenctl_words symptoms)'
complete -c regimenctl -n '__fish_seen_subcommand_from history' -l all -d 'also due events'
complete -c regimenctl -n '__fish_seen_subcommand_from history report plan check stock' -l json
complete -c regimenctl -n '__fish_seen_subcommand_from report plan' -l days -x
complete -c regimenctl -n '__fish_seen_subcommand_from report export' -l state-dir -r -a '(__fish_complete_directories)'
complete -c regimenctl -n '__fish_seen_subcommand_from report' -l format -x -a 'text json html'
complete -c regimenctl -n '__fish_seen_subcommand_from report' -l output -r -F
complete -c regimenctl -n '__fish_seen_subcommand_from plan' -l from -x
complete -c regimenctl -n '__fish_seen_subcommand_from plan' -l item -x -a '(__regimenctl_words items)'
complete -c regimenctl -n '__fish_seen_subcommand_from check' -F
complete -c regimenctl -n '__fish_seen_subcommand_from bar' -l format -x -a 'waybar i3blocks plain'
complete -c regimenctl -n '__fish_seen_subcommand_from bar' -l follow -d 'print a new line on every change'
complete -c regimenctl -n '__fish_seen_subcommand_from bar' -l json -d 'the same as --format waybar'
complete -c regimenctl -n '__fish_seen_subcommand_from export' -l format -x -a 'ics csv'
complete -c regimenctl -n '__fish_seen_subcommand_from export' -l since -x
complete -c regimenctl -n '__fish_seen_subcommand_from export' -l expand-days -x
complete -c regimenctl -n '__fish_seen_subcommand_from refill' -a '(__regimenctl_words stocked)'
complete -c regimenctl -n '__fish_seen_subcommand_from refill' -l set -d 'the count on hand'
complete -c regimenctl -n '__fish_seen_subcommand_from pause' -l until -x -d 'the last day of the pause'
