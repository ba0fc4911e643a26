
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'veil' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'veil'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'veil' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a file''s values (stdout unless -i or --output)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a file (stdout unless -i or --output)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit an encrypted file in $EDITOR (decrypted in a private temporary file)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set one value of an encrypted file: veil set FILE ''["key"]'' --value-stdin')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove one entry of an encrypted file')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'New data key, every value re-encrypted; add or remove recipients')
            [CompletionResult]::new('updatekeys', 'updatekeys', [CompletionResultType]::ParameterValue, 'Make the recipients of encrypted files match .sops.yaml')
            [CompletionResult]::new('groups', 'groups', [CompletionResultType]::ParameterValue, 'Add or remove a key group of an encrypted file (the data key is kept)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Policy gate: unencrypted files, plaintext values, drifted recipients, old data keys')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Explain the configuration')
            [CompletionResult]::new('exec-env', 'exec-env', [CompletionResultType]::ParameterValue, 'Run a command with the top-level values of encrypted files in its environment')
            [CompletionResult]::new('exec-file', 'exec-file', [CompletionResultType]::ParameterValue, 'Run a command with the decrypted file(s) at a private path ({} in the command)')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate an age identity (X25519, or post-quantum with --pq); the public key goes to stderr')
            [CompletionResult]::new('filestatus', 'filestatus', [CompletionResultType]::ParameterValue, 'Tell whether a file is encrypted, as JSON: {"encrypted":true}')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Find secrets in a repository''s history, staged changes, a commit range or plain files')
            [CompletionResult]::new('hook', 'hook', [CompletionResultType]::ParameterValue, 'Manage the git pre-commit hook that runs `veil scan --staged`')
            [CompletionResult]::new('git', 'git', [CompletionResultType]::ParameterValue, 'Git integration: a merge driver and a diff textconv for encrypted files')
            [CompletionResult]::new('ci', 'ci', [CompletionResultType]::ParameterValue, 'CI helpers: mask the secret values of encrypted files in GitHub Actions logs')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages (veil.1, veil-COMMAND.1) into a directory, e.g. ~/.local/share/man/man1')
            [CompletionResult]::new('sops', 'sops', [CompletionResultType]::ParameterValue, 'Answer sops 3.11''s command line (as when veil is installed as `sops`): veil sops -d FILE')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'veil;encrypt' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file (atomically) instead of standard output')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Format of the input (default: from the file extension; unknown extensions are binary)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Format of the output (default: from the file extension)')
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'File name used to detect the format and to match creation rules when reading stdin')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …), comma-separated')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …), comma-separated')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'PGP fingerprints, comma-separated (encrypted through gpg)')
            [CompletionResult]::new('--pgp', '--pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints, comma-separated (encrypted through gpg)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'AWS KMS keys, comma-separated ARN[+ROLE_ARN]')
            [CompletionResult]::new('--kms', '--kms', [CompletionResultType]::ParameterName, 'AWS KMS keys, comma-separated ARN[+ROLE_ARN]')
            [CompletionResult]::new('--encryption-context', '--encryption-context', [CompletionResultType]::ParameterName, 'KMS encryption context: key:value,key2:value2')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile for the KMS keys')
            [CompletionResult]::new('--gcp-kms', '--gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs: refused (exit 113), veil cannot use GCP KMS')
            [CompletionResult]::new('--azure-kv', '--azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault URLs: refused (exit 113), veil cannot use Azure Key Vault')
            [CompletionResult]::new('--hc-vault-transit', '--hc-vault-transit', [CompletionResultType]::ParameterName, 'HashiCorp Vault transit URIs: refused (exit 113), veil cannot use Vault')
            [CompletionResult]::new('--hckms', '--hckms', [CompletionResultType]::ParameterName, 'HuaweiCloud KMS key IDs: refused (exit 113), veil cannot use HuaweiCloud KMS')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to recover the data key (with several key groups)')
            [CompletionResult]::new('--unencrypted-suffix', '--unencrypted-suffix', [CompletionResultType]::ParameterName, 'Leave values clear when a key on their path ends with this suffix (default `_unencrypted`)')
            [CompletionResult]::new('--encrypted-suffix', '--encrypted-suffix', [CompletionResultType]::ParameterName, 'Encrypt only values with a key on their path ending with this suffix')
            [CompletionResult]::new('--unencrypted-regex', '--unencrypted-regex', [CompletionResultType]::ParameterName, 'Leave values clear when a key on their path matches this regex')
            [CompletionResult]::new('--encrypted-regex', '--encrypted-regex', [CompletionResultType]::ParameterName, 'Encrypt only values with a key on their path matching this regex')
            [CompletionResult]::new('--unencrypted-comment-regex', '--unencrypted-comment-regex', [CompletionResultType]::ParameterName, 'Leave values clear after a comment matching this regex')
            [CompletionResult]::new('--encrypted-comment-regex', '--encrypted-comment-regex', [CompletionResultType]::ParameterName, 'Encrypt only values after a comment matching this regex')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Write the result back to FILE (atomically)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Write the result back to FILE (atomically)')
            [CompletionResult]::new('--mac-only-encrypted', '--mac-only-encrypted', [CompletionResultType]::ParameterName, 'Compute the MAC over encrypted values only')
            [CompletionResult]::new('--sops-layout', '--sops-layout', [CompletionResultType]::ParameterName, 'Lay the file out as sops does (re-rendered: sops''s indentation — `--indent` or the `stores:` settings of .sops.yaml —, quoting and timestamps) instead of keeping the input''s layout; decrypting then gives the re-rendered text')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;decrypt' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file (atomically) instead of standard output')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Format of the input (default: from the file extension; unknown extensions are binary)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Format of the output (default: from the file extension)')
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'File name used to detect the format and to match creation rules when reading stdin')
            [CompletionResult]::new('--extract', '--extract', [CompletionResultType]::ParameterName, 'Print only the value at this tree path, e.g. ''["database"]["password"]''')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Write the result back to FILE (atomically)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Write the result back to FILE (atomically)')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Do not verify the MAC (values are still authenticated one by one)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;edit' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Format of the file (default: from the extension)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …), comma-separated')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …), comma-separated')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'PGP fingerprints, comma-separated (encrypted through gpg)')
            [CompletionResult]::new('--pgp', '--pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints, comma-separated (encrypted through gpg)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'AWS KMS keys, comma-separated ARN[+ROLE_ARN]')
            [CompletionResult]::new('--kms', '--kms', [CompletionResultType]::ParameterName, 'AWS KMS keys, comma-separated ARN[+ROLE_ARN]')
            [CompletionResult]::new('--encryption-context', '--encryption-context', [CompletionResultType]::ParameterName, 'KMS encryption context: key:value,key2:value2')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile for the KMS keys')
            [CompletionResult]::new('--gcp-kms', '--gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs: refused (exit 113), veil cannot use GCP KMS')
            [CompletionResult]::new('--azure-kv', '--azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault URLs: refused (exit 113), veil cannot use Azure Key Vault')
            [CompletionResult]::new('--hc-vault-transit', '--hc-vault-transit', [CompletionResultType]::ParameterName, 'HashiCorp Vault transit URIs: refused (exit 113), veil cannot use Vault')
            [CompletionResult]::new('--hckms', '--hckms', [CompletionResultType]::ParameterName, 'HuaweiCloud KMS key IDs: refused (exit 113), veil cannot use HuaweiCloud KMS')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to recover the data key of a new file')
            [CompletionResult]::new('--unencrypted-suffix', '--unencrypted-suffix', [CompletionResultType]::ParameterName, 'Leave values clear when a key on their path ends with this suffix (default `_unencrypted`)')
            [CompletionResult]::new('--encrypted-suffix', '--encrypted-suffix', [CompletionResultType]::ParameterName, 'Encrypt only values with a key on their path ending with this suffix')
            [CompletionResult]::new('--unencrypted-regex', '--unencrypted-regex', [CompletionResultType]::ParameterName, 'Leave values clear when a key on their path matches this regex')
            [CompletionResult]::new('--encrypted-regex', '--encrypted-regex', [CompletionResultType]::ParameterName, 'Encrypt only values with a key on their path matching this regex')
            [CompletionResult]::new('--unencrypted-comment-regex', '--unencrypted-comment-regex', [CompletionResultType]::ParameterName, 'Leave values clear after a comment matching this regex')
            [CompletionResult]::new('--encrypted-comment-regex', '--encrypted-comment-regex', [CompletionResultType]::ParameterName, 'Encrypt only values after a comment matching this regex')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('--mac-only-encrypted', '--mac-only-encrypted', [CompletionResultType]::ParameterName, 'Compute the MAC over encrypted values only')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Show the file''s metadata (master keys…) in the editor too; what is saved there is kept')
            [CompletionResult]::new('--show-master-keys', '--show-master-keys', [CompletionResultType]::ParameterName, 'Show the file''s metadata (master keys…) in the editor too; what is saved there is kept')
            [CompletionResult]::new('--keep-key-env', '--keep-key-env', [CompletionResultType]::ParameterName, 'Pass the identity variables (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, …) on to the editor')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Edit the file even if its MAC does not match (the MAC is then computed anew)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;set' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Format of the file (default: from the extension)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Rewrite the file in this format (default: its own, changed in place line by line)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('--value-stdin', '--value-stdin', [CompletionResultType]::ParameterName, 'Read the JSON value from standard input')
            [CompletionResult]::new('--value-file', '--value-file', [CompletionResultType]::ParameterName, 'Treat VALUE as the name of a file holding the JSON value')
            [CompletionResult]::new('--idempotent', '--idempotent', [CompletionResultType]::ParameterName, 'Do nothing (and succeed) when the value is already set')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Change the file even if its MAC does not match (the MAC is then computed anew)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;unset' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Format of the file (default: from the extension)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Rewrite the file in this format (default: its own, changed in place line by line)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('--idempotent', '--idempotent', [CompletionResultType]::ParameterName, 'Succeed when the path does not exist')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Change the file even if its MAC does not match (the MAC is then computed anew)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;rotate' {
            [CompletionResult]::new('--add-age', '--add-age', [CompletionResultType]::ParameterName, 'age recipients to add (to the first key group), comma-separated')
            [CompletionResult]::new('--rm-age', '--rm-age', [CompletionResultType]::ParameterName, 'age recipients to remove (from every key group), comma-separated')
            [CompletionResult]::new('--add-pgp', '--add-pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints to add (to the first key group), comma-separated')
            [CompletionResult]::new('--rm-pgp', '--rm-pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints to remove (from every key group), comma-separated')
            [CompletionResult]::new('--add-kms', '--add-kms', [CompletionResultType]::ParameterName, 'AWS KMS keys to add, comma-separated ARN[+ROLE_ARN]')
            [CompletionResult]::new('--rm-kms', '--rm-kms', [CompletionResultType]::ParameterName, 'AWS KMS keys to remove, comma-separated ARNs (whatever their context)')
            [CompletionResult]::new('--encryption-context', '--encryption-context', [CompletionResultType]::ParameterName, 'Encryption context of the added KMS keys: key:value,key2:value2')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile of the added KMS keys')
            [CompletionResult]::new('--rm-gcp-kms', '--rm-gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS keys to remove, comma-separated resource IDs (veil cannot add them)')
            [CompletionResult]::new('--rm-azure-kv', '--rm-azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault keys to remove, comma-separated URLs (veil cannot add them)')
            [CompletionResult]::new('--rm-hc-vault-transit', '--rm-hc-vault-transit', [CompletionResultType]::ParameterName, 'HashiCorp Vault transit keys to remove, comma-separated URIs (veil cannot add them)')
            [CompletionResult]::new('--rm-hckms', '--rm-hckms', [CompletionResultType]::ParameterName, 'HuaweiCloud KMS keys to remove, comma-separated key IDs (veil cannot add them)')
            [CompletionResult]::new('--add-gcp-kms', '--add-gcp-kms', [CompletionResultType]::ParameterName, 'Refused with exit 113: veil cannot wrap for GCP KMS keys')
            [CompletionResult]::new('--add-azure-kv', '--add-azure-kv', [CompletionResultType]::ParameterName, 'Refused with exit 113: veil cannot wrap for Azure Key Vault keys')
            [CompletionResult]::new('--add-hc-vault-transit', '--add-hc-vault-transit', [CompletionResultType]::ParameterName, 'Refused with exit 113: veil cannot wrap for HashiCorp Vault keys')
            [CompletionResult]::new('--add-hckms', '--add-hckms', [CompletionResultType]::ParameterName, 'Refused with exit 113: veil cannot wrap for HuaweiCloud KMS keys')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the rotated file here (atomically; `-` for standard output) instead of in place: one FILE only')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Format of the files (default: from the extension)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Format of the rotated file with --output (default: the input''s)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Rotate every encrypted file of the repository (git''s tracked files, or a directory walk outside git)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change without writing')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Accepted for sops compatibility: rotation writes in place unless --output is given')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Accepted for sops compatibility: rotation writes in place unless --output is given')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;updatekeys' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Format of the files (default: from the extension)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every encrypted file of the repository')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the planned changes without writing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;groups' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a key group with the given master keys (stdout unless -i or --output)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove the key group at INDEX, counted from 0 (stdout unless -i or --output)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'veil;groups;add' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file (atomically) instead of standard output')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Format of the file (default: from the extension)')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to recover the data key (default: the file''s, or all groups)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …), comma-separated')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'age recipients (age1…, age1pq1…, age1NAME1… plugin recipients, ssh-ed25519 …, ssh-rsa …), comma-separated')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'PGP fingerprints, comma-separated (encrypted through gpg)')
            [CompletionResult]::new('--pgp', '--pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints, comma-separated (encrypted through gpg)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'AWS KMS keys, comma-separated ARN[+ROLE_ARN]')
            [CompletionResult]::new('--kms', '--kms', [CompletionResultType]::ParameterName, 'AWS KMS keys, comma-separated ARN[+ROLE_ARN]')
            [CompletionResult]::new('--encryption-context', '--encryption-context', [CompletionResultType]::ParameterName, 'KMS encryption context: key:value,key2:value2')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile for the KMS keys')
            [CompletionResult]::new('--gcp-kms', '--gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs: refused (exit 113), veil cannot use GCP KMS')
            [CompletionResult]::new('--azure-kv', '--azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault URLs: refused (exit 113), veil cannot use Azure Key Vault')
            [CompletionResult]::new('--hc-vault-transit', '--hc-vault-transit', [CompletionResultType]::ParameterName, 'HashiCorp Vault transit URIs: refused (exit 113), veil cannot use Vault')
            [CompletionResult]::new('--hckms', '--hckms', [CompletionResultType]::ParameterName, 'HuaweiCloud KMS key IDs: refused (exit 113), veil cannot use HuaweiCloud KMS')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Write the result back to FILE (atomically)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Write the result back to FILE (atomically)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;groups;remove' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file (atomically) instead of standard output')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Format of the file (default: from the extension)')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to recover the data key (default: the file''s, or all groups)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Write the result back to FILE (atomically)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Write the result back to FILE (atomically)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;groups;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a key group with the given master keys (stdout unless -i or --output)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove the key group at INDEX, counted from 0 (stdout unless -i or --output)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'veil;groups;help;add' {
            break
        }
        'veil;groups;help;remove' {
            break
        }
        'veil;groups;help;help' {
            break
        }
        'veil;check' {
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Maximum age of a data key, e.g. 90d, 12w (default: max_data_key_age in .sops.yaml)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('--staged', '--staged', [CompletionResultType]::ParameterName, 'Check what is staged in git''s index (the pre-commit case)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Also decrypt every encrypted file and verify its MAC (needs identities)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;config' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Show which creation rule of .sops.yaml matches a path, why, and its recipients')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'veil;config;explain' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;config;help' {
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Show which creation rule of .sops.yaml matches a path, why, and its recipients')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'veil;config;help;explain' {
            break
        }
        'veil;config;help;help' {
            break
        }
        'veil;exec-env' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Format of the files (default: from each extension)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Run the command as this user (needs root)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('--pristine', '--pristine', [CompletionResultType]::ParameterName, 'Do not inherit the environment of veil')
            [CompletionResult]::new('--keep-key-env', '--keep-key-env', [CompletionResultType]::ParameterName, 'Pass the identity variables (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, …) on to the command')
            [CompletionResult]::new('--background', '--background', [CompletionResultType]::ParameterName, 'Start the command and exit at once, without waiting for it')
            [CompletionResult]::new('--same-process', '--same-process', [CompletionResultType]::ParameterName, 'Replace veil with the command instead of running it as a child')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;exec-file' {
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Name of the decrypted file inside its private directory')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Format of the files (default: from each extension)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Format of the decrypted file (default: the first input''s)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Run the command as this user (needs root)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('--no-fifo', '--no-fifo', [CompletionResultType]::ParameterName, 'Write a regular file (0600, removed afterwards) instead of a FIFO')
            [CompletionResult]::new('--keep-key-env', '--keep-key-env', [CompletionResultType]::ParameterName, 'Pass the identity variables (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, …) on to the command')
            [CompletionResult]::new('--background', '--background', [CompletionResultType]::ParameterName, 'Start the command and exit once it has read the file, without waiting for it to end (the file is removed when it ends)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;keygen' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the identity to this file (created 0600; an existing file is not overwritten)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the identity to this file (created 0600; an existing file is not overwritten)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('--pq', '--pq', [CompletionResultType]::ParameterName, 'A post-quantum hybrid identity (ML-KEM-768 + X25519: AGE-SECRET-KEY-PQ-1…, age1pq1…)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;filestatus' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Format of the file (default: from the extension)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;scan' {
            [CompletionResult]::new('--range', '--range', [CompletionResultType]::ParameterName, 'Scan what the commits of a range introduce, e.g. `origin/main..HEAD` (for CI): a secret that a file already held before the range is not reported')
            [CompletionResult]::new('--max-blob-size', '--max-blob-size', [CompletionResultType]::ParameterName, 'Skip blobs larger than this (bytes, or with a K/M/G suffix); they are counted')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to this file instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to this file instead of standard output')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Report only the findings that are not in this baseline file')
            [CompletionResult]::new('--write-baseline', '--write-baseline', [CompletionResultType]::ParameterName, 'Write the findings as a baseline file (sorted, one a line) and exit 0')
            [CompletionResult]::new('--ignore-file', '--ignore-file', [CompletionResultType]::ParameterName, 'The ignore file (default: .veilignore at the root of the repository or directory)')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads (default: one per core)')
            [CompletionResult]::new('--fingerprint-key', '--fingerprint-key', [CompletionResultType]::ParameterName, 'The fingerprint key file (default: $VEIL_SCAN_KEY, .veil-scan-key at the root, or the clone''s own key in the git directory)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('--staged', '--staged', [CompletionResultType]::ParameterName, 'Scan what the index adds compared with HEAD (for a pre-commit hook): only secrets that HEAD''s version of the file does not already hold. With file names, only those files, and a named file that the index does not change is scanned whole (`pre-commit run --all-files`). Files over --max-blob-size are scanned part by part, not skipped')
            [CompletionResult]::new('--worktree', '--worktree', [CompletionResultType]::ParameterName, 'Scan the files of the working tree (respecting .gitignore) instead of the history')
            [CompletionResult]::new('--decrypt', '--decrypt', [CompletionResultType]::ParameterName, 'Decrypt the repository''s encrypted files (with the identities found as for `decrypt`) and report files holding copies of their values')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secrets in full (they are redacted by default)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar and no summary on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar and no summary on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;hook' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the pre-commit hook in the repository of the current directory (or PATH)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'veil;hook;install' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;hook;help' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the pre-commit hook in the repository of the current directory (or PATH)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'veil;hook;help;install' {
            break
        }
        'veil;hook;help;help' {
            break
        }
        'veil;git' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Register veil as git''s merge driver and diff textconv, and write .gitattributes entries for the files the creation rules of .sops.yaml cover')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'The merge driver git runs (merge.veil.driver = veil git merge %O %A %B %P): merges the values of an encrypted file three-way and writes the result, encrypted, over %A')
            [CompletionResult]::new('textconv', 'textconv', [CompletionResultType]::ParameterValue, 'The diff textconv git runs (diff.veil.textconv = veil git textconv): the decrypted file on stdout, or the encrypted text and a note on stderr without an identity')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'veil;git;setup' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('--global', '--global', [CompletionResultType]::ParameterName, 'Register the driver and the textconv in the global git configuration (~/.gitconfig) instead of the repository''s; .gitattributes is still written when run in a repository')
            [CompletionResult]::new('--no-attributes', '--no-attributes', [CompletionResultType]::ParameterName, 'Only register the driver and the textconv; leave .gitattributes alone')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;git;merge' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Format of the file (default: from the extension of PATH)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;git;textconv' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Format of the file (default: from the extension)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;git;help' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Register veil as git''s merge driver and diff textconv, and write .gitattributes entries for the files the creation rules of .sops.yaml cover')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'The merge driver git runs (merge.veil.driver = veil git merge %O %A %B %P): merges the values of an encrypted file three-way and writes the result, encrypted, over %A')
            [CompletionResult]::new('textconv', 'textconv', [CompletionResultType]::ParameterValue, 'The diff textconv git runs (diff.veil.textconv = veil git textconv): the decrypted file on stdout, or the encrypted text and a note on stderr without an identity')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'veil;git;help;setup' {
            break
        }
        'veil;git;help;merge' {
            break
        }
        'veil;git;help;textconv' {
            break
        }
        'veil;git;help;help' {
            break
        }
        'veil;ci' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('mask', 'mask', [CompletionResultType]::ParameterValue, 'Print a GitHub Actions `::add-mask::` line for every encrypted value of the files (run it in a workflow step before anything can print a value); multi-line values are masked line by line too')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'veil;ci;mask' {
            [CompletionResult]::new('--min-length', '--min-length', [CompletionResultType]::ParameterName, 'Values (and lines of multi-line values) shorter than this many characters are not masked: the runner would blank every occurrence of `1` or `}` in the logs')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Format of the files (default: from each extension)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Print the lines even to a terminal (they hold the values)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;ci;help' {
            [CompletionResult]::new('mask', 'mask', [CompletionResultType]::ParameterValue, 'Print a GitHub Actions `::add-mask::` line for every encrypted value of the files (run it in a workflow step before anything can print a value); multi-line values are masked line by line too')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'veil;ci;help;mask' {
            break
        }
        'veil;ci;help;help' {
            break
        }
        'veil;man' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;sops' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path of the configuration file (default: `.sops.yaml` in the current directory or a parent)')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when opening a data key, comma-separated (default: age,pgp,kms: local keys before network ones)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what veil does: which identity opened a data key, which creation rule matched, why a file is not processed in one pass (-vv: more detail). Never values')
            [CompletionResult]::new('--require-authenticator', '--require-authenticator', [CompletionResultType]::ParameterName, 'Refuse to read a file without veil''s whole-document authenticator (one written by sops or an older veil) instead of printing a notice (also `veil.require_authenticator: true` in .sops.yaml)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'veil;help' {
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a file''s values (stdout unless -i or --output)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a file (stdout unless -i or --output)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit an encrypted file in $EDITOR (decrypted in a private temporary file)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set one value of an encrypted file: veil set FILE ''["key"]'' --value-stdin')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove one entry of an encrypted file')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'New data key, every value re-encrypted; add or remove recipients')
            [CompletionResult]::new('updatekeys', 'updatekeys', [CompletionResultType]::ParameterValue, 'Make the recipients of encrypted files match .sops.yaml')
            [CompletionResult]::new('groups', 'groups', [CompletionResultType]::ParameterValue, 'Add or remove a key group of an encrypted file (the data key is kept)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Policy gate: unencrypted files, plaintext values, drifted recipients, old data keys')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Explain the configuration')
            [CompletionResult]::new('exec-env', 'exec-env', [CompletionResultType]::ParameterValue, 'Run a command with the top-level values of encrypted files in its environment')
            [CompletionResult]::new('exec-file', 'exec-file', [CompletionResultType]::ParameterValue, 'Run a command with the decrypted file(s) at a private path ({} in the command)')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate an age identity (X25519, or post-quantum with --pq); the public key goes to stderr')
            [CompletionResult]::new('filestatus', 'filestatus', [CompletionResultType]::ParameterValue, 'Tell whether a file is encrypted, as JSON: {"encrypted":true}')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Find secrets in a repository''s history, staged changes, a commit range or plain files')
            [CompletionResult]::new('hook', 'hook', [CompletionResultType]::ParameterValue, 'Manage the git pre-commit hook that runs `veil scan --staged`')
            [CompletionResult]::new('git', 'git', [CompletionResultType]::ParameterValue, 'Git integration: a merge driver and a diff textconv for encrypted files')
            [CompletionResult]::new('ci', 'ci', [CompletionResultType]::ParameterValue, 'CI helpers: mask the secret values of encrypted files in GitHub Actions logs')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages (veil.1, veil-COMMAND.1) into a directory, e.g. ~/.local/share/man/man1')
            [CompletionResult]::new('sops', 'sops', [CompletionResultType]::ParameterValue, 'Answer sops 3.11''s command line (as when veil is installed as `sops`): veil sops -d FILE')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'veil;help;encrypt' {
            break
        }
        'veil;help;decrypt' {
            break
        }
        'veil;help;edit' {
            break
        }
        'veil;help;set' {
            break
        }
        'veil;help;unset' {
            break
        }
        'veil;help;rotate' {
            break
        }
        'veil;help;updatekeys' {
            break
        }
        'veil;help;groups' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a key group with the given master keys (stdout unless -i or --output)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove the key group at INDEX, counted from 0 (stdout unless -i or --output)')
            break
        }
        'veil;help;groups;add' {
            break
        }
        'veil;help;groups;remove' {
            break
        }
        'veil;help;check' {
            break
        }
        'veil;help;config' {
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Show which creation rule of .sops.yaml matches a path, why, and its recipients')
            break
        }
        'veil;help;config;explain' {
            break
        }
        'veil;help;exec-env' {
            break
        }
        'veil;help;exec-file' {
            break
        }
        'veil;help;keygen' {
            break
        }
        'veil;help;filestatus' {
            break
        }
        'veil;help;completions' {
            break
        }
        'veil;help;scan' {
            break
        }
        'veil;help;hook' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the pre-commit hook in the repository of the current directory (or PATH)')
            break
        }
        'veil;help;hook;install' {
            break
        }
        'veil;help;git' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Register veil as git''s merge driver and diff textconv, and write .gitattributes entries for the files the creation rules of .sops.yaml cover')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'The merge driver git runs (merge.veil.driver = veil git merge %O %A %B %P): merges the values of an encrypted file three-way and writes the result, encrypted, over %A')
            [CompletionResult]::new('textconv', 'textconv', [CompletionResultType]::ParameterValue, 'The diff textconv git runs (diff.veil.textconv = veil git textconv): the decrypted file on stdout, or the encrypted text and a note on stderr without an identity')
            break
        }
        'veil;help;git;setup' {
            break
        }
        'veil;help;git;merge' {
            break
        }
        'veil;help;git;textconv' {
            break
        }
        'veil;help;ci' {
            [CompletionResult]::new('mask', 'mask', [CompletionResultType]::ParameterValue, 'Print a GitHub Actions `::add-mask::` line for every encrypted value of the files (run it in a workflow step before anything can print a value); multi-line values are masked line by line too')
            break
        }
        'veil;help;ci;mask' {
            break
        }
        'veil;help;man' {
            break
        }
        'veil;help;sops' {
            break
        }
        'veil;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
