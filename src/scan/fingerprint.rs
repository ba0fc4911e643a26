//! Keyed fingerprints of findings.
//!
//! A fingerprint names a secret without revealing it, so that `.veilignore` entries and
//! baselines can suppress it and reports can be shared. An unkeyed hash of the secret (veil 0.1's
//! `sha256(rule, NUL, secret)`) lets anyone holding a report try guesses offline until a weak
//! secret matches; a fingerprint is therefore an HMAC-SHA256 of the secret under a key that
//! the reader of a report does not have:
//!
//! 1. `$VEIL_SCAN_KEY` (for CI: a secret of the CI system), else
//! 2. the file given with `--fingerprint-key FILE`, else
//! 3. `.veil-scan-key` at the root of the repository or scanned directory (commit it to share
//!    `.veilignore` entries with the team and CI; keep it out of git to keep reports opaque
//!    even to readers of the repository), else
//! 4. a key kept private to the clone: `veil-scan-key` in the git directory (never pushed),
//!    created with 32 random bytes on first use (for a plain directory: `veil/scan-key` in the
//!    user's data directory).
//!
//! A key is at least 16 bytes (surrounding whitespace ignored); the files are created 0600.

use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// The environment variable holding a key.
pub const KEY_ENV: &str = "VEIL_SCAN_KEY";
/// The shareable key file at the root of a repository or directory.
pub const KEY_FILE: &str = ".veil-scan-key";
/// The clone's own key, in the git directory.
const GIT_KEY_FILE: &str = "veil-scan-key";
const MIN_KEY: usize = 16;

/// A fingerprint key and where it came from.
pub struct Key {
    key: Zeroizing<Vec<u8>>,
    /// `VEIL_SCAN_KEY`, or the key file's path.
    pub source: String,
    /// Something the user should know (a key created for this run only, or just created in CI).
    pub warning: Option<String>,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key").field("source", &self.source).finish()
    }
}

impl Key {
    /// A key from raw material (tests, and the resolution below).
    pub fn from_material(material: &[u8], source: &str) -> Result<Key, String> {
        let m = material.trim_ascii();
        if m.len() < MIN_KEY {
            return Err(format!(
                "{source}: a fingerprint key needs at least {MIN_KEY} characters"
            ));
        }
        Ok(Key {
            key: Zeroizing::new(m.to_vec()),
            source: source.to_string(),
            warning: None,
        })
    }

    /// Finds (or creates) the key for a scan of `root` (see the module documentation).
    pub fn resolve(
        explicit: Option<&Path>,
        root: &Path,
        git_dir: Option<&Path>,
    ) -> Result<Key, String> {
        if let Some(v) = std::env::var_os(KEY_ENV).filter(|v| !v.is_empty()) {
            return Key::from_material(v.as_encoded_bytes(), KEY_ENV);
        }
        if let Some(p) = explicit {
            return read_key(p);
        }
        let shared = root.join(KEY_FILE);
        if shared.is_file() {
            return read_key(&shared);
        }
        let private = match git_dir {
            Some(g) => g.join(GIT_KEY_FILE),
            None => match dirs::data_local_dir() {
                Some(d) => d.join("veil").join("scan-key"),
                None => return ephemeral("no data directory for a key"),
            },
        };
        if private.is_file() {
            return read_key(&private);
        }
        match create_key(&private) {
            Ok(mut key) => {
                if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
                    key.warning = Some(format!(
                        "fingerprints are keyed with {}, created for this clone: they will differ in the next run; set {KEY_ENV} (a CI secret) or commit a {KEY_FILE} to keep .veilignore entries and baselines matching",
                        private.display()
                    ));
                }
                Ok(key)
            }
            Err(e) => ephemeral(&format!("{}: {e}", private.display())),
        }
    }

    /// hex(HMAC-SHA256(key, "veil-scan-fingerprint-v2" NUL secret)).
    pub fn fingerprint(&self, secret: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key length");
        mac.update(b"veil-scan-fingerprint-v2\0");
        mac.update(secret.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

fn read_key(p: &Path) -> Result<Key, String> {
    let data = Zeroizing::new(
        std::fs::read(p).map_err(|e| format!("fingerprint key {}: {e}", p.display()))?,
    );
    Key::from_material(&data, &p.display().to_string())
}

/// Creates a key file with 32 random bytes (hex), readable by its owner only.
fn create_key(p: &PathBuf) -> std::io::Result<Key> {
    use rand::RngCore;
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut raw = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(raw.as_mut());
    let text = Zeroizing::new(hex::encode(&raw[..]) + "\n");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(p) {
        Ok(mut f) => {
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            Key::from_material(text.as_bytes(), &p.display().to_string())
                .map_err(std::io::Error::other)
        }
        // Another scan created it meanwhile.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_key(p).map_err(std::io::Error::other)
        }
        Err(e) => Err(e),
    }
}

/// A key for this run only.
fn ephemeral(why: &str) -> Result<Key, String> {
    use rand::RngCore;
    let mut raw = Zeroizing::new(vec![0u8; 32]);
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let mut key = Key::from_material(&raw, "(this run only)")?;
    key.warning = Some(format!(
        "no fingerprint key could be stored ({why}): fingerprints are valid for this run only; set {KEY_ENV} or create {KEY_FILE}"
    ));
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_fingerprints_depend_on_the_key() {
        let a = Key::from_material(b"0123456789abcdef0123", "a").unwrap();
        let b = Key::from_material(b"0123456789abcdef0124", "b").unwrap();
        assert_eq!(a.fingerprint("hunter22"), a.fingerprint("hunter22"));
        assert_ne!(a.fingerprint("hunter22"), b.fingerprint("hunter22"));
        assert_ne!(a.fingerprint("hunter22"), a.fingerprint("hunter23"));
        assert_eq!(a.fingerprint("x").len(), 64);
        // Not the unkeyed hash of 0.1.
        assert_ne!(
            a.fingerprint("hunter22"),
            crate::scan::legacy_fingerprint(&["generic", "-password"].concat(), "hunter22")
        );
        assert!(Key::from_material(b"short", "s").is_err());
    }

    #[test]
    fn a_clone_key_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let git = dir.path().join("git");
        std::fs::create_dir_all(&git).unwrap();
        let root = dir.path().join("work");
        std::fs::create_dir_all(&root).unwrap();
        let k1 = Key::resolve(None, &root, Some(&git)).unwrap();
        let k2 = Key::resolve(None, &root, Some(&git)).unwrap();
        assert_eq!(
            k1.fingerprint("s3cr3t-value"),
            k2.fingerprint("s3cr3t-value")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(git.join(GIT_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "the key file is private");
        }
        // A shared key file at the root wins.
        std::fs::write(root.join(KEY_FILE), "team-key-0123456789abcdef\n").unwrap();
        let k3 = Key::resolve(None, &root, Some(&git)).unwrap();
        let team = Key::from_material(b"team-key-0123456789abcdef", "t").unwrap();
        assert_eq!(k3.fingerprint("v"), team.fingerprint("v"));
    }
}
