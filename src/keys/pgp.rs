//! PGP master keys through the `gpg` binary, as sops uses it: the data key is encrypted to a
//! fingerprint with `gpg --encrypt -a` and decrypted with `gpg --decrypt`, so that gpg-agent,
//! smartcards and YubiKeys keep working. `SOPS_GPG_EXEC` names another binary; `GNUPGHOME` is
//! passed through to gpg.
//!
//! gpg is run with `--status-fd 2`, so that its machine-readable status lines tell what went
//! wrong (no secret key, no public key, no pinentry) whatever the locale.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use zeroize::Zeroizing;

/// Environment variable naming the gpg binary (as in sops).
pub const ENV_GPG_EXEC: &str = "SOPS_GPG_EXEC";

/// What went wrong with gpg. Messages never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PgpError {
    #[error(
        "gpg not found ({0:?}): install GnuPG (Debian/Ubuntu: apt-get install gnupg) or name the binary in SOPS_GPG_EXEC"
    )]
    GpgMissing(String),
    #[error("cannot run gpg ({program:?}): {reason}")]
    Spawn { program: String, reason: String },
    #[error("the public key {fp} is not in the GnuPG keyring {home} (import it with gpg --import)")]
    NoPublicKey { fp: String, home: String },
    #[error("the key {fp} cannot encrypt (expired, revoked or without an encryption subkey)")]
    UnusableKey { fp: String },
    #[error("no secret key for it in the GnuPG keyring {home} (encrypted to key ID {key_ids})")]
    NoSecretKey { home: String, key_ids: String },
    #[error(
        "the secret key is locked and gpg-agent could not ask for its passphrase: {reason} (no terminal? unlock the key in a terminal first, e.g. with gpg --decrypt, or set GPG_TTY / a graphical pinentry)"
    )]
    Pinentry { reason: String },
    #[error("wrong passphrase for the secret key")]
    BadPassphrase,
    #[error("the passphrase prompt was cancelled")]
    Cancelled,
    #[error("gpg failed: {0}")]
    Failed(String),
}

/// How gpg is run: the binary and the key-ring directory it will use (for messages).
#[derive(Clone, Debug)]
pub struct Gpg {
    program: String,
    /// `GNUPGHOME`, passed to gpg as `--homedir`.
    homedir: Option<PathBuf>,
    /// The key-ring directory gpg uses, for messages.
    home: Option<PathBuf>,
}

impl Gpg {
    /// `SOPS_GPG_EXEC` (else `gpg`) and `GNUPGHOME` (else `~/.gnupg`, for messages).
    pub fn new(exec: Option<&str>, gnupghome: Option<&str>, home: Option<&std::path::Path>) -> Gpg {
        let homedir = gnupghome.filter(|s| !s.is_empty()).map(PathBuf::from);
        Gpg {
            program: exec.filter(|s| !s.is_empty()).unwrap_or("gpg").to_string(),
            home: homedir.clone().or_else(|| home.map(|h| h.join(".gnupg"))),
            homedir,
        }
    }

    /// From the process environment.
    pub fn from_process() -> Gpg {
        Gpg::new(
            std::env::var(ENV_GPG_EXEC).ok().as_deref(),
            std::env::var("GNUPGHOME").ok().as_deref(),
            dirs::home_dir().as_deref(),
        )
    }

    fn home_shown(&self) -> String {
        self.home
            .as_ref()
            .map(|h| h.display().to_string())
            .unwrap_or_else(|| "(default)".to_string())
    }

    /// Runs gpg with `input` on stdin; returns stdout (zeroized on drop) and stderr.
    fn run(
        &self,
        args: &[&str],
        input: &[u8],
    ) -> Result<(bool, Zeroizing<Vec<u8>>, String), PgpError> {
        let mut cmd = Command::new(&self.program);
        if let Some(h) = &self.homedir {
            cmd.arg("--homedir").arg(h);
        }
        let mut child = cmd
            .args(["--status-fd", "2"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    PgpError::GpgMissing(self.program.clone())
                } else {
                    PgpError::Spawn {
                        program: self.program.clone(),
                        reason: e.to_string(),
                    }
                }
            })?;
        // The input is small (a data key or an armored message): it fits in the pipe, and gpg
        // reads it before it writes much, so writing first cannot deadlock.
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(input);
        }
        let out = child.wait_with_output().map_err(|e| PgpError::Spawn {
            program: self.program.clone(),
            reason: e.to_string(),
        })?;
        Ok((
            out.status.success(),
            Zeroizing::new(out.stdout),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ))
    }

    /// Encrypts `secret` to the key `fp` as an armored PGP message (as sops writes it).
    pub fn encrypt(&self, fp: &str, secret: &[u8]) -> Result<String, PgpError> {
        let fp = fp.trim();
        let trusted = short_id(fp);
        let (ok, stdout, stderr) = self.run(
            &[
                "--batch",
                "--no-default-recipient",
                "--yes",
                "--encrypt",
                "-a",
                "-r",
                fp,
                "--trusted-key",
                &trusted,
                "--no-encrypt-to",
            ],
            secret,
        )?;
        let status = Status::parse(&stderr);
        if !ok || stdout.is_empty() {
            if let Some(reason) = status.invalid_recipient {
                // INV_RECP reasons: 1 = not found, others = unusable (expired, revoked, …).
                return Err(if reason == "1" || reason == "0" {
                    PgpError::NoPublicKey {
                        fp: fp.to_string(),
                        home: self.home_shown(),
                    }
                } else {
                    PgpError::UnusableKey { fp: fp.to_string() }
                });
            }
            return Err(PgpError::Failed(status.message()));
        }
        let text = String::from_utf8_lossy(&stdout).trim().to_string();
        Ok(text + "\n")
    }

    /// Decrypts an armored PGP message with whatever secret key the keyring (or agent, or
    /// card) has for it.
    pub fn decrypt(&self, enc: &str) -> Result<Zeroizing<Vec<u8>>, PgpError> {
        let (ok, stdout, stderr) = self.run(&["--decrypt"], enc.as_bytes())?;
        let status = Status::parse(&stderr);
        if ok && status.decryption_okay && !stdout.is_empty() {
            return Ok(stdout);
        }
        if let Some(code) = status.pkdecrypt_error {
            return Err(match code & 0xffff {
                11 => PgpError::BadPassphrase,
                99 => PgpError::Cancelled,
                // 85 no pinentry, 83 no pinentry (old), 62 timeout, ENOTTY, ENXIO, EIO.
                85 | 83 | 62 | 32870 | 32774 | 32773 => PgpError::Pinentry {
                    reason: status.message(),
                },
                _ => PgpError::Failed(status.message()),
            });
        }
        if !status.no_seckey.is_empty() {
            return Err(PgpError::NoSecretKey {
                home: self.home_shown(),
                key_ids: status.no_seckey.join(", "),
            });
        }
        if ok {
            return Err(PgpError::Failed("gpg returned no data".to_string()));
        }
        Err(PgpError::Failed(status.message()))
    }
}

/// The last 16 hex digits of a fingerprint (its long key ID), keeping a trailing `!` (as sops
/// does: older gpg versions want long IDs for `--trusted-key`).
fn short_id(fp: &str) -> String {
    let bang = fp.ends_with('!');
    let digits = fp.trim_end_matches('!');
    let start = digits.len().saturating_sub(16);
    let mut out = digits[start..].to_string();
    if bang {
        out.push('!');
    }
    out
}

/// What gpg's status lines (`[GNUPG:] …`) and messages say.
#[derive(Default, Debug)]
struct Status {
    decryption_okay: bool,
    no_seckey: Vec<String>,
    invalid_recipient: Option<String>,
    pkdecrypt_error: Option<u32>,
    /// gpg's own messages (`gpg: …`), last first.
    messages: Vec<String>,
}

impl Status {
    fn parse(stderr: &str) -> Status {
        let mut s = Status::default();
        for line in stderr.lines() {
            if let Some(rest) = line.strip_prefix("[GNUPG:] ") {
                let mut words = rest.split_whitespace();
                match words.next() {
                    Some("DECRYPTION_OKAY") => s.decryption_okay = true,
                    Some("NO_SECKEY") => {
                        if let Some(id) = words.next() {
                            s.no_seckey.push(id.to_string());
                        }
                    }
                    Some("INV_RECP") => s.invalid_recipient = words.next().map(String::from),
                    Some("ERROR") if rest.split_whitespace().nth(1) == Some("pkdecrypt_failed") => {
                        s.pkdecrypt_error =
                            rest.split_whitespace().nth(2).and_then(|c| c.parse().ok());
                    }
                    _ => {}
                }
            } else if let Some(m) = line.strip_prefix("gpg: ") {
                s.messages.push(m.trim().to_string());
            }
        }
        s
    }

    /// gpg's most telling message: the first that says what failed, else the last.
    fn message(&self) -> String {
        self.messages
            .iter()
            .find(|m| m.contains("failed") || m.contains("error"))
            .or(self.messages.last())
            .cloned()
            .unwrap_or_else(|| "no message".to_string())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::path::Path;

    /// A fresh GnuPG home (0700) with an unprotected key that can encrypt; returns its
    /// fingerprint.
    pub(crate) fn gpg_home_with_key(dir: &Path, name: &str) -> String {
        gpg_keygen(dir, name, "")
    }

    /// Generates a key (ed25519 + cv25519 subkey) in the GnuPG home `dir`, protected by
    /// `passphrase` when it is not empty.
    pub(crate) fn gpg_keygen(dir: &Path, name: &str, passphrase: &str) -> String {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(dir).unwrap();
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::write(dir.join("gpg-agent.conf"), "allow-loopback-pinentry\n").unwrap();
        let gpg = |args: &[&str]| {
            let out = Command::new("gpg")
                .env("GNUPGHOME", dir)
                .args([
                    "--batch",
                    "--pinentry-mode",
                    "loopback",
                    "--passphrase",
                    passphrase,
                ])
                .args(args)
                .output()
                .expect("gpg is needed for these tests: install GnuPG (apt-get install gnupg)");
            assert!(
                out.status.success(),
                "gpg {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        };
        let uid = format!("{name} <{name}@veil.test>");
        gpg(&["--quick-gen-key", &uid, "ed25519", "cert,sign", "0"]);
        let listing = String::from_utf8(gpg(&["--with-colons", "--list-keys", &uid])).unwrap();
        let fp = listing
            .lines()
            .find_map(|l| {
                l.strip_prefix("fpr:")
                    .map(|r| r.trim_matches(':').to_string())
            })
            .unwrap();
        gpg(&["--quick-add-key", &fp, "cv25519", "encr", "0"]);
        fp
    }

    fn gpg_in(home: &Path) -> Gpg {
        Gpg::new(None, Some(home.to_str().unwrap()), None)
    }

    #[test]
    fn round_trip_through_gpg() {
        let home = tempfile::tempdir().unwrap();
        let fp = gpg_home_with_key(home.path(), "one");
        let gpg = gpg_in(home.path());
        let enc = gpg.encrypt(&fp, &[7u8; 32]).unwrap();
        assert!(enc.starts_with("-----BEGIN PGP MESSAGE-----\n"), "{enc}");
        assert!(enc.ends_with("-----END PGP MESSAGE-----\n"));
        assert_eq!(&gpg.decrypt(&enc).unwrap()[..], &[7u8; 32]);
        // the fingerprint in lower case and with spaces removed works too
        let enc = gpg.encrypt(&fp.to_lowercase(), &[1u8; 33]).unwrap();
        assert_eq!(&gpg.decrypt(&enc).unwrap()[..], &[1u8; 33]);
    }

    #[test]
    fn errors_say_what_is_missing() {
        let home = tempfile::tempdir().unwrap();
        let fp = gpg_home_with_key(home.path(), "two");
        let gpg = gpg_in(home.path());
        let enc = gpg.encrypt(&fp, &[7u8; 32]).unwrap();

        let unknown = "0123456789ABCDEF0123456789ABCDEF01234567";
        let e = gpg.encrypt(unknown, &[1u8; 32]).unwrap_err();
        assert!(matches!(e, PgpError::NoPublicKey { .. }), "{e}");
        assert!(e.to_string().contains(unknown), "{e}");

        let empty = tempfile::tempdir().unwrap();
        gpg_keygen(empty.path(), "other", "");
        let e = gpg_in(empty.path()).decrypt(&enc).unwrap_err();
        assert!(matches!(e, PgpError::NoSecretKey { .. }), "{e}");
        assert!(
            e.to_string().contains(&empty.path().display().to_string()),
            "{e}"
        );

        let missing = Gpg::new(Some("/nonexistent/gpg"), None, None);
        let e = missing.decrypt(&enc).unwrap_err();
        assert!(matches!(e, PgpError::GpgMissing(_)), "{e}");
        assert!(e.to_string().contains("SOPS_GPG_EXEC"), "{e}");

        let e = gpg.decrypt("not a message").unwrap_err();
        assert!(matches!(e, PgpError::Failed(_)), "{e}");
    }

    #[test]
    fn short_ids() {
        assert_eq!(
            short_id("35C1A64CD7FC0AB6EB66756B2445463C3234ECE1"),
            "2445463C3234ECE1"
        );
        assert_eq!(
            short_id("35C1A64CD7FC0AB6EB66756B2445463C3234ECE1!"),
            "2445463C3234ECE1!"
        );
        assert_eq!(short_id("ABCD"), "ABCD");
    }
}
