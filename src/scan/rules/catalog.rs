//! The rule catalogue. Every rule was written from the provider's documented token format (the
//! description says which); none is copied from another scanner's rule set.
//!
//! Keywords feed the prefilter automaton (ASCII case-insensitive); a leading `^` means "only at
//! the start of a word" (not preceded by a letter or digit), a leading `!` means "exact case".
//! Regexes run with Unicode off, on the lines around a keyword hit. The secret is capture `s`
//! (or, for generic assignments, `dq`/`sq`/`bare`), else the whole match.

use super::verify;
use super::{Severity, Spec};

const HELP: &str = "Revoke or rotate this credential at the provider now, then remove it from the \
repository (rewriting history does not un-leak a pushed secret); keep it encrypted with veil.";
const HELP_KEY: &str = "Treat the private key as compromised: replace it (new key pair, \
re-issue certificates, update authorized_keys/recipients), then remove it from the repository.";
const HELP_GENERIC: &str = "A hard-coded credential: change it where it is used, load it from the \
environment or a veil-encrypted file instead; add `veil:allow` on the line if it is not a secret.";
const HELP_URL: &str = "A connection URL with an embedded password: change the password and move \
the URL to a veil-encrypted file or the environment.";

const DEFAULT: Spec = Spec {
    id: "",
    name: "",
    desc: "",
    help: HELP,
    sev: Severity::High,
    kw: &[],
    re: "",
    check: verify::ok,
    gate: verify::any,
    ent: 0.0,
    min_len: 0,
    ph: false,
    generic: false,
    back: 0,
    fwd: 0,
    prio: 2,
};

macro_rules! rule {
    ($id:literal, $name:literal, $sev:ident, $desc:literal, [$($kw:literal),+ $(,)?], $re:expr
     $(, $f:ident : $v:expr)* $(,)?) => {
        Spec {
            id: $id,
            name: $name,
            sev: Severity::$sev,
            desc: $desc,
            kw: &[$($kw),+],
            re: $re,
            $($f: $v,)*
            ..DEFAULT
        }
    };
}

/// A token delimited by characters outside `[0-9A-Za-z_-]`.
macro_rules! tok {
    ($x:literal) => {
        concat!(r"(?:^|[^0-9A-Za-z_-])(?P<s>", $x, r")(?:[^0-9A-Za-z_-]|$)")
    };
}

/// `key <op> value` where the key contains `$k` (case-insensitive) and the value is `$v`.
macro_rules! kv {
    ($k:literal, $v:literal) => {
        concat!(
            r#"(?i:(?P<key>[A-Za-z0-9_.-]*?(?:"#,
            $k,
            r#")[A-Za-z0-9_.-]*))["']?[ \t]*(?P<op>:=|=>|=|:)[ \t]*["'`]?(?P<s>"#,
            $v,
            r#")(?:[^A-Za-z0-9_+/=-]|$)"#
        )
    };
}

/// A generic assignment whose key contains `$k`.
macro_rules! generic {
    ($k:literal) => {
        concat!(
            r#"(?i:(?P<key>[A-Za-z0-9_.-]*?(?:"#,
            $k,
            r#")[A-Za-z0-9_.-]*))["']?[ \t]*(?P<op>:=|=>|==|!=|=|:)[ \t]*(?:"(?P<dq>[^"\r\n]{1,300})"|'(?P<sq>[^'\r\n]{1,300})'|(?P<bare>[^\s"'`,;#&]{1,300}))"#
        )
    };
}

/// Password in a URL with one of the schemes `$s`.
macro_rules! url {
    ($s:literal) => {
        concat!(
            r#"(?i:\b(?:"#,
            $s,
            r#"))://(?P<user>[^:@/\s"'<>]{0,128}):(?P<s>[^@/\s"'<>]{1,256})@[^/\s"'<>@:?]+"#
        )
    };
}

/// A PEM-style block `-----BEGIN $l-----` … `-----END $l-----`.
macro_rules! pem {
    ($l:literal) => {
        concat!(
            r"(?s)-----BEGIN ",
            $l,
            r"-----.{64,}?-----END ",
            $l,
            r"-----"
        )
    };
}

pub(crate) static SPECS: &[Spec] = &[
    // ----------------------------------------------------------------- private keys
    rule!("private-key-rsa", "RSA private key", High,
        "PEM `-----BEGIN RSA PRIVATE KEY-----` block (PKCS#1, RFC 8017 / RFC 7468) with a base64 body",
        ["BEGIN RSA PRIVATE KEY"], pem!("RSA PRIVATE KEY"),
        check: verify::pem_body, help: HELP_KEY, fwd: 65536, gate: verify::pem_line_end),
    rule!("private-key-ec", "EC private key", High,
        "PEM `-----BEGIN EC PRIVATE KEY-----` block (SEC 1 / RFC 5915) with a base64 body",
        ["BEGIN EC PRIVATE KEY"], pem!("EC PRIVATE KEY"),
        check: verify::pem_body, help: HELP_KEY, fwd: 65536, gate: verify::pem_line_end),
    rule!("private-key-dsa", "DSA private key", High,
        "PEM `-----BEGIN DSA PRIVATE KEY-----` block (OpenSSL traditional format) with a base64 body",
        ["BEGIN DSA PRIVATE KEY"], pem!("DSA PRIVATE KEY"),
        check: verify::pem_body, help: HELP_KEY, fwd: 65536, gate: verify::pem_line_end),
    rule!("private-key-pkcs8", "PKCS#8 private key", High,
        "PEM `-----BEGIN PRIVATE KEY-----` block (PKCS#8, RFC 5958 / RFC 7468) with a base64 body",
        ["BEGIN PRIVATE KEY"], pem!("PRIVATE KEY"),
        check: verify::pem_body, help: HELP_KEY, fwd: 65536, gate: verify::pem_line_end),
    rule!("private-key-encrypted", "Encrypted PKCS#8 private key", Medium,
        "PEM `-----BEGIN ENCRYPTED PRIVATE KEY-----` block (RFC 5958): passphrase-protected, still a private key",
        ["BEGIN ENCRYPTED PRIVATE KEY"], pem!("ENCRYPTED PRIVATE KEY"),
        check: verify::pem_body, help: HELP_KEY, fwd: 65536, gate: verify::pem_line_end),
    rule!("openssh-private-key", "OpenSSH private key", High,
        "`-----BEGIN OPENSSH PRIVATE KEY-----` block (OpenSSH PROTOCOL.key format)",
        ["BEGIN OPENSSH PRIVATE KEY"], pem!("OPENSSH PRIVATE KEY"),
        check: verify::pem_body, help: HELP_KEY, fwd: 65536, gate: verify::pem_line_end),
    rule!("pgp-private-key-block", "PGP private key block", High,
        "ASCII-armored `-----BEGIN PGP PRIVATE KEY BLOCK-----` (OpenPGP, RFC 4880 §6.2)",
        ["BEGIN PGP PRIVATE KEY BLOCK"], pem!("PGP PRIVATE KEY BLOCK"),
        check: verify::pem_body, help: HELP_KEY, fwd: 262144, gate: verify::pem_line_end),
    rule!("putty-private-key", "PuTTY private key", High,
        "PuTTY `.ppk` file: `PuTTY-User-Key-File-2/3:` header, `Private-Lines: N` then the base64 private blob",
        ["PuTTY-User-Key-File-"],
        r"(?s)PuTTY-User-Key-File-[23]: [^\r\n]+\r?\n(?:[^\r\n]*\r?\n)*?Private-Lines: \d+\r?\n(?P<s>[A-Za-z0-9+/=\r\n]{40,}?)\r?\nPrivate-(?:MAC|Hash):",
        help: HELP_KEY, fwd: 65536, ent: 4.0,
        gate: |t, e| matches!(t.get(e), Some(b'2' | b'3')) && t.get(e + 1) == Some(&b':')),
    rule!("ssh2-encrypted-private-key", "SSH2 (RFC 4716 style) private key", High,
        "`---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----` block (ssh.com / Tectia key format)",
        ["BEGIN SSH2 ENCRYPTED PRIVATE KEY"],
        r"(?s)---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----.{64,}?---- END SSH2 ENCRYPTED PRIVATE KEY ----",
        check: verify::pem_body, help: HELP_KEY, fwd: 65536, gate: verify::pem_line_end),
    rule!("age-secret-key", "age secret key", High,
        "age X25519 identity: `AGE-SECRET-KEY-1` + bech32 of 32 bytes (58 chars incl. checksum); the bech32 checksum is verified",
        ["AGE-SECRET-KEY-1"],
        r"\b(?P<s>(?i:AGE-SECRET-KEY-1)[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7Lqpzry9x8gf2tvdw0s3jn54khce6mua7l]{58})\b",
        check: verify::age_bech32, help: HELP_KEY),
    rule!("age-pq-secret-key", "age post-quantum secret key", High,
        "age ML-KEM-768+X25519 hybrid identity: `AGE-SECRET-KEY-PQ-1` + bech32 of a 32-byte seed; checksum verified",
        ["AGE-SECRET-KEY-PQ-1"],
        r"\b(?P<s>(?i:AGE-SECRET-KEY-PQ-1)[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7Lqpzry9x8gf2tvdw0s3jn54khce6mua7l]{58})\b",
        check: verify::age_bech32, help: HELP_KEY),
    // ----------------------------------------------------------------- AWS
    rule!("aws-access-key-id", "AWS access key ID", High,
        "AWS IAM access key ID: `AKIA` (long-term), `ASIA` (STS), `ABIA`, `ACCA` + 16 base32 chars [A-Z2-7] (IAM unique ID prefixes)",
        ["^!AKIA", "^!ASIA", "^!ABIA", "^!ACCA"],
        r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b", ent: 3.0),
    rule!("aws-secret-access-key", "AWS secret access key", High,
        "AWS secret access key: 40 base64 chars assigned to `aws_secret_access_key` / `SecretAccessKey` (AWS CLI credentials file format)",
        ["secret_access", "secretaccess", "secret-access", "aws_secret", "aws-secret", "awssecret"],
        kv!(r"aws[_.-]?secret[_.-]?(?:access[_.-]?)?key|secret[_.-]?access[_.-]?key", r"[A-Za-z0-9/+]{40}"),
        ent: 4.0),
    rule!("aws-session-token", "AWS session token", High,
        "AWS STS session token: long base64 value of `aws_session_token` / `SessionToken` (AWS CLI credentials file)",
        ["session_token", "sessiontoken", "session-token"],
        kv!(r"aws[_.-]?session[_.-]?token|sessiontoken", r"[A-Za-z0-9/+=]{100,}"), ent: 4.5),
    rule!(
        "aws-mws-auth-token",
        "Amazon MWS auth token",
        High,
        "Amazon Marketplace Web Service auth token: `amzn.mws.` + UUID",
        ["amzn.mws."],
        r"\bamzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
    ),
    rule!("aws-bedrock-api-key", "Amazon Bedrock API key", High,
        "Amazon Bedrock long-term API key: `ABSK` + base64 of `BedrockAPIKey-…`",
        ["^!ABSKQmVkcm9ja0FQSUtleS"],
        r"\bABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{40,}={0,2}", ent: 4.0),
    // ----------------------------------------------------------------- Google
    rule!("gcp-service-account-key", "GCP service account key file", High,
        "Google Cloud service-account JSON key: `\"type\": \"service_account\"` with a `\"private_key\"` PEM",
        ["service_account"],
        r#"(?s)"type"\s*:\s*"service_account".{0,4000}?"private_key"\s*:\s*"(?P<s>-----BEGIN[^"]{64,}?)""#,
        back: 4096, fwd: 16384, prio: 3, help: HELP_KEY),
    rule!("gcp-api-key", "Google API key", High,
        "Google Cloud / Firebase / Maps API key: `AIza` + 35 chars [0-9A-Za-z_-]",
        ["^!AIza"], tok!(r"AIza[0-9A-Za-z_-]{35}"), ent: 3.5),
    rule!(
        "gcp-oauth-client-secret",
        "Google OAuth client secret",
        High,
        "Google OAuth 2.0 client secret: `GOCSPX-` + 28 chars [0-9A-Za-z_-]",
        ["^!GOCSPX-"],
        tok!(r"GOCSPX-[0-9A-Za-z_-]{28}")
    ),
    rule!("google-oauth-access-token", "Google OAuth access token", Medium,
        "Google OAuth 2.0 access token: `ya29.` + base64url chars",
        ["^!ya29."], tok!(r"ya29\.[0-9A-Za-z_-]{30,}"), ent: 4.0),
    rule!("google-oauth-refresh-token", "Google OAuth refresh token", High,
        "Google OAuth 2.0 refresh token: `1//0` + base64url chars",
        ["1//0"], tok!(r"1//0[0-9A-Za-z_-]{40,}"), ent: 4.0),
    rule!(
        "firebase-fcm-server-key",
        "Firebase Cloud Messaging server key",
        High,
        "Firebase Cloud Messaging legacy server key: `AAAA` + 7 chars + `:APA91b` + ~134 base64url chars",
        [":APA91b"],
        tok!(r"AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{120,170}")
    ),
    // ----------------------------------------------------------------- Azure
    rule!("azure-storage-connection-string", "Azure Storage connection string", High,
        "Azure Storage connection string: `DefaultEndpointsProtocol=…;AccountName=…;AccountKey=` + base64 of 64 bytes (88 chars)",
        ["AccountKey="],
        r"(?i:DefaultEndpointsProtocol=https?;AccountName=[a-z0-9]{3,24};)(?:[^;\s]*;)*?AccountKey=(?P<s>[A-Za-z0-9+/]{86}==)",
        check: verify::azure_key64, prio: 3),
    rule!("azure-storage-account-key", "Azure Storage account key", High,
        "Azure Storage account key: base64 of 64 bytes (86 chars + `==`) assigned to an account/storage key",
        ["accountkey", "account_key", "account-key", "storage_key", "storagekey", "storage-key"],
        kv!(r"(?:storage|account)[_.-]?(?:account[_.-]?)?key|accountkey", r"[A-Za-z0-9+/]{86}=="),
        check: verify::azure_key64),
    rule!("azure-cosmosdb-connection-string", "Azure Cosmos DB connection string", High,
        "Azure Cosmos DB connection string: `AccountEndpoint=https://….documents.azure.com…;AccountKey=` + 88-char base64 key",
        ["documents.azure.com"],
        r"AccountEndpoint=https://[A-Za-z0-9-]+\.documents\.azure\.com(?::\d+)?/?;AccountKey=(?P<s>[A-Za-z0-9+/]{86}==)",
        check: verify::azure_key64, prio: 3),
    rule!("azure-service-bus-connection-string", "Azure Service Bus / Event Hubs connection string", High,
        "Azure Service Bus / Event Hubs connection string: `Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=` + base64 of 32 bytes",
        ["SharedAccessKey="],
        r"Endpoint=sb://[A-Za-z0-9.-]+/?;SharedAccessKeyName=[^;\s]+;SharedAccessKey=(?P<s>[A-Za-z0-9+/]{43}=)",
        check: verify::azure_key32, prio: 3),
    rule!("azure-sas-token", "Azure shared access signature", High,
        "Azure SAS: query string with `sv=YYYY-MM-DD` … `sig=` + URL-encoded base64 HMAC-SHA256 (44 chars)",
        ["sig="],
        r"sv=\d{4}-\d{2}-\d{2}&[^\s\x22'<>]*?\bsig=(?P<s>[A-Za-z0-9%+/]{40,120}(?:%3[Dd]|=){0,2})",
        ent: 3.5),
    rule!("azure-entra-client-secret", "Microsoft Entra ID client secret", High,
        "Microsoft Entra ID (Azure AD) app client secret: 3 chars + a digit + `Q~` + 31–34 chars [A-Za-z0-9_~.-]",
        ["Q~"],
        r"(?:^|[^A-Za-z0-9_~.-])(?P<s>[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?:[^A-Za-z0-9_~.-]|$)",
        ent: 3.5),
    rule!(
        "azure-devops-pat",
        "Azure DevOps personal access token",
        High,
        "Azure DevOps PAT (84-char format): 52 base62 chars, `JQQJ99` signature, 18 chars, `AZDO` provider tag, 4 chars",
        ["!JQQJ99"],
        r"\b[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9]{18}AZDO[A-Za-z0-9]{4}\b"
    ),
    rule!("azure-openai-api-key", "Azure OpenAI API key", High,
        "Azure OpenAI key: 32 hex chars assigned to `AZURE_OPENAI_API_KEY`",
        ["azure_openai", "azure-openai", "azureopenai"],
        kv!(r"azure[_.-]?openai[_.-]?(?:api[_.-]?)?key", r"[0-9a-fA-F]{32}"), ent: 3.0),
    // ----------------------------------------------------------------- GitHub
    rule!("github-pat", "GitHub personal access token", High,
        "GitHub classic PAT: `ghp_` + 30 base62 chars + 6-char base62 CRC-32 of them (checksum verified)",
        ["^ghp_"], r"\bghp_[A-Za-z0-9]{36}\b", check: verify::crc_token),
    rule!("github-oauth-token", "GitHub OAuth access token", High,
        "GitHub OAuth app token: `gho_` + 30 base62 chars + 6-char base62 CRC-32 (checksum verified)",
        ["^gho_"], r"\bgho_[A-Za-z0-9]{36}\b", check: verify::crc_token),
    rule!("github-user-to-server-token", "GitHub App user-to-server token", High,
        "GitHub App user access token: `ghu_` + 30 base62 chars + 6-char base62 CRC-32 (checksum verified)",
        ["^ghu_"], r"\bghu_[A-Za-z0-9]{36}\b", check: verify::crc_token),
    rule!("github-server-to-server-token", "GitHub App installation token", High,
        "GitHub App installation token: `ghs_` + 30 base62 chars + 6-char base62 CRC-32 (checksum verified)",
        ["^ghs_"], r"\bghs_[A-Za-z0-9]{36}\b", check: verify::crc_token),
    rule!("github-refresh-token", "GitHub refresh token", High,
        "GitHub App refresh token: `ghr_` + 30 base62 chars + 6-char base62 CRC-32 (checksum verified)",
        ["^ghr_"], r"\bghr_[A-Za-z0-9]{36}\b", check: verify::crc_token),
    rule!(
        "github-fine-grained-pat",
        "GitHub fine-grained PAT",
        High,
        "GitHub fine-grained PAT: `github_pat_` + 22 base62 chars + `_` + 59 base62 chars (82 chars)",
        ["^github_pat_"],
        r"\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b"
    ),
    // ----------------------------------------------------------------- GitLab
    rule!("gitlab-pat", "GitLab personal access token", High,
        "GitLab PAT: `glpat-` + 20+ chars [0-9A-Za-z_-] (routable tokens add `.01.` + 9-char suffix)",
        ["^glpat-"], tok!(r"glpat-[0-9A-Za-z_-]{20,60}(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?"), ent: 3.5),
    rule!("gitlab-deploy-token", "GitLab deploy token", High,
        "GitLab deploy token: `gldt-` + 20+ chars [0-9A-Za-z_-]",
        ["^gldt-"], tok!(r"gldt-[0-9A-Za-z_-]{20,60}"), ent: 3.5),
    rule!("gitlab-runner-token", "GitLab runner authentication token", High,
        "GitLab runner authentication token: `glrt-` + 20+ chars",
        ["^glrt-"], tok!(r"glrt-[0-9A-Za-z_.-]{20,80}"), ent: 3.5),
    rule!(
        "gitlab-runner-registration-token",
        "GitLab runner registration token",
        High,
        "GitLab runner registration token: `GR1348941` + 20 chars [0-9A-Za-z_-]",
        ["^!GR1348941"],
        tok!(r"GR1348941[0-9A-Za-z_-]{20}")
    ),
    rule!(
        "gitlab-pipeline-trigger-token",
        "GitLab pipeline trigger token",
        High,
        "GitLab pipeline trigger token: `glptt-` + 40 hex chars",
        ["^glptt-"],
        r"\bglptt-[0-9a-f]{40}\b"
    ),
    rule!(
        "gitlab-ci-job-token",
        "GitLab CI/CD job token",
        Medium,
        "GitLab CI job token: `glcbt-` + hex partition prefix + `_` + 20 chars",
        ["^glcbt-"],
        tok!(r"glcbt-[0-9a-fA-F]{1,5}_[0-9A-Za-z_-]{20}")
    ),
    rule!(
        "gitlab-oauth-app-secret",
        "GitLab OAuth application secret",
        High,
        "GitLab OAuth application secret: `gloas-` + 64 hex chars",
        ["^gloas-"],
        r"\bgloas-[0-9a-f]{64}\b"
    ),
    rule!(
        "gitlab-incoming-mail-token",
        "GitLab incoming email token",
        Medium,
        "GitLab incoming email token: `glimt-` + 25 chars [0-9a-z]",
        ["^glimt-"],
        r"\bglimt-[0-9a-z]{25}\b"
    ),
    rule!(
        "gitlab-agent-token",
        "GitLab agent for Kubernetes token",
        High,
        "GitLab agent for Kubernetes token: `glagent-` + 50 chars [0-9A-Za-z_-]",
        ["^glagent-"],
        tok!(r"glagent-[0-9A-Za-z_-]{50}")
    ),
    rule!("gitlab-feed-token", "GitLab feed token", Low,
        "GitLab feed token: `glft-` + 20 chars [0-9A-Za-z_-]",
        ["^glft-"], tok!(r"glft-[0-9A-Za-z_-]{20}"), ent: 3.0),
    rule!("gitlab-scim-token", "GitLab SCIM token", High,
        "GitLab SCIM OAuth token: `glsoat-` + 20 chars [0-9A-Za-z_-]",
        ["^glsoat-"], tok!(r"glsoat-[0-9A-Za-z_-]{20}"), ent: 3.0),
    rule!("gitlab-feature-flags-token", "GitLab feature flags client token", Medium,
        "GitLab feature flags client token: `glffct-` + 20 chars [0-9A-Za-z_-]",
        ["^glffct-"], tok!(r"glffct-[0-9A-Za-z_-]{20}"), ent: 3.0),
    // ----------------------------------------------------------------- Atlassian
    rule!("atlassian-api-token", "Atlassian API token", High,
        "Atlassian (Jira/Confluence/Bitbucket) API token: `ATATT3` + ~186 chars [A-Za-z0-9_=-]",
        ["^!ATATT3"], tok!(r"ATATT3[A-Za-z0-9_=-]{150,250}"), ent: 4.0),
    rule!("bitbucket-app-password", "Bitbucket app password", High,
        "Bitbucket app password: `ATBB` + 28–40 base62 chars",
        ["^!ATBB"], r"\bATBB[A-Za-z0-9]{28,40}\b", ent: 3.5),
    // ----------------------------------------------------------------- Slack
    rule!(
        "slack-bot-token",
        "Slack bot token",
        High,
        "Slack bot token: `xoxb-` + team id digits + `-` + bot id digits + `-` + 24 base62 chars",
        ["^xoxb-"],
        r"\bxoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}\b"
    ),
    rule!(
        "slack-user-token",
        "Slack user token",
        High,
        "Slack user token: `xoxp-` + three digit groups + `-` + 32 hex chars",
        ["^xoxp-"],
        r"\bxoxp-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32}\b"
    ),
    rule!(
        "slack-app-token",
        "Slack app-level token",
        High,
        "Slack app-level token: `xapp-` + digit + `-` + app id + `-` + digits + `-` + 64 hex chars",
        ["^xapp-"],
        r"\bxapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,13}-[a-f0-9]{64}\b"
    ),
    rule!(
        "slack-config-token",
        "Slack configuration token",
        High,
        "Slack app configuration access token: `xoxe.xoxp-`/`xoxe.xoxb-` + digit + `-` + 150+ base62 chars",
        ["xoxe.xox"],
        r"\bxoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{140,}\b"
    ),
    rule!(
        "slack-refresh-token",
        "Slack refresh token",
        High,
        "Slack token rotation refresh token: `xoxe-` + digit + `-` + 140+ base62 chars",
        ["^xoxe-"],
        r"\bxoxe-[0-9]-[A-Za-z0-9]{140,}\b"
    ),
    rule!("slack-legacy-token", "Slack legacy token", High,
        "Slack legacy workspace/session tokens: `xoxa-`, `xoxo-`, `xoxr-`, `xoxs-` + digit groups + base62 chars",
        ["^xoxa-", "^xoxo-", "^xoxr-", "^xoxs-"],
        r"\bxox[aors]-(?:[0-9]{1,13}-){1,3}[A-Za-z0-9]{10,64}\b", ent: 3.0),
    rule!(
        "slack-webhook-url",
        "Slack incoming webhook",
        High,
        "Slack incoming webhook URL: `https://hooks.slack.com/services/T…/B…/` + 24 base62 chars",
        ["hooks.slack.com/services/"],
        r"https://hooks\.slack\.com/services/(?P<s>T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{23,25})\b"
    ),
    rule!(
        "slack-workflow-webhook-url",
        "Slack workflow webhook",
        High,
        "Slack workflow/trigger webhook URL: `https://hooks.slack.com/workflows|triggers/T…/…/digits/` + 24 base62 chars",
        ["hooks.slack.com/workflows/", "hooks.slack.com/triggers/"],
        r"https://hooks\.slack\.com/(?:workflows|triggers)/(?P<s>T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/[0-9]{6,}/[A-Za-z0-9]{23,25})\b"
    ),
    // ----------------------------------------------------------------- Discord, Telegram, Teams
    rule!("discord-bot-token", "Discord bot token", High,
        "Discord bot token: base64 of the bot's user id (a snowflake) + `.` + 6-char timestamp + `.` + 27–38 char HMAC; the id part is verified",
        ["discord"],
        r"(?:^|[^A-Za-z0-9_-])(?P<s>[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40})(?:[^A-Za-z0-9_-]|$)",
        check: verify::discord, back: 2048, fwd: 2048),
    rule!(
        "discord-webhook-url",
        "Discord webhook",
        High,
        "Discord webhook URL: `https://discord.com/api/webhooks/` + snowflake id + `/` + 68-char token",
        ["/api/webhooks/"],
        r"https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/(?P<s>[0-9]{17,20}/[A-Za-z0-9_-]{60,68})"
    ),
    rule!(
        "telegram-bot-token",
        "Telegram bot token",
        High,
        "Telegram Bot API token: numeric bot id + `:AA` + 33 chars [A-Za-z0-9_-]",
        ["!:AA"],
        r"(?:^|[^0-9])(?P<s>[0-9]{8,10}:AA[A-Za-z0-9_-]{33})(?:[^A-Za-z0-9_-]|$)"
    ),
    rule!(
        "microsoft-teams-webhook-url",
        "Microsoft Teams incoming webhook",
        Medium,
        "Microsoft Teams incoming webhook: `https://<tenant>.webhook.office.com/webhookb2/<uuid>@<uuid>/IncomingWebhook/<32 hex>/<uuid>`",
        ["webhook.office.com"],
        r"https://[a-z0-9-]+\.webhook\.office\.com/webhookb2/(?P<s>[0-9a-f-]{36}@[0-9a-f-]{36}/IncomingWebhook/[0-9a-f]{32}/[0-9a-f-]{36})"
    ),
    // ----------------------------------------------------------------- payments
    rule!("stripe-secret-key", "Stripe live secret key", High,
        "Stripe live secret API key: `sk_live_` + 24–99 base62 chars",
        ["^sk_live_"], r"\bsk_live_[0-9A-Za-z]{24,99}\b", ent: 3.5),
    rule!("stripe-restricted-key", "Stripe live restricted key", High,
        "Stripe live restricted API key: `rk_live_` + 24–99 base62 chars",
        ["^rk_live_"], r"\brk_live_[0-9A-Za-z]{24,99}\b", ent: 3.5),
    rule!("stripe-webhook-secret", "Stripe webhook signing secret", High,
        "Stripe webhook endpoint signing secret: `whsec_` + 32+ base62 chars",
        ["^whsec_"], r"\bwhsec_[0-9A-Za-z]{32,64}\b", ent: 3.5),
    rule!("stripe-test-secret-key", "Stripe test secret key", Low,
        "Stripe test-mode secret key: `sk_test_` + 24–99 base62 chars (test mode, but still an account credential)",
        ["^sk_test_"], r"\bsk_test_[0-9A-Za-z]{24,99}\b", ent: 3.5),
    rule!("square-access-token", "Square access token", High,
        "Square production access token: `EAAA` + 60 chars [A-Za-z0-9_-]",
        ["^!EAAA"], tok!(r"EAAA[A-Za-z0-9_-]{60}"), ent: 3.5),
    rule!(
        "square-legacy-access-token",
        "Square legacy access token",
        High,
        "Square legacy personal access token: `sq0atp-` + 22 chars [0-9A-Za-z_-]",
        ["^sq0atp-"],
        tok!(r"sq0atp-[0-9A-Za-z_-]{22}")
    ),
    rule!(
        "square-oauth-secret",
        "Square OAuth application secret",
        High,
        "Square OAuth application secret: `sq0csp-` + 43 chars [0-9A-Za-z_-]",
        ["^sq0csp-"],
        tok!(r"sq0csp-[0-9A-Za-z_-]{43}")
    ),
    rule!(
        "braintree-access-token",
        "Braintree access token",
        High,
        "Braintree (PayPal) access token: `access_token$production|sandbox$` + 16-char merchant id + `$` + 32 hex chars",
        ["access_token$"],
        r"\baccess_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32}\b"
    ),
    rule!("paypal-client-secret", "PayPal REST client secret", High,
        "PayPal REST API client secret: 80 chars [A-Za-z0-9_-] assigned to a PayPal secret",
        ["paypal"],
        kv!(r"paypal[_.-]?(?:client[_.-]?)?secret", r"[A-Za-z0-9_-]{60,90}"), ent: 4.0),
    rule!(
        "razorpay-live-key-id",
        "Razorpay live key id",
        Medium,
        "Razorpay live API key id: `rzp_live_` + 14 base62 chars (its secret is usually nearby)",
        ["^rzp_live_"],
        r"\brzp_live_[A-Za-z0-9]{14}\b"
    ),
    rule!(
        "flutterwave-secret-key",
        "Flutterwave secret key",
        High,
        "Flutterwave secret key: `FLWSECK-` (or `FLWSECK_TEST-`) + 32 hex chars + `-X`",
        ["^!FLWSECK"],
        r"\bFLWSECK(?:_TEST)?-[0-9a-f]{32}-X\b"
    ),
    rule!(
        "plaid-access-token",
        "Plaid access token",
        High,
        "Plaid access token: `access-production|sandbox|development-` + UUID",
        [
            "access-production-",
            "access-sandbox-",
            "access-development-"
        ],
        r"\baccess-(?:production|sandbox|development)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
    ),
    rule!(
        "shopify-access-token",
        "Shopify Admin API access token",
        High,
        "Shopify custom/private app Admin API access token: `shpat_` + 32 hex chars",
        ["^shpat_"],
        r"\bshpat_[a-fA-F0-9]{32}\b"
    ),
    rule!(
        "shopify-shared-secret",
        "Shopify app shared secret",
        High,
        "Shopify app shared secret: `shpss_` + 32 hex chars",
        ["^shpss_"],
        r"\bshpss_[a-fA-F0-9]{32}\b"
    ),
    rule!(
        "shopify-custom-app-token",
        "Shopify custom app access token",
        High,
        "Shopify custom app access token: `shpca_` + 32 hex chars",
        ["^shpca_"],
        r"\bshpca_[a-fA-F0-9]{32}\b"
    ),
    rule!(
        "shopify-private-app-token",
        "Shopify private app password",
        High,
        "Shopify private app password: `shppa_` + 32 hex chars",
        ["^shppa_"],
        r"\bshppa_[a-fA-F0-9]{32}\b"
    ),
    // ----------------------------------------------------------------- package registries
    rule!("npm-access-token", "npm access token", High,
        "npm access token: `npm_` + 30 base62 chars + 6-char base62 CRC-32 (checksum verified)",
        ["^npm_"], r"\bnpm_[A-Za-z0-9]{36}\b", check: verify::crc_token),
    rule!("npmrc-auth-token", "npm registry auth in .npmrc", High,
        "`.npmrc` registry credential: `//registry/:_authToken=` (token or UUID) or `_auth=`/`_password=` (base64)",
        ["_authToken", "_auth=", "_password="],
        r#"(?:^|[\s:])(?P<key>_authToken|_auth|_password)[ \t]*=[ \t]*["']?(?P<s>[A-Za-z0-9+/=._-]{16,})"#,
        ph: true, ent: 3.0),
    rule!("pypi-upload-token", "PyPI API token", High,
        "PyPI API token: `pypi-` + base64url of a v2 macaroon located at `pypi.org` (structure verified)",
        ["^pypi-AgEIcHlwaS5vcmc"], r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{40,}", check: verify::pypi_macaroon),
    rule!("testpypi-upload-token", "TestPyPI API token", Medium,
        "TestPyPI API token: `pypi-` + base64url of a v2 macaroon located at `test.pypi.org` (structure verified)",
        ["^pypi-AgENdGVzdC5weXBpLm9yZw"], r"\bpypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9_-]{40,}",
        check: verify::pypi_macaroon),
    rule!("crates-io-token", "crates.io API token", High,
        "crates.io API token: `cio` + 32 base62 chars",
        ["^!cio"], r"\bcio[A-Za-z0-9]{32}\b", ent: 3.5),
    rule!(
        "dockerhub-pat",
        "Docker Hub personal access token",
        High,
        "Docker Hub personal access token: `dckr_pat_` + 27 chars [A-Za-z0-9_-]",
        ["^dckr_pat_"],
        tok!(r"dckr_pat_[A-Za-z0-9_-]{27}")
    ),
    rule!(
        "dockerhub-org-token",
        "Docker Hub organization access token",
        High,
        "Docker Hub organization access token: `dckr_oat_` + 27–40 chars [A-Za-z0-9_-]",
        ["^dckr_oat_"],
        tok!(r"dckr_oat_[A-Za-z0-9_-]{27,40}")
    ),
    rule!("docker-config-auth", "Docker config registry auth", High,
        "Docker `config.json` `\"auth\": base64(user:password)` registry credential (decoded and checked)",
        ["\"auth\""], r#""auth"\s*:\s*"(?P<s>[A-Za-z0-9+/]{8,}={0,2})""#, check: verify::basic_b64),
    rule!(
        "rubygems-api-key",
        "RubyGems API key",
        High,
        "RubyGems.org API key: `rubygems_` + 48 hex chars",
        ["^rubygems_"],
        r"\brubygems_[0-9a-f]{48}\b"
    ),
    rule!("nuget-api-key", "NuGet API key", High,
        "nuget.org API key: `oy2` + 43 chars [a-z0-9]",
        ["^!oy2"], r"\boy2[a-z0-9]{43}\b", ent: 3.5),
    rule!(
        "jfrog-api-key",
        "JFrog Artifactory API key",
        High,
        "JFrog Artifactory API key: `AKCp` + 69 base62 chars",
        ["^!AKCp"],
        r"\bAKCp[0-9A-Za-z]{69}\b"
    ),
    rule!(
        "jfrog-reference-token",
        "JFrog reference token",
        High,
        "JFrog reference token: base64 of `reftkn:01:…` (starts `cmVmdGtuOjAxO`), 64 chars",
        ["^!cmVmdGtuOjAxO"],
        r"\bcmVmdGtuOjAxO[A-Za-z0-9]{51}\b"
    ),
    rule!(
        "clojars-deploy-token",
        "Clojars deploy token",
        High,
        "Clojars deploy token: `CLOJARS_` + 60 chars [a-z0-9]",
        ["^!CLOJARS_"],
        r"\bCLOJARS_[a-z0-9]{60}\b"
    ),
    rule!(
        "terraform-cloud-token",
        "Terraform Cloud / HCP Terraform API token",
        High,
        "Terraform Cloud API token: 14 base62 chars + `.atlasv1.` + 60–70 chars",
        [".atlasv1."],
        r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}"
    ),
    rule!(
        "pulumi-access-token",
        "Pulumi access token",
        High,
        "Pulumi Cloud access token: `pul-` + 40 hex chars",
        ["^pul-"],
        r"\bpul-[a-f0-9]{40}\b"
    ),
    rule!(
        "doppler-personal-token",
        "Doppler personal token",
        High,
        "Doppler personal token: `dp.pt.` + 43 base62 chars",
        ["^dp.pt."],
        r"\bdp\.pt\.[A-Za-z0-9]{40,44}\b"
    ),
    rule!(
        "doppler-service-token",
        "Doppler service token",
        High,
        "Doppler service token: `dp.st.` + optional `<config>.` + 40–44 base62 chars",
        ["^dp.st."],
        r"\bdp\.st\.(?:[a-z0-9_-]{2,35}\.)?[A-Za-z0-9]{40,44}\b"
    ),
    rule!(
        "doppler-cli-token",
        "Doppler CLI token",
        High,
        "Doppler CLI token: `dp.ct.` + 40–44 base62 chars",
        ["^dp.ct."],
        r"\bdp\.ct\.[A-Za-z0-9]{40,44}\b"
    ),
    rule!(
        "doppler-service-account-token",
        "Doppler service account token",
        High,
        "Doppler service account token: `dp.sa.` + 40–44 base62 chars",
        ["^dp.sa."],
        r"\bdp\.sa\.[A-Za-z0-9]{40,44}\b"
    ),
    // ----------------------------------------------------------------- AI providers
    rule!(
        "openai-api-key",
        "OpenAI API key (legacy)",
        High,
        "OpenAI user API key: `sk-` + 20 base62 + `T3BlbkFJ` (base64 \"OpenAI\") + 20 base62",
        ["!T3BlbkFJ"],
        r"\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b"
    ),
    rule!("openai-project-key", "OpenAI project API key", High,
        "OpenAI project key: `sk-proj-` + 48+ chars [A-Za-z0-9_-] (usually containing `T3BlbkFJ`)",
        ["^sk-proj-"], tok!(r"sk-proj-[A-Za-z0-9_-]{48,200}"), ent: 4.0),
    rule!("openai-service-account-key", "OpenAI service account key", High,
        "OpenAI service account key: `sk-svcacct-` + 48+ chars [A-Za-z0-9_-]",
        ["^sk-svcacct-"], tok!(r"sk-svcacct-[A-Za-z0-9_-]{48,200}"), ent: 4.0),
    rule!("openai-admin-key", "OpenAI admin key", High,
        "OpenAI organization admin key: `sk-admin-` + 48+ chars [A-Za-z0-9_-]",
        ["^sk-admin-"], tok!(r"sk-admin-[A-Za-z0-9_-]{48,200}"), ent: 4.0),
    rule!(
        "anthropic-api-key",
        "Anthropic API key",
        High,
        "Anthropic API key: `sk-ant-api03-` + 93 chars [A-Za-z0-9_-] + `AA`",
        ["^sk-ant-api03-"],
        tok!(r"sk-ant-api03-[A-Za-z0-9_-]{93}AA")
    ),
    rule!(
        "anthropic-admin-key",
        "Anthropic admin key",
        High,
        "Anthropic Admin API key: `sk-ant-admin01-` + 93 chars [A-Za-z0-9_-] + `AA`",
        ["^sk-ant-admin01-"],
        tok!(r"sk-ant-admin01-[A-Za-z0-9_-]{93}AA")
    ),
    rule!("huggingface-access-token", "Hugging Face access token", High,
        "Hugging Face user access token: `hf_` + 34 letters",
        ["^hf_"], r"\bhf_[A-Za-z]{34}\b", ent: 3.5),
    rule!("huggingface-org-token", "Hugging Face organization token", High,
        "Hugging Face organization API token: `api_org_` + 34 letters",
        ["^api_org_"], r"\bapi_org_[A-Za-z]{34}\b", ent: 3.5),
    rule!("cohere-api-key", "Cohere API key", High,
        "Cohere API key: 40 base62 chars assigned to `CO_API_KEY` / a cohere key",
        ["cohere", "co_api_key"],
        kv!(r"cohere[_.-]?(?:api[_.-]?)?(?:key|token)|co[_.-]api[_.-]key", r"[A-Za-z0-9]{40}"), ent: 3.5),
    rule!("replicate-api-token", "Replicate API token", High,
        "Replicate API token: `r8_` + 37 base62 chars",
        ["^r8_"], r"\br8_[A-Za-z0-9]{37}\b", ent: 3.5),
    rule!("groq-api-key", "Groq API key", High,
        "Groq API key: `gsk_` + 52 base62 chars",
        ["^gsk_"], r"\bgsk_[A-Za-z0-9]{52}\b", ent: 3.5),
    rule!("perplexity-api-key", "Perplexity API key", High,
        "Perplexity API key: `pplx-` + 48 base62 chars",
        ["^pplx-"], r"\bpplx-[A-Za-z0-9]{48}\b", ent: 3.5),
    rule!("xai-api-key", "xAI API key", High,
        "xAI (Grok) API key: `xai-` + 80 base62 chars",
        ["^xai-"], r"\bxai-[A-Za-z0-9]{80}\b", ent: 3.5),
    rule!("mistral-api-key", "Mistral AI API key", High,
        "Mistral AI API key: 32 base62 chars assigned to `MISTRAL_API_KEY`",
        ["mistral"], kv!(r"mistral[_.-]?(?:ai[_.-]?)?(?:api[_.-]?)?key", r"[A-Za-z0-9]{32}"), ent: 3.5),
    rule!("deepseek-api-key", "DeepSeek API key", High,
        "DeepSeek API key: `sk-` + 32 hex chars assigned to a DeepSeek key",
        ["deepseek"], kv!(r"deepseek[_.-]?(?:api[_.-]?)?key", r"sk-[0-9a-f]{32}"), ent: 3.0),
    rule!(
        "together-api-key",
        "Together AI API key",
        High,
        "Together AI API key: `tgp_v1_` + 43 chars [A-Za-z0-9_-]",
        ["^tgp_v1_"],
        tok!(r"tgp_v1_[A-Za-z0-9_-]{43}")
    ),
    rule!("fireworks-api-key", "Fireworks AI API key", High,
        "Fireworks AI API key: `fw_` + 24 base62 chars",
        ["^fw_"], r"\bfw_[A-Za-z0-9]{24}\b", ent: 3.5),
    rule!(
        "langsmith-api-key",
        "LangSmith API key",
        High,
        "LangSmith personal/service key: `lsv2_pt_`/`lsv2_sk_` + 32 hex + `_` + 10 hex",
        ["^lsv2_"],
        r"\blsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}\b"
    ),
    rule!(
        "openrouter-api-key",
        "OpenRouter API key",
        High,
        "OpenRouter API key: `sk-or-v1-` + 64 hex chars",
        ["^sk-or-v1-"],
        r"\bsk-or-v1-[0-9a-f]{64}\b"
    ),
    rule!(
        "pinecone-api-key",
        "Pinecone API key",
        High,
        "Pinecone API key: `pcsk_` + short id + `_` + ~65 base62 chars",
        ["^pcsk_"],
        r"\bpcsk_[A-Za-z0-9]{5,8}_[A-Za-z0-9]{60,70}\b"
    ),
    rule!("cerebras-api-key", "Cerebras API key", High,
        "Cerebras Inference API key: `csk-` + 48 chars [a-z0-9]",
        ["^csk-"], r"\bcsk-[a-z0-9]{48}\b", ent: 3.5),
    // ----------------------------------------------------------------- messaging / SaaS
    rule!("twilio-api-key", "Twilio API key SID", Medium,
        "Twilio API key SID: `SK` + 32 hex chars (its secret is usually nearby)",
        ["^!SK"], r"\bSK[0-9a-fA-F]{32}\b", ent: 3.0),
    rule!("twilio-auth-token", "Twilio auth token", High,
        "Twilio account auth token: 32 hex chars assigned to a Twilio auth token",
        ["twilio"], kv!(r"twilio[_.-]?(?:auth[_.-]?)?token", r"[0-9a-f]{32}"), ent: 3.0),
    rule!("twilio-account-credentials", "Twilio account SID with auth token", High,
        "Twilio account SID (`AC` + 32 hex) followed on the same line by its 32-hex auth token",
        ["^!AC"], r"\bAC[0-9a-f]{32}\b[^\r\n]{1,80}?\b(?P<s>[0-9a-f]{32})\b", ent: 3.0),
    rule!(
        "sendgrid-api-key",
        "SendGrid API key",
        High,
        "SendGrid API key: `SG.` + 22-char id + `.` + 43-char secret",
        ["^!SG."],
        tok!(r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}")
    ),
    rule!("mailgun-api-key", "Mailgun API key (legacy)", High,
        "Mailgun private API key (legacy): `key-` + 32 hex chars",
        ["^key-"], r"\bkey-[0-9a-f]{32}\b", ent: 3.0,
        gate: |t, e| verify::run_of(t, e, 32, |b| b.is_ascii_hexdigit())),
    rule!(
        "mailgun-private-key",
        "Mailgun API key",
        High,
        "Mailgun API key: 32 hex + `-` + 8 hex + `-` + 8 hex, assigned to a Mailgun key",
        ["mailgun"],
        kv!(
            r"mailgun[_.-]?(?:private[_.-]?|api[_.-]?)?key",
            r"[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}"
        )
    ),
    rule!("mailchimp-api-key", "Mailchimp API key", High,
        "Mailchimp Marketing API key: 32 hex chars + `-us` + data-center number",
        ["!-us"], r"\b[0-9a-f]{32}-us[0-9]{1,2}\b", ent: 3.0),
    rule!(
        "brevo-api-key",
        "Brevo (Sendinblue) API key",
        High,
        "Brevo API v3 key: `xkeysib-` + 64 hex + `-` + 16 base62 chars",
        ["^xkeysib-"],
        r"\bxkeysib-[0-9a-f]{64}-[A-Za-z0-9]{16}\b"
    ),
    rule!("datadog-api-key", "Datadog API key", High,
        "Datadog API key: 32 hex chars assigned to `DD_API_KEY` / `datadog_api_key`",
        ["datadog", "dd_api", "dd-api", "ddapi"],
        kv!(r"(?:datadog|dd)[_.-]?api[_.-]?key", r"[0-9a-f]{32}"), ent: 3.0),
    rule!("datadog-app-key", "Datadog application key", High,
        "Datadog application key: 40 hex chars assigned to `DD_APP_KEY` / `datadog_application_key`",
        ["datadog", "dd_app", "dd-app", "ddapp"],
        kv!(r"(?:datadog|dd)[_.-]?app(?:lication)?[_.-]?key", r"[0-9a-f]{40}"), ent: 3.0),
    rule!(
        "new-relic-user-api-key",
        "New Relic user API key",
        High,
        "New Relic user API key: `NRAK-` + 27 chars [A-Z0-9]",
        ["^!NRAK-"],
        r"\bNRAK-[A-Z0-9]{27}\b"
    ),
    rule!(
        "new-relic-insert-key",
        "New Relic Insights insert key",
        High,
        "New Relic Insights insert key: `NRII-` + 32 chars [A-Za-z0-9_-]",
        ["^!NRII-"],
        tok!(r"NRII-[A-Za-z0-9_-]{32}")
    ),
    rule!(
        "new-relic-query-key",
        "New Relic Insights query key",
        Medium,
        "New Relic Insights query key: `NRIQ-` + 32 chars [A-Za-z0-9_-]",
        ["^!NRIQ-"],
        tok!(r"NRIQ-[A-Za-z0-9_-]{32}")
    ),
    rule!("new-relic-license-key", "New Relic ingest license key", High,
        "New Relic ingest (license) key: 36 hex chars + `NRAL`",
        ["!NRAL"], r"\b[a-f0-9]{36}NRAL\b", ent: 3.0),
    rule!("sentry-org-token", "Sentry organization auth token", High,
        "Sentry org auth token: `sntrys_` + base64(JSON with `iat`) + `_` + 43-char secret (payload verified)",
        ["^sntrys_"], r"\bsntrys_eyJ[A-Za-z0-9+/=]{20,}_[A-Za-z0-9+/]{43}", check: verify::sentry_org),
    rule!(
        "sentry-user-token",
        "Sentry user auth token",
        High,
        "Sentry user auth token: `sntryu_` + 64 hex chars",
        ["^sntryu_"],
        r"\bsntryu_[a-f0-9]{64}\b"
    ),
    rule!(
        "grafana-service-account-token",
        "Grafana service account token",
        High,
        "Grafana service account token: `glsa_` + 32 base62 + `_` + 8 hex checksum chars",
        ["^glsa_"],
        r"\bglsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}\b"
    ),
    rule!("grafana-cloud-token", "Grafana Cloud access policy token", High,
        "Grafana Cloud token: `glc_` + base64 of a JSON object (verified)",
        ["^glc_"], r"\bglc_[A-Za-z0-9+/]{32,400}={0,2}", check: verify::b64_json_after_prefix),
    rule!("grafana-api-key", "Grafana API key (legacy)", High,
        "Grafana legacy API key: base64 of JSON `{\"k\":…,\"n\":…,\"id\":…}` (starts `eyJrIjoi`; verified)",
        ["^!eyJrIjoi"], r"\beyJrIjoi[A-Za-z0-9+/]{40,}={0,2}", check: verify::b64_json_after_prefix),
    rule!(
        "heroku-api-key",
        "Heroku API key",
        High,
        "Heroku API key / OAuth token: `HRKU-` + 60 chars [0-9A-Za-z_-]",
        ["^!HRKU-"],
        tok!(r"HRKU-[0-9A-Za-z_-]{60}")
    ),
    rule!(
        "heroku-api-key-legacy",
        "Heroku API key (UUID)",
        High,
        "Heroku legacy API key: UUID assigned to `HEROKU_API_KEY`",
        ["heroku"],
        kv!(
            r"heroku[_.-]?(?:api[_.-]?)?(?:key|token)",
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        )
    ),
    rule!(
        "linear-api-key",
        "Linear API key",
        High,
        "Linear personal API key: `lin_api_` + 40 base62 chars",
        ["^lin_api_"],
        r"\blin_api_[A-Za-z0-9]{40}\b"
    ),
    rule!(
        "linear-oauth-token",
        "Linear OAuth access token",
        High,
        "Linear OAuth access token: `lin_oauth_` + 64 hex chars",
        ["^lin_oauth_"],
        r"\blin_oauth_[a-f0-9]{64}\b"
    ),
    rule!("notion-integration-token-legacy", "Notion integration token (legacy)", High,
        "Notion internal integration secret (legacy): `secret_` + 43 base62 chars",
        ["^secret_"], r"\bsecret_[A-Za-z0-9]{43}\b", ent: 4.0,
        gate: |t, e| verify::run_of(t, e, 43, |b| b.is_ascii_alphanumeric())),
    rule!(
        "notion-integration-token",
        "Notion integration token",
        High,
        "Notion integration token: `ntn_` + 11 digits + 35 base62 chars",
        ["^ntn_"],
        r"\bntn_[0-9]{11}[A-Za-z0-9]{35}\b"
    ),
    rule!(
        "postman-api-key",
        "Postman API key",
        High,
        "Postman API key: `PMAK-` + 24 hex + `-` + 34 hex chars",
        ["^PMAK-"],
        r"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b"
    ),
    rule!(
        "digitalocean-pat",
        "DigitalOcean personal access token",
        High,
        "DigitalOcean personal access token: `dop_v1_` + 64 hex chars",
        ["^dop_v1_"],
        r"\bdop_v1_[a-f0-9]{64}\b"
    ),
    rule!(
        "digitalocean-oauth-token",
        "DigitalOcean OAuth token",
        High,
        "DigitalOcean OAuth access token: `doo_v1_` + 64 hex chars",
        ["^doo_v1_"],
        r"\bdoo_v1_[a-f0-9]{64}\b"
    ),
    rule!(
        "digitalocean-refresh-token",
        "DigitalOcean refresh token",
        High,
        "DigitalOcean OAuth refresh token: `dor_v1_` + 64 hex chars",
        ["^dor_v1_"],
        r"\bdor_v1_[a-f0-9]{64}\b"
    ),
    rule!("vault-service-token", "HashiCorp Vault service token", High,
        "HashiCorp Vault service token (1.10+): `hvs.` + base64url body (24+ chars)",
        ["^hvs."], tok!(r"hvs\.[A-Za-z0-9_-]{24,}"), ent: 3.5),
    rule!("vault-batch-token", "HashiCorp Vault batch token", High,
        "HashiCorp Vault batch token (1.10+): `hvb.` + base64url body (24+ chars)",
        ["^hvb."], tok!(r"hvb\.[A-Za-z0-9_-]{24,}"), ent: 3.5),
    rule!("okta-api-token", "Okta API token", High,
        "Okta API (SSWS) token: `00` + 40 chars [A-Za-z0-9_-], assigned to an Okta token",
        ["okta"], kv!(r"okta[_.-]?(?:api[_.-]?)?(?:token|key)", r"00[A-Za-z0-9_-]{40}"), ent: 3.5),
    rule!("auth0-client-secret", "Auth0 client secret", High,
        "Auth0 application client secret: 64 chars [A-Za-z0-9_-] assigned to an Auth0 client secret",
        ["auth0"], kv!(r"auth0[_.-]?client[_.-]?secret", r"[A-Za-z0-9_-]{64}"), ent: 4.0),
    rule!("mapbox-secret-token", "Mapbox secret token", High,
        "Mapbox secret access token: `sk.` + base64url(JSON with `u`) + `.` + 22 chars (payload verified; `pk.` tokens are public)",
        ["^sk.eyJ"], r"\bsk\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}", check: verify::mapbox),
    rule!("algolia-admin-key", "Algolia API key", High,
        "Algolia admin/write API key: 32 hex chars assigned to an Algolia key",
        ["algolia"], kv!(r"algolia[_.-]?(?:admin[_.-]?|write[_.-]?)?(?:api[_.-]?)?key", r"[a-f0-9]{32}"), ent: 3.0),
    rule!("netlify-access-token", "Netlify personal access token", High,
        "Netlify personal access token: `nfp_` + 36 base62 chars",
        ["^nfp_"], r"\bnfp_[A-Za-z0-9]{36}\b", ent: 3.5),
    rule!("vercel-token", "Vercel access token", High,
        "Vercel access token: 24 base62 chars assigned to `VERCEL_TOKEN`",
        ["vercel"], kv!(r"vercel[_.-]?(?:api[_.-]?|access[_.-]?)?(?:token|key)", r"[A-Za-z0-9]{24}"), ent: 3.5),
    rule!("flyio-token", "Fly.io access token", High,
        "Fly.io macaroon token: `FlyV1 fm1_`/`fm2_` + base64 macaroon(s)",
        ["FlyV1 fm"], r"\bFlyV1 fm[12][a-z]?_[A-Za-z0-9+/=,_-]{100,}", ent: 4.0),
    rule!(
        "supabase-pat",
        "Supabase personal access token",
        High,
        "Supabase management API token: `sbp_` + 40 hex chars",
        ["^sbp_"],
        r"\bsbp_[a-f0-9]{40}\b"
    ),
    rule!("supabase-secret-key", "Supabase secret API key", High,
        "Supabase secret API key: `sb_secret_` + 31+ chars [A-Za-z0-9_-]",
        ["^sb_secret_"], tok!(r"sb_secret_[A-Za-z0-9_-]{31,64}"), ent: 3.5),
    rule!(
        "planetscale-password",
        "PlanetScale database password",
        High,
        "PlanetScale connection password: `pscale_pw_` + 43 chars",
        ["^pscale_pw_"],
        tok!(r"pscale_pw_[A-Za-z0-9_.-]{43}")
    ),
    rule!(
        "planetscale-service-token",
        "PlanetScale service token",
        High,
        "PlanetScale service token: `pscale_tkn_` + 43 chars",
        ["^pscale_tkn_"],
        tok!(r"pscale_tkn_[A-Za-z0-9_.-]{43}")
    ),
    rule!(
        "planetscale-oauth-token",
        "PlanetScale OAuth token",
        High,
        "PlanetScale OAuth token: `pscale_oauth_` + 32–64 chars",
        ["^pscale_oauth_"],
        tok!(r"pscale_oauth_[A-Za-z0-9_.-]{32,64}")
    ),
    rule!("databricks-token", "Databricks personal access token", High,
        "Databricks PAT: `dapi` + 32 hex chars (optionally `-N`)",
        ["^dapi"], r"\bdapi[a-f0-9]{32}(?:-[0-9])?\b", ent: 3.0),
    rule!("snowflake-password", "Snowflake password", High,
        "Snowflake account password assigned to `SNOWFLAKE_PASSWORD` / `snowflake…password`",
        ["snowflake"], kv!(r"snowflake[_.-]?(?:[a-z]+[_.-]?)?(?:password|passwd|pwd)", r"[^\s\x22'`,;]{8,128}"),
        ph: true, ent: 2.8, help: HELP_GENERIC),
    rule!("alibaba-access-key-id", "Alibaba Cloud AccessKey ID", High,
        "Alibaba Cloud AccessKey ID: `LTAI` + 12–20 base62 chars",
        ["^!LTAI"], r"\bLTAI[A-Za-z0-9]{12,20}\b", ent: 3.0),
    rule!("alibaba-access-key-secret", "Alibaba Cloud AccessKey secret", High,
        "Alibaba Cloud AccessKey secret: 30 base62 chars assigned to an Alibaba/Aliyun key secret",
        ["alibaba", "aliyun", "alicloud"],
        kv!(r"(?:alibaba|aliyun|alicloud)[_.-]?(?:cloud[_.-]?)?(?:access[_.-]?)?(?:key[_.-]?)?secret", r"[A-Za-z0-9]{30}"),
        ent: 3.5),
    rule!("tencent-secret-id", "Tencent Cloud SecretId", High,
        "Tencent Cloud API SecretId: `AKID` + 32 base62 chars",
        ["^!AKID"], r"\bAKID[A-Za-z0-9]{32}\b", ent: 3.5),
    rule!("tencent-secret-key", "Tencent Cloud SecretKey", High,
        "Tencent Cloud API SecretKey: 32 base62 chars assigned to a Tencent secret key",
        ["tencent", "qcloud"],
        kv!(r"(?:tencent(?:cloud)?|qcloud)[_.-]?secret[_.-]?key", r"[A-Za-z0-9]{32}"), ent: 3.5),
    rule!("ibm-cloud-api-key", "IBM Cloud API key", High,
        "IBM Cloud IAM API key: 44 chars [A-Za-z0-9_-] assigned to an IBM Cloud API key",
        ["ibm"], kv!(r"ibm[_.-]?(?:cloud[_.-]?)?api[_.-]?key|ibmcloud[_.-]?api[_.-]?key", r"[A-Za-z0-9_-]{44}"),
        ent: 4.0),
    rule!("oracle-oci-auth-token", "Oracle Cloud auth token", High,
        "Oracle Cloud Infrastructure auth token: 20 printable chars assigned to an OCI auth token/password",
        ["oci_", "oci-", "ocicli"],
        kv!(r"oci[_.-]?(?:cli[_.-]?)?(?:auth[_.-]?token|password)", r"[A-Za-z0-9#:;()_.+<>{}\[\]-]{20}"),
        ph: true, ent: 3.5),
    rule!("yandex-api-key", "Yandex Cloud API key", High,
        "Yandex Cloud API key: `AQVN` + 35–38 chars [A-Za-z0-9_-]",
        ["^!AQVN"], tok!(r"AQVN[A-Za-z0-9_-]{35,38}"), ent: 3.5),
    rule!("yandex-iam-token", "Yandex Cloud IAM token", High,
        "Yandex Cloud IAM token: `t1.` + base64url part + `.` + 86-char signature",
        ["^t1."], r"\bt1\.[A-Z0-9a-z_-]+={0,2}\.[A-Z0-9a-z_-]{86}={0,2}", ent: 4.0),
    rule!("yandex-static-access-key", "Yandex Cloud static access key", High,
        "Yandex Cloud static access key (S3 API): `YC` + 38 chars [A-Za-z0-9_-]",
        ["^!YC"], tok!(r"YC[A-Za-z0-9_-]{38}"), ent: 3.5),
    rule!("cloudflare-api-token", "Cloudflare API token", High,
        "Cloudflare API token: 40 chars [A-Za-z0-9_-] assigned to `CLOUDFLARE_API_TOKEN` / `CF_API_TOKEN`",
        ["cloudflare", "cf_api", "cf-api"],
        kv!(r"cloudflare[_.-]?(?:api[_.-]?)?token|cf[_.-]api[_.-]token", r"[A-Za-z0-9_-]{40}"), ent: 3.5),
    rule!("cloudflare-global-api-key", "Cloudflare global API key", High,
        "Cloudflare global API key: 37 hex chars assigned to `CLOUDFLARE_API_KEY` / `CF_API_KEY`",
        ["cloudflare", "cf_api", "cf-api"],
        kv!(r"cloudflare[_.-]?(?:global[_.-]?)?(?:api[_.-]?)?key|cf[_.-]api[_.-]key", r"[a-f0-9]{37}"), ent: 3.0),
    rule!(
        "cloudflare-origin-ca-key",
        "Cloudflare Origin CA key",
        High,
        "Cloudflare Origin CA key: `v1.0-` + 24 hex + `-` + 146 hex chars",
        ["^v1.0-"],
        r"\bv1\.0-[a-f0-9]{24}-[a-f0-9]{146}\b"
    ),
    rule!("linode-token", "Linode / Akamai Cloud token", High,
        "Linode personal access token: 64 hex chars assigned to `LINODE_TOKEN`",
        ["linode"], kv!(r"linode[_.-]?(?:api[_.-]?|cli[_.-]?)?(?:token|key)", r"[a-f0-9]{64}"), ent: 3.0),
    rule!("scaleway-access-key", "Scaleway access key", Medium,
        "Scaleway access key ID: `SCW` + 17 chars [A-Z0-9]",
        ["^!SCW"], r"\bSCW[A-Z0-9]{17}\b", ent: 3.0),
    rule!(
        "scaleway-secret-key",
        "Scaleway secret key",
        High,
        "Scaleway secret key: UUID assigned to `SCW_SECRET_KEY`",
        ["scw_", "scaleway"],
        kv!(
            r"(?:scw|scaleway)[_.-]?secret[_.-]?key",
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        )
    ),
    rule!("hetzner-cloud-token", "Hetzner Cloud API token", High,
        "Hetzner Cloud API token: 64 base62 chars assigned to `HCLOUD_TOKEN`",
        ["hcloud", "hetzner"], kv!(r"(?:hcloud|hetzner)[_.-]?(?:api[_.-]?)?token", r"[A-Za-z0-9]{64}"), ent: 4.0),
    rule!("vultr-api-key", "Vultr API key", High,
        "Vultr API key: 36 chars [A-Z0-9] assigned to `VULTR_API_KEY`",
        ["vultr"], kv!(r"vultr[_.-]?(?:api[_.-]?)?key", r"[A-Z0-9]{36}"), ent: 3.5),
    rule!(
        "contentful-pat",
        "Contentful personal access token",
        High,
        "Contentful content management token: `CFPAT-` + 43 chars [A-Za-z0-9_-]",
        ["^!CFPAT-"],
        tok!(r"CFPAT-[A-Za-z0-9_-]{43}")
    ),
    rule!(
        "figma-pat",
        "Figma personal access token",
        High,
        "Figma personal access token: `figd_` + 40 chars [A-Za-z0-9_-]",
        ["^figd_"],
        tok!(r"figd_[A-Za-z0-9_-]{40}")
    ),
    rule!("asana-pat", "Asana personal access token", High,
        "Asana PAT: `1/` or `2/` + numeric ids + `:` + 32 base62 chars (near the word asana)",
        ["asana"], r"\b[12]/[0-9]{13,20}(?:/[0-9]{13,20})?:[A-Za-z0-9]{32}\b",
        back: 1024, fwd: 1024, ent: 3.0),
    rule!(
        "airtable-pat",
        "Airtable personal access token",
        High,
        "Airtable PAT: `pat` + 14 base62 chars + `.` + 64 hex chars",
        ["^!pat"],
        r"\bpat[A-Za-z0-9]{14}\.[a-f0-9]{64}\b"
    ),
    rule!("dropbox-access-token", "Dropbox short-lived access token", High,
        "Dropbox short-lived access token: `sl.` (or `sl.u.`) + 130+ chars [A-Za-z0-9_-]",
        ["^sl."], tok!(r"sl\.(?:u\.)?[A-Za-z0-9_-]{130,}"), ent: 4.0),
    rule!(
        "hubspot-private-app-token",
        "HubSpot private app token",
        High,
        "HubSpot private app access token: `pat-na1-`/`pat-eu1-` + UUID",
        ["^pat-na", "^pat-eu"],
        r"\bpat-(?:na|eu)[0-9]-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
    ),
    rule!(
        "buildkite-api-token",
        "Buildkite API access token",
        High,
        "Buildkite user API access token: `bkua_` + 40 hex chars",
        ["^bkua_"],
        r"\bbkua_[a-f0-9]{40}\b"
    ),
    rule!(
        "circleci-pat",
        "CircleCI personal API token",
        High,
        "CircleCI personal API token: `CCIPAT_` + 22 base62 + `_` + 40 hex chars",
        ["^!CCIPAT_"],
        r"\bCCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}\b"
    ),
    rule!(
        "snyk-api-token",
        "Snyk API token",
        High,
        "Snyk API token: UUID assigned to `SNYK_TOKEN`",
        ["snyk"],
        kv!(
            r"snyk[_.-]?(?:api[_.-]?)?(?:token|key)",
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        )
    ),
    rule!(
        "sonar-project-token",
        "SonarQube project analysis token",
        High,
        "SonarQube/SonarCloud project analysis token: `sqp_` + 40 hex chars",
        ["^sqp_"],
        r"\bsqp_[a-f0-9]{40}\b"
    ),
    rule!(
        "sonar-user-token",
        "SonarQube user token",
        High,
        "SonarQube/SonarCloud user token: `squ_` + 40 hex chars",
        ["^squ_"],
        r"\bsqu_[a-f0-9]{40}\b"
    ),
    rule!(
        "sonar-global-token",
        "SonarQube global analysis token",
        High,
        "SonarQube global analysis token: `sqa_` + 40 hex chars",
        ["^sqa_"],
        r"\bsqa_[a-f0-9]{40}\b"
    ),
    rule!("prefect-api-key", "Prefect Cloud API key", High,
        "Prefect Cloud API key: `pnu_` + 36 base62 chars",
        ["^pnu_"], r"\bpnu_[A-Za-z0-9]{36}\b", ent: 3.5),
    rule!("render-api-key", "Render API key", High,
        "Render API key: `rnd_` + 32 base62 chars",
        ["^rnd_"], r"\brnd_[A-Za-z0-9]{32}\b", ent: 3.5),
    rule!("neon-api-key", "Neon API key", High,
        "Neon API key: `napi_` + 64 chars [a-z0-9]",
        ["^napi_"], r"\bnapi_[a-z0-9]{64}\b", ent: 3.5),
    rule!(
        "shippo-live-token",
        "Shippo live API token",
        High,
        "Shippo live API token: `shippo_live_` + 40 hex chars",
        ["^shippo_live_"],
        r"\bshippo_live_[a-f0-9]{40}\b"
    ),
    rule!("easypost-api-key", "EasyPost production API key", High,
        "EasyPost production API key: `EZAK` + 54 base62 chars",
        ["^!EZAK"], r"\bEZAK[A-Za-z0-9]{54}\b", ent: 3.5),
    rule!("typeform-pat", "Typeform personal access token", High,
        "Typeform personal access token: `tfp_` + 44+ chars [A-Za-z0-9_-]",
        ["^tfp_"], tok!(r"tfp_[A-Za-z0-9_-]{44,80}"), ent: 3.5),
    rule!(
        "frameio-token",
        "Frame.io developer token",
        High,
        "Frame.io developer token: `fio-u-` + 64 chars [A-Za-z0-9_=-]",
        ["^fio-u-"],
        tok!(r"fio-u-[A-Za-z0-9_=-]{64}")
    ),
    rule!(
        "duffel-api-token",
        "Duffel API token",
        High,
        "Duffel API access token: `duffel_live_`/`duffel_test_` + 43 chars [A-Za-z0-9_-]",
        ["^duffel_"],
        tok!(r"duffel_(?:test|live)_[A-Za-z0-9_-]{43}")
    ),
    rule!("adafruit-io-key", "Adafruit IO key", Medium,
        "Adafruit IO key: `aio_` + 28 base62 chars",
        ["^aio_"], r"\baio_[A-Za-z0-9]{28}\b", ent: 3.5),
    rule!(
        "readme-api-key",
        "ReadMe API key",
        High,
        "ReadMe API key: `rdme_` + 70 chars [a-z0-9]",
        ["^rdme_"],
        r"\brdme_[a-z0-9]{70}\b"
    ),
    rule!("infracost-api-key", "Infracost API key", Medium,
        "Infracost API key: `ico-` + 32 base62 chars",
        ["^ico-"], r"\bico-[A-Za-z0-9]{32}\b", ent: 3.5),
    rule!(
        "intra42-client-secret",
        "42 Intra API client secret",
        Medium,
        "42 (intra.42.fr) API client secret: `s-s4t2ud-`/`s-s4t2af-` + 64 hex chars",
        ["^s-s4t2"],
        r"\bs-s4t2(?:ud|af)-[a-f0-9]{64}\b"
    ),
    rule!(
        "launchdarkly-access-token",
        "LaunchDarkly access token",
        High,
        "LaunchDarkly REST API access token: `api-` + UUID",
        ["^api-"],
        r"\bapi-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
    ),
    rule!("octopus-deploy-api-key", "Octopus Deploy API key", High,
        "Octopus Deploy API key: `API-` + 26 chars [A-Z0-9]",
        ["^!API-"], r"\bAPI-[A-Z0-9]{26}\b", ent: 3.5),
    rule!(
        "dynatrace-api-token",
        "Dynatrace API token",
        High,
        "Dynatrace token: `dt0c01.` + 24-char public part + `.` + 64-char secret [A-Z0-9]",
        ["^dt0c01."],
        r"\bdt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}\b"
    ),
    rule!(
        "harness-pat",
        "Harness access token",
        High,
        "Harness PAT/SAT: `pat.`/`sat.` + 22-char account id + `.` + 24 hex + `.` + 20 base62 chars",
        ["^pat.", "^sat."],
        r"\b[ps]at\.[A-Za-z0-9_-]{22}\.[0-9a-f]{24}\.[A-Za-z0-9]{20}\b"
    ),
    rule!(
        "twitter-bearer-token",
        "X / Twitter bearer token",
        High,
        "X (Twitter) app-only bearer token: 21+ `A` + URL-encoded base64 (80+ chars)",
        ["!AAAAAAAAAAAAAAAAAAAAA"],
        r"\bA{21,}[A-Za-z0-9%]{80,}"
    ),
    rule!("facebook-access-token", "Meta / Facebook access token", High,
        "Meta Graph API access token: `EAA` + 90+ base62 chars",
        ["^!EAA"], r"\bEAA[A-Za-z0-9]{90,}\b", ent: 4.0),
    // ----------------------------------------------------------------- structured tokens
    rule!("jwt", "JSON Web Token", Medium,
        "JWT (RFC 7519): three base64url parts; the header decodes to JSON with an `alg` (not `none`), the payload to JSON",
        ["^!eyJ"], r"\b(?P<s>eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})", check: verify::jwt),
    rule!("http-bearer-token", "HTTP bearer token", Medium,
        "`Authorization: Bearer <token>` header value (RFC 6750)",
        ["bearer"],
        r#"(?i:authorization)["']?[ \t]*[:=][ \t]*["']?(?i:bearer)[ \t]+(?P<s>[A-Za-z0-9._~+/-]{16,}=*)"#,
        ph: true, ent: 3.3),
    rule!("http-basic-auth", "HTTP basic credentials", Medium,
        "`Authorization: Basic base64(user:password)` header value (RFC 7617; decoded and checked)",
        ["basic "],
        r#"(?i:authorization)["']?[ \t]*[:=][ \t]*["']?(?i:basic)[ \t]+(?P<s>[A-Za-z0-9+/]{8,}={0,2})"#,
        check: verify::basic_b64),
    // ----------------------------------------------------------------- URLs with passwords
    rule!("postgres-url-password", "PostgreSQL URL with password", High,
        "PostgreSQL connection URI `postgres[ql]://user:password@host` (libpq URI format)",
        ["postgres://", "postgresql://", "postgresql+", "postgres+"],
        url!(r"postgres(?:ql)?(?:\+[a-z0-9]+)?"), check: verify::url_password, ph: true, prio: 1, help: HELP_URL),
    rule!("mysql-url-password", "MySQL/MariaDB URL with password", High,
        "MySQL / MariaDB connection URI `mysql://user:password@host`",
        ["mysql://", "mysql+", "mysqlx://", "mariadb://"],
        url!(r"mysqlx?(?:\+[a-z0-9]+)?|mariadb"), check: verify::url_password, ph: true, prio: 1, help: HELP_URL),
    rule!("mongodb-url-password", "MongoDB URL with password", High,
        "MongoDB connection string `mongodb[+srv]://user:password@host`",
        ["mongodb://", "mongodb+srv://"],
        url!(r"mongodb(?:\+srv)?"), check: verify::url_password, ph: true, prio: 1, help: HELP_URL),
    rule!("redis-url-password", "Redis URL with password", High,
        "Redis URI `redis[s]://[user]:password@host` (IANA redis URI scheme)",
        ["redis://", "rediss://"],
        url!(r"rediss?"), check: verify::url_password, ph: true, prio: 1, help: HELP_URL),
    rule!("amqp-url-password", "AMQP URL with password", High,
        "AMQP (RabbitMQ) URI `amqp[s]://user:password@host`",
        ["amqp://", "amqps://"],
        url!(r"amqps?"), check: verify::url_password, ph: true, prio: 1, help: HELP_URL),
    rule!("mssql-url-password", "SQL Server URL with password", High,
        "SQL Server URI `sqlserver://user:password@host` / `mssql+driver://user:password@host`",
        ["sqlserver://", "mssql://", "mssql+"],
        url!(r"sqlserver|mssql(?:\+[a-z0-9]+)?"), check: verify::url_password, ph: true, prio: 1, help: HELP_URL),
    rule!("url-basic-auth", "URL with embedded credentials", Medium,
        "URL with userinfo `scheme://user:password@host` (RFC 3986 §3.2.1) for http(s), ftp, ldap, smtp, imap",
        ["http://", "https://", "ftp://", "ftps://", "sftp://", "ldap://", "ldaps://", "smtp://", "smtps://", "imap://", "imaps://"],
        url!(r"https?|s?ftps?|ldaps?|smtps?|imaps?"), check: verify::url_password, ph: true, prio: 1, help: HELP_URL),
    // ----------------------------------------------------------------- generic assignments
    rule!("generic-client-secret", "Hard-coded client secret", Medium,
        "Assignment to a `client_secret` / `app_secret` / `consumer_secret` key (YAML, JSON, env, TOML/INI, code) with a random-looking value",
        ["secret"], generic!(r"(?:client|app|application|consumer|oauth)[_.-]?secret"),
        generic: true, ph: true, ent: 3.3, min_len: 10, prio: 1, help: HELP_GENERIC),
    rule!("generic-api-key", "Hard-coded API key", Medium,
        "Assignment to an `api_key` / `apikey` / `access_key` / `secret_key` / `auth_key` key with a random-looking value",
        ["api_key", "apikey", "api-key", "api.key", "access_key", "accesskey", "access-key", "secret_key", "secretkey", "secret-key", "auth_key", "authkey"],
        generic!(r"api[_.-]?key|access[_.-]?key|secret[_.-]?key|auth[_.-]?key"),
        generic: true, ph: true, ent: 3.3, min_len: 12, prio: 1, help: HELP_GENERIC),
    rule!("generic-secret", "Hard-coded secret", Medium,
        "Assignment to a key containing `secret` with a random-looking value",
        ["secret"], generic!(r"secret"),
        generic: true, ph: true, ent: 3.3, min_len: 10, prio: 1, help: HELP_GENERIC),
    rule!("generic-token", "Hard-coded token", Medium,
        "Assignment to a key containing `token` with a random-looking value",
        ["token"], generic!(r"token"),
        generic: true, ph: true, ent: 3.3, min_len: 12, prio: 1, help: HELP_GENERIC),
    rule!("generic-password", "Hard-coded password", Medium,
        "Assignment to a `password` / `passwd` / `passphrase` / `pwd` / `pass` key with a non-placeholder value",
        ["password", "passwd", "passphrase", "pwd", "pass"],
        generic!(r"password|passwd|passphrase|pwd|pass(?:\b|[_.-])"),
        generic: true, ph: true, ent: 2.8, min_len: 8, prio: 1, help: HELP_GENERIC),
];
