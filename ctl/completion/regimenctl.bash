# bash completion for regimenctl: verbs, their options, and item ids from the regimen.

_regimenctl_config() {
    local i
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        if [[ ${COMP_WORDS[i]} == --config ]]; then
            printf '%s\n' "${COMP_WORDS[i + 1]}"
            return
        fi
    done
    printf '%s\n' "${XDG_CONFIG_HOME:-$HOME/.config}/regimend/regimen.yaml"
}

# Item ids, read straight from the YAML (`id: name` lines): fast, no daemon needed.
_regimenctl_item_ids() {
    local config
    config=$(_regimenctl_config)
    [[ -r $config ]] || return
    sed -n 's/^[[:space:]-]*id:[[:space:]]*["'\'']\{0,1\}\([a-z0-9-]*\).*/\1/p' "$config"
}

_regimenctl_symptoms() {
    local config
    config=$(_regimenctl_config)
    [[ -r $config ]] || return
    sed -n 's/^symptoms:[[:space:]]*\[\(.*\)\].*/\1/p' "$config" | tr -d ' "'\''' | tr ',' '\n'
}

_regimenctl() {
    local cur prev verb i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    local verbs="status take confirm undo skip snooze log symptom history report plan check edit reload export"

    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            --config) ((i++)) ;;
            -*) ;;
            *) verb=${COMP_WORDS[i]}; break ;;
        esac
    done

    case $prev in
        --config | --output | check) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --format)
            if [[ $verb == report ]]; then
                COMPREPLY=($(compgen -W "text json html" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "ics csv" -- "$cur"))
            fi
            return ;;
        --item) COMPREPLY=($(compgen -W "$(_regimenctl_item_ids)" -- "$cur")); return ;;
        --at | --note | --reason | --since | --days | --from) return ;;
    esac

    if [[ -z $verb ]]; then
        COMPREPLY=($(compgen -W "$verbs --config --help --version" -- "$cur"))
        return
    fi

    local options="--help"
    case $verb in
        status) options+=" --json" ;;
        take | confirm) options+=" --at --all" ;;
        skip) options+=" --reason" ;;
        log) options+=" --at --note" ;;
        symptom) options+=" --at --note" ;;
        history) options+=" --since --item --json" ;;
        report) options+=" --days --json --format --output" ;;
        plan) options+=" --from --days --json" ;;
        check) options+=" --json" ;;
        export) options+=" --format --since" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
        return
    fi
    case $verb in
        take | confirm | undo | skip | snooze | log)
            [[ $prev == "$verb" ]] && COMPREPLY=($(compgen -W "$(_regimenctl_item_ids)" -- "$cur")) ;;
        symptom)
            [[ $prev == "$verb" ]] && COMPREPLY=($(compgen -W "$(_regimenctl_symptoms)" -- "$cur")) ;;
    esac
}

complete -F _regimenctl regimenctl
