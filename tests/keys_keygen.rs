//! `veil keygen`: X25519 and post-quantum (`--pq`) identities that open what is encrypted to
//! their public key; missing parent directories are created private (0700).

use crate::common;

use std::os::unix::fs::PermissionsExt;

use common::*;

#[test]
fn keygen_creates_parents_and_pq_identities_work() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    for (pq, prefix, public_prefix) in [
        (false, "AGE-SECRET-KEY-1", "age1"),
        (true, "AGE-SECRET-KEY-PQ-1", "age1pq1"),
    ] {
        let dir = h.join(if pq { "pq" } else { "x" });
        let file = dir.join("sops/age/keys.txt");
        let mut cmd = veil(h);
        cmd.args(["keygen", "-o"]).arg(&file);
        if pq {
            cmd.arg("--pq");
        }
        let o = run(&mut cmd);
        assert!(o.status.success(), "{}", stderr(&o));
        let public = stderr(&o)
            .lines()
            .find_map(|l| l.strip_prefix("Public key: "))
            .unwrap()
            .to_string();
        assert!(public.starts_with(public_prefix), "{public}");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.lines().any(|l| l.starts_with(prefix)), "{text}");
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        for d in [dir.join("sops"), dir.join("sops/age")] {
            assert_eq!(
                std::fs::metadata(&d).unwrap().permissions().mode() & 0o777,
                0o700,
                "{}",
                d.display()
            );
        }
        // an existing file is never overwritten
        let mut again = veil(h);
        again.args(["keygen", "-o"]).arg(&file);
        assert_eq!(run(&mut again).status.code(), Some(3));
        // the identity opens what is encrypted to its public key
        std::fs::write(h.join("p.yaml"), "k: v4lue-Vq9xZpL3\n").unwrap();
        let o = run(veil(h)
            .args(["encrypt", "--age", &public])
            .arg(h.join("p.yaml")));
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::write(h.join("e.yaml"), &o.stdout).unwrap();
        let o = run(veil(h)
            .env("SOPS_AGE_KEY_FILE", &file)
            .arg("decrypt")
            .arg(h.join("e.yaml")));
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(o.stdout, b"k: v4lue-Vq9xZpL3\n");
    }
}
