
use builtin;
use str;

set edit:completion:arg-completer[veil] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'veil'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'veil'= {
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand encrypt 'Encrypt a file''s values (stdout unless -i or --output)'
            cand decrypt 'Decrypt a file (stdout unless -i or --output)'
            cand edit 'Edit an encrypted file in $EDITOR (decrypted in a private temporary file)'
            cand set 'Set one value of an encrypted file: veil set FILE ''["key"]'' --value-stdin'
            cand unset 'Remove one entry of an encrypted file'
            cand rotate 'New data key, every value re-encrypted; add or remove recipients'
            cand updatekeys 'Make the recipients of encrypted files match .sops.yaml'
            cand groups 'Add or remove a key group of an encrypted file (the data key is kept)'
            cand check 'Policy gate: unencrypted files, plaintext values, drifted recipients, old data keys'
            cand config 'Explain the configuration'
            cand exec-env 'Run a command with the top-level values of encrypted files in its environment'
            cand exec-file 'Run a command with the decrypted file(s) at a private path ({} in the command)'
            cand keygen 'Generate an age identity (X25519, or post-quantum with --pq); the public key goes to stderr'
            cand filestatus 'Tell whether a file is encrypted, as JSON: {"encrypted":true}'
            cand completions 'Print a shell completion script'
            cand scan 'Find secrets in a repository''s history, staged changes, a commit range or plain files'
            cand hook 'Manage the git pre-commit hook that runs `veil scan --staged`'
            cand git 'Git integration: a merge driver and a diff textconv for encrypted files'
            cand ci 'CI helpers: mask the secret values of encrypted files in GitHub Actions logs'
            cand man 'Write the man pages (veil.1, veil-COMMAND.1) into a directory, e.g. ~/.local/share/man/man1'
            cand sops 'Answer sops 3.11''s command line (as when veil is installed as `sops`): veil sops -d FILE'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'veil;encrypt'= {
            cand --output 'Write the result to this file (atomically) instead of standard output'
            cand --input-type 'Format of the input (default: from the file extension; unknown extensions are binary)'
            cand --output-type 'Format of the output (default: from the file extension)'
            cand --filename-override 'File name used to detect the format and to match creation rules when reading stdin'
            cand -a 'age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …), comma-separated'
            cand --age 'age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …), comma-separated'
            cand -p 'PGP fingerprints, comma-separated (encrypted through gpg)'
            cand --pgp 'PGP fingerprints, comma-separated (encrypted through gpg)'
            cand -k 'AWS KMS keys, comma-separated ARN[+ROLE_ARN]'
            cand --kms 'AWS KMS keys, comma-separated ARN[+ROLE_ARN]'
            cand --encryption-context 'KMS encryption context: key:value,key2:value2'
            cand --aws-profile 'AWS profile for the KMS keys'
            cand --gcp-kms 'GCP KMS resource IDs: refused (exit 113), veil cannot use GCP KMS'
            cand --azure-kv 'Azure Key Vault URLs: refused (exit 113), veil cannot use Azure Key Vault'
            cand --hc-vault-transit 'HashiCorp Vault transit URIs: refused (exit 113), veil cannot use Vault'
            cand --hckms 'HuaweiCloud KMS key IDs: refused (exit 113), veil cannot use HuaweiCloud KMS'
            cand --shamir-secret-sharing-threshold 'Number of key groups needed to recover the data key (with several key groups)'
            cand --unencrypted-suffix 'Leave values clear when a key on their path ends with this suffix (default `_unencrypted`)'
            cand --encrypted-suffix 'Encrypt only values with a key on their path ending with this suffix'
            cand --unencrypted-regex 'Leave values clear when a key on their path matches this regex'
            cand --encrypted-regex 'Encrypt only values with a key on their path matching this regex'
            cand --unencrypted-comment-regex 'Leave values clear after a comment matching this regex'
            cand --encrypted-comment-regex 'Encrypt only values after a comment matching this regex'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -i 'Write the result back to FILE (atomically)'
            cand --in-place 'Write the result back to FILE (atomically)'
            cand --mac-only-encrypted 'Compute the MAC over encrypted values only'
            cand --sops-layout 'Lay the file out as sops does (re-rendered: sops''s indentation — `--indent` or the `stores:` settings of .sops.yaml —, quoting and timestamps) instead of keeping the input''s layout; decrypting then gives the re-rendered text'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;decrypt'= {
            cand --output 'Write the result to this file (atomically) instead of standard output'
            cand --input-type 'Format of the input (default: from the file extension; unknown extensions are binary)'
            cand --output-type 'Format of the output (default: from the file extension)'
            cand --filename-override 'File name used to detect the format and to match creation rules when reading stdin'
            cand --extract 'Print only the value at this tree path, e.g. ''["database"]["password"]'''
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -i 'Write the result back to FILE (atomically)'
            cand --in-place 'Write the result back to FILE (atomically)'
            cand --ignore-mac 'Do not verify the MAC (values are still authenticated one by one)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;edit'= {
            cand --input-type 'Format of the file (default: from the extension)'
            cand -a 'age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …), comma-separated'
            cand --age 'age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …), comma-separated'
            cand -p 'PGP fingerprints, comma-separated (encrypted through gpg)'
            cand --pgp 'PGP fingerprints, comma-separated (encrypted through gpg)'
            cand -k 'AWS KMS keys, comma-separated ARN[+ROLE_ARN]'
            cand --kms 'AWS KMS keys, comma-separated ARN[+ROLE_ARN]'
            cand --encryption-context 'KMS encryption context: key:value,key2:value2'
            cand --aws-profile 'AWS profile for the KMS keys'
            cand --gcp-kms 'GCP KMS resource IDs: refused (exit 113), veil cannot use GCP KMS'
            cand --azure-kv 'Azure Key Vault URLs: refused (exit 113), veil cannot use Azure Key Vault'
            cand --hc-vault-transit 'HashiCorp Vault transit URIs: refused (exit 113), veil cannot use Vault'
            cand --hckms 'HuaweiCloud KMS key IDs: refused (exit 113), veil cannot use HuaweiCloud KMS'
            cand --shamir-secret-sharing-threshold 'Number of key groups needed to recover the data key of a new file'
            cand --unencrypted-suffix 'Leave values clear when a key on their path ends with this suffix (default `_unencrypted`)'
            cand --encrypted-suffix 'Encrypt only values with a key on their path ending with this suffix'
            cand --unencrypted-regex 'Leave values clear when a key on their path matches this regex'
            cand --encrypted-regex 'Encrypt only values with a key on their path matching this regex'
            cand --unencrypted-comment-regex 'Leave values clear after a comment matching this regex'
            cand --encrypted-comment-regex 'Encrypt only values after a comment matching this regex'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand --mac-only-encrypted 'Compute the MAC over encrypted values only'
            cand -s 'Show the file''s metadata (master keys…) in the editor too; what is saved there is kept'
            cand --show-master-keys 'Show the file''s metadata (master keys…) in the editor too; what is saved there is kept'
            cand --keep-key-env 'Pass the identity variables (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, …) on to the editor'
            cand --ignore-mac 'Edit the file even if its MAC does not match (the MAC is then computed anew)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;set'= {
            cand --input-type 'Format of the file (default: from the extension)'
            cand --output-type 'Rewrite the file in this format (default: its own, changed in place line by line)'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand --value-stdin 'Read the JSON value from standard input'
            cand --value-file 'Treat VALUE as the name of a file holding the JSON value'
            cand --idempotent 'Do nothing (and succeed) when the value is already set'
            cand --ignore-mac 'Change the file even if its MAC does not match (the MAC is then computed anew)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;unset'= {
            cand --input-type 'Format of the file (default: from the extension)'
            cand --output-type 'Rewrite the file in this format (default: its own, changed in place line by line)'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand --idempotent 'Succeed when the path does not exist'
            cand --ignore-mac 'Change the file even if its MAC does not match (the MAC is then computed anew)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;rotate'= {
            cand --add-age 'age recipients to add (to the first key group), comma-separated'
            cand --rm-age 'age recipients to remove (from every key group), comma-separated'
            cand --add-pgp 'PGP fingerprints to add (to the first key group), comma-separated'
            cand --rm-pgp 'PGP fingerprints to remove (from every key group), comma-separated'
            cand --add-kms 'AWS KMS keys to add, comma-separated ARN[+ROLE_ARN]'
            cand --rm-kms 'AWS KMS keys to remove, comma-separated ARNs (whatever their context)'
            cand --encryption-context 'Encryption context of the added KMS keys: key:value,key2:value2'
            cand --aws-profile 'AWS profile of the added KMS keys'
            cand --rm-gcp-kms 'GCP KMS keys to remove, comma-separated resource IDs (veil cannot add them)'
            cand --rm-azure-kv 'Azure Key Vault keys to remove, comma-separated URLs (veil cannot add them)'
            cand --rm-hc-vault-transit 'HashiCorp Vault transit keys to remove, comma-separated URIs (veil cannot add them)'
            cand --rm-hckms 'HuaweiCloud KMS keys to remove, comma-separated key IDs (veil cannot add them)'
            cand --add-gcp-kms 'Refused with exit 113: veil cannot wrap for GCP KMS keys'
            cand --add-azure-kv 'Refused with exit 113: veil cannot wrap for Azure Key Vault keys'
            cand --add-hc-vault-transit 'Refused with exit 113: veil cannot wrap for HashiCorp Vault keys'
            cand --add-hckms 'Refused with exit 113: veil cannot wrap for HuaweiCloud KMS keys'
            cand --output 'Write the rotated file here (atomically; `-` for standard output) instead of in place: one FILE only'
            cand --input-type 'Format of the files (default: from the extension)'
            cand --output-type 'Format of the rotated file with --output (default: the input''s)'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand --all 'Rotate every encrypted file of the repository (git''s tracked files, or a directory walk outside git)'
            cand --dry-run 'Show what would change without writing'
            cand -i 'Accepted for sops compatibility: rotation writes in place unless --output is given'
            cand --in-place 'Accepted for sops compatibility: rotation writes in place unless --output is given'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;updatekeys'= {
            cand --input-type 'Format of the files (default: from the extension)'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand --all 'Every encrypted file of the repository'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --dry-run 'Show the planned changes without writing'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;groups'= {
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a key group with the given master keys (stdout unless -i or --output)'
            cand remove 'Remove the key group at INDEX, counted from 0 (stdout unless -i or --output)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'veil;groups;add'= {
            cand --output 'Write the result to this file (atomically) instead of standard output'
            cand --input-type 'Format of the file (default: from the extension)'
            cand --shamir-secret-sharing-threshold 'Number of key groups needed to recover the data key (default: the file''s, or all groups)'
            cand -a 'age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …), comma-separated'
            cand --age 'age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …), comma-separated'
            cand -p 'PGP fingerprints, comma-separated (encrypted through gpg)'
            cand --pgp 'PGP fingerprints, comma-separated (encrypted through gpg)'
            cand -k 'AWS KMS keys, comma-separated ARN[+ROLE_ARN]'
            cand --kms 'AWS KMS keys, comma-separated ARN[+ROLE_ARN]'
            cand --encryption-context 'KMS encryption context: key:value,key2:value2'
            cand --aws-profile 'AWS profile for the KMS keys'
            cand --gcp-kms 'GCP KMS resource IDs: refused (exit 113), veil cannot use GCP KMS'
            cand --azure-kv 'Azure Key Vault URLs: refused (exit 113), veil cannot use Azure Key Vault'
            cand --hc-vault-transit 'HashiCorp Vault transit URIs: refused (exit 113), veil cannot use Vault'
            cand --hckms 'HuaweiCloud KMS key IDs: refused (exit 113), veil cannot use HuaweiCloud KMS'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -i 'Write the result back to FILE (atomically)'
            cand --in-place 'Write the result back to FILE (atomically)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;groups;remove'= {
            cand --output 'Write the result to this file (atomically) instead of standard output'
            cand --input-type 'Format of the file (default: from the extension)'
            cand --shamir-secret-sharing-threshold 'Number of key groups needed to recover the data key (default: the file''s, or all groups)'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -i 'Write the result back to FILE (atomically)'
            cand --in-place 'Write the result back to FILE (atomically)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;groups;help'= {
            cand add 'Add a key group with the given master keys (stdout unless -i or --output)'
            cand remove 'Remove the key group at INDEX, counted from 0 (stdout unless -i or --output)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'veil;groups;help;add'= {
        }
        &'veil;groups;help;remove'= {
        }
        &'veil;groups;help;help'= {
        }
        &'veil;check'= {
            cand --max-age 'Maximum age of a data key, e.g. 90d, 12w (default: max_data_key_age in .sops.yaml)'
            cand --format 'Output format'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand --staged 'Check what is staged in git''s index (the pre-commit case)'
            cand --verify 'Also decrypt every encrypted file and verify its MAC (needs identities)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;config'= {
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand explain 'Show which creation rule of .sops.yaml matches a path, why, and its recipients'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'veil;config;explain'= {
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;config;help'= {
            cand explain 'Show which creation rule of .sops.yaml matches a path, why, and its recipients'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'veil;config;help;explain'= {
        }
        &'veil;config;help;help'= {
        }
        &'veil;exec-env'= {
            cand --input-type 'Format of the files (default: from each extension)'
            cand --user 'Run the command as this user (needs root)'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand --pristine 'Do not inherit the environment of veil'
            cand --keep-key-env 'Pass the identity variables (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, …) on to the command'
            cand --background 'Start the command and exit at once, without waiting for it'
            cand --same-process 'Replace veil with the command instead of running it as a child'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;exec-file'= {
            cand --filename 'Name of the decrypted file inside its private directory'
            cand --input-type 'Format of the files (default: from each extension)'
            cand --output-type 'Format of the decrypted file (default: the first input''s)'
            cand --user 'Run the command as this user (needs root)'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand --no-fifo 'Write a regular file (0600, removed afterwards) instead of a FIFO'
            cand --keep-key-env 'Pass the identity variables (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, …) on to the command'
            cand --background 'Start the command and exit once it has read the file, without waiting for it to end (the file is removed when it ends)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;keygen'= {
            cand -o 'Write the identity to this file (created 0600; an existing file is not overwritten)'
            cand --output 'Write the identity to this file (created 0600; an existing file is not overwritten)'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand --pq 'A post-quantum hybrid identity (ML-KEM-768 + X25519: AGE-SECRET-KEY-PQ-1…, age1pq1…)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;filestatus'= {
            cand --input-type 'Format of the file (default: from the extension)'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;completions'= {
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;scan'= {
            cand --range 'Scan what the commits of a range introduce, e.g. `origin/main..HEAD` (for CI): a secret that a file already held before the range is not reported'
            cand --max-blob-size 'Skip blobs larger than this (bytes, or with a K/M/G suffix); they are counted'
            cand --format 'Output format'
            cand -o 'Write the report to this file instead of standard output'
            cand --output 'Write the report to this file instead of standard output'
            cand --baseline 'Report only the findings that are not in this baseline file'
            cand --write-baseline 'Write the findings as a baseline file (sorted, one a line) and exit 0'
            cand --ignore-file 'The ignore file (default: .veilignore at the root of the repository or directory)'
            cand --threads 'Worker threads (default: one per core)'
            cand --fingerprint-key 'The fingerprint key file (default: $VEIL_SCAN_KEY, .veil-scan-key at the root, or the clone''s own key in the git directory)'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand --staged 'Scan what the index adds compared with HEAD (for a pre-commit hook): only secrets that HEAD''s version of the file does not already hold. With file names, only those files, and a named file that the index does not change is scanned whole (`pre-commit run --all-files`). Files over --max-blob-size are scanned part by part, not skipped'
            cand --worktree 'Scan the files of the working tree (respecting .gitignore) instead of the history'
            cand --decrypt 'Decrypt the repository''s encrypted files (with the identities found as for `decrypt`) and report files holding copies of their values'
            cand --show-secrets 'Print secrets in full (they are redacted by default)'
            cand -q 'No progress bar and no summary on stderr'
            cand --quiet 'No progress bar and no summary on stderr'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;hook'= {
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand install 'Install the pre-commit hook in the repository of the current directory (or PATH)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'veil;hook;install'= {
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;hook;help'= {
            cand install 'Install the pre-commit hook in the repository of the current directory (or PATH)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'veil;hook;help;install'= {
        }
        &'veil;hook;help;help'= {
        }
        &'veil;git'= {
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand setup 'Register veil as git''s merge driver and diff textconv, and write .gitattributes entries for the files the creation rules of .sops.yaml cover'
            cand merge 'The merge driver git runs (merge.veil.driver = veil git merge %O %A %B %P): merges the values of an encrypted file three-way and writes the result, encrypted, over %A'
            cand textconv 'The diff textconv git runs (diff.veil.textconv = veil git textconv): the decrypted file on stdout, or the encrypted text and a note on stderr without an identity'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'veil;git;setup'= {
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand --global 'Register the driver and the textconv in the global git configuration (~/.gitconfig) instead of the repository''s; .gitattributes is still written when run in a repository'
            cand --no-attributes 'Only register the driver and the textconv; leave .gitattributes alone'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;git;merge'= {
            cand --input-type 'Format of the file (default: from the extension of PATH)'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;git;textconv'= {
            cand --input-type 'Format of the file (default: from the extension)'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;git;help'= {
            cand setup 'Register veil as git''s merge driver and diff textconv, and write .gitattributes entries for the files the creation rules of .sops.yaml cover'
            cand merge 'The merge driver git runs (merge.veil.driver = veil git merge %O %A %B %P): merges the values of an encrypted file three-way and writes the result, encrypted, over %A'
            cand textconv 'The diff textconv git runs (diff.veil.textconv = veil git textconv): the decrypted file on stdout, or the encrypted text and a note on stderr without an identity'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'veil;git;help;setup'= {
        }
        &'veil;git;help;merge'= {
        }
        &'veil;git;help;textconv'= {
        }
        &'veil;git;help;help'= {
        }
        &'veil;ci'= {
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand mask 'Print a GitHub Actions `::add-mask::` line for every encrypted value of the files (run it in a workflow step before anything can print a value); multi-line values are masked line by line too'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'veil;ci;mask'= {
            cand --min-length 'Values (and lines of multi-line values) shorter than this many characters are not masked: the runner would blank every occurrence of `1` or `}` in the logs'
            cand --input-type 'Format of the files (default: from each extension)'
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand --force 'Print the lines even to a terminal (they hold the values)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;ci;help'= {
            cand mask 'Print a GitHub Actions `::add-mask::` line for every encrypted value of the files (run it in a workflow step before anything can print a value); multi-line values are masked line by line too'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'veil;ci;help;mask'= {
        }
        &'veil;ci;help;help'= {
        }
        &'veil;man'= {
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;sops'= {
            cand --config 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)'
            cand --decryption-order 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)'
            cand -v 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --verbose 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values'
            cand --require-authenticator 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'veil;help'= {
            cand encrypt 'Encrypt a file''s values (stdout unless -i or --output)'
            cand decrypt 'Decrypt a file (stdout unless -i or --output)'
            cand edit 'Edit an encrypted file in $EDITOR (decrypted in a private temporary file)'
            cand set 'Set one value of an encrypted file: veil set FILE ''["key"]'' --value-stdin'
            cand unset 'Remove one entry of an encrypted file'
            cand rotate 'New data key, every value re-encrypted; add or remove recipients'
            cand updatekeys 'Make the recipients of encrypted files match .sops.yaml'
            cand groups 'Add or remove a key group of an encrypted file (the data key is kept)'
            cand check 'Policy gate: unencrypted files, plaintext values, drifted recipients, old data keys'
            cand config 'Explain the configuration'
            cand exec-env 'Run a command with the top-level values of encrypted files in its environment'
            cand exec-file 'Run a command with the decrypted file(s) at a private path ({} in the command)'
            cand keygen 'Generate an age identity (X25519, or post-quantum with --pq); the public key goes to stderr'
            cand filestatus 'Tell whether a file is encrypted, as JSON: {"encrypted":true}'
            cand completions 'Print a shell completion script'
            cand scan 'Find secrets in a repository''s history, staged changes, a commit range or plain files'
            cand hook 'Manage the git pre-commit hook that runs `veil scan --staged`'
            cand git 'Git integration: a merge driver and a diff textconv for encrypted files'
            cand ci 'CI helpers: mask the secret values of encrypted files in GitHub Actions logs'
            cand man 'Write the man pages (veil.1, veil-COMMAND.1) into a directory, e.g. ~/.local/share/man/man1'
            cand sops 'Answer sops 3.11''s command line (as when veil is installed as `sops`): veil sops -d FILE'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'veil;help;encrypt'= {
        }
        &'veil;help;decrypt'= {
        }
        &'veil;help;edit'= {
        }
        &'veil;help;set'= {
        }
        &'veil;help;unset'= {
        }
        &'veil;help;rotate'= {
        }
        &'veil;help;updatekeys'= {
        }
        &'veil;help;groups'= {
            cand add 'Add a key group with the given master keys (stdout unless -i or --output)'
            cand remove 'Remove the key group at INDEX, counted from 0 (stdout unless -i or --output)'
        }
        &'veil;help;groups;add'= {
        }
        &'veil;help;groups;remove'= {
        }
        &'veil;help;check'= {
        }
        &'veil;help;config'= {
            cand explain 'Show which creation rule of .sops.yaml matches a path, why, and its recipients'
        }
        &'veil;help;config;explain'= {
        }
        &'veil;help;exec-env'= {
        }
        &'veil;help;exec-file'= {
        }
        &'veil;help;keygen'= {
        }
        &'veil;help;filestatus'= {
        }
        &'veil;help;completions'= {
        }
        &'veil;help;scan'= {
        }
        &'veil;help;hook'= {
            cand install 'Install the pre-commit hook in the repository of the current directory (or PATH)'
        }
        &'veil;help;hook;install'= {
        }
        &'veil;help;git'= {
            cand setup 'Register veil as git''s merge driver and diff textconv, and write .gitattributes entries for the files the creation rules of .sops.yaml cover'
            cand merge 'The merge driver git runs (merge.veil.driver = veil git merge %O %A %B %P): merges the values of an encrypted file three-way and writes the result, encrypted, over %A'
            cand textconv 'The diff textconv git runs (diff.veil.textconv = veil git textconv): the decrypted file on stdout, or the encrypted text and a note on stderr without an identity'
        }
        &'veil;help;git;setup'= {
        }
        &'veil;help;git;merge'= {
        }
        &'veil;help;git;textconv'= {
        }
        &'veil;help;ci'= {
            cand mask 'Print a GitHub Actions `::add-mask::` line for every encrypted value of the files (run it in a workflow step before anything can print a value); multi-line values are masked line by line too'
        }
        &'veil;help;ci;mask'= {
        }
        &'veil;help;man'= {
        }
        &'veil;help;sops'= {
        }
        &'veil;help;help'= {
        }
    ]
    $completions[$command]
}
