# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_veil_global_optspecs
    string join \n config= decryption-order= v/verbose require-authenticator h/help V/version
end

function __fish_veil_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_veil_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_veil_using_subcommand
    set -l cmd (__fish_veil_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c veil -n "__fish_veil_needs_command" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_needs_command" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_needs_command" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_needs_command" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_needs_command" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_needs_command" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_needs_command" -f -a "encrypt" -d 'Encrypt a file\'s values (stdout unless -i or --output)'
complete -c veil -n "__fish_veil_needs_command" -f -a "decrypt" -d 'Decrypt a file (stdout unless -i or --output)'
complete -c veil -n "__fish_veil_needs_command" -f -a "edit" -d 'Edit an encrypted file in $EDITOR (decrypted in a private temporary file)'
complete -c veil -n "__fish_veil_needs_command" -f -a "set" -d 'Set one value of an encrypted file: veil set FILE \'["key"]\' --value-stdin'
complete -c veil -n "__fish_veil_needs_command" -f -a "unset" -d 'Remove one entry of an encrypted file'
complete -c veil -n "__fish_veil_needs_command" -f -a "rotate" -d 'New data key, every value re-encrypted; add or remove recipients'
complete -c veil -n "__fish_veil_needs_command" -f -a "updatekeys" -d 'Make the recipients of encrypted files match .sops.yaml'
complete -c veil -n "__fish_veil_needs_command" -f -a "groups" -d 'Add or remove a key group of an encrypted file (the data key is kept)'
complete -c veil -n "__fish_veil_needs_command" -f -a "check" -d 'Policy gate: unencrypted files, plaintext values, drifted recipients, old data keys'
complete -c veil -n "__fish_veil_needs_command" -f -a "config" -d 'Explain the configuration'
complete -c veil -n "__fish_veil_needs_command" -f -a "exec-env" -d 'Run a command with the top-level values of encrypted files in its environment'
complete -c veil -n "__fish_veil_needs_command" -f -a "exec-file" -d 'Run a command with the decrypted file(s) at a private path ({} in the command)'
complete -c veil -n "__fish_veil_needs_command" -f -a "keygen" -d 'Generate an age identity (X25519, or post-quantum with --pq); the public key goes to stderr'
complete -c veil -n "__fish_veil_needs_command" -f -a "filestatus" -d 'Tell whether a file is encrypted, as JSON: {"encrypted":true}'
complete -c veil -n "__fish_veil_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c veil -n "__fish_veil_needs_command" -f -a "scan" -d 'Find secrets in a repository\'s history, staged changes, a commit range or plain files'
complete -c veil -n "__fish_veil_needs_command" -f -a "hook" -d 'Manage the git pre-commit hook that runs `veil scan --staged`'
complete -c veil -n "__fish_veil_needs_command" -f -a "git" -d 'Git integration: a merge driver and a diff textconv for encrypted files'
complete -c veil -n "__fish_veil_needs_command" -f -a "ci" -d 'CI helpers: mask the secret values of encrypted files in GitHub Actions logs'
complete -c veil -n "__fish_veil_needs_command" -f -a "man" -d 'Write the man pages (veil.1, veil-COMMAND.1) into a directory, e.g. ~/.local/share/man/man1'
complete -c veil -n "__fish_veil_needs_command" -f -a "sops" -d 'Answer sops 3.11\'s command line (as when veil is installed as `sops`): veil sops -d FILE'
complete -c veil -n "__fish_veil_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l output -d 'Write the result to this file (atomically) instead of standard output' -r -F
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l input-type -d 'Format of the input (default: from the file extension; unknown extensions are binary)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l output-type -d 'Format of the output (default: from the file extension)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l filename-override -d 'File name used to detect the format and to match creation rules when reading stdin' -r -F
complete -c veil -n "__fish_veil_using_subcommand encrypt" -s a -l age -d 'age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …), comma-separated' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -s p -l pgp -d 'PGP fingerprints, comma-separated (encrypted through gpg)' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -s k -l kms -d 'AWS KMS keys, comma-separated ARN[+ROLE_ARN]' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l encryption-context -d 'KMS encryption context: key:value,key2:value2' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l aws-profile -d 'AWS profile for the KMS keys' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l gcp-kms -d 'GCP KMS resource IDs: refused (exit 113), veil cannot use GCP KMS' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l azure-kv -d 'Azure Key Vault URLs: refused (exit 113), veil cannot use Azure Key Vault' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l hc-vault-transit -d 'HashiCorp Vault transit URIs: refused (exit 113), veil cannot use Vault' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l hckms -d 'HuaweiCloud KMS key IDs: refused (exit 113), veil cannot use HuaweiCloud KMS' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to recover the data key (with several key groups)' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l unencrypted-suffix -d 'Leave values clear when a key on their path ends with this suffix (default `_unencrypted`)' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l encrypted-suffix -d 'Encrypt only values with a key on their path ending with this suffix' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l unencrypted-regex -d 'Leave values clear when a key on their path matches this regex' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l encrypted-regex -d 'Encrypt only values with a key on their path matching this regex' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l unencrypted-comment-regex -d 'Leave values clear after a comment matching this regex' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l encrypted-comment-regex -d 'Encrypt only values after a comment matching this regex' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand encrypt" -s i -l in-place -d 'Write the result back to FILE (atomically)'
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l mac-only-encrypted -d 'Compute the MAC over encrypted values only'
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l sops-layout -d 'Lay the file out as sops does (re-rendered: sops\'s indentation — `--indent` or the `stores:` settings of .sops.yaml —, quoting and timestamps) instead of keeping the input\'s layout; decrypting then gives the re-rendered text'
complete -c veil -n "__fish_veil_using_subcommand encrypt" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand encrypt" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand encrypt" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand encrypt" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand decrypt" -l output -d 'Write the result to this file (atomically) instead of standard output' -r -F
complete -c veil -n "__fish_veil_using_subcommand decrypt" -l input-type -d 'Format of the input (default: from the file extension; unknown extensions are binary)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand decrypt" -l output-type -d 'Format of the output (default: from the file extension)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand decrypt" -l filename-override -d 'File name used to detect the format and to match creation rules when reading stdin' -r -F
complete -c veil -n "__fish_veil_using_subcommand decrypt" -l extract -d 'Print only the value at this tree path, e.g. \'["database"]["password"]\'' -r
complete -c veil -n "__fish_veil_using_subcommand decrypt" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand decrypt" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand decrypt" -s i -l in-place -d 'Write the result back to FILE (atomically)'
complete -c veil -n "__fish_veil_using_subcommand decrypt" -l ignore-mac -d 'Do not verify the MAC (values are still authenticated one by one)'
complete -c veil -n "__fish_veil_using_subcommand decrypt" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand decrypt" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand decrypt" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand decrypt" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand edit" -l input-type -d 'Format of the file (default: from the extension)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand edit" -s a -l age -d 'age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …), comma-separated' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -s p -l pgp -d 'PGP fingerprints, comma-separated (encrypted through gpg)' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -s k -l kms -d 'AWS KMS keys, comma-separated ARN[+ROLE_ARN]' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -l encryption-context -d 'KMS encryption context: key:value,key2:value2' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -l aws-profile -d 'AWS profile for the KMS keys' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -l gcp-kms -d 'GCP KMS resource IDs: refused (exit 113), veil cannot use GCP KMS' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -l azure-kv -d 'Azure Key Vault URLs: refused (exit 113), veil cannot use Azure Key Vault' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -l hc-vault-transit -d 'HashiCorp Vault transit URIs: refused (exit 113), veil cannot use Vault' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -l hckms -d 'HuaweiCloud KMS key IDs: refused (exit 113), veil cannot use HuaweiCloud KMS' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to recover the data key of a new file' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -l unencrypted-suffix -d 'Leave values clear when a key on their path ends with this suffix (default `_unencrypted`)' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -l encrypted-suffix -d 'Encrypt only values with a key on their path ending with this suffix' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -l unencrypted-regex -d 'Leave values clear when a key on their path matches this regex' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -l encrypted-regex -d 'Encrypt only values with a key on their path matching this regex' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -l unencrypted-comment-regex -d 'Leave values clear after a comment matching this regex' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -l encrypted-comment-regex -d 'Encrypt only values after a comment matching this regex' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand edit" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand edit" -l mac-only-encrypted -d 'Compute the MAC over encrypted values only'
complete -c veil -n "__fish_veil_using_subcommand edit" -s s -l show-master-keys -d 'Show the file\'s metadata (master keys…) in the editor too; what is saved there is kept'
complete -c veil -n "__fish_veil_using_subcommand edit" -l keep-key-env -d 'Pass the identity variables (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, …) on to the editor'
complete -c veil -n "__fish_veil_using_subcommand edit" -l ignore-mac -d 'Edit the file even if its MAC does not match (the MAC is then computed anew)'
complete -c veil -n "__fish_veil_using_subcommand edit" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand edit" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand edit" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand edit" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand set" -l input-type -d 'Format of the file (default: from the extension)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand set" -l output-type -d 'Rewrite the file in this format (default: its own, changed in place line by line)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand set" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand set" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand set" -l value-stdin -d 'Read the JSON value from standard input'
complete -c veil -n "__fish_veil_using_subcommand set" -l value-file -d 'Treat VALUE as the name of a file holding the JSON value'
complete -c veil -n "__fish_veil_using_subcommand set" -l idempotent -d 'Do nothing (and succeed) when the value is already set'
complete -c veil -n "__fish_veil_using_subcommand set" -l ignore-mac -d 'Change the file even if its MAC does not match (the MAC is then computed anew)'
complete -c veil -n "__fish_veil_using_subcommand set" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand set" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand set" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand set" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand unset" -l input-type -d 'Format of the file (default: from the extension)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand unset" -l output-type -d 'Rewrite the file in this format (default: its own, changed in place line by line)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand unset" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand unset" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand unset" -l idempotent -d 'Succeed when the path does not exist'
complete -c veil -n "__fish_veil_using_subcommand unset" -l ignore-mac -d 'Change the file even if its MAC does not match (the MAC is then computed anew)'
complete -c veil -n "__fish_veil_using_subcommand unset" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand unset" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand unset" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand unset" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand rotate" -l add-age -d 'age recipients to add (to the first key group), comma-separated' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l rm-age -d 'age recipients to remove (from every key group), comma-separated' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l add-pgp -d 'PGP fingerprints to add (to the first key group), comma-separated' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l rm-pgp -d 'PGP fingerprints to remove (from every key group), comma-separated' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l add-kms -d 'AWS KMS keys to add, comma-separated ARN[+ROLE_ARN]' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l rm-kms -d 'AWS KMS keys to remove, comma-separated ARNs (whatever their context)' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l encryption-context -d 'Encryption context of the added KMS keys: key:value,key2:value2' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l aws-profile -d 'AWS profile of the added KMS keys' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l rm-gcp-kms -d 'GCP KMS keys to remove, comma-separated resource IDs (veil cannot add them)' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l rm-azure-kv -d 'Azure Key Vault keys to remove, comma-separated URLs (veil cannot add them)' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l rm-hc-vault-transit -d 'HashiCorp Vault transit keys to remove, comma-separated URIs (veil cannot add them)' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l rm-hckms -d 'HuaweiCloud KMS keys to remove, comma-separated key IDs (veil cannot add them)' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l add-gcp-kms -d 'Refused with exit 113: veil cannot wrap for GCP KMS keys' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l add-azure-kv -d 'Refused with exit 113: veil cannot wrap for Azure Key Vault keys' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l add-hc-vault-transit -d 'Refused with exit 113: veil cannot wrap for HashiCorp Vault keys' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l add-hckms -d 'Refused with exit 113: veil cannot wrap for HuaweiCloud KMS keys' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l output -d 'Write the rotated file here (atomically; `-` for standard output) instead of in place: one FILE only' -r -F
complete -c veil -n "__fish_veil_using_subcommand rotate" -l input-type -d 'Format of the files (default: from the extension)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand rotate" -l output-type -d 'Format of the rotated file with --output (default: the input\'s)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand rotate" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand rotate" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand rotate" -l all -d 'Rotate every encrypted file of the repository (git\'s tracked files, or a directory walk outside git)'
complete -c veil -n "__fish_veil_using_subcommand rotate" -l dry-run -d 'Show what would change without writing'
complete -c veil -n "__fish_veil_using_subcommand rotate" -s i -l in-place -d 'Accepted for sops compatibility: rotation writes in place unless --output is given'
complete -c veil -n "__fish_veil_using_subcommand rotate" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand rotate" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand rotate" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand rotate" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand updatekeys" -l input-type -d 'Format of the files (default: from the extension)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand updatekeys" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand updatekeys" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand updatekeys" -l all -d 'Every encrypted file of the repository'
complete -c veil -n "__fish_veil_using_subcommand updatekeys" -s y -l yes -d 'Do not ask for confirmation'
complete -c veil -n "__fish_veil_using_subcommand updatekeys" -l dry-run -d 'Show the planned changes without writing'
complete -c veil -n "__fish_veil_using_subcommand updatekeys" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand updatekeys" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand updatekeys" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand updatekeys" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand groups; and not __fish_seen_subcommand_from add remove help" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand groups; and not __fish_seen_subcommand_from add remove help" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand groups; and not __fish_seen_subcommand_from add remove help" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand groups; and not __fish_seen_subcommand_from add remove help" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand groups; and not __fish_seen_subcommand_from add remove help" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand groups; and not __fish_seen_subcommand_from add remove help" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand groups; and not __fish_seen_subcommand_from add remove help" -f -a "add" -d 'Add a key group with the given master keys (stdout unless -i or --output)'
complete -c veil -n "__fish_veil_using_subcommand groups; and not __fish_seen_subcommand_from add remove help" -f -a "remove" -d 'Remove the key group at INDEX, counted from 0 (stdout unless -i or --output)'
complete -c veil -n "__fish_veil_using_subcommand groups; and not __fish_seen_subcommand_from add remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -l output -d 'Write the result to this file (atomically) instead of standard output' -r -F
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -l input-type -d 'Format of the file (default: from the extension)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to recover the data key (default: the file\'s, or all groups)' -r
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -s a -l age -d 'age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …), comma-separated' -r
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -s p -l pgp -d 'PGP fingerprints, comma-separated (encrypted through gpg)' -r
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -s k -l kms -d 'AWS KMS keys, comma-separated ARN[+ROLE_ARN]' -r
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -l encryption-context -d 'KMS encryption context: key:value,key2:value2' -r
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -l aws-profile -d 'AWS profile for the KMS keys' -r
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -l gcp-kms -d 'GCP KMS resource IDs: refused (exit 113), veil cannot use GCP KMS' -r
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -l azure-kv -d 'Azure Key Vault URLs: refused (exit 113), veil cannot use Azure Key Vault' -r
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -l hc-vault-transit -d 'HashiCorp Vault transit URIs: refused (exit 113), veil cannot use Vault' -r
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -l hckms -d 'HuaweiCloud KMS key IDs: refused (exit 113), veil cannot use HuaweiCloud KMS' -r
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -s i -l in-place -d 'Write the result back to FILE (atomically)'
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from remove" -l output -d 'Write the result to this file (atomically) instead of standard output' -r -F
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from remove" -l input-type -d 'Format of the file (default: from the extension)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from remove" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to recover the data key (default: the file\'s, or all groups)' -r
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from remove" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from remove" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from remove" -s i -l in-place -d 'Write the result back to FILE (atomically)'
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from remove" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a key group with the given master keys (stdout unless -i or --output)'
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove the key group at INDEX, counted from 0 (stdout unless -i or --output)'
complete -c veil -n "__fish_veil_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c veil -n "__fish_veil_using_subcommand check" -l max-age -d 'Maximum age of a data key, e.g. 90d, 12w (default: max_data_key_age in .sops.yaml)' -r
complete -c veil -n "__fish_veil_using_subcommand check" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c veil -n "__fish_veil_using_subcommand check" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand check" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand check" -l staged -d 'Check what is staged in git\'s index (the pre-commit case)'
complete -c veil -n "__fish_veil_using_subcommand check" -l verify -d 'Also decrypt every encrypted file and verify its MAC (needs identities)'
complete -c veil -n "__fish_veil_using_subcommand check" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand check" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand check" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand check" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand config; and not __fish_seen_subcommand_from explain help" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand config; and not __fish_seen_subcommand_from explain help" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand config; and not __fish_seen_subcommand_from explain help" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand config; and not __fish_seen_subcommand_from explain help" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand config; and not __fish_seen_subcommand_from explain help" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand config; and not __fish_seen_subcommand_from explain help" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand config; and not __fish_seen_subcommand_from explain help" -f -a "explain" -d 'Show which creation rule of .sops.yaml matches a path, why, and its recipients'
complete -c veil -n "__fish_veil_using_subcommand config; and not __fish_seen_subcommand_from explain help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c veil -n "__fish_veil_using_subcommand config; and __fish_seen_subcommand_from explain" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand config; and __fish_seen_subcommand_from explain" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand config; and __fish_seen_subcommand_from explain" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand config; and __fish_seen_subcommand_from explain" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand config; and __fish_seen_subcommand_from explain" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand config; and __fish_seen_subcommand_from explain" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "explain" -d 'Show which creation rule of .sops.yaml matches a path, why, and its recipients'
complete -c veil -n "__fish_veil_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c veil -n "__fish_veil_using_subcommand exec-env" -l input-type -d 'Format of the files (default: from each extension)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand exec-env" -l user -d 'Run the command as this user (needs root)' -r
complete -c veil -n "__fish_veil_using_subcommand exec-env" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand exec-env" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand exec-env" -l pristine -d 'Do not inherit the environment of veil'
complete -c veil -n "__fish_veil_using_subcommand exec-env" -l keep-key-env -d 'Pass the identity variables (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, …) on to the command'
complete -c veil -n "__fish_veil_using_subcommand exec-env" -l background -d 'Start the command and exit at once, without waiting for it'
complete -c veil -n "__fish_veil_using_subcommand exec-env" -l same-process -d 'Replace veil with the command instead of running it as a child'
complete -c veil -n "__fish_veil_using_subcommand exec-env" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand exec-env" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand exec-env" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand exec-env" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand exec-file" -l filename -d 'Name of the decrypted file inside its private directory' -r
complete -c veil -n "__fish_veil_using_subcommand exec-file" -l input-type -d 'Format of the files (default: from each extension)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand exec-file" -l output-type -d 'Format of the decrypted file (default: the first input\'s)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand exec-file" -l user -d 'Run the command as this user (needs root)' -r
complete -c veil -n "__fish_veil_using_subcommand exec-file" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand exec-file" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand exec-file" -l no-fifo -d 'Write a regular file (0600, removed afterwards) instead of a FIFO'
complete -c veil -n "__fish_veil_using_subcommand exec-file" -l keep-key-env -d 'Pass the identity variables (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, …) on to the command'
complete -c veil -n "__fish_veil_using_subcommand exec-file" -l background -d 'Start the command and exit once it has read the file, without waiting for it to end (the file is removed when it ends)'
complete -c veil -n "__fish_veil_using_subcommand exec-file" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand exec-file" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand exec-file" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand exec-file" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand keygen" -s o -l output -d 'Write the identity to this file (created 0600; an existing file is not overwritten)' -r -F
complete -c veil -n "__fish_veil_using_subcommand keygen" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand keygen" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand keygen" -l pq -d 'A post-quantum hybrid identity (ML-KEM-768 + X25519: AGE-SECRET-KEY-PQ-1…, age1pq1…)'
complete -c veil -n "__fish_veil_using_subcommand keygen" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand keygen" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand keygen" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand keygen" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand filestatus" -l input-type -d 'Format of the file (default: from the extension)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand filestatus" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand filestatus" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand filestatus" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand filestatus" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand filestatus" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand filestatus" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand completions" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand completions" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand completions" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand completions" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand completions" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand completions" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand scan" -l range -d 'Scan what the commits of a range introduce, e.g. `origin/main..HEAD` (for CI): a secret that a file already held before the range is not reported' -r
complete -c veil -n "__fish_veil_using_subcommand scan" -l max-blob-size -d 'Skip blobs larger than this (bytes, or with a K/M/G suffix); they are counted' -r
complete -c veil -n "__fish_veil_using_subcommand scan" -l format -d 'Output format' -r -f -a "text\t''
json\t''
sarif\t''"
complete -c veil -n "__fish_veil_using_subcommand scan" -s o -l output -d 'Write the report to this file instead of standard output' -r -F
complete -c veil -n "__fish_veil_using_subcommand scan" -l baseline -d 'Report only the findings that are not in this baseline file' -r -F
complete -c veil -n "__fish_veil_using_subcommand scan" -l write-baseline -d 'Write the findings as a baseline file (sorted, one a line) and exit 0' -r -F
complete -c veil -n "__fish_veil_using_subcommand scan" -l ignore-file -d 'The ignore file (default: .veilignore at the root of the repository or directory)' -r -F
complete -c veil -n "__fish_veil_using_subcommand scan" -l threads -d 'Worker threads (default: one per core)' -r
complete -c veil -n "__fish_veil_using_subcommand scan" -l fingerprint-key -d 'The fingerprint key file (default: $VEIL_SCAN_KEY, .veil-scan-key at the root, or the clone\'s own key in the git directory)' -r -F
complete -c veil -n "__fish_veil_using_subcommand scan" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand scan" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand scan" -l staged -d 'Scan what the index adds compared with HEAD (for a pre-commit hook): only secrets that HEAD\'s version of the file does not already hold. With file names, only those files, and a named file that the index does not change is scanned whole (`pre-commit run --all-files`). Files over --max-blob-size are scanned part by part, not skipped'
complete -c veil -n "__fish_veil_using_subcommand scan" -l worktree -d 'Scan the files of the working tree (respecting .gitignore) instead of the history'
complete -c veil -n "__fish_veil_using_subcommand scan" -l decrypt -d 'Decrypt the repository\'s encrypted files (with the identities found as for `decrypt`) and report files holding copies of their values'
complete -c veil -n "__fish_veil_using_subcommand scan" -l show-secrets -d 'Print secrets in full (they are redacted by default)'
complete -c veil -n "__fish_veil_using_subcommand scan" -s q -l quiet -d 'No progress bar and no summary on stderr'
complete -c veil -n "__fish_veil_using_subcommand scan" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand scan" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand scan" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand scan" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand hook; and not __fish_seen_subcommand_from install help" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand hook; and not __fish_seen_subcommand_from install help" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand hook; and not __fish_seen_subcommand_from install help" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand hook; and not __fish_seen_subcommand_from install help" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand hook; and not __fish_seen_subcommand_from install help" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand hook; and not __fish_seen_subcommand_from install help" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand hook; and not __fish_seen_subcommand_from install help" -f -a "install" -d 'Install the pre-commit hook in the repository of the current directory (or PATH)'
complete -c veil -n "__fish_veil_using_subcommand hook; and not __fish_seen_subcommand_from install help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c veil -n "__fish_veil_using_subcommand hook; and __fish_seen_subcommand_from install" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand hook; and __fish_seen_subcommand_from install" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand hook; and __fish_seen_subcommand_from install" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand hook; and __fish_seen_subcommand_from install" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand hook; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand hook; and __fish_seen_subcommand_from install" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "install" -d 'Install the pre-commit hook in the repository of the current directory (or PATH)'
complete -c veil -n "__fish_veil_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c veil -n "__fish_veil_using_subcommand git; and not __fish_seen_subcommand_from setup merge textconv help" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand git; and not __fish_seen_subcommand_from setup merge textconv help" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand git; and not __fish_seen_subcommand_from setup merge textconv help" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand git; and not __fish_seen_subcommand_from setup merge textconv help" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand git; and not __fish_seen_subcommand_from setup merge textconv help" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand git; and not __fish_seen_subcommand_from setup merge textconv help" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand git; and not __fish_seen_subcommand_from setup merge textconv help" -f -a "setup" -d 'Register veil as git\'s merge driver and diff textconv, and write .gitattributes entries for the files the creation rules of .sops.yaml cover'
complete -c veil -n "__fish_veil_using_subcommand git; and not __fish_seen_subcommand_from setup merge textconv help" -f -a "merge" -d 'The merge driver git runs (merge.veil.driver = veil git merge %O %A %B %P): merges the values of an encrypted file three-way and writes the result, encrypted, over %A'
complete -c veil -n "__fish_veil_using_subcommand git; and not __fish_seen_subcommand_from setup merge textconv help" -f -a "textconv" -d 'The diff textconv git runs (diff.veil.textconv = veil git textconv): the decrypted file on stdout, or the encrypted text and a note on stderr without an identity'
complete -c veil -n "__fish_veil_using_subcommand git; and not __fish_seen_subcommand_from setup merge textconv help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from setup" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from setup" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from setup" -l global -d 'Register the driver and the textconv in the global git configuration (~/.gitconfig) instead of the repository\'s; .gitattributes is still written when run in a repository'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from setup" -l no-attributes -d 'Only register the driver and the textconv; leave .gitattributes alone'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from setup" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from setup" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from setup" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from setup" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from merge" -l input-type -d 'Format of the file (default: from the extension of PATH)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from merge" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from merge" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from merge" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from merge" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from merge" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from merge" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from textconv" -l input-type -d 'Format of the file (default: from the extension)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from textconv" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from textconv" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from textconv" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from textconv" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from textconv" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from textconv" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "setup" -d 'Register veil as git\'s merge driver and diff textconv, and write .gitattributes entries for the files the creation rules of .sops.yaml cover'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "merge" -d 'The merge driver git runs (merge.veil.driver = veil git merge %O %A %B %P): merges the values of an encrypted file three-way and writes the result, encrypted, over %A'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "textconv" -d 'The diff textconv git runs (diff.veil.textconv = veil git textconv): the decrypted file on stdout, or the encrypted text and a note on stderr without an identity'
complete -c veil -n "__fish_veil_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c veil -n "__fish_veil_using_subcommand ci; and not __fish_seen_subcommand_from mask help" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand ci; and not __fish_seen_subcommand_from mask help" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand ci; and not __fish_seen_subcommand_from mask help" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand ci; and not __fish_seen_subcommand_from mask help" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand ci; and not __fish_seen_subcommand_from mask help" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand ci; and not __fish_seen_subcommand_from mask help" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand ci; and not __fish_seen_subcommand_from mask help" -f -a "mask" -d 'Print a GitHub Actions `::add-mask::` line for every encrypted value of the files (run it in a workflow step before anything can print a value); multi-line values are masked line by line too'
complete -c veil -n "__fish_veil_using_subcommand ci; and not __fish_seen_subcommand_from mask help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c veil -n "__fish_veil_using_subcommand ci; and __fish_seen_subcommand_from mask" -l min-length -d 'Values (and lines of multi-line values) shorter than this many characters are not masked: the runner would blank every occurrence of `1` or `}` in the logs' -r
complete -c veil -n "__fish_veil_using_subcommand ci; and __fish_seen_subcommand_from mask" -l input-type -d 'Format of the files (default: from each extension)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c veil -n "__fish_veil_using_subcommand ci; and __fish_seen_subcommand_from mask" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand ci; and __fish_seen_subcommand_from mask" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand ci; and __fish_seen_subcommand_from mask" -l force -d 'Print the lines even to a terminal (they hold the values)'
complete -c veil -n "__fish_veil_using_subcommand ci; and __fish_seen_subcommand_from mask" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand ci; and __fish_seen_subcommand_from mask" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand ci; and __fish_seen_subcommand_from mask" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand ci; and __fish_seen_subcommand_from mask" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand ci; and __fish_seen_subcommand_from help" -f -a "mask" -d 'Print a GitHub Actions `::add-mask::` line for every encrypted value of the files (run it in a workflow step before anything can print a value); multi-line values are masked line by line too'
complete -c veil -n "__fish_veil_using_subcommand ci; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c veil -n "__fish_veil_using_subcommand man" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand man" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand man" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand man" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand man" -s h -l help -d 'Print help'
complete -c veil -n "__fish_veil_using_subcommand man" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand sops" -l config -d 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)' -r -F
complete -c veil -n "__fish_veil_using_subcommand sops" -l decryption-order -d 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)' -r
complete -c veil -n "__fish_veil_using_subcommand sops" -s v -l verbose -d 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
complete -c veil -n "__fish_veil_using_subcommand sops" -l require-authenticator -d 'Refuse to read a file without veil\'s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
complete -c veil -n "__fish_veil_using_subcommand sops" -s V -l version -d 'Print version'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "encrypt" -d 'Encrypt a file\'s values (stdout unless -i or --output)'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "decrypt" -d 'Decrypt a file (stdout unless -i or --output)'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "edit" -d 'Edit an encrypted file in $EDITOR (decrypted in a private temporary file)'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "set" -d 'Set one value of an encrypted file: veil set FILE \'["key"]\' --value-stdin'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "unset" -d 'Remove one entry of an encrypted file'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "rotate" -d 'New data key, every value re-encrypted; add or remove recipients'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "updatekeys" -d 'Make the recipients of encrypted files match .sops.yaml'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "groups" -d 'Add or remove a key group of an encrypted file (the data key is kept)'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "check" -d 'Policy gate: unencrypted files, plaintext values, drifted recipients, old data keys'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "config" -d 'Explain the configuration'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "exec-env" -d 'Run a command with the top-level values of encrypted files in its environment'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "exec-file" -d 'Run a command with the decrypted file(s) at a private path ({} in the command)'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "keygen" -d 'Generate an age identity (X25519, or post-quantum with --pq); the public key goes to stderr'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "filestatus" -d 'Tell whether a file is encrypted, as JSON: {"encrypted":true}'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "completions" -d 'Print a shell completion script'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "scan" -d 'Find secrets in a repository\'s history, staged changes, a commit range or plain files'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "hook" -d 'Manage the git pre-commit hook that runs `veil scan --staged`'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "git" -d 'Git integration: a merge driver and a diff textconv for encrypted files'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "ci" -d 'CI helpers: mask the secret values of encrypted files in GitHub Actions logs'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "man" -d 'Write the man pages (veil.1, veil-COMMAND.1) into a directory, e.g. ~/.local/share/man/man1'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "sops" -d 'Answer sops 3.11\'s command line (as when veil is installed as `sops`): veil sops -d FILE'
complete -c veil -n "__fish_veil_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit set unset rotate updatekeys groups check config exec-env exec-file keygen filestatus completions scan hook git ci man sops help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c veil -n "__fish_veil_using_subcommand help; and __fish_seen_subcommand_from groups" -f -a "add" -d 'Add a key group with the given master keys (stdout unless -i or --output)'
complete -c veil -n "__fish_veil_using_subcommand help; and __fish_seen_subcommand_from groups" -f -a "remove" -d 'Remove the key group at INDEX, counted from 0 (stdout unless -i or --output)'
complete -c veil -n "__fish_veil_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "explain" -d 'Show which creation rule of .sops.yaml matches a path, why, and its recipients'
complete -c veil -n "__fish_veil_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "install" -d 'Install the pre-commit hook in the repository of the current directory (or PATH)'
complete -c veil -n "__fish_veil_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "setup" -d 'Register veil as git\'s merge driver and diff textconv, and write .gitattributes entries for the files the creation rules of .sops.yaml cover'
complete -c veil -n "__fish_veil_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "merge" -d 'The merge driver git runs (merge.veil.driver = veil git merge %O %A %B %P): merges the values of an encrypted file three-way and writes the result, encrypted, over %A'
complete -c veil -n "__fish_veil_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "textconv" -d 'The diff textconv git runs (diff.veil.textconv = veil git textconv): the decrypted file on stdout, or the encrypted text and a note on stderr without an identity'
complete -c veil -n "__fish_veil_using_subcommand help; and __fish_seen_subcommand_from ci" -f -a "mask" -d 'Print a GitHub Actions `::add-mask::` line for every encrypted value of the files (run it in a workflow step before anything can print a value); multi-line values are masked line by line too'
