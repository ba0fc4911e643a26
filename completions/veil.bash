_veil() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="veil"
                ;;
            veil,check)
                cmd="veil__subcmd__check"
                ;;
            veil,ci)
                cmd="veil__subcmd__ci"
                ;;
            veil,completions)
                cmd="veil__subcmd__completions"
                ;;
            veil,config)
                cmd="veil__subcmd__config"
                ;;
            veil,decrypt)
                cmd="veil__subcmd__decrypt"
                ;;
            veil,edit)
                cmd="veil__subcmd__edit"
                ;;
            veil,encrypt)
                cmd="veil__subcmd__encrypt"
                ;;
            veil,exec-env)
                cmd="veil__subcmd__exec__subcmd__env"
                ;;
            veil,exec-file)
                cmd="veil__subcmd__exec__subcmd__file"
                ;;
            veil,filestatus)
                cmd="veil__subcmd__filestatus"
                ;;
            veil,git)
                cmd="veil__subcmd__git"
                ;;
            veil,groups)
                cmd="veil__subcmd__groups"
                ;;
            veil,help)
                cmd="veil__subcmd__help"
                ;;
            veil,hook)
                cmd="veil__subcmd__hook"
                ;;
            veil,keygen)
                cmd="veil__subcmd__keygen"
                ;;
            veil,man)
                cmd="veil__subcmd__man"
                ;;
            veil,rotate)
                cmd="veil__subcmd__rotate"
                ;;
            veil,scan)
                cmd="veil__subcmd__scan"
                ;;
            veil,set)
                cmd="veil__subcmd__set"
                ;;
            veil,sops)
                cmd="veil__subcmd__sops"
                ;;
            veil,unset)
                cmd="veil__subcmd__unset"
                ;;
            veil,updatekeys)
                cmd="veil__subcmd__updatekeys"
                ;;
            veil__subcmd__ci,help)
                cmd="veil__subcmd__ci__subcmd__help"
                ;;
            veil__subcmd__ci,mask)
                cmd="veil__subcmd__ci__subcmd__mask"
                ;;
            veil__subcmd__ci__subcmd__help,help)
                cmd="veil__subcmd__ci__subcmd__help__subcmd__help"
                ;;
            veil__subcmd__ci__subcmd__help,mask)
                cmd="veil__subcmd__ci__subcmd__help__subcmd__mask"
                ;;
            veil__subcmd__config,explain)
                cmd="veil__subcmd__config__subcmd__explain"
                ;;
            veil__subcmd__config,help)
                cmd="veil__subcmd__config__subcmd__help"
                ;;
            veil__subcmd__config__subcmd__help,explain)
                cmd="veil__subcmd__config__subcmd__help__subcmd__explain"
                ;;
            veil__subcmd__config__subcmd__help,help)
                cmd="veil__subcmd__config__subcmd__help__subcmd__help"
                ;;
            veil__subcmd__git,help)
                cmd="veil__subcmd__git__subcmd__help"
                ;;
            veil__subcmd__git,merge)
                cmd="veil__subcmd__git__subcmd__merge"
                ;;
            veil__subcmd__git,setup)
                cmd="veil__subcmd__git__subcmd__setup"
                ;;
            veil__subcmd__git,textconv)
                cmd="veil__subcmd__git__subcmd__textconv"
                ;;
            veil__subcmd__git__subcmd__help,help)
                cmd="veil__subcmd__git__subcmd__help__subcmd__help"
                ;;
            veil__subcmd__git__subcmd__help,merge)
                cmd="veil__subcmd__git__subcmd__help__subcmd__merge"
                ;;
            veil__subcmd__git__subcmd__help,setup)
                cmd="veil__subcmd__git__subcmd__help__subcmd__setup"
                ;;
            veil__subcmd__git__subcmd__help,textconv)
                cmd="veil__subcmd__git__subcmd__help__subcmd__textconv"
                ;;
            veil__subcmd__groups,add)
                cmd="veil__subcmd__groups__subcmd__add"
                ;;
            veil__subcmd__groups,help)
                cmd="veil__subcmd__groups__subcmd__help"
                ;;
            veil__subcmd__groups,remove)
                cmd="veil__subcmd__groups__subcmd__remove"
                ;;
            veil__subcmd__groups__subcmd__help,add)
                cmd="veil__subcmd__groups__subcmd__help__subcmd__add"
                ;;
            veil__subcmd__groups__subcmd__help,help)
                cmd="veil__subcmd__groups__subcmd__help__subcmd__help"
                ;;
            veil__subcmd__groups__subcmd__help,remove)
                cmd="veil__subcmd__groups__subcmd__help__subcmd__remove"
                ;;
            veil__subcmd__help,check)
                cmd="veil__subcmd__help__subcmd__check"
                ;;
            veil__subcmd__help,ci)
                cmd="veil__subcmd__help__subcmd__ci"
                ;;
            veil__subcmd__help,completions)
                cmd="veil__subcmd__help__subcmd__completions"
                ;;
            veil__subcmd__help,config)
                cmd="veil__subcmd__help__subcmd__config"
                ;;
            veil__subcmd__help,decrypt)
                cmd="veil__subcmd__help__subcmd__decrypt"
                ;;
            veil__subcmd__help,edit)
                cmd="veil__subcmd__help__subcmd__edit"
                ;;
            veil__subcmd__help,encrypt)
                cmd="veil__subcmd__help__subcmd__encrypt"
                ;;
            veil__subcmd__help,exec-env)
                cmd="veil__subcmd__help__subcmd__exec__subcmd__env"
                ;;
            veil__subcmd__help,exec-file)
                cmd="veil__subcmd__help__subcmd__exec__subcmd__file"
                ;;
            veil__subcmd__help,filestatus)
                cmd="veil__subcmd__help__subcmd__filestatus"
                ;;
            veil__subcmd__help,git)
                cmd="veil__subcmd__help__subcmd__git"
                ;;
            veil__subcmd__help,groups)
                cmd="veil__subcmd__help__subcmd__groups"
                ;;
            veil__subcmd__help,help)
                cmd="veil__subcmd__help__subcmd__help"
                ;;
            veil__subcmd__help,hook)
                cmd="veil__subcmd__help__subcmd__hook"
                ;;
            veil__subcmd__help,keygen)
                cmd="veil__subcmd__help__subcmd__keygen"
                ;;
            veil__subcmd__help,man)
                cmd="veil__subcmd__help__subcmd__man"
                ;;
            veil__subcmd__help,rotate)
                cmd="veil__subcmd__help__subcmd__rotate"
                ;;
            veil__subcmd__help,scan)
                cmd="veil__subcmd__help__subcmd__scan"
                ;;
            veil__subcmd__help,set)
                cmd="veil__subcmd__help__subcmd__set"
                ;;
            veil__subcmd__help,sops)
                cmd="veil__subcmd__help__subcmd__sops"
                ;;
            veil__subcmd__help,unset)
                cmd="veil__subcmd__help__subcmd__unset"
                ;;
            veil__subcmd__help,updatekeys)
                cmd="veil__subcmd__help__subcmd__updatekeys"
                ;;
            veil__subcmd__help__subcmd__ci,mask)
                cmd="veil__subcmd__help__subcmd__ci__subcmd__mask"
                ;;
            veil__subcmd__help__subcmd__config,explain)
                cmd="veil__subcmd__help__subcmd__config__subcmd__explain"
                ;;
            veil__subcmd__help__subcmd__git,merge)
                cmd="veil__subcmd__help__subcmd__git__subcmd__merge"
                ;;
            veil__subcmd__help__subcmd__git,setup)
                cmd="veil__subcmd__help__subcmd__git__subcmd__setup"
                ;;
            veil__subcmd__help__subcmd__git,textconv)
                cmd="veil__subcmd__help__subcmd__git__subcmd__textconv"
                ;;
            veil__subcmd__help__subcmd__groups,add)
                cmd="veil__subcmd__help__subcmd__groups__subcmd__add"
                ;;
            veil__subcmd__help__subcmd__groups,remove)
                cmd="veil__subcmd__help__subcmd__groups__subcmd__remove"
                ;;
            veil__subcmd__help__subcmd__hook,install)
                cmd="veil__subcmd__help__subcmd__hook__subcmd__install"
                ;;
            veil__subcmd__hook,help)
                cmd="veil__subcmd__hook__subcmd__help"
                ;;
            veil__subcmd__hook,install)
                cmd="veil__subcmd__hook__subcmd__install"
                ;;
            veil__subcmd__hook__subcmd__help,help)
                cmd="veil__subcmd__hook__subcmd__help__subcmd__help"
                ;;
            veil__subcmd__hook__subcmd__help,install)
                cmd="veil__subcmd__hook__subcmd__help__subcmd__install"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        veil)
            opts="-v -h -V --config --decryption-order --verbose --require-authenticator --help --version encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__check)
            opts="-v -h -V --staged --max-age --verify --format --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --max-age)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__ci)
            opts="-v -h -V --config --decryption-order --verbose --require-authenticator --help --version mask help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__ci__subcmd__help)
            opts="mask help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__ci__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__ci__subcmd__help__subcmd__mask)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__ci__subcmd__mask)
            opts="-v -h -V --min-length --force --input-type --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --min-length)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --input-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__completions)
            opts="-v -h -V --config --decryption-order --verbose --require-authenticator --help --version bash elvish fish powershell zsh"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__config)
            opts="-v -h -V --config --decryption-order --verbose --require-authenticator --help --version explain help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__config__subcmd__explain)
            opts="-v -h -V --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__config__subcmd__help)
            opts="explain help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__config__subcmd__help__subcmd__explain)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__config__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__decrypt)
            opts="-i -v -h -V --in-place --output --input-type --output-type --filename-override --extract --ignore-mac --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --input-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --output-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --filename-override)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --extract)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__edit)
            opts="-a -p -k -s -v -h -V --input-type --age --pgp --kms --encryption-context --aws-profile --gcp-kms --azure-kv --hc-vault-transit --hckms --shamir-secret-sharing-threshold --unencrypted-suffix --encrypted-suffix --unencrypted-regex --encrypted-regex --unencrypted-comment-regex --encrypted-comment-regex --mac-only-encrypted --show-master-keys --keep-key-env --ignore-mac --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --age)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -a)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pgp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --kms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --encryption-context)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --aws-profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --gcp-kms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --azure-kv)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hc-vault-transit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hckms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --shamir-secret-sharing-threshold)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --unencrypted-suffix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --encrypted-suffix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --unencrypted-regex)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --encrypted-regex)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --unencrypted-comment-regex)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --encrypted-comment-regex)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__encrypt)
            opts="-i -a -p -k -v -h -V --in-place --output --input-type --output-type --filename-override --age --pgp --kms --encryption-context --aws-profile --gcp-kms --azure-kv --hc-vault-transit --hckms --shamir-secret-sharing-threshold --unencrypted-suffix --encrypted-suffix --unencrypted-regex --encrypted-regex --unencrypted-comment-regex --encrypted-comment-regex --mac-only-encrypted --sops-layout --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --input-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --output-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --filename-override)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --age)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -a)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pgp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --kms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --encryption-context)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --aws-profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --gcp-kms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --azure-kv)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hc-vault-transit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hckms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --shamir-secret-sharing-threshold)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --unencrypted-suffix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --encrypted-suffix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --unencrypted-regex)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --encrypted-regex)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --unencrypted-comment-regex)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --encrypted-comment-regex)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__exec__subcmd__env)
            opts="-v -h -V --pristine --keep-key-env --input-type --background --user --same-process --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__exec__subcmd__file)
            opts="-v -h -V --no-fifo --filename --input-type --output-type --keep-key-env --background --user --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --filename)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --input-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --output-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__filestatus)
            opts="-v -h -V --input-type --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__git)
            opts="-v -h -V --config --decryption-order --verbose --require-authenticator --help --version setup merge textconv help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__git__subcmd__help)
            opts="setup merge textconv help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__git__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__git__subcmd__help__subcmd__merge)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__git__subcmd__help__subcmd__setup)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__git__subcmd__help__subcmd__textconv)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__git__subcmd__merge)
            opts="-v -h -V --input-type --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__git__subcmd__setup)
            opts="-v -h -V --global --no-attributes --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__git__subcmd__textconv)
            opts="-v -h -V --input-type --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__groups)
            opts="-v -h -V --config --decryption-order --verbose --require-authenticator --help --version add remove help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__groups__subcmd__add)
            opts="-i -a -p -k -v -h -V --in-place --output --input-type --shamir-secret-sharing-threshold --age --pgp --kms --encryption-context --aws-profile --gcp-kms --azure-kv --hc-vault-transit --hckms --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --input-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --shamir-secret-sharing-threshold)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --age)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -a)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pgp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --kms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --encryption-context)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --aws-profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --gcp-kms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --azure-kv)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hc-vault-transit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hckms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__groups__subcmd__help)
            opts="add remove help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__groups__subcmd__help__subcmd__add)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__groups__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__groups__subcmd__help__subcmd__remove)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__groups__subcmd__remove)
            opts="-i -v -h -V --in-place --output --input-type --shamir-secret-sharing-threshold --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --input-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --shamir-secret-sharing-threshold)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help)
            opts="encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__ci)
            opts="mask"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__ci__subcmd__mask)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__config)
            opts="explain"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__config__subcmd__explain)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__decrypt)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__edit)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__encrypt)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__exec__subcmd__env)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__exec__subcmd__file)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__filestatus)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__git)
            opts="setup merge textconv"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__git__subcmd__merge)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__git__subcmd__setup)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__git__subcmd__textconv)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__groups)
            opts="add remove"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__groups__subcmd__add)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__groups__subcmd__remove)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__hook)
            opts="install"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__hook__subcmd__install)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__keygen)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__man)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__rotate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__scan)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__set)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__sops)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__unset)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__help__subcmd__updatekeys)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__hook)
            opts="-v -h -V --config --decryption-order --verbose --require-authenticator --help --version install help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__hook__subcmd__help)
            opts="install help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__hook__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__hook__subcmd__help__subcmd__install)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__hook__subcmd__install)
            opts="-v -h -V --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__keygen)
            opts="-o -v -h -V --output --pq --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__man)
            opts="-v -h -V --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__rotate)
            opts="-i -v -h -V --all --add-age --rm-age --add-pgp --rm-pgp --add-kms --rm-kms --encryption-context --aws-profile --rm-gcp-kms --rm-azure-kv --rm-hc-vault-transit --rm-hckms --add-gcp-kms --add-azure-kv --add-hc-vault-transit --add-hckms --dry-run --in-place --output --input-type --output-type --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --add-age)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rm-age)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --add-pgp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rm-pgp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --add-kms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rm-kms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --encryption-context)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --aws-profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rm-gcp-kms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rm-azure-kv)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rm-hc-vault-transit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rm-hckms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --add-gcp-kms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --add-azure-kv)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --add-hc-vault-transit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --add-hckms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --input-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --output-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__scan)
            opts="-o -q -v -h -V --staged --range --worktree --max-blob-size --decrypt --format --output --show-secrets --baseline --write-baseline --ignore-file --quiet --threads --fingerprint-key --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --range)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-blob-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "text json sarif" -- "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --baseline)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --write-baseline)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ignore-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fingerprint-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__set)
            opts="-v -h -V --value-stdin --value-file --idempotent --input-type --output-type --ignore-mac --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --output-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__sops)
            opts="-v -V --config --decryption-order --verbose --require-authenticator --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__unset)
            opts="-v -h -V --idempotent --input-type --output-type --ignore-mac --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --output-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        veil__subcmd__updatekeys)
            opts="-y -v -h -V --all --yes --dry-run --input-type --config --decryption-order --verbose --require-authenticator --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-type)
                    COMPREPLY=($(compgen -W "yaml json toml dotenv ini binary" -- "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decryption-order)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _veil -o nosort -o bashdefault -o default veil
else
    complete -F _veil -o bashdefault -o default veil
fi
