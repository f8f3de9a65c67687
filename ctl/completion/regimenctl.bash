# bash completion for regimenctl: verbs, their options, item ids and symptom kinds. The
# words come from `regimenctl __complete` (the real parser, honouring --config); the option
# lists are checked against every verb's --help by tests/integration/test_completion.py.

_regimenctl_words() {
    local i config=()
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        if [[ ${COMP_WORDS[i]} == --config ]]; then
            config=(--config "${COMP_WORDS[i + 1]}")
        fi
    done
    regimenctl "${config[@]}" __complete "$1" 2>/dev/null
}

_regimenctl() {
    local cur prev verb i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    local verbs="status take confirm undo skip snooze log symptom history report plan check edit reload bar export refill stock pause resume"

    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            --config) ((i++)) ;;
            -*) ;;
            *) verb=${COMP_WORDS[i]}; break ;;
        esac
    done

    case $prev in
        --config | --output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --state-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --format)
            case $verb in
                export) COMPREPLY=($(compgen -W "ics csv" -- "$cur")) ;;
                report) COMPREPLY=($(compgen -W "text json html" -- "$cur")) ;;
                bar) COMPREPLY=($(compgen -W "waybar i3blocks plain" -- "$cur")) ;;
            esac
            return ;;
        --item)
            if [[ $verb == history ]]; then
                COMPREPLY=($(compgen -W "$(_regimenctl_words items) $(_regimenctl_words symptoms)" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$(_regimenctl_words items)" -- "$cur"))
            fi
            return ;;
        --at | --note | --reason | --since | --days | --from | --expand-days | --amount | --until) return ;;
    esac

    if [[ -z $verb ]]; then
        COMPREPLY=($(compgen -W "$verbs --config --help --version" -- "$cur"))
        return
    fi

    local options="--help"
    case $verb in
        status) options+=" --json" ;;
        take | confirm) options+=" --at --amount --all" ;;
        skip) options+=" --reason" ;;
        log) options+=" --at --note --force" ;;
        symptom) options+=" --at --note" ;;
        history) options+=" --since --item --all --json" ;;
        report) options+=" --days --json --config --state-dir --format --output" ;;
        plan) options+=" --from --days --item --json --config" ;;
        check) options+=" --json --config" ;;
        bar) options+=" --format --follow --json" ;;
        export) options+=" --format --since --expand-days --config --state-dir" ;;
        refill) options+=" --set" ;;
        stock) options+=" --json" ;;
        pause) options+=" --until" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
        return
    fi
    [[ $prev == "$verb" ]] || return
    case $verb in
        take | confirm | skip | snooze | pause | resume)
            COMPREPLY=($(compgen -W "$(_regimenctl_words scheduled)" -- "$cur")) ;;
        undo)
            COMPREPLY=($(compgen -W "$(_regimenctl_words items) $(_regimenctl_words symptoms)" -- "$cur")) ;;
        log) COMPREPLY=($(compgen -W "$(_regimenctl_words as-needed)" -- "$cur")) ;;
        symptom) COMPREPLY=($(compgen -W "$(_regimenctl_words symptoms)" -- "$cur")) ;;
        refill) COMPREPLY=($(compgen -W "$(_regimenctl_words stocked)" -- "$cur")) ;;
        check) COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}

complete -F _regimenctl regimenctl
