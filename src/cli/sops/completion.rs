//! The help text and shell completion scripts of the sops personality, made from its flag
//! tables ([`super::flags`]).

use super::flags::{self, Flag, Ty};

/// Subcommands and what they do, in the order of the help text.
const SUMMARY: &[(&str, &str)] = &[
    (
        "encrypt",
        "encrypt a file (stdout unless -i or --output; stdin with --filename-override)",
    ),
    (
        "decrypt",
        "decrypt a file (stdout unless -i or --output; stdin when no file)",
    ),
    ("edit", "edit an encrypted file in $SOPS_EDITOR / $EDITOR"),
    (
        "rotate",
        "new data key, keys added (--add-*) or removed (--rm-*); stdout unless -i",
    ),
    (
        "set",
        "set one value: FILE INDEX VALUE (JSON), --value-file or --value-stdin",
    ),
    ("unset", "remove one value: FILE INDEX"),
    ("updatekeys", "make the keys of files match .sops.yaml"),
    (
        "exec-env",
        "run a command with the file's values in its environment",
    ),
    ("exec-file", "run a command with the decrypted file at {}"),
    ("filestatus", "print {\"encrypted\":true|false}"),
    (
        "groups",
        "groups add --file F --age …|--pgp …|--kms …; groups delete --file F INDEX",
    ),
    ("completion", "completion bash|zsh: a completion script"),
    ("publish", "refused: veil does not upload files"),
    ("keyservice", "refused: veil has no key service server"),
];

fn names(f: &Flag) -> String {
    let mut out: Vec<String> = f
        .names
        .iter()
        .map(|n| {
            if n.len() == 1 {
                format!("-{n}")
            } else {
                format!("--{n}")
            }
        })
        .collect();
    out.sort_by_key(|n| n.len());
    let value = match f.ty {
        Ty::Str | Ty::Many => " VALUE",
        Ty::Int => " N",
        _ => "",
    };
    format!("{}{value}", out.join(", "))
}

/// `sops --help`.
pub fn help() -> String {
    let mut out = format!(
        "sops {} (veil {}): veil answering sops's command line\n\n\
         USAGE: sops [options] FILE            edit FILE (or -e, -d, -r, --set on it)\n       \
         sops [options] COMMAND [command options] [arguments]\n\n\
         Flags go before the file. `veil --help` describes veil's own commands.\n\nCOMMANDS:\n",
        super::SOPS_VERSION,
        env!("CARGO_PKG_VERSION")
    );
    for (c, what) in SUMMARY {
        out.push_str(&format!("   {c:<12} {what}\n"));
    }
    out.push_str("\nGLOBAL OPTIONS:\n");
    for f in flags::global() {
        out.push_str(&format!("   {}\n", names(&f)));
    }
    out
}

fn words(flags: &[Flag]) -> String {
    let mut w: Vec<String> = flags
        .iter()
        .flat_map(|f| {
            f.names.iter().map(|n| {
                if n.len() == 1 {
                    format!("-{n}")
                } else {
                    format!("--{n}")
                }
            })
        })
        .collect();
    w.sort();
    w.join(" ")
}

/// `sops completion bash`.
pub fn bash() -> String {
    let mut cases = String::new();
    for c in flags::COMMANDS {
        if let Some(f) = flags::command(c) {
            cases.push_str(&format!("        {c}) opts=\"{}\" ;;\n", words(&f)));
        }
    }
    format!(
        "# bash completion for sops (veil's sops personality)\n\
         _sops() {{\n    local cur cmd opts i\n    cur=\"${{COMP_WORDS[COMP_CWORD]}}\"\n    cmd=\"\"\n    \
         for ((i = 1; i < COMP_CWORD; i++)); do\n        case \"${{COMP_WORDS[i]}}\" in -*) ;; *) cmd=\"${{COMP_WORDS[i]}}\"; break ;; esac\n    done\n    \
         case \"$cmd\" in\n{cases}        \"\") opts=\"{} {}\" ;;\n        *) opts=\"\" ;;\n    esac\n    \
         if [[ \"$cur\" == -* || -z \"$cmd\" ]]; then\n        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n    fi\n    \
         [[ ${{#COMPREPLY[@]}} -eq 0 ]] && COMPREPLY=($(compgen -f -- \"$cur\"))\n}}\ncomplete -F _sops sops\n",
        words(&flags::global()),
        flags::COMMANDS.join(" ")
    )
}

/// `sops completion zsh`.
pub fn zsh() -> String {
    let mut cases = String::new();
    for c in flags::COMMANDS {
        if let Some(f) = flags::command(c) {
            cases.push_str(&format!("        {c}) opts=({}) ;;\n", words(&f)));
        }
    }
    format!(
        "#compdef sops\n# zsh completion for sops (veil's sops personality)\n\
         _sops() {{\n    local -a opts\n    local cmd=${{words[2]}}\n    case $cmd in\n{cases}        \
         *) opts=({} {}) ;;\n    esac\n    _alternative \"args:options:($opts)\" 'files:file:_files'\n}}\n\
         compdef _sops sops\n",
        words(&flags::global()),
        flags::COMMANDS.join(" ")
    )
}
