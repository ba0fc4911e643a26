//! Discovery of age identities (docs/format.md §8.2): SSH keys, `SOPS_AGE_KEY*` variables,
//! key commands and the default `keys.txt`, all combined.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::sync::Arc;

use age::secrecy::SecretString;
use zeroize::Zeroizing;

pub use super::age::PassphrasePrompt;
use super::age::{KeyError, PromptCallbacks, decrypt_with};
use super::pq::PqIdentity;

type BoxedIdentity = Box<dyn age::Identity + Send + Sync>;

/// One identity as parsed: native (X25519, post-quantum, SSH) or for an age plugin, which is
/// run (from `PATH`) only when a native identity did not open the key.
enum Parsed {
    Native(BoxedIdentity),
    Plugin(age::plugin::Identity),
}

const ENV_SSH_KEY_FILE: &str = "SOPS_AGE_SSH_PRIVATE_KEY_FILE";
const ENV_SSH_KEY_CMD: &str = "SOPS_AGE_SSH_PRIVATE_KEY_CMD";
const ENV_KEY: &str = "SOPS_AGE_KEY";
const ENV_KEY_FILE: &str = "SOPS_AGE_KEY_FILE";
const ENV_KEY_CMD: &str = "SOPS_AGE_KEY_CMD";
const ENV_RECIPIENT: &str = "SOPS_AGE_RECIPIENT";

/// Environment variables discovery reads.
const VARS: &[&str] = &[
    ENV_SSH_KEY_FILE,
    ENV_SSH_KEY_CMD,
    ENV_KEY,
    ENV_KEY_FILE,
    ENV_KEY_CMD,
    "XDG_CONFIG_HOME",
    "APPDATA",
    "HOME",
];

/// The slice of the process environment that identity discovery depends on.
///
/// Built with [`Env::from_process`] in production and [`Env::from_vars`] in tests, so tests
/// never touch the real HOME or environment.
#[derive(Clone)]
pub struct Env {
    vars: HashMap<String, String>,
    home: Option<PathBuf>,
    prompt: PassphrasePrompt,
}

impl Env {
    /// The real environment; passphrases are asked on the terminal.
    pub fn from_process() -> Self {
        let vars = VARS
            .iter()
            .filter_map(|name| std::env::var(name).ok().map(|v| (name.to_string(), v)))
            .collect();
        Env {
            vars,
            home: dirs::home_dir(),
            prompt: super::age::terminal_prompt(),
        }
    }

    /// An environment made of the given variables only. The home directory is taken from
    /// `HOME` (if present); passphrase prompts return `None` until [`Env::with_prompt`].
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let vars: HashMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let home = vars
            .get("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        Env {
            vars,
            home,
            prompt: Arc::new(|_| None),
        }
    }

    /// Replaces the home directory.
    pub fn with_home(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }

    /// Replaces the passphrase prompt.
    pub fn with_prompt(mut self, prompt: PassphrasePrompt) -> Self {
        self.prompt = prompt;
        self
    }

    /// A variable's value; empty values count as unset (as in sops).
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The user's home directory, if known.
    pub fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }

    /// `<user config dir>/sops/age/keys.txt` (Linux: `$XDG_CONFIG_HOME` or `~/.config`;
    /// macOS: `$XDG_CONFIG_HOME` or `~/Library/Application Support`; Windows: `%AppData%`).
    pub fn default_keys_file(&self) -> Option<PathBuf> {
        let config_dir = if cfg!(windows) {
            self.var("APPDATA").map(PathBuf::from)
        } else if let Some(xdg) = self.var("XDG_CONFIG_HOME") {
            Some(PathBuf::from(xdg))
        } else if cfg!(target_os = "macos") {
            self.home
                .as_ref()
                .map(|h| h.join("Library").join("Application Support"))
        } else {
            self.home.as_ref().map(|h| h.join(".config"))
        }?;
        Some(config_dir.join("sops").join("age").join("keys.txt"))
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&String> = self.vars.keys().collect();
        names.sort();
        f.debug_struct("Env")
            .field("vars_set", &names)
            .field("home", &self.home)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CommandKind {
    /// stdout is an unencrypted SSH private key.
    Ssh,
    /// stdout is age identity text.
    Age,
}

#[derive(Clone)]
struct KeyCommand {
    var: &'static str,
    argv: Vec<String>,
    kind: CommandKind,
}

impl KeyCommand {
    fn parse(var: &'static str, cmd: &str, kind: CommandKind) -> Result<Self, KeyError> {
        let argv = shell_words::split(cmd).map_err(|e| KeyError::Source {
            source_name: var.to_string(),
            reason: format!("cannot split command: {e}"),
        })?;
        if argv.is_empty() {
            return Err(KeyError::Source {
                source_name: var.to_string(),
                reason: "empty command".to_string(),
            });
        }
        Ok(KeyCommand { var, argv, kind })
    }

    /// Runs the command (no shell) with `SOPS_AGE_RECIPIENT=<recipient>` and parses stdout.
    fn run(&self, recipient: &str, prompt: &PassphrasePrompt) -> Result<Vec<Parsed>, KeyError> {
        let source_name = format!("{} output", self.var);
        let fail = |reason: String| KeyError::Source {
            source_name: self.var.to_string(),
            reason,
        };
        let output = Command::new(&self.argv[0])
            .args(&self.argv[1..])
            .env(ENV_RECIPIENT, recipient)
            .stdin(Stdio::inherit())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| fail(format!("cannot run {:?}: {e}", self.argv[0])))?;
        let stdout = Zeroizing::new(output.stdout);
        if !output.status.success() {
            return Err(fail(format!("command failed ({})", output.status)));
        }
        match self.kind {
            CommandKind::Ssh => Ok(vec![Parsed::Native(load_ssh_key(
                &stdout,
                &source_name,
                prompt,
            )?)]),
            CommandKind::Age => {
                let text = std::str::from_utf8(&stdout)
                    .map_err(|_| fail("output is not UTF-8 text".to_string()))?;
                parse_identity_text(text, &source_name, false)
            }
        }
    }
}

/// Parses one identity string (`AGE-SECRET-KEY-1…`, `AGE-SECRET-KEY-PQ-1…` or
/// `AGE-PLUGIN-NAME-1…`). The error text never contains the input.
fn parse_identity(s: &str) -> Result<Parsed, String> {
    let upper_prefix = |p: &str| s.len() >= p.len() && s[..p.len()].eq_ignore_ascii_case(p);
    if upper_prefix("AGE-SECRET-KEY-PQ-1") {
        PqIdentity::parse(s)
            .map(|id| Parsed::Native(Box::new(id)))
            .map_err(|e| e.to_string())
    } else if upper_prefix("AGE-SECRET-KEY-1") {
        age::x25519::Identity::from_str(s)
            .map(|id| Parsed::Native(Box::new(id)))
            .map_err(|_| "invalid X25519 age identity".to_string())
    } else if upper_prefix("AGE-PLUGIN-") {
        age::plugin::Identity::from_str(s)
            .map(Parsed::Plugin)
            .map_err(|_| "invalid age plugin identity".to_string())
    } else {
        Err("not an age identity (expected AGE-SECRET-KEY-1…, AGE-SECRET-KEY-PQ-1… or AGE-PLUGIN-…)".to_string())
    }
}

/// Parses identity text: one identity per line (or several whitespace-separated ones when
/// `several_per_line`), blank lines and `#` comments ignored. Lines are not trimmed.
fn parse_identity_text(
    text: &str,
    source_name: &str,
    several_per_line: bool,
) -> Result<Vec<Parsed>, KeyError> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let tokens: Vec<&str> = if several_per_line {
            line.split_whitespace().collect()
        } else {
            vec![line]
        };
        for token in tokens {
            out.push(
                parse_identity(token).map_err(|reason| KeyError::InvalidIdentity {
                    source_name: source_name.to_string(),
                    line: index + 1,
                    reason,
                })?,
            );
        }
    }
    Ok(out)
}

/// Loads an OpenSSH/PEM private key; encrypted keys ask for the passphrase when first used.
fn load_ssh_key(
    bytes: &[u8],
    source_name: &str,
    prompt: &PassphrasePrompt,
) -> Result<BoxedIdentity, KeyError> {
    let fail = |reason: &str| KeyError::Source {
        source_name: source_name.to_string(),
        reason: reason.to_string(),
    };
    let identity = age::ssh::Identity::from_buffer(bytes, Some(source_name.to_string()))
        .map_err(|_| fail("not a valid OpenSSH/PEM private key"))?;
    if let age::ssh::Identity::Unsupported(_) = identity {
        return Err(fail(
            "unsupported SSH private key (only ssh-ed25519 and ssh-rsa are supported)",
        ));
    }
    Ok(Box::new(
        identity.with_callbacks(PromptCallbacks(prompt.clone())),
    ))
}

/// True for an age-encrypted file (binary or armored).
fn is_age_encrypted(bytes: &[u8]) -> bool {
    bytes.starts_with(b"age-encryption.org") || bytes.starts_with(b"-----BEGIN AGE")
}

/// Reads an identity file, decrypting it with a passphrase if it is itself age-encrypted.
fn read_identity_file(
    path: &Path,
    source_name: &str,
    prompt: &PassphrasePrompt,
) -> Result<Vec<Parsed>, KeyError> {
    let fail = |reason: String| KeyError::Source {
        source_name: source_name.to_string(),
        reason,
    };
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| fail(format!("cannot read: {e}")))?);
    let plain = if is_age_encrypted(&bytes) {
        let passphrase = prompt(&format!(
            "Enter passphrase for identity file {}",
            path.display()
        ))
        .ok_or_else(|| {
            fail("identity file is passphrase-protected and no passphrase was given".to_string())
        })?;
        let scrypt = age::scrypt::Identity::new(SecretString::from(passphrase.as_str().to_owned()));
        match decrypt_with(&bytes, &[&scrypt]) {
            Ok(Some(plain)) => plain,
            Ok(None) => {
                return Err(fail(
                    "identity file is age-encrypted but not with a passphrase".to_string(),
                ));
            }
            Err(_) => {
                return Err(fail(
                    "cannot decrypt passphrase-protected identity file (wrong passphrase?)"
                        .to_string(),
                ));
            }
        }
    } else {
        bytes
    };
    let text = std::str::from_utf8(&plain).map_err(|_| fail("not UTF-8 text".to_string()))?;
    parse_identity_text(text, source_name, false)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "identity" } else { "identities" }
}

/// All age identities available for decryption, combined from every source of docs/format.md §8.2.
pub struct Identities {
    identities: Vec<BoxedIdentity>,
    /// Plugin identities, tried after the native ones (each plugin is a program to run).
    plugins: Vec<age::plugin::Identity>,
    commands: Vec<KeyCommand>,
    prompt: PassphrasePrompt,
    searched: Vec<String>,
}

impl Identities {
    /// No identities at all.
    pub fn empty() -> Self {
        Identities {
            identities: Vec::new(),
            plugins: Vec::new(),
            commands: Vec::new(),
            prompt: Arc::new(|_| None),
            searched: Vec::new(),
        }
    }

    /// Looks at every source in the order of docs/format.md §8.2 and combines what it finds.
    ///
    /// Configured sources (`SOPS_AGE_SSH_PRIVATE_KEY_FILE`, `SOPS_AGE_KEY`,
    /// `SOPS_AGE_KEY_FILE`, the default `keys.txt` when present) that are unreadable or
    /// malformed are errors naming the source and line; the default `~/.ssh` keys are
    /// skipped (and noted in [`Identities::searched`]) when they cannot be used.
    /// Key commands are only parsed here and run later, once per recipient.
    pub fn discover(env: &Env) -> Result<Self, KeyError> {
        let mut ids = Identities::empty();
        ids.prompt = env.prompt.clone();
        let prompt = env.prompt.clone();

        // 1. SOPS_AGE_SSH_PRIVATE_KEY_FILE
        match env.var(ENV_SSH_KEY_FILE) {
            None => ids.note(format!("{ENV_SSH_KEY_FILE} (not set)")),
            Some(path) => {
                let source_name = format!("{ENV_SSH_KEY_FILE}={path}");
                let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| KeyError::Source {
                    source_name: source_name.clone(),
                    reason: format!("cannot read: {e}"),
                })?);
                ids.identities
                    .push(load_ssh_key(&bytes, &source_name, &prompt)?);
                ids.note(format!("{source_name} (SSH key loaded)"));
            }
        }
        // 2. SOPS_AGE_SSH_PRIVATE_KEY_CMD
        ids.add_command(env, ENV_SSH_KEY_CMD, CommandKind::Ssh)?;
        // 3. ~/.ssh/id_ed25519, ~/.ssh/id_rsa
        match env.home() {
            None => ids.note("~/.ssh/id_ed25519, ~/.ssh/id_rsa (home directory unknown)".into()),
            Some(home) => {
                for name in ["id_ed25519", "id_rsa"] {
                    let path = home.join(".ssh").join(name);
                    let shown = path.display().to_string();
                    match std::fs::read(&path) {
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                            ids.note(format!("{shown} (missing)"))
                        }
                        Err(e) => ids.note(format!("{shown} (unreadable: {e})")),
                        Ok(bytes) => {
                            let bytes = Zeroizing::new(bytes);
                            match load_ssh_key(&bytes, &shown, &prompt) {
                                Ok(id) => {
                                    ids.identities.push(id);
                                    ids.note(format!("{shown} (SSH key loaded)"));
                                }
                                Err(e) => ids.note(format!("{shown} (skipped: {e})")),
                            }
                        }
                    }
                }
            }
        }
        // 4. SOPS_AGE_KEY
        match env.var(ENV_KEY) {
            None => ids.note(format!("{ENV_KEY} (not set)")),
            Some(value) => {
                let found = parse_identity_text(value, ENV_KEY, true)?;
                ids.note(format!(
                    "{ENV_KEY} ({} {})",
                    found.len(),
                    plural(found.len())
                ));
                ids.add(found);
            }
        }
        // 5. SOPS_AGE_KEY_FILE
        match env.var(ENV_KEY_FILE) {
            None => ids.note(format!("{ENV_KEY_FILE} (not set)")),
            Some(path) => {
                let source_name = format!("{ENV_KEY_FILE}={path}");
                let found = read_identity_file(Path::new(path), &source_name, &prompt)?;
                ids.note(format!(
                    "{source_name} ({} {})",
                    found.len(),
                    plural(found.len())
                ));
                ids.add(found);
            }
        }
        // 6. SOPS_AGE_KEY_CMD
        ids.add_command(env, ENV_KEY_CMD, CommandKind::Age)?;
        // 7. <config dir>/sops/age/keys.txt
        match env.default_keys_file() {
            None => ids.note("sops/age/keys.txt (user config directory unknown)".into()),
            Some(path) => {
                let shown = path.display().to_string();
                if path.is_file() {
                    let found = read_identity_file(&path, &shown, &prompt)?;
                    ids.note(format!("{shown} ({} {})", found.len(), plural(found.len())));
                    ids.add(found);
                } else {
                    ids.note(format!("{shown} (missing)"));
                }
            }
        }
        Ok(ids)
    }

    fn note(&mut self, entry: String) {
        self.searched.push(entry);
    }

    fn add(&mut self, found: Vec<Parsed>) {
        for p in found {
            match p {
                Parsed::Native(id) => self.identities.push(id),
                Parsed::Plugin(id) => self.plugins.push(id),
            }
        }
    }

    fn add_command(
        &mut self,
        env: &Env,
        var: &'static str,
        kind: CommandKind,
    ) -> Result<(), KeyError> {
        match env.var(var) {
            None => self.note(format!("{var} (not set)")),
            Some(cmd) => {
                // The command line itself is not shown: it may embed a secret.
                self.commands.push(KeyCommand::parse(var, cmd, kind)?);
                self.note(format!("{var} (set; run for each recipient)"));
            }
        }
        Ok(())
    }

    /// Adds identities from identity text (one per line, `#` comments), e.g. a key file
    /// given explicitly on the command line. Returns how many were added.
    pub fn add_identity_text(&mut self, text: &str, source_name: &str) -> Result<usize, KeyError> {
        let found = parse_identity_text(text, source_name, false)?;
        let n = found.len();
        self.searched
            .push(format!("{source_name} ({n} {})", plural(n)));
        self.add(found);
        Ok(n)
    }

    /// Every place looked at, with what was found there (for "no identity matched" errors).
    pub fn searched(&self) -> &[String] {
        &self.searched
    }

    /// Number of identities loaded (not counting key commands, which run lazily).
    pub fn len(&self) -> usize {
        self.identities.len() + self.plugins.len()
    }

    /// True when there is neither an identity nor a key command.
    pub fn is_empty(&self) -> bool {
        self.identities.is_empty() && self.plugins.is_empty() && self.commands.is_empty()
    }

    /// Tries the plugin identities: each plugin (`age-plugin-NAME` on `PATH`) gets the stanzas
    /// with its own identities. A plugin that is not installed is an error only when nothing
    /// else opens the key.
    fn unwrap_with_plugins(
        &self,
        enc: &[u8],
        plugins: &[age::plugin::Identity],
    ) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
        let mut names: Vec<&str> = plugins.iter().map(|p| p.plugin()).collect();
        names.sort_unstable();
        names.dedup();
        let mut missing = Vec::new();
        for name in names {
            let plugin = match age::plugin::IdentityPluginV1::new(
                name,
                plugins,
                PromptCallbacks(self.prompt.clone()),
            ) {
                Ok(p) => p,
                Err(e) => {
                    missing.push(super::age::plugin_problem(&e));
                    continue;
                }
            };
            if let Some(plain) = decrypt_with(enc, &[&plugin])? {
                return Ok(Some(plain));
            }
        }
        if missing.is_empty() {
            Ok(None)
        } else {
            Err(KeyError::Source {
                source_name: "age plugin".to_string(),
                reason: missing.join("; "),
            })
        }
    }

    /// Decrypts one sops age master key: `enc` is the armored age file, `recipient` the
    /// metadata recipient (passed to key commands as `SOPS_AGE_RECIPIENT`).
    ///
    /// Loaded identities are tried first; key commands are run only if none matched.
    /// `Ok(None)` when no identity matches; `Err` for malformed input or a failing command.
    pub fn unwrap(
        &self,
        recipient: &str,
        enc: &str,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
        let enc = enc.trim().as_bytes();
        let loaded: Vec<&dyn age::Identity> = self
            .identities
            .iter()
            .map(|b| b.as_ref() as &dyn age::Identity)
            .collect();
        if let Some(plain) = decrypt_with(enc, &loaded)? {
            return Ok(Some(plain));
        }
        let plugin_result = if self.plugins.is_empty() {
            Ok(None)
        } else {
            self.unwrap_with_plugins(enc, &self.plugins)
        };
        if let Ok(Some(plain)) = plugin_result {
            return Ok(Some(plain));
        }
        for command in &self.commands {
            let mut natives = Vec::new();
            let mut plugins = Vec::new();
            for p in command.run(recipient.trim(), &self.prompt)? {
                match p {
                    Parsed::Native(id) => natives.push(id),
                    Parsed::Plugin(id) => plugins.push(id),
                }
            }
            let refs: Vec<&dyn age::Identity> = natives
                .iter()
                .map(|b| b.as_ref() as &dyn age::Identity)
                .collect();
            if let Some(plain) = decrypt_with(enc, &refs)? {
                return Ok(Some(plain));
            }
            if !plugins.is_empty()
                && let Some(plain) = self.unwrap_with_plugins(enc, &plugins)?
            {
                return Ok(Some(plain));
            }
        }
        plugin_result
    }
}

impl fmt::Debug for Identities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identities")
            .field("identities", &self.identities.len())
            .field("plugin_identities", &self.plugins.len())
            .field(
                "commands",
                &self.commands.iter().map(|c| c.var).collect::<Vec<_>>(),
            )
            .field("searched", &self.searched)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::keys::age::tests::ssh_keygen;
    use crate::keys::age::{AgeRecipient, keygen, keygen_pq, wrap};

    fn env(home: &Path, extra: &[(&str, String)]) -> Env {
        let mut vars = vec![("HOME".to_string(), home.display().to_string())];
        vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
        Env::from_vars(vars)
    }

    fn fixed_prompt(pass: &'static str) -> PassphrasePrompt {
        Arc::new(move |_| Some(Zeroizing::new(pass.to_string())))
    }

    #[test]
    fn nothing_configured_lists_every_place() {
        let home = tempfile::tempdir().unwrap();
        let ids = Identities::discover(&env(home.path(), &[])).unwrap();
        assert!(ids.is_empty());
        let searched = ids.searched().join("\n");
        for needle in [
            "SOPS_AGE_SSH_PRIVATE_KEY_FILE (not set)",
            "SOPS_AGE_SSH_PRIVATE_KEY_CMD (not set)",
            "/.ssh/id_ed25519 (missing)",
            "/.ssh/id_rsa (missing)",
            "SOPS_AGE_KEY (not set)",
            "SOPS_AGE_KEY_FILE (not set)",
            "SOPS_AGE_KEY_CMD (not set)",
            "/.config/sops/age/keys.txt (missing)",
        ] {
            assert!(searched.contains(needle), "{needle:?} not in\n{searched}");
        }
        assert_eq!(ids.searched().len(), 8);
    }

    #[test]
    fn all_sources_are_combined() {
        let home = tempfile::tempdir().unwrap();
        let xdg = home.path().join("xdg");
        std::fs::create_dir_all(xdg.join("sops/age")).unwrap();
        let (k1, r1) = keygen();
        let (k2, r2) = keygen();
        let (k3, r3) = keygen_pq();
        let (k4, r4) = keygen();
        std::fs::write(
            xdg.join("sops/age/keys.txt"),
            format!("# created: now\n# public key: {r4}\n\n{}\n", k4.as_str()),
        )
        .unwrap();
        let key_file = home.path().join("file.txt");
        std::fs::write(&key_file, format!("{}\r\n", k3.as_str())).unwrap();
        let e = env(
            home.path(),
            &[
                (
                    "SOPS_AGE_KEY",
                    format!("# comment\n{} \t{}\n", k1.as_str(), k2.as_str()),
                ),
                ("SOPS_AGE_KEY_FILE", key_file.display().to_string()),
                ("XDG_CONFIG_HOME", xdg.display().to_string()),
            ],
        );
        let ids = Identities::discover(&e).unwrap();
        assert_eq!(ids.len(), 4, "{:?}", ids.searched());
        assert!(
            ids.searched()
                .iter()
                .any(|s| s == "SOPS_AGE_KEY (2 identities)")
        );
        for r in [r1, r2, r3, r4] {
            let recipient = AgeRecipient::parse(&r).unwrap();
            let enc = wrap(&recipient, &[9u8; 32]).unwrap();
            assert_eq!(&ids.unwrap(&r, &enc).unwrap().unwrap()[..], &[9u8; 32]);
        }
    }

    #[test]
    fn default_keys_file_follows_home_config() {
        let home = tempfile::tempdir().unwrap();
        let e = env(home.path(), &[]);
        let path = e.default_keys_file().unwrap();
        if !cfg!(target_os = "macos") && !cfg!(windows) {
            assert_eq!(path, home.path().join(".config/sops/age/keys.txt"));
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let (k, _) = keygen();
        std::fs::write(&path, k.as_str()).unwrap();
        assert_eq!(Identities::discover(&e).unwrap().len(), 1);
    }

    #[test]
    fn bad_lines_name_source_and_line_but_not_the_key() {
        let home = tempfile::tempdir().unwrap();
        let (k, _) = keygen();
        let damaged = format!("{}x", k.as_str());
        let file = home.path().join("keys.txt");
        std::fs::write(&file, format!("# ok\n\n{damaged}\n")).unwrap();
        let e = env(
            home.path(),
            &[("SOPS_AGE_KEY_FILE", file.display().to_string())],
        );
        let msg = Identities::discover(&e).unwrap_err().to_string();
        assert!(
            msg.contains("SOPS_AGE_KEY_FILE=") && msg.contains("line 3"),
            "{msg}"
        );
        assert!(!msg.contains(&damaged[16..]), "key text leaked: {msg}");

        // in a key file, lines are not trimmed (leading blanks are an error) ...
        std::fs::write(&file, format!("  {}\n", k.as_str())).unwrap();
        let msg = Identities::discover(&e).unwrap_err().to_string();
        assert!(msg.contains("line 1"), "{msg}");
        // ... while SOPS_AGE_KEY takes several whitespace-separated identities per line
        let e2 = env(
            home.path(),
            &[("SOPS_AGE_KEY", format!("  {}  ", k.as_str()))],
        );
        assert_eq!(Identities::discover(&e2).unwrap().len(), 1);
        // plugin identities are refused
        let e3 = env(
            home.path(),
            &[("SOPS_AGE_KEY", "AGE-PLUGIN-YUBIKEY-1QQQ".into())],
        );
        let msg = Identities::discover(&e3).unwrap_err().to_string();
        assert!(
            msg.contains("SOPS_AGE_KEY") && msg.contains("plugin"),
            "{msg}"
        );
        // a configured key file that does not exist is an error
        let e = env(
            home.path(),
            &[("SOPS_AGE_KEY_FILE", "/nonexistent/keys.txt".into())],
        );
        assert!(Identities::discover(&e).is_err());
    }

    #[test]
    fn key_cmd_runs_per_recipient_with_sops_age_recipient() {
        let home = tempfile::tempdir().unwrap();
        let (k, r) = keygen();
        let file = home.path().join("cmd-keys.txt");
        std::fs::write(&file, k.as_str()).unwrap();
        // prints the key only when asked for the right recipient
        let cmd = format!(
            "sh -c 'test \"$SOPS_AGE_RECIPIENT\" = {r} && cat \"$0\"' '{}'",
            file.display()
        );
        let e = env(home.path(), &[("SOPS_AGE_KEY_CMD", cmd)]);
        let ids = Identities::discover(&e).unwrap();
        assert!(!ids.is_empty());
        assert_eq!(ids.len(), 0);
        let recipient = AgeRecipient::parse(&r).unwrap();
        let enc = wrap(&recipient, b"0123456789abcdef0123456789abcdef").unwrap();
        let opened = ids.unwrap(&r, &enc).unwrap().unwrap();
        assert_eq!(&opened[..], b"0123456789abcdef0123456789abcdef");
        // another recipient value makes the command fail
        let err = ids.unwrap("age1other", &enc).unwrap_err().to_string();
        assert!(err.contains("SOPS_AGE_KEY_CMD"), "{err}");
        // unbalanced quotes are reported at discovery
        let e = env(home.path(), &[("SOPS_AGE_KEY_CMD", "cat 'oops".into())]);
        assert!(Identities::discover(&e).is_err());
    }

    #[test]
    fn ssh_sources_file_cmd_and_default_path() {
        let home = tempfile::tempdir().unwrap();
        let keys = tempfile::tempdir().unwrap();
        let (ed_path, ed_pub) = ssh_keygen(keys.path(), "ed25519", "");
        let ed = AgeRecipient::parse(&ed_pub).unwrap();
        let enc = wrap(&ed, &[1u8; 33]).unwrap();

        let via_cmd = env(
            home.path(),
            &[(
                "SOPS_AGE_SSH_PRIVATE_KEY_CMD",
                format!("cat '{}'", ed_path.display()),
            )],
        );
        let ids = Identities::discover(&via_cmd).unwrap();
        assert_eq!(&ids.unwrap(&ed_pub, &enc).unwrap().unwrap()[..], &[1u8; 33]);

        std::fs::create_dir_all(home.path().join(".ssh")).unwrap();
        std::fs::copy(&ed_path, home.path().join(".ssh/id_ed25519")).unwrap();
        let ids = Identities::discover(&env(home.path(), &[])).unwrap();
        assert_eq!(ids.len(), 1);
        assert!(
            ids.searched()
                .iter()
                .any(|s| s.ends_with("id_ed25519 (SSH key loaded)"))
        );
        assert_eq!(&ids.unwrap(&ed_pub, &enc).unwrap().unwrap()[..], &[1u8; 33]);
    }

    #[test]
    fn passphrase_protected_ssh_key_is_prompted_for() {
        let home = tempfile::tempdir().unwrap();
        let (path, public) = ssh_keygen(home.path(), "ed25519", "correct horse");
        let r = AgeRecipient::parse(&public).unwrap();
        let enc = wrap(&r, &[5u8; 32]).unwrap();
        let vars = [("SOPS_AGE_SSH_PRIVATE_KEY_FILE", path.display().to_string())];
        let good = env(home.path(), &vars).with_prompt(fixed_prompt("correct horse"));
        let ids = Identities::discover(&good).unwrap();
        assert_eq!(&ids.unwrap(&public, &enc).unwrap().unwrap()[..], &[5u8; 32]);
        let bad = env(home.path(), &vars).with_prompt(fixed_prompt("wrong"));
        assert!(
            Identities::discover(&bad)
                .unwrap()
                .unwrap(&public, &enc)
                .is_err()
        );
    }

    #[test]
    fn passphrase_encrypted_identity_file() {
        let home = tempfile::tempdir().unwrap();
        let (k, r) = keygen();
        let mut scrypt = age::scrypt::Recipient::new(SecretString::from("pw".to_string()));
        scrypt.set_work_factor(4);
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&scrypt as &dyn age::Recipient))
                .unwrap();
        let mut encrypted = Vec::new();
        let mut w = encryptor.wrap_output(&mut encrypted).unwrap();
        w.write_all(format!("# comment\n{}\n", k.as_str()).as_bytes())
            .unwrap();
        w.finish().unwrap();
        let file = home.path().join("keys.age");
        std::fs::write(&file, &encrypted).unwrap();
        let vars = [("SOPS_AGE_KEY_FILE", file.display().to_string())];

        let ids =
            Identities::discover(&env(home.path(), &vars).with_prompt(fixed_prompt("pw"))).unwrap();
        assert_eq!(ids.len(), 1);
        let recipient = AgeRecipient::parse(&r).unwrap();
        let enc = wrap(&recipient, &[3u8; 32]).unwrap();
        assert!(ids.unwrap(&r, &enc).unwrap().is_some());

        let msg = Identities::discover(&env(home.path(), &vars).with_prompt(fixed_prompt("no")))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("wrong passphrase"), "{msg}");
        // no terminal / no passphrase given
        assert!(Identities::discover(&env(home.path(), &vars)).is_err());
    }
}
