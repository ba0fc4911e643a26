//! Structural `set` and `unset` on real-world-shaped 50-value files (`testdata/edits/`): adding
//! and removing nested mappings, lists, list items, flow collections, keys that need quoting,
//! TOML tables, arrays of tables and dotted keys. Each change is a text edit in the file's own
//! style: the decrypted file is the previous one with exactly the entry's lines changed, the
//! encrypted file changes only those lines plus `mac`, `lastmodified` and `veil_auth`, and sops
//! still reads it.

use crate::common;
use crate::edithelp;

use std::path::Path;

use edithelp::*;

/// One command and what it does to the plaintext: `old` (occurring once) becomes `new`.
struct Op {
    args: &'static [&'static str],
    old: &'static str,
    new: &'static str,
}

/// `git diff --numstat` of two texts: (added, removed) lines.
fn text_numstat(dir: &Path, a: &str, b: &str) -> (usize, usize) {
    let (pa, pb) = (dir.join("before.txt"), dir.join("after.txt"));
    std::fs::write(&pa, a).unwrap();
    std::fs::write(&pb, b).unwrap();
    let out = git(dir)
        .args(["diff", "--no-index", "--numstat", "--"])
        .arg(&pa)
        .arg(&pb)
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    let mut it = s.split_whitespace();
    let n = |x: Option<&str>| x.map_or(0, |v| v.parse().unwrap());
    (n(it.next()), n(it.next()))
}

/// Whether a changed line of the encrypted file is one of the metadata lines an edit must change:
/// `mac`, `lastmodified`, `veil_auth` (the authenticator covers the whole file), and the layout
/// records of values added or removed.
fn metadata_line(l: &str) -> bool {
    let t = l[1..].trim_start().trim_start_matches('"');
    // A record of veil_layout: its id is the value's tag (22 base64 characters).
    let id = t.strip_prefix("veil_layout__map_").unwrap_or(t);
    let id = id.split(['"', ':', '=', ' ']).next().unwrap_or_default();
    let record = id.trim_end_matches("_a").len() == 22
        && id
            .trim_end_matches("_a")
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        && t.contains("ENC[");
    record
        || t.starts_with("lastmodified")
        || t.starts_with("veil_auth")
        || t.strip_prefix("mac").is_some_and(|r| {
            r.trim_start_matches('"')
                .trim_start()
                .starts_with(['=', ':'])
        })
}

fn run_ops(file_name: &str, ext: &str, ops: &[Op]) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git_init(dir);
    let file = dir.join(format!("f.{ext}"));
    let src = std::fs::read_to_string(common::testdata().join("edits").join(file_name)).unwrap();
    std::fs::write(&file, &src).unwrap();
    encrypt(dir, &file, &[1]);
    git_commit_all(dir, "encrypted");
    let name = format!("f.{ext}");
    let mut plain = src;
    for (i, op) in ops.iter().enumerate() {
        // A new second for `lastmodified`, so that it changes like it would.
        std::thread::sleep(std::time::Duration::from_millis(1050));
        let mut args: Vec<&str> = vec![op.args[0], &name];
        args.extend(&op.args[1..]);
        ok(veil_k(dir, Some(1)).args(&args));
        assert_eq!(
            plain.matches(op.old).count(),
            1,
            "op {i}: {:?} must occur once in the plaintext",
            op.old
        );
        let expected = plain.replacen(op.old, op.new, 1);
        let out = ok(veil_k(dir, Some(1)).arg("decrypt").arg(&file));
        let got = String::from_utf8(out.stdout).unwrap();
        assert!(
            got == expected,
            "op {i} {:?}: decrypted file\n{got}\nexpected\n{expected}",
            op.args
        );
        // The encrypted file: the entry's lines and the metadata lines that must change.
        let (pa, pr) = text_numstat(dir, &plain, &expected);
        let lines = changed_lines(dir, &name);
        let data: Vec<&String> = lines.iter().filter(|l| !metadata_line(l)).collect();
        let added = data.iter().filter(|l| l.starts_with('+')).count();
        let removed = data.iter().filter(|l| l.starts_with('-')).count();
        // (In JSON the encrypted file can need one comma fewer: the metadata member follows.)
        assert!(
            added + removed > 0 && added <= pa && removed <= pr,
            "op {i} {:?}: the encrypted file changed other lines (plaintext +{pa} -{pr}): {lines:#?}",
            op.args
        );

        if ext != "toml" {
            let veil = veil_json(dir, &file, 1);
            assert_sops_reads(dir, &file, 1, &veil);
        }
        git_commit_all(dir, &format!("op {i}"));
        plain = expected;
    }
}

#[test]
fn yaml_structural_edits() {
    run_ops(
        "helm-values.yaml",
        "yaml",
        &[
            // A nested mapping added, in the file's 2-space indentation.
            Op {
                args: &[
                    "set",
                    r#"["postgresql"]["auth"]["replication"]"#,
                    r#"{"user": "repl", "password": "r3pl"}"#,
                ],
                old: "    database: web\n",
                new: "    database: web\n    replication:\n      user: repl\n      password: r3pl\n",
            },
            // A nested mapping removed.
            Op {
                args: &["unset", r#"["livenessProbe"]["httpGet"]"#],
                old: "livenessProbe:\n  httpGet:\n    path: /healthz\n    port: http\n",
                new: "livenessProbe:\n",
            },
            // A list item appended and one removed.
            Op {
                args: &["set", r#"["extraArgs"][3]"#, r#""--verbose""#],
                old: "  - \"--enable-feature=tracing\"\n",
                new: "  - \"--enable-feature=tracing\"\n  - --verbose\n",
            },
            Op {
                args: &["unset", r#"["extraArgs"][0]"#],
                old: "  - --log-format=json\n",
                new: "",
            },
            // The last item of a list: the list stays, empty.
            Op {
                args: &["unset", r#"["imagePullSecrets"][0]"#],
                old: "imagePullSecrets:\n  - name: registry-credentials\n",
                new: "imagePullSecrets: []\n",
            },
            // A flow list and an empty flow mapping.
            Op {
                args: &[
                    "set",
                    r#"["ingress"]["tls"][0]["hosts"][2]"#,
                    r#""api.example.com""#,
                ],
                old: "hosts: [web.example.com, www.example.com]",
                new: "hosts: [web.example.com, www.example.com, api.example.com]",
            },
            Op {
                args: &[
                    "set",
                    r#"["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"]"#,
                    r#""arn:aws:iam::1:role/web""#,
                ],
                old: "  annotations: {}\n",
                new: "  annotations: {eks.amazonaws.com/role-arn: arn:aws:iam::1:role/web}\n",
            },
            // A new list of mappings, indented like the file's lists.
            Op {
                args: &[
                    "set",
                    r#"["sidecars"]"#,
                    r#"[{"name": "proxy", "image": "envoy:1.29"}]"#,
                ],
                old: "affinity: {}\n",
                new: "affinity: {}\nsidecars:\n  - name: proxy\n    image: envoy:1.29\n",
            },
            // An entry with an inline comment, and a key that needs quoting.
            Op {
                args: &["unset", r#"["env"]["LOG_LEVEL"]"#],
                old: "  LOG_LEVEL: info # one of debug, info, warn\n",
                new: "",
            },
            Op {
                args: &["set", r#"["env"]["NEW KEY: x"]"#, r#""v""#],
                old: "  FEATURE_FLAGS: \"search,billing\"\n",
                new: "  FEATURE_FLAGS: \"search,billing\"\n  \"NEW KEY: x\": v\n",
            },
            // A mapping of mappings removed; an item added to a nested list of mappings.
            Op {
                args: &["unset", r#"["resources"]"#],
                old: "resources:\n  limits:\n    cpu: 500m\n    memory: 512Mi\n  requests:\n    cpu: 250m\n    memory: 256Mi\n",
                new: "",
            },
            Op {
                args: &[
                    "set",
                    r#"["ingress"]["hosts"][0]["paths"][1]"#,
                    r#"{"path": "/api", "pathType": "Prefix"}"#,
                ],
                old: "          pathType: Prefix\n",
                new: "          pathType: Prefix\n        - path: /api\n          pathType: Prefix\n",
            },
            // A value replaced by a list: the entry's lines.
            Op {
                args: &["set", r#"["image"]["tag"]"#, r#"["1.24.3", "latest"]"#],
                old: "  tag: \"1.24.3\"\n",
                new: "  tag:\n    - 1.24.3\n    - latest\n",
            },
        ],
    );
}

#[test]
fn json_structural_edits() {
    run_ops(
        "app-settings.json",
        "json",
        &[
            Op {
                args: &[
                    "set",
                    r#"["database"]["replica"]"#,
                    r#"{"host": "db-ro.internal", "port": 5432}"#,
                ],
                old: "      \"max\": 20\n    }\n",
                new: "      \"max\": 20\n    },\n    \"replica\": {\n      \"host\": \"db-ro.internal\",\n      \"port\": 5432\n    }\n",
            },
            Op {
                args: &["unset", r#"["providers"][1]"#],
                old: "    },\n    {\n      \"name\": \"paypal\",\n      \"client_id\": \"AbCdEf\",\n      \"client_secret\": \"ZyXwVu\"\n    }\n",
                new: "    }\n",
            },
            Op {
                args: &[
                    "set",
                    r#"["allowed_origins"][2]"#,
                    r#""https://api.example.com""#,
                ],
                old: "\"https://admin.example.com\"],",
                new: "\"https://admin.example.com\", \"https://api.example.com\"],",
            },
            Op {
                args: &["unset", r#"["oauth"]["redirect_uris"][0]"#],
                old: "      \"https://app.example.com/callback\",\n",
                new: "",
            },
            Op {
                args: &[
                    "set",
                    r#"["webhooks"]"#,
                    r#"[{"url": "https://hooks.example.com/a", "secret": "s1"}]"#,
                ],
                old: "    \"retry\": {\"attempts\": 5, \"backoff_ms\": 250}\n  }\n",
                new: "    \"retry\": {\"attempts\": 5, \"backoff_ms\": 250}\n  },\n  \"webhooks\": [\n    {\n      \"url\": \"https://hooks.example.com/a\",\n      \"secret\": \"s1\"\n    }\n  ]\n",
            },
            Op {
                args: &["unset", r#"["smtp"]"#],
                old: "  \"smtp\": {\n    \"host\": \"smtp.example.com\",\n    \"port\": 587,\n    \"user\": \"mailer\",\n    \"password\": \"m41ler\",\n    \"from\": \"billing@example.com\"\n  },\n",
                new: "",
            },
            Op {
                args: &["set", r#"["cache"]["password"]"#, r#""c4che""#],
                old: "\"ttl_seconds\": 300}",
                new: "\"ttl_seconds\": 300, \"password\": \"c4che\"}",
            },
            Op {
                args: &["unset", r#"["queue"]["retry"]"#],
                old: "    \"prefetch\": 10,\n    \"retry\": {\"attempts\": 5, \"backoff_ms\": 250}\n",
                new: "    \"prefetch\": 10\n",
            },
            Op {
                args: &["set", r#"["features"]["new flag: é/x"]"#, "true"],
                old: "    \"multi_currency\": true\n",
                new: "    \"multi_currency\": true,\n    \"new flag: é/x\": true\n",
            },
        ],
    );
}

#[test]
fn toml_structural_edits() {
    run_ops(
        "service.toml",
        "toml",
        &[
            // A new table: its own section after the table's.
            Op {
                args: &[
                    "set",
                    r#"["database"]["replica"]"#,
                    r#"{"url": "postgres://ro", "pool_size": 4}"#,
                ],
                old: "statement_timeout = 5000\n",
                new: "statement_timeout = 5000\n\n[database.replica]\nurl = \"postgres://ro\"\npool_size = 4\n",
            },
            // A dotted key in a table written with dotted keys.
            Op {
                args: &["set", r#"["server"]["limits"]["max_streams"]"#, "64"],
                old: "limits.max_body = \"8MiB\"\n",
                new: "limits.max_body = \"8MiB\"\nlimits.max_streams = 64\n",
            },
            Op {
                args: &["set", r#"["alerts"]["pagerduty"]"#, r#"{"key": "pd"}"#],
                old: "thresholds.error_rate = 0.05\n",
                new: "thresholds.error_rate = 0.05\npagerduty.key = \"pd\"\n",
            },
            // Arrays of tables: an element added, one removed.
            Op {
                args: &[
                    "set",
                    r#"["sources"][2]"#,
                    r#"{"name": "s3-drop", "bucket": "drop"}"#,
                ],
                old: "token = \"wh_9f8e7d6c5b4a\"\n",
                new: "token = \"wh_9f8e7d6c5b4a\"\n\n[[sources]]\nname = \"s3-drop\"\nbucket = \"drop\"\n",
            },
            Op {
                args: &["unset", r#"["sources"][0]"#],
                old: "[[sources]]\nname = \"kafka-main\"\nbrokers = [\"kafka-1:9092\", \"kafka-2:9092\", \"kafka-3:9092\"]\ntopic = \"events\"\nsasl = { user = \"ingest\", password = \"k4fk4-secret\" }\n\n",
                new: "",
            },
            // Inline arrays and tables.
            Op {
                args: &["set", r#"["retention"]["exclude"][2]"#, r#""debug""#],
                old: "exclude = [\"audit\", \"billing\"]",
                new: "exclude = [\"audit\", \"billing\", \"debug\"]",
            },
            Op {
                args: &["unset", r#"["metrics"]["labels"]["tier"]"#],
                old: "labels = { team = \"data\", tier = \"backend\" }",
                new: "labels = { team = \"data\" }",
            },
            // Tables and dotted tables removed.
            Op {
                args: &["unset", r#"["sinks"]["clickhouse"]"#],
                old: "[sinks.clickhouse]\ndsn = \"tcp://clickhouse:9000?database=events\"\nbatch_size = 5000\nflush_interval = \"5s\"\n\n",
                new: "",
            },
            Op {
                args: &["unset", r#"["alerts"]["thresholds"]"#],
                old: "thresholds.lag_seconds = 120\nthresholds.error_rate = 0.05\n",
                new: "",
            },
            // A list in an element of an array of tables, and a new array of tables.
            Op {
                args: &["set", r#"["sources"][0]["tags"]"#, r#"["a", "b"]"#],
                old: "token = \"wh_9f8e7d6c5b4a\"\n",
                new: "token = \"wh_9f8e7d6c5b4a\"\ntags = [\"a\", \"b\"]\n",
            },
            Op {
                args: &["set", r#"["owners"]"#, r#"[{"name": "data-team"}]"#],
                old: "exclude = [\"audit\", \"billing\", \"debug\"]\n",
                new: "exclude = [\"audit\", \"billing\", \"debug\"]\n\n[[owners]]\nname = \"data-team\"\n",
            },
            // A key that needs quoting.
            Op {
                args: &["set", r#"["database"]["replica"]["read only"]"#, "true"],
                old: "pool_size = 4\n",
                new: "pool_size = 4\n\"read only\" = true\n",
            },
        ],
    );
}

#[test]
fn ini_structural_edits() {
    run_ops(
        "php-app.ini",
        "ini",
        &[
            // A new section, at the end of the data.
            Op {
                args: &[
                    "set",
                    r#"["redis"]"#,
                    r#"{"host": "redis.internal", "port": "6379"}"#,
                ],
                old: "s3_path_style = false\n",
                new: "s3_path_style = false\n\n[redis]\nhost = redis.internal\nport = 6379\n",
            },
            // A section with its comment lines removed, and one without comments.
            Op {
                args: &["unset", r#"["mail"]"#],
                old: "; Outgoing mail\n[mail]\nmailer = smtp\nhost = smtp.example.com\nport = 587\nusername = shop\npassword = \"mail-FAKE-password\"\nencryption = tls\nfrom_address = shop@example.com\nfrom_name = \"Example Shop\"\n\n",
                new: "",
            },
            Op {
                args: &["unset", r#"["database.replica"]"#],
                old: "[database.replica]\nhost = db-ro.internal\nport = 3306\n\n",
                new: "",
            },
            // Keys inside a section.
            Op {
                args: &["set", r#"["queue"]["queue_name"]"#, r#""default""#],
                old: "block_for = 5\n",
                new: "block_for = 5\nqueue_name = default\n",
            },
            Op {
                args: &["unset", r#"["session"]["same_site"]"#],
                old: "same_site = lax\n",
                new: "",
            },
        ],
    );
}

/// `edit`: a document whose structure the user changed is re-encrypted from the edited text
/// itself, so its new and removed entries change only their lines.
#[test]
fn edit_restructures_in_place() {
    let cases: [(&str, &str, &str, &str); 3] = [
        (
            "helm-values.yaml",
            "yaml",
            "  httpGet:\n    path: /healthz\n    port: http\n",
            "  exec:\n    command: [cat, /tmp/healthy]\n  grpc:\n    port: 9090\n",
        ),
        (
            "service.toml",
            "toml",
            "[server.tls]\ncert_file = \"/etc/ingest/tls.crt\"\nkey_file = \"/etc/ingest/tls.key\"\n",
            "[server.tls]\nmode = \"mutual\"\n\n[server.tls.ca]\nfile = \"/etc/ingest/ca.crt\"\n",
        ),
        (
            "app-settings.json",
            "json",
            "    \"pool\": {\n      \"min\": 2,\n      \"max\": 20\n    }\n",
            "    \"pool\": [2, 20],\n    \"replica\": {\"host\": \"ro\"}\n",
        ),
    ];
    for (file_name, ext, old, new) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        git_init(dir);
        let file = dir.join(format!("f.{ext}"));
        let src =
            std::fs::read_to_string(common::testdata().join("edits").join(file_name)).unwrap();
        std::fs::write(&file, &src).unwrap();
        encrypt(dir, &file, &[1]);
        git_commit_all(dir, "encrypted");
        let edited = src.replacen(old, new, 1);
        assert_ne!(edited, src, "{file_name}");
        std::fs::write(dir.join("edited.txt"), &edited).unwrap();
        let ed = dir.join("ed.sh");
        script(&ed, &format!("cp {:?} \"$1\"\n", dir.join("edited.txt")));
        std::thread::sleep(std::time::Duration::from_millis(1050));
        ok(veil_k(dir, Some(1))
            .env("EDITOR", &ed)
            .args(["edit", &format!("f.{ext}")]));
        let out = ok(veil_k(dir, Some(1)).arg("decrypt").arg(&file));
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            edited,
            "{file_name}"
        );
        let (pa, pr) = text_numstat(dir, &src, &edited);
        let lines = changed_lines(dir, &format!("f.{ext}"));
        let data: Vec<&String> = lines.iter().filter(|l| !metadata_line(l)).collect();
        let added = data.iter().filter(|l| l.starts_with('+')).count();
        let removed = data.iter().filter(|l| l.starts_with('-')).count();
        assert!(
            added <= pa && removed <= pr && added + removed > 0,
            "{file_name}: plaintext +{pa} -{pr}, encrypted file {lines:#?}"
        );
        if ext != "toml" {
            let veil = veil_json(dir, &file, 1);
            assert_sops_reads(dir, &file, 1, &veil);
        }
    }
}

/// Aliases (in block position and inside flow collections) stay aliases through `set`, `unset`
/// and `rotate`: the file is opened with its expanded copies turned back into aliases.
#[test]
fn aliases_survive_rewrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let src = std::fs::read_to_string(
        common::testdata()
            .join("lossless")
            .join("docker-compose-flow-aliases.yml"),
    )
    .unwrap();
    let file = dir.join("compose.yml");
    std::fs::write(&file, &src).unwrap();
    encrypt(dir, &file, &[1]);
    let decrypted = |what: &str| {
        let out = ok(veil_k(dir, Some(1)).arg("decrypt").arg(&file));
        let got = String::from_utf8(out.stdout).unwrap();
        (got, what.to_string())
    };
    ok(veil_k(dir, Some(1)).args([
        "set",
        "compose.yml",
        r#"["services"]["web"]["init"]"#,
        "true",
    ]));
    let want = src.replacen(
        "    ports: [\"$WEB_PORT:9000/tcp\"]\n",
        "    ports: [\"$WEB_PORT:9000/tcp\"]\n    init: true\n",
        1,
    );
    let (got, what) = decrypted("set");
    assert_eq!(got, want, "{what}");
    ok(veil_k(dir, Some(1)).args(["unset", "compose.yml", r#"["services"]["web"]["init"]"#]));
    let (got, what) = decrypted("unset");
    assert_eq!(got, src, "{what}");
    ok(veil_k(dir, Some(1)).args(["rotate", "compose.yml"]));
    let (got, what) = decrypted("rotate");
    assert_eq!(got, src, "{what}");
    let veil = veil_json(dir, &file, 1);
    assert_sops_reads(dir, &file, 1, &veil);
}

/// The layout record holds one line per recorded value: changing a value with a record changes
/// that value's line and its record's line, never the records of the other values (two branches
/// that edit different values do not conflict on the metadata).
#[test]
fn layout_records_change_one_by_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git_init(dir);
    // Every value needs a record (a number base, an escape, a folded block).
    let mut src = String::from("# values veil cannot quote back without a record\n");
    for i in 0..30 {
        src.push_str(&format!("mode{i}: 0o7{}\n", i % 8));
        src.push_str(&format!("text{i}: \"caf\\u00e9 {i}\"\n"));
    }
    let file = dir.join("f.yaml");
    std::fs::write(&file, &src).unwrap();
    encrypt(dir, &file, &[1]);
    let enc = std::fs::read_to_string(&file).unwrap();
    let mut lines = enc
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("veil_layout:"));
    let head = lines.next().unwrap_or_default();
    let indent = head.len() - head.trim_start().len();
    let records = lines
        .take_while(|l| l.len() - l.trim_start().len() > indent)
        .count();
    assert_eq!(records, 60, "one record line per value:\n{enc}");
    git_commit_all(dir, "encrypted");
    std::thread::sleep(std::time::Duration::from_millis(1050));
    ok(veil_k(dir, Some(1)).args(["set", "f.yaml", r#"["text7"]"#, r#""caf\u00e9 changed""#]));
    let lines = changed_lines(dir, "f.yaml");
    let data: Vec<&String> = lines.iter().filter(|l| !metadata_line(l)).collect();
    assert!(
        data.len() == 2 && data.iter().all(|l| l.contains("text7")),
        "{lines:#?}"
    );
    // mac, lastmodified and veil_auth (out and in), the record of text7's old value out; its new value is
    // written in the default style (`é` as is), which needs no record.
    assert_eq!(lines.len(), 2 + 6 + 1, "{lines:#?}");
    let out = ok(veil_k(dir, Some(1)).arg("decrypt").arg(&file));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        src.replace("text7: \"caf\\u00e9 7\"", "text7: \"café changed\"")
    );
}
