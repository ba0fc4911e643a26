//! AWS KMS master keys end to end, against a local KMS: the `moto` server (installed into
//! .venv by scripts/test-env.sh), started once by these tests on a free loopback port and
//! stopped when the test binary exits; keys are created through its API. The real sops 3.11,
//! pointed at the same server, reads veil's files and veil reads sops's.

use crate::common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use common::*;

const PLAIN: &str = "api:\n    token: t0k3n-Vq9xZpL3\n    url: https://example.test\n";

/// A running moto server. Its keeper shell kills it when its standard input closes, which
/// happens when this process exits (or when the server is dropped).
pub struct Moto {
    pub endpoint: String,
    _keeper: Mutex<(Child, ChildStdin)>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn python() -> PathBuf {
    let py = repo().join(".venv/bin/python");
    assert!(
        repo().join(".venv/bin/moto_server").is_file(),
        "moto is needed by the KMS tests: run `bash scripts/test.sh` (scripts/test-env.sh installs moto[server] into .venv)"
    );
    py
}

impl Moto {
    /// Starts a moto server on a free loopback port and waits until it answers.
    pub fn start() -> Moto {
        python();
        let port = free_port();
        let log = std::env::temp_dir().join(format!("veil-moto-{port}.log"));
        let mut keeper = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "'{}' -H 127.0.0.1 -p {port} >'{}' 2>&1 & pid=$!; read line; kill $pid; wait $pid",
                repo().join(".venv/bin/moto_server").display(),
                log.display()
            ))
            .stdin(Stdio::piped())
            .spawn()
            .expect("cannot start moto_server");
        let stdin = keeper.stdin.take().unwrap();
        let endpoint = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "moto_server did not start within 60 s: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto {
            endpoint,
            _keeper: Mutex::new((keeper, stdin)),
        }
    }

    /// Stops the server and waits until it is gone.
    pub fn stop(self) {
        let (mut child, mut stdin) = self._keeper.into_inner().unwrap();
        let _ = stdin.write_all(b"stop\n");
        drop(stdin);
        let _ = child.wait();
    }

    /// A new symmetric KMS key, created through the server's API; its ARN.
    pub fn create_key(&self) -> String {
        let out = Command::new(python())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .args([
                "-c",
                "import sys, boto3; c = boto3.client('kms', endpoint_url=sys.argv[1], region_name='us-east-1'); print(c.create_key()['KeyMetadata']['Arn'])",
                &self.endpoint,
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "create_key: {}", stderr(&out));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }
}

/// The moto server shared by the KMS tests.
pub fn moto() -> &'static Moto {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    MOTO.get_or_init(Moto::start)
}

/// Test credentials and the endpoint, as the standard AWS variables; no instance metadata.
fn aws(cmd: &mut Command, endpoint: &str) {
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_KMS", endpoint);
}

struct Setup {
    home: tempfile::TempDir,
}

fn setup() -> Setup {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("plain.yaml"), PLAIN).unwrap();
    Setup { home }
}

impl Setup {
    fn path(&self, n: &str) -> PathBuf {
        self.home.path().join(n)
    }
    fn veil(&self, endpoint: &str) -> Command {
        let mut c = veil(self.home.path());
        aws(&mut c, endpoint);
        c
    }
    fn sops(&self, endpoint: &str) -> Command {
        let mut c = sops_cmd(self.home.path());
        aws(&mut c, endpoint);
        c
    }
}

fn ok(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what}: exit {:?}: {}",
        o.status.code(),
        stderr(o)
    );
}

fn meaning(bytes: &[u8]) -> serde_json::Value {
    parse_docs(veil::format::Kind::Yaml, bytes.to_vec())
}

fn reads(mut cmd: Command, file: &Path) {
    let out = run(cmd.arg("decrypt").arg(file));
    ok(&out, "decrypt");
    assert_eq!(meaning(&out.stdout), meaning(PLAIN.as_bytes()));
}

fn encrypt(mut cmd: Command, args: &[&str], plain: &Path, out_path: &Path) {
    let o = run(cmd.arg("encrypt").args(args).arg(plain));
    ok(&o, "encrypt");
    std::fs::write(out_path, &o.stdout).unwrap();
}

#[test]
fn kms_alone_both_directions() {
    let m = moto();
    let arn = m.create_key();
    let s = setup();
    let (plain, v, o) = (
        s.path("plain.yaml"),
        s.path("veil.yaml"),
        s.path("sops.yaml"),
    );
    encrypt(s.veil(&m.endpoint), &["--kms", &arn], &plain, &v);
    let text = std::fs::read_to_string(&v).unwrap();
    assert!(text.contains("kms:") && text.contains(&arn), "{text}");
    reads(s.sops(&m.endpoint), &v);
    reads(s.veil(&m.endpoint), &v);
    encrypt(s.sops(&m.endpoint), &["--kms", &arn], &plain, &o);
    reads(s.veil(&m.endpoint), &o);
    // a role assumed through STS first (moto answers STS too, through AWS_ENDPOINT_URL)
    let role = format!("{arn}+arn:aws:iam::123456789012:role/veil-test");
    let mut c = s.veil(&m.endpoint);
    c.env("AWS_ENDPOINT_URL", &m.endpoint);
    encrypt(c, &["--kms", &role], &plain, &s.path("role.yaml"));
    let text = std::fs::read_to_string(s.path("role.yaml")).unwrap();
    assert!(
        text.contains("role: arn:aws:iam::123456789012:role/veil-test"),
        "{text}"
    );
    let mut c = s.sops(&m.endpoint);
    c.env("AWS_ENDPOINT_URL", &m.endpoint);
    reads(c, &s.path("role.yaml"));
    // SOPS_KMS_ARN works like --kms
    let mut c = s.veil(&m.endpoint);
    c.env("SOPS_KMS_ARN", &arn);
    encrypt(c, &[], &plain, &s.path("env.yaml"));
    reads(s.sops(&m.endpoint), &s.path("env.yaml"));
}

#[test]
fn kms_with_encryption_context_both_directions() {
    let m = moto();
    let arn = m.create_key();
    let s = setup();
    let plain = s.path("plain.yaml");
    let ctx = "app:veil,env:prod";
    encrypt(
        s.veil(&m.endpoint),
        &["--kms", &arn, "--encryption-context", ctx],
        &plain,
        &s.path("v.yaml"),
    );
    let text = std::fs::read_to_string(s.path("v.yaml")).unwrap();
    assert!(
        text.contains("context:") && text.contains("env: prod"),
        "{text}"
    );
    reads(s.sops(&m.endpoint), &s.path("v.yaml"));
    encrypt(
        s.sops(&m.endpoint),
        &["--kms", &arn, "--encryption-context", ctx],
        &plain,
        &s.path("s.yaml"),
    );
    reads(s.veil(&m.endpoint), &s.path("s.yaml"));

    // a context from .sops.yaml key groups, with an aws_profile-less key
    std::fs::write(
        s.path(".sops.yaml"),
        format!("creation_rules:\n  - key_groups:\n      - kms:\n          - arn: {arn}\n            context:\n              team: keys\n"),
    )
    .unwrap();
    encrypt(s.veil(&m.endpoint), &[], &plain, &s.path("rule.yaml"));
    let text = std::fs::read_to_string(s.path("rule.yaml")).unwrap();
    assert!(text.contains("team: keys"), "{text}");
    reads(s.sops(&m.endpoint), &s.path("rule.yaml"));

    // a malformed context is refused (exit 6, as sops)
    let o = run(s
        .veil(&m.endpoint)
        .args(["encrypt", "--kms", &arn, "--encryption-context", "a=b"])
        .arg(&plain));
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
}

#[test]
fn kms_plus_age_both_directions() {
    let m = moto();
    let arn = m.create_key();
    let s = setup();
    let plain = s.path("plain.yaml");
    let (age_keys, age) = demo_key(1);
    let dead = format!("http://127.0.0.1:{}", free_port());
    encrypt(
        s.veil(&m.endpoint),
        &["--kms", &arn, "--age", &age],
        &plain,
        &s.path("v.yaml"),
    );
    // KMS alone (no age identity), and age alone (the KMS endpoint down)
    reads(s.sops(&m.endpoint), &s.path("v.yaml"));
    reads(s.veil(&m.endpoint), &s.path("v.yaml"));
    let mut c = s.sops(&dead);
    c.env("SOPS_AGE_KEY_FILE", &age_keys);
    reads(c, &s.path("v.yaml"));
    let mut c = s.veil(&dead);
    c.env("SOPS_AGE_KEY_FILE", &age_keys);
    reads(c, &s.path("v.yaml"));

    encrypt(
        s.sops(&m.endpoint),
        &["--kms", &arn, "--age", &age],
        &plain,
        &s.path("s.yaml"),
    );
    reads(s.veil(&m.endpoint), &s.path("s.yaml"));
    let mut c = s.veil(&dead);
    c.env("SOPS_AGE_KEY_FILE", &age_keys);
    reads(c, &s.path("s.yaml"));
}

#[test]
fn kms_rotate_and_updatekeys() {
    let m = moto();
    let (k1, k2) = (m.create_key(), m.create_key());
    let s = setup();
    let f = s.path("f.yaml");
    encrypt(
        s.veil(&m.endpoint),
        &["--kms", &k1],
        &s.path("plain.yaml"),
        &f,
    );
    let o = run(s
        .veil(&m.endpoint)
        .args(["rotate", "--add-kms", &k2])
        .arg(&f));
    ok(&o, "rotate --add-kms");
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.contains(&k1) && text.contains(&k2), "{text}");
    let o = run(s
        .veil(&m.endpoint)
        .args(["rotate", "--rm-kms", &k1])
        .arg(&f));
    ok(&o, "rotate --rm-kms");
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(!text.contains(&k1) && text.contains(&k2), "{text}");
    reads(s.sops(&m.endpoint), &f);

    // updatekeys to the rule's key: k2 is replaced by k1 (a new data key)
    std::fs::write(
        s.path(".sops.yaml"),
        format!("creation_rules:\n  - kms: {k1}\n"),
    )
    .unwrap();
    let o = run(s.veil(&m.endpoint).args(["updatekeys", "-y"]).arg(&f));
    ok(&o, "updatekeys");
    assert!(stderr(&o).contains("updated:"), "{}", stderr(&o));
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.contains(&k1) && !text.contains(&k2), "{text}");
    reads(s.sops(&m.endpoint), &f);
    let o = run(s.veil(&m.endpoint).args(["updatekeys", "-y"]).arg(&f));
    ok(&o, "updatekeys again");
    assert!(stderr(&o).contains("unchanged:"), "{}", stderr(&o));
}

#[test]
fn kms_errors_are_clear_and_prompt() {
    let m = moto();
    let arn = m.create_key();
    let s = setup();
    let plain = s.path("plain.yaml");
    let f = s.path("f.yaml");
    encrypt(
        s.veil(&m.endpoint),
        &["--kms", &arn, "--encryption-context", "app:veil"],
        &plain,
        &f,
    );

    // wrong encryption context
    let text = std::fs::read_to_string(&f).unwrap();
    std::fs::write(
        s.path("wrong.yaml"),
        text.replace("app: veil", "app: other"),
    )
    .unwrap();
    let o = run(s.veil(&m.endpoint).arg("decrypt").arg(s.path("wrong.yaml")));
    assert_eq!(o.status.code(), Some(128), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("InvalidCiphertextException") && err.contains("encryption context"),
        "{err}"
    );
    assert!(o.stdout.is_empty() && err.lines().count() == 1, "{err}");

    // unknown key
    let unknown = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000";
    let o = run(s
        .veil(&m.endpoint)
        .args(["encrypt", "--kms", unknown])
        .arg(&plain));
    assert_eq!(o.status.code(), Some(114), "{}", stderr(&o));
    assert!(stderr(&o).contains("NotFoundException"), "{}", stderr(&o));

    // a stopped server
    let private = Moto::start();
    let key = private.create_key();
    let g = s.path("g.yaml");
    encrypt(s.veil(&private.endpoint), &["--kms", &key], &plain, &g);
    let endpoint = private.endpoint.clone();
    private.stop();
    let started = Instant::now();
    let o = run(s.veil(&endpoint).arg("decrypt").arg(&g));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(o.status.code(), Some(128), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot reach the KMS endpoint"),
        "{}",
        stderr(&o)
    );

    // an endpoint that accepts connections and never answers: bounded by the timeouts
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_endpoint = format!("http://{}", silent.local_addr().unwrap());
    let started = Instant::now();
    let o = run(s.veil(&silent_endpoint).arg("decrypt").arg(&f));
    let took = started.elapsed();
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert_eq!(o.status.code(), Some(128), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("is the KMS endpoint reachable?"), "{err}");
    drop(silent);
}
