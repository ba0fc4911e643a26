//! Rule tests. Fake tokens are generated at run time from templates (`{a:36}` = 36 random
//! base62 chars, `{gh:ghp_}` = a GitHub-style token with a valid CRC-32, …) so that this file
//! holds no literal that looks like a real credential.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use super::verify::{base62_6, crc32};
use super::*;

// ------------------------------------------------------------------------------ generators

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick(&mut self, set: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| set[(self.next() % set.len() as u64) as usize] as char)
            .collect()
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const HEX: &[u8] = b"0123456789abcdef";
const UHEX: &[u8] = b"0123456789ABCDEF";
const DIG: &[u8] = b"0123456789";
const URLC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
const B64C: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/";
const LOW: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const LET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const UPD: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LAD: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A GitHub/npm style token: prefix + 30 random base62 + base62(CRC-32(random)).
fn crc_token(prefix: &str, rng: &mut Rng, good: bool) -> String {
    let random = rng.pick(B62, 30);
    let mut sum = base62_6(crc32(random.as_bytes()));
    if !good {
        sum[5] = if sum[5] == b'0' { b'1' } else { b'0' };
    }
    format!("{prefix}{random}{}", String::from_utf8_lossy(&sum))
}

fn macaroon(location: &str, rng: &mut Rng, complete: bool) -> Vec<u8> {
    let mut m = vec![2u8, 1, location.len() as u8];
    m.extend_from_slice(location.as_bytes());
    let id = rng.pick(B62, 40);
    m.extend_from_slice(&[2, id.len() as u8]);
    m.extend_from_slice(id.as_bytes());
    m.push(0); // end of header
    let caveat = format!(
        "{{\"version\":1,\"permissions\":\"user\",\"n\":\"{}\"}}",
        rng.pick(LOW, 6)
    );
    m.extend_from_slice(&[2, caveat.len() as u8]);
    m.extend_from_slice(caveat.as_bytes());
    m.push(0); // end of caveat
    m.push(0); // end of caveats
    if complete {
        m.extend_from_slice(&[6, 32]);
        m.extend_from_slice(&rng.bytes(32));
    }
    m
}

fn age_key(hrp: &str, rng: &mut Rng) -> String {
    let hrp = bech32::Hrp::parse(hrp).unwrap();
    bech32::encode::<bech32::Bech32>(hrp, &rng.bytes(32)).unwrap()
}

fn pem(label: &str, body_lines: usize, rng: &mut Rng) -> String {
    let mut s = format!("-----BEGIN {label}-----\n");
    for _ in 0..body_lines {
        s.push_str(&rng.pick(B64C, 64));
        s.push('\n');
    }
    s.push_str(&rng.pick(B64C, 20));
    s.push_str(&format!("==\n-----END {label}-----\n"));
    s
}

fn b64url_json(v: &str) -> String {
    URL_SAFE_NO_PAD.encode(v)
}

fn uuid(rng: &mut Rng) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        rng.pick(HEX, 8),
        rng.pick(HEX, 4),
        rng.pick(HEX, 4),
        rng.pick(HEX, 4),
        rng.pick(HEX, 12)
    )
}

fn generator(name: &str, arg: &str, rng: &mut Rng) -> Option<String> {
    let n = || arg.parse::<usize>().unwrap_or(0);
    Some(match name {
        "a" => rng.pick(B62, n()),
        "h" => rng.pick(HEX, n()),
        "H" => rng.pick(UHEX, n()),
        "d" => {
            let first = rng.pick(b"123456789", 1);
            first + &rng.pick(DIG, n() - 1)
        }
        "u" => rng.pick(URLC, n()),
        "b" => rng.pick(B64C, n()),
        "l" => rng.pick(LOW, n()),
        "L" => rng.pick(LET, n()),
        "U" => rng.pick(UPD, n()),
        "la" => rng.pick(LAD, n()),
        "b32" => rng.pick(B32, n()),
        "x" => "x".repeat(n()),
        "A" => "A".repeat(n()),
        "uuid" => uuid(rng),
        "gh" => crc_token(arg, rng, true),
        "ghbad" => crc_token(arg, rng, false),
        "pypi" => format!("pypi-{}", URL_SAFE_NO_PAD.encode(macaroon(arg, rng, true))),
        "pypibad" => format!("pypi-{}", URL_SAFE_NO_PAD.encode(macaroon(arg, rng, false))),
        "age" => age_key(arg, rng).to_ascii_uppercase(),
        "agebad" => {
            let mut k = age_key(arg, rng).to_ascii_uppercase();
            let last = k.pop().unwrap();
            k.push(if last == 'Q' { 'P' } else { 'Q' });
            k
        }
        "agerecipient" => age_key(arg, rng),
        "pem" => pem(arg, 6, rng),
        "pemshort" => format!("-----BEGIN {arg}-----\nMIIB\n-----END {arg}-----"),
        "pemdots" => format!("-----BEGIN {arg}-----\n...\n-----END {arg}-----"),
        "putty" => format!(
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ci\nPublic-Lines: 2\n{}\n{}\nPrivate-Lines: 1\n{}\nPrivate-MAC: {}\n",
            rng.pick(B64C, 64),
            rng.pick(B64C, 4),
            rng.pick(B64C, 64),
            rng.pick(HEX, 64)
        ),
        "puttypub" => format!(
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ci\nPublic-Lines: 2\n{}\n{}\n",
            rng.pick(B64C, 64),
            rng.pick(B64C, 4)
        ),
        "ssh2" => format!(
            "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"ci\"\n{}\n{}\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n",
            rng.pick(B64C, 64),
            rng.pick(B64C, 64)
        ),
        "gcpsa" | "gcpsanokey" => {
            let key = if name == "gcpsa" {
                pem("PRIVATE KEY", 6, rng).replace('\n', "\\n")
            } else {
                String::new()
            };
            format!(
                "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"acme-prod\",\n  \"private_key_id\": \"{}\",\n  \"private_key\": \"{key}\",\n  \"client_email\": \"ci@acme-prod.iam.gserviceaccount.com\"\n}}\n",
                rng.pick(HEX, 40)
            )
        }
        "azkey" => STANDARD.encode(rng.bytes(64)),
        "k8s" => STANDARD.encode(format!("Zq8{}", rng.pick(B62, 20))),
        "azkey32" => STANDARD.encode(rng.bytes(32)),
        "sas" => {
            let sig = STANDARD
                .encode(rng.bytes(32))
                .replace('+', "%2B")
                .replace('/', "%2F")
                .replace('=', "%3D");
            format!("sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&spr=https&sig={sig}")
        }
        "discord" | "discordbad" => {
            let id = if name == "discord" {
                generator("d", "18", rng)?
            } else {
                rng.pick(LET, 18)
            };
            format!(
                "{}.{}.{}",
                URL_SAFE_NO_PAD.encode(id),
                rng.pick(URLC, 6),
                rng.pick(URLC, 38)
            )
        }
        "jwt" | "jwtnone" | "jwtnoalg" => {
            let header = match name {
                "jwt" => r#"{"alg":"HS256","typ":"JWT"}"#,
                "jwtnone" => r#"{"alg":"none","typ":"JWT"}"#,
                _ => r#"{"typ":"JWT"}"#,
            };
            let payload = format!(r#"{{"sub":"{}","iat":1700000000}}"#, rng.pick(DIG, 8));
            format!(
                "{}.{}.{}",
                b64url_json(header),
                b64url_json(&payload),
                rng.pick(URLC, 43)
            )
        }
        "basic" => STANDARD.encode(format!("deploy:{}", rng.pick(B62, 16))),
        "basicph" => STANDARD.encode("deploy:changeme"),
        "glc" => format!(
            "glc_{}",
            STANDARD.encode(format!(
                r#"{{"o":"{}","n":"stack-{}-token","k":"{}","m":{{"r":"prod-us-east-0"}}}}"#,
                rng.pick(DIG, 6),
                rng.pick(DIG, 6),
                rng.pick(B62, 24)
            ))
        ),
        "grafana" => STANDARD.encode(format!(
            r#"{{"k":"{}","n":"deploy","id":1}}"#,
            rng.pick(B62, 32)
        )),
        "sntrys" | "sntrysbad" => {
            let payload = if name == "sntrys" {
                r#"{"iat":1700000000.0,"url":"https://sentry.io","region_url":"https://us.sentry.io","org":"acme"}"#
            } else {
                r#"{"url":"https://sentry.io","region_url":"https://us.sentry.io","org":"acme"}"#
            };
            format!("sntrys_{}_{}", STANDARD.encode(payload), rng.pick(B62, 43))
        }
        "mapbox" | "mapboxbad" => {
            let payload = if name == "mapbox" {
                format!(r#"{{"u":"acme","a":"{}"}}"#, rng.pick(LAD, 20))
            } else {
                r#"{"x":1}"#.to_string()
            };
            format!("sk.{}.{}", b64url_json(&payload), rng.pick(URLC, 22))
        }
        _ => return None,
    })
}

/// Expands a template: `{name}` or `{name:arg}` generators, everything else literal.
fn expand(tpl: &str, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    let mut rest = tpl;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let close = rest.find('}');
        let expanded = close.and_then(|c| {
            let inner = &rest[1..c];
            let (name, arg) = inner.split_once(':').unwrap_or((inner, ""));
            if name.is_empty() || !name.chars().all(|ch| ch.is_ascii_alphanumeric()) {
                return None;
            }
            generator(name, arg, &mut rng).map(|s| (s, c))
        });
        match expanded {
            Some((s, c)) => {
                out.push_str(&s);
                rest = &rest[c + 1..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn det() -> &'static Detector {
    Detector::shared()
}

fn ids(found: &[Match]) -> Vec<&'static str> {
    found.iter().map(|m| m.rule.id).collect()
}

// ------------------------------------------------------------------------------ the table

type Case = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

#[rustfmt::skip]
const CASES: &[Case] = &[
    ("onepassword-service-account-token", &["OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ{b:200}"], &["ops_eyJ{b:20}"]),
    ("onepassword-secret-key", &["A3-{U:6}-{U:11}-{U:5}-{U:5}-{U:5}"], &["A3-{U:6}-{U:3}"]),
    ("adobe-client-secret", &["p8e-{a:32}"], &["p8e-{a:10}"]),
    ("openshift-user-token", &["oc login --token=sha256~{u:43}"], &["sha256~{u:10}"]),
    ("scalingo-api-token", &["tk-us-{u:48}"], &["tk-us-{u:10}"]),
    ("sourcegraph-access-token", &["sgp_{h:16}_{h:40}"], &["sgp_{h:10}"]),
    ("settlemint-token", &["sm_pat_{a:16}"], &["sm_pat_{a:6}"]),
    ("definednetworking-api-token", &["dnkey-{u:26}-{u:52}"], &["dnkey-{u:10}"]),
    ("maxmind-license-key", &["{a:6}_{a:29}_mmk"], &["{a:6}_{a:10}_mmk"]),
    ("clickhouse-cloud-secret", &["4b1d{a:38}"], &["4b1d{a:10}"]),
    ("sidekiq-enterprise-credentials", &["BUNDLE_ENTERPRISE__CONTRIBSYS__COM={h:8}:{h:8}"], &["BUNDLE_ENTERPRISE__CONTRIBSYS__COM={h:4}"]),
    ("curl-user-password", &["curl -u deploy:Zq8{a:12} https://api.acme.io/v1"], &["curl -u deploy:$PASSWORD https://api.acme.io/v1"]),
    ("slack-token-assignment", &["SLACK_SIGNING_SECRET={h:32}"], &["SLACK_SIGNING_SECRET={h:10}"]),
    ("jfrog-token-assignment", &["JFROG_API_KEY={a:73}", "<artifactoryToken>{a:64}</artifactoryToken>"], &["JFROG_API_KEY={a:20}"]),
    ("jfrog-identity-token", &["eyJ2ZXIiOiIyIiwidHlwIjoiSldUIiwiYWxnIjoiUlMyNTYiLCJraWQiOiJ{u:80}"], &["eyJ2ZXIiOiIyIiwidHlwIjoiSldUIi{u:10}"]),
    ("pagerduty-api-key", &["PAGERDUTY_TOKEN={a:20}"], &["PAGERDUTY_TOKEN={a:8}"]),
    ("opsgenie-api-key", &["opsgenie_api_key: {uuid}"], &["opsgenie_api_key: {h:12}"]),
    ("splunk-hec-token", &["SPLUNK_HEC_TOKEN={uuid}"], &["SPLUNK_HEC_TOKEN={h:12}"]),
    ("consul-acl-token", &["CONSUL_HTTP_TOKEN={uuid}"], &["CONSUL_HTTP_TOKEN={h:12}"]),
    ("nomad-acl-token", &["NOMAD_TOKEN={uuid}"], &["NOMAD_TOKEN={h:12}"]),
    ("circleci-token", &["CIRCLECI_TOKEN={h:40}"], &["CIRCLECI_TOKEN={h:12}"]),
    ("travis-ci-token", &["TRAVIS_API_TOKEN={a:22}"], &["TRAVIS_API_TOKEN={a:8}"]),
    ("jenkins-api-token", &["JENKINS_API_TOKEN={h:34}"], &["JENKINS_API_TOKEN={h:10}"]),
    ("codecov-token", &["CODECOV_TOKEN={uuid}"], &["CODECOV_TOKEN={h:10}"]),
    ("drone-ci-token", &["DRONE_TOKEN={a:32}"], &["DRONE_TOKEN={a:10}"]),
    ("bitbucket-client-secret", &["BITBUCKET_CLIENT_SECRET={a:32}"], &["BITBUCKET_CLIENT_SECRET={a:10}"]),
    ("github-app-secret", &["GITHUB_CLIENT_SECRET={h:40}"], &["GITHUB_CLIENT_SECRET={h:10}"]),
    ("github-token-assignment", &["github_token: {h:40}"], &["github_token: {h:10}"]),
    ("gitlab-token-assignment", &["GITLAB_TOKEN={a:20}"], &["GITLAB_TOKEN={a:8}"]),
    ("fastly-api-token", &["FASTLY_API_TOKEN={u:32}"], &["FASTLY_API_TOKEN={u:10}"]),
    ("netlify-token-assignment", &["NETLIFY_AUTH_TOKEN={u:43}"], &["NETLIFY_AUTH_TOKEN={u:10}"]),
    ("rollbar-access-token", &["ROLLBAR_ACCESS_TOKEN={h:32}"], &["ROLLBAR_ACCESS_TOKEN={h:10}"]),
    ("bugsnag-api-key", &["BUGSNAG_API_KEY={h:32}"], &["BUGSNAG_API_KEY={h:10}"]),
    ("honeycomb-api-key", &["HONEYCOMB_API_KEY={a:32}"], &["HONEYCOMB_API_KEY={a:10}"]),
    ("loggly-token", &["LOGGLY_TOKEN={uuid}"], &["LOGGLY_TOKEN={h:10}"]),
    ("newrelic-browser-key", &["NRJS-{h:19}"], &["NRJS-{h:10}"]),
    ("newrelic-key-assignment", &["NEW_RELIC_LICENSE_KEY={h:40}"], &["NEW_RELIC_LICENSE_KEY={h:10}"]),
    ("sentry-dsn-secret", &["https://{h:32}:{h:32}@o12345.ingest.sentry.io/123456"], &["https://{h:32}@o12345.ingest.sentry.io/123456"]),
    ("twitter-api-secret", &["TWITTER_CONSUMER_SECRET={a:50}"], &["TWITTER_CONSUMER_SECRET={a:10}"]),
    ("twitter-access-token", &["twitter_access_token: {d:10}-{a:40}"], &["twitter_access_token: {d:10}-{a:10}"]),
    ("facebook-app-secret", &["FACEBOOK_APP_SECRET={h:32}"], &["FACEBOOK_APP_SECRET={h:10}"]),
    ("linkedin-client-secret", &["LINKEDIN_CLIENT_SECRET={a:16}"], &["LINKEDIN_CLIENT_SECRET={a:6}"]),
    ("google-oauth-client-secret-assignment", &["GOOGLE_CLIENT_SECRET={u:24}"], &["GOOGLE_CLIENT_SECRET={u:8}"]),
    ("zoom-api-secret", &["ZOOM_API_SECRET={a:36}"], &["ZOOM_API_SECRET={a:10}"]),
    ("twitch-client-secret", &["TWITCH_CLIENT_SECRET={la:30}"], &["TWITCH_CLIENT_SECRET={la:10}"]),
    ("mattermost-token", &["MATTERMOST_TOKEN={la:26}"], &["MATTERMOST_TOKEN={la:10}"]),
    ("adyen-api-key", &["ADYEN_API_KEY=AQE{b:100}"], &["ADYEN_API_KEY=AQE{b:10}"]),
    ("coinbase-api-secret", &["COINBASE_API_SECRET={b:64}"], &["COINBASE_API_SECRET={b:10}"]),
    ("gocardless-access-token", &["live_{u:40}"], &["live_{u:10}"]),
    ("stripe-key-assignment", &["STRIPE_SECRET_KEY=sk_test_{a:12}"], &["STRIPE_SECRET_KEY=sk_test_{a:4}"]),
    ("braintree-private-key", &["BRAINTREE_PRIVATE_KEY={h:32}"], &["BRAINTREE_PRIVATE_KEY={h:10}"]),
    ("square-secret-assignment", &["SQUARE_ACCESS_TOKEN=sq0atp-{u:22}x"], &["SQUARE_ACCESS_TOKEN=sq0atp-{u:5}"]),
    ("shopify-key-assignment", &["SHOPIFY_API_SECRET={h:32}"], &["SHOPIFY_API_SECRET={h:10}"]),
    ("sendgrid-key-assignment", &["SENDGRID_API_KEY=SG.{u:16}.{u:30}"], &["SENDGRID_API_KEY=SG.{u:4}.{u:4}"]),
    ("mailgun-key-assignment", &["MAILGUN_API_KEY={h:32}"], &["MAILGUN_API_KEY={h:10}"]),
    ("postmark-server-token", &["POSTMARK_SERVER_TOKEN={uuid}"], &["POSTMARK_SERVER_TOKEN={h:10}"]),
    ("twilio-key-assignment", &["TWILIO_API_SECRET={a:32}"], &["TWILIO_API_SECRET={a:10}"]),
    ("telegram-token-assignment", &["TELEGRAM_TOKEN={d:9}:{u:35}"], &["TELEGRAM_TOKEN={d:9}:{u:5}"]),
    ("discord-token-assignment", &["DISCORD_CLIENT_SECRET={u:32}"], &["DISCORD_CLIENT_SECRET={u:10}"]),
    ("dropbox-token-assignment", &["DROPBOX_APP_SECRET={la:15}"], &["DROPBOX_APP_SECRET={la:8}"]),
    ("atlassian-token-assignment", &["JIRA_API_TOKEN={a:24}"], &["JIRA_API_TOKEN={a:10}"]),
    ("okta-token-assignment", &["OKTA_API_TOKEN={u:42}"], &["OKTA_API_TOKEN={u:10}"]),
    ("auth0-secret-assignment", &["AUTH0_CLIENT_SECRET={u:48}"], &["AUTH0_CLIENT_SECRET={u:10}"]),
    ("digitalocean-token-assignment", &["DIGITALOCEAN_TOKEN={h:64}"], &["DIGITALOCEAN_TOKEN={h:10}"]),
    ("azure-client-secret-assignment", &["AZURE_CLIENT_SECRET={u:34}~x"], &["AZURE_CLIENT_SECRET={u:10}"]),
    ("azure-key-assignment", &["AZURE_SEARCH_KEY={h:32}"], &["AZURE_SEARCH_KEY={h:10}"]),
    ("aws-secret-assignment", &["AWS_SECRET={b:40}"], &["AWS_SECRET={b:10}"]),
    ("alibaba-secret-assignment", &["access_key_secret = \"{a:30}\""], &["access_key_secret = \"{a:10}\""]),
    ("openai-key-assignment", &["OPENAI_API_KEY=sk-{a:48}"], &["OPENAI_API_KEY=sk-{a:10}"]),
    ("anthropic-key-assignment", &["ANTHROPIC_API_KEY=sk-ant-{u:90}"], &["ANTHROPIC_API_KEY=sk-ant-{u:10}"]),
    ("npm-token-assignment", &["NPM_TOKEN={uuid}"], &["NPM_TOKEN={h:10}"]),
    ("pypi-token-assignment", &["PYPI_TOKEN=pypi-{u:80}"], &["PYPI_TOKEN=pypi-{u:10}"]),
    ("rubygems-key-assignment", &["GEM_HOST_API_KEY={h:32}"], &["GEM_HOST_API_KEY={h:10}"]),
    ("nuget-key-assignment", &["NUGET_API_KEY={a:46}"], &["NUGET_API_KEY={a:10}"]),
    ("docker-password-assignment", &["DOCKER_PASSWORD=Zq8{a:12}"], &["DOCKER_PASSWORD=changeme"]),
    ("sonar-token-assignment", &["SONAR_TOKEN={h:40}"], &["SONAR_TOKEN={h:10}"]),
    ("snyk-token-assignment", &["SNYK_API={uuid}"], &["SNYK_API={h:10}"]),
    ("wireguard-private-key", &["[Interface]\nPrivateKey = {b:42}A="], &["PrivateKey = {b:10}A="]),
    ("django-secret-key", &["SECRET_KEY = 'django-insecure-{la:50}'"], &["SECRET_KEY = 'django-insecure-change-me'"]),
    ("netrc-password", &["machine api.acme.io\n  login deploy\n  password Zq8{a:14}"], &["machine api.acme.io login deploy password PASSWORD"]),
    ("mysql-dsn-password", &["dsn := \"app:Zq8{a:12}@tcp(db:3306)/shop\""], &["dsn := \"app:${DB_PASS}@tcp(db:3306)/shop\""]),
    ("connection-string-password", &["Server=db;Database=shop;User Id=app;Password=Zq8{a:12};", "jdbc:sqlserver://db:1433;databaseName=shop;user=app;password=Zq8{a:12}"], &["Server=db;User Id=app;Password=$(DB_PASSWORD);"]),
    ("private-key-other", &["{pem:X9.42 DH PRIVATE KEY}"], &["{pemshort:X9.42 DH PRIVATE KEY}"]),
    ("kubernetes-secret-value", &["apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  DB_CONN: {k8s}\n", "apiVersion: v1\nkind: Secret\nstringData:\n  session: Zq8{a:14}\n"], &["apiVersion: v1\nkind: Secret\nstringData:\n  username: deploy\n  db_host: db.internal\n"]),
    ("azure-logic-app-webhook-url", &["https://prod-12.westus.logic.azure.com:443/workflows/{h:32}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={u:43}"], &["https://prod-12.westus.logic.azure.com:443/workflows/{h:32}/triggers/manual/paths/invoke?api-version=2016-06-01&sig=short"]),
    ("mapbox-token-assignment", &["MAPBOX_TOKEN=sk.{u:60}.{u:22}"], &["MAPBOX_TOKEN=pk.{u:60}.{u:22}"]),
    ("vault-token-legacy", &["b.AAAAAQ{u:90}"], &["b.AAAAAQ{u:10}"]),
    ("vault-token-assignment", &["VAULT_TOKEN=hvr.{u:30}", "vault_token: s.{A:1}{a:22}9", "token = \"r.{a:24}\""], &["VAULT_TOKEN=hvr.{u:4}", "s.{a:24}"]),
    ("private-key-rsa", &["{pem:RSA PRIVATE KEY}", "key: |\n  {pem:RSA PRIVATE KEY}"], &["{pemshort:RSA PRIVATE KEY}", "{pemdots:RSA PRIVATE KEY}"]),
    ("private-key-ec", &["{pem:EC PRIVATE KEY}"], &["{pemshort:EC PRIVATE KEY}", "{pem:EC PARAMETERS}"]),
    ("private-key-dsa", &["{pem:DSA PRIVATE KEY}"], &["{pemdots:DSA PRIVATE KEY}"]),
    ("private-key-pkcs8", &["{pem:PRIVATE KEY}"], &["{pemshort:PRIVATE KEY}", "{pem:PUBLIC KEY}"]),
    ("private-key-encrypted", &["{pem:ENCRYPTED PRIVATE KEY}"], &["{pemshort:ENCRYPTED PRIVATE KEY}"]),
    ("openssh-private-key", &["{pem:OPENSSH PRIVATE KEY}"], &["{pemdots:OPENSSH PRIVATE KEY}"]),
    ("pgp-private-key-block", &["{pem:PGP PRIVATE KEY BLOCK}"], &["{pem:PGP PUBLIC KEY BLOCK}", "{pemshort:PGP PRIVATE KEY BLOCK}"]),
    ("putty-private-key", &["{putty}"], &["{puttypub}"]),
    ("ssh2-encrypted-private-key", &["{ssh2}"], &["---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\n...\n---- END SSH2 ENCRYPTED PRIVATE KEY ----"]),
    ("age-secret-key", &["# created: 2024-01-01\n{age:age-secret-key-}\n"], &["{agebad:age-secret-key-}", "AGE-SECRET-KEY-1{b32:40}"]),
    ("age-pq-secret-key", &["{age:age-secret-key-pq-}"], &["{agebad:age-secret-key-pq-}"]),
    ("aws-access-key-id", &["aws_access_key_id = AKIA{b32:16}", "ASIA{b32:16}"], &["AKIA{b32:12}", "XKIA{b32:16}", "AKIA{b32:16}7"]),
    ("aws-secret-access-key", &["aws_secret_access_key = {b:40}", "\"SecretAccessKey\": \"{b:40}\""], &["aws_secret_access_key = {b:30}", "aws_secret_access_key = ${AWS_SECRET}"]),
    ("aws-session-token", &["aws_session_token = {b:160}"], &["aws_session_token = {b:50}"]),
    ("aws-mws-auth-token", &["amzn.mws.{uuid}"], &["amzn.mws.{h:20}"]),
    ("aws-bedrock-api-key", &["ABSKQmVkcm9ja0FQSUtleS{b:80}"], &["ABSKQmVkcm9ja0FQSUtleS{b:10}"]),
    ("gcp-service-account-key", &["{gcpsa}"], &["{gcpsanokey}"]),
    ("gcp-api-key", &["key: AIza{u:35}"], &["AIza{u:20}", "AIza{x:35}"]),
    ("gcp-oauth-client-secret", &["GOCSPX-{u:28}"], &["GOCSPX-{u:12}"]),
    ("google-oauth-access-token", &["ya29.{u:120}"], &["ya29.{u:10}"]),
    ("google-oauth-refresh-token", &["1//0{u:90}"], &["1//0{u:10}"]),
    ("firebase-fcm-server-key", &["AAAA{u:7}:APA91b{u:134}"], &["AAAA{u:7}:APA91b{u:40}"]),
    ("azure-storage-connection-string", &["DefaultEndpointsProtocol=https;AccountName=acme01;AccountKey={azkey};EndpointSuffix=core.windows.net"], &["DefaultEndpointsProtocol=https;AccountName=acme01;AccountKey={b:40}=="]),
    ("azure-storage-account-key", &["AZURE_STORAGE_KEY={azkey}"], &["AZURE_STORAGE_KEY={b:20}"]),
    ("azure-cosmosdb-connection-string", &["AccountEndpoint=https://acme.documents.azure.com:443/;AccountKey={azkey};"], &["AccountEndpoint=https://acme.documents.azure.com:443/;AccountKey=;"]),
    ("azure-service-bus-connection-string", &["Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={azkey32}"], &["Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey={b:20}"]),
    ("azure-sas-token", &["https://acme.blob.core.windows.net/c?{sas}"], &["https://acme.blob.core.windows.net/c?sv=2022-11-02&sp=r&sig=short"]),
    ("azure-entra-client-secret", &["client_secret: {a:3}{d:1}Q~{u:34}"], &["{a:3}{d:1}Q~{a:10}"]),
    ("azure-devops-pat", &["{a:52}JQQJ99{a:18}AZDO{a:4}"], &["{a:40}JQQJ99{a:18}AZDO{a:4}"]),
    ("azure-openai-api-key", &["AZURE_OPENAI_API_KEY={h:32}"], &["AZURE_OPENAI_API_KEY={h:20}"]),
    ("github-pat", &["token: {gh:ghp_}"], &["{ghbad:ghp_}", "ghp_{a:20}"]),
    ("github-oauth-token", &["{gh:gho_}"], &["{ghbad:gho_}"]),
    ("github-user-to-server-token", &["{gh:ghu_}"], &["{ghbad:ghu_}"]),
    ("github-server-to-server-token", &["{gh:ghs_}"], &["{ghbad:ghs_}"]),
    ("github-refresh-token", &["{gh:ghr_}"], &["{ghbad:ghr_}"]),
    ("github-fine-grained-pat", &["github_pat_{a:22}_{a:59}"], &["github_pat_{a:22}_{a:30}"]),
    ("gitlab-pat", &["glpat-{u:20}", "glpat-{a:27}.01.{la:9}"], &["glpat-{u:10}"]),
    ("gitlab-deploy-token", &["gldt-{u:20}"], &["gldt-{u:8}"]),
    ("gitlab-runner-token", &["glrt-{u:30}"], &["glrt-{u:8}"]),
    ("gitlab-runner-registration-token", &["GR1348941{u:20}"], &["GR1348941{u:10}"]),
    ("gitlab-pipeline-trigger-token", &["glptt-{h:40}"], &["glptt-{h:30}"]),
    ("gitlab-ci-job-token", &["glcbt-{h:2}_{u:20}"], &["glcbt-_{u:20}"]),
    ("gitlab-oauth-app-secret", &["gloas-{h:64}"], &["gloas-{h:40}"]),
    ("gitlab-incoming-mail-token", &["glimt-{la:25}"], &["glimt-{la:20}"]),
    ("gitlab-agent-token", &["glagent-{u:50}"], &["glagent-{u:30}"]),
    ("gitlab-feed-token", &["glft-{u:20}"], &["glft-{u:10}"]),
    ("gitlab-scim-token", &["glsoat-{u:20}"], &["glsoat-{u:10}"]),
    ("gitlab-feature-flags-token", &["glffct-{u:20}"], &["glffct-{u:10}"]),
    ("atlassian-api-token", &["ATATT3{u:180}"], &["ATATT3{u:50}"]),
    ("bitbucket-app-password", &["ATBB{a:32}"], &["ATBB{a:10}"]),
    ("slack-bot-token", &["xoxb-{d:12}-{d:13}-{a:24}"], &["xoxb-{d:4}-{a:10}"]),
    ("slack-user-token", &["xoxp-{d:12}-{d:12}-{d:12}-{h:32}"], &["xoxp-{d:12}-{h:32}"]),
    ("slack-app-token", &["xapp-1-A{U:10}-{d:12}-{h:64}"], &["xapp-1-A{U:10}-{d:12}-{h:20}"]),
    ("slack-config-token", &["xoxe.xoxp-1-{a:160}"], &["xoxe.xoxp-1-{a:40}"]),
    ("slack-refresh-token", &["xoxe-1-{a:146}"], &["xoxe-1-{a:40}"]),
    ("slack-legacy-token", &["xoxs-{d:10}-{d:10}-{d:12}-{a:40}"], &["xoxs-abc"]),
    ("slack-webhook-url", &["https://hooks.slack.com/services/T{U:10}/B{U:10}/{a:24}"], &["https://hooks.slack.com/services/T{U:10}/B{U:10}/{a:8}"]),
    ("slack-workflow-webhook-url", &["https://hooks.slack.com/workflows/T{U:10}/A{U:10}/{d:18}/{a:24}"], &["https://hooks.slack.com/workflows/T{U:10}/A{U:10}/{d:18}/{a:8}"]),
    ("discord-bot-token", &["DISCORD_TOKEN={discord}"], &["DISCORD_TOKEN={discordbad}", "{discord}"]),
    ("discord-webhook-url", &["https://discord.com/api/webhooks/{d:18}/{u:68}"], &["https://discord.com/api/webhooks/{d:18}/{u:20}"]),
    ("telegram-bot-token", &["bot: {d:10}:AA{u:33}"], &["{d:10}:AA{u:20}"]),
    ("microsoft-teams-webhook-url", &["https://acme.webhook.office.com/webhookb2/{uuid}@{uuid}/IncomingWebhook/{h:32}/{uuid}"], &["https://acme.webhook.office.com/webhookb2/{uuid}"]),
    ("stripe-secret-key", &["sk_live_{a:32}"], &["sk_live_{a:10}", "sk_live_{x:32}"]),
    ("stripe-restricted-key", &["rk_live_{a:32}"], &["rk_live_{a:10}"]),
    ("stripe-webhook-secret", &["whsec_{a:32}"], &["whsec_{a:10}"]),
    ("stripe-test-secret-key", &["sk_test_{a:24}"], &["sk_test_{a:10}"]),
    ("square-access-token", &["EAAA{u:60}"], &["EAAA{u:30}"]),
    ("square-legacy-access-token", &["sq0atp-{u:22}"], &["sq0atp-{u:10}"]),
    ("square-oauth-secret", &["sq0csp-{u:43}"], &["sq0csp-{u:20}"]),
    ("braintree-access-token", &["access_token$production${la:16}${h:32}"], &["access_token$production${la:16}${h:10}"]),
    ("paypal-client-secret", &["PAYPAL_CLIENT_SECRET={u:80}"], &["PAYPAL_CLIENT_SECRET={u:20}"]),
    ("razorpay-live-key-id", &["rzp_live_{a:14}"], &["rzp_live_{a:8}"]),
    ("flutterwave-secret-key", &["FLWSECK-{h:32}-X"], &["FLWSECK-{h:20}-X"]),
    ("plaid-access-token", &["access-production-{uuid}"], &["access-production-{h:8}"]),
    ("shopify-access-token", &["shpat_{h:32}"], &["shpat_{h:20}"]),
    ("shopify-shared-secret", &["shpss_{h:32}"], &["shpss_{h:20}"]),
    ("shopify-custom-app-token", &["shpca_{h:32}"], &["shpca_{h:20}"]),
    ("shopify-private-app-token", &["shppa_{h:32}"], &["shppa_{h:20}"]),
    ("npm-access-token", &["{gh:npm_}"], &["{ghbad:npm_}", "npm_{a:20}"]),
    ("npmrc-auth-token", &["//registry.npmjs.org/:_authToken={uuid}"], &["//registry.npmjs.org/:_authToken=${NPM_TOKEN}"]),
    ("pypi-upload-token", &["password = {pypi:pypi.org}"], &["{pypibad:pypi.org}"]),
    ("testpypi-upload-token", &["{pypi:test.pypi.org}"], &["{pypibad:test.pypi.org}"]),
    ("crates-io-token", &["cio{a:32}"], &["cio{a:20}"]),
    ("dockerhub-pat", &["dckr_pat_{u:27}"], &["dckr_pat_{u:10}"]),
    ("dockerhub-org-token", &["dckr_oat_{u:32}"], &["dckr_oat_{u:10}"]),
    ("docker-config-auth", &["{\"auths\": {\"ghcr.io\": {\"auth\": \"{basic}\"}}}"], &["{\"auths\": {\"ghcr.io\": {\"auth\": \"{basicph}\"}}}"]),
    ("rubygems-api-key", &["rubygems_{h:48}"], &["rubygems_{h:20}"]),
    ("nuget-api-key", &["oy2{la:43}"], &["oy2{la:20}"]),
    ("jfrog-api-key", &["AKCp{a:69}"], &["AKCp{a:30}"]),
    ("jfrog-reference-token", &["cmVmdGtuOjAxO{a:51}"], &["cmVmdGtuOjAxO{a:20}"]),
    ("clojars-deploy-token", &["CLOJARS_{la:60}"], &["CLOJARS_{la:20}"]),
    ("terraform-cloud-token", &["{a:14}.atlasv1.{u:67}"], &["{a:14}.atlasv1.{u:20}"]),
    ("pulumi-access-token", &["pul-{h:40}"], &["pul-{h:20}"]),
    ("doppler-personal-token", &["dp.pt.{a:43}"], &["dp.pt.{a:20}"]),
    ("doppler-service-token", &["dp.st.prd.{a:40}"], &["dp.st.{a:20}"]),
    ("doppler-cli-token", &["dp.ct.{a:43}"], &["dp.ct.{a:20}"]),
    ("doppler-service-account-token", &["dp.sa.{a:43}"], &["dp.sa.{a:20}"]),
    ("openai-api-key", &["sk-{a:20}T3BlbkFJ{a:20}"], &["sk-{a:10}T3BlbkFJ{a:20}"]),
    ("openai-project-key", &["sk-proj-{u:74}T3BlbkFJ{u:74}"], &["sk-proj-{u:20}"]),
    ("openai-service-account-key", &["sk-svcacct-{u:120}"], &["sk-svcacct-{u:20}"]),
    ("openai-admin-key", &["sk-admin-{u:120}"], &["sk-admin-{u:20}"]),
    ("anthropic-api-key", &["sk-ant-api03-{u:93}AA"], &["sk-ant-api03-{u:50}AA"]),
    ("anthropic-admin-key", &["sk-ant-admin01-{u:93}AA"], &["sk-ant-admin01-{u:50}AA"]),
    ("huggingface-access-token", &["hf_{L:34}"], &["hf_{L:20}"]),
    ("huggingface-org-token", &["api_org_{L:34}"], &["api_org_{L:20}"]),
    ("cohere-api-key", &["COHERE_API_KEY={a:40}"], &["COHERE_API_KEY={a:20}"]),
    ("replicate-api-token", &["r8_{a:37}"], &["r8_{a:20}"]),
    ("groq-api-key", &["gsk_{a:52}"], &["gsk_{a:30}"]),
    ("perplexity-api-key", &["pplx-{a:48}"], &["pplx-{a:20}"]),
    ("xai-api-key", &["xai-{a:80}"], &["xai-{a:40}"]),
    ("mistral-api-key", &["MISTRAL_API_KEY={a:32}"], &["MISTRAL_API_KEY={a:16}"]),
    ("deepseek-api-key", &["DEEPSEEK_API_KEY=sk-{h:32}"], &["DEEPSEEK_API_KEY=sk-{h:16}"]),
    ("together-api-key", &["tgp_v1_{u:43}"], &["tgp_v1_{u:20}"]),
    ("fireworks-api-key", &["fw_{a:24}"], &["fw_{a:12}"]),
    ("langsmith-api-key", &["lsv2_pt_{h:32}_{h:10}"], &["lsv2_pt_{h:32}"]),
    ("openrouter-api-key", &["sk-or-v1-{h:64}"], &["sk-or-v1-{h:32}"]),
    ("pinecone-api-key", &["pcsk_{a:6}_{a:65}"], &["pcsk_{a:6}_{a:20}"]),
    ("cerebras-api-key", &["csk-{la:48}"], &["csk-{la:20}"]),
    ("twilio-api-key", &["SK{h:32}"], &["SK{h:20}"]),
    ("twilio-auth-token", &["TWILIO_AUTH_TOKEN={h:32}"], &["TWILIO_AUTH_TOKEN={h:16}"]),
    ("twilio-account-credentials", &["client = Client(\"AC{h:32}\", \"{h:32}\")"], &["AC{h:32}"]),
    ("sendgrid-api-key", &["SG.{u:22}.{u:43}"], &["SG.{u:22}.{u:10}"]),
    ("mailgun-api-key", &["key-{h:32}"], &["key-{h:16}"]),
    ("mailgun-private-key", &["MAILGUN_API_KEY={h:32}-{h:8}-{h:8}"], &["MAILGUN_API_KEY={h:32}"]),
    ("mailchimp-api-key", &["{h:32}-us6"], &["{h:20}-us6"]),
    ("brevo-api-key", &["xkeysib-{h:64}-{a:16}"], &["xkeysib-{h:64}"]),
    ("datadog-api-key", &["DD_API_KEY={h:32}"], &["DD_API_KEY={h:16}"]),
    ("datadog-app-key", &["DD_APP_KEY={h:40}"], &["DD_APP_KEY={h:32}"]),
    ("new-relic-user-api-key", &["NRAK-{U:27}"], &["NRAK-{U:10}"]),
    ("new-relic-insert-key", &["NRII-{u:32}"], &["NRII-{u:10}"]),
    ("new-relic-query-key", &["NRIQ-{u:32}"], &["NRIQ-{u:10}"]),
    ("new-relic-license-key", &["{h:36}NRAL"], &["{h:20}NRAL"]),
    ("sentry-org-token", &["{sntrys}"], &["{sntrysbad}"]),
    ("sentry-user-token", &["sntryu_{h:64}"], &["sntryu_{h:32}"]),
    ("grafana-service-account-token", &["glsa_{a:32}_{h:8}"], &["glsa_{a:32}"]),
    ("grafana-cloud-token", &["{glc}"], &["glc_{b:64}"]),
    ("grafana-api-key", &["{grafana}"], &["eyJrIjoi{a:60}"]),
    ("heroku-api-key", &["HRKU-{u:60}"], &["HRKU-{u:20}"]),
    ("heroku-api-key-legacy", &["HEROKU_API_KEY={uuid}"], &["HEROKU_API_KEY={h:8}"]),
    ("linear-api-key", &["lin_api_{a:40}"], &["lin_api_{a:20}"]),
    ("linear-oauth-token", &["lin_oauth_{h:64}"], &["lin_oauth_{h:32}"]),
    ("notion-integration-token-legacy", &["secret_{a:43}"], &["secret_{a:20}"]),
    ("notion-integration-token", &["ntn_{d:11}{a:35}"], &["ntn_{a:20}"]),
    ("postman-api-key", &["PMAK-{h:24}-{h:34}"], &["PMAK-{h:24}"]),
    ("digitalocean-pat", &["dop_v1_{h:64}"], &["dop_v1_{h:32}"]),
    ("digitalocean-oauth-token", &["doo_v1_{h:64}"], &["doo_v1_{h:32}"]),
    ("digitalocean-refresh-token", &["dor_v1_{h:64}"], &["dor_v1_{h:32}"]),
    ("vault-service-token", &["VAULT_TOKEN=hvs.{u:90}"], &["hvs.{u:10}"]),
    ("vault-batch-token", &["hvb.{u:90}"], &["hvb.{u:10}"]),
    ("okta-api-token", &["OKTA_API_TOKEN=00{u:40}"], &["OKTA_API_TOKEN=00{u:20}"]),
    ("auth0-client-secret", &["AUTH0_CLIENT_SECRET={u:64}"], &["AUTH0_CLIENT_SECRET={u:20}"]),
    ("mapbox-secret-token", &["{mapbox}"], &["{mapboxbad}"]),
    ("algolia-admin-key", &["ALGOLIA_ADMIN_KEY={h:32}"], &["ALGOLIA_ADMIN_KEY={h:16}"]),
    ("netlify-access-token", &["nfp_{a:36}"], &["nfp_{a:20}"]),
    ("vercel-token", &["VERCEL_TOKEN={a:24}"], &["VERCEL_TOKEN={a:12}"]),
    ("flyio-token", &["FLY_API_TOKEN=\"FlyV1 fm2_{b:200}\""], &["FlyV1 fm2_{b:20}"]),
    ("supabase-pat", &["sbp_{h:40}"], &["sbp_{h:20}"]),
    ("supabase-secret-key", &["sb_secret_{u:40}"], &["sb_secret_{u:10}"]),
    ("planetscale-password", &["pscale_pw_{u:43}"], &["pscale_pw_{u:20}"]),
    ("planetscale-service-token", &["pscale_tkn_{u:43}"], &["pscale_tkn_{u:20}"]),
    ("planetscale-oauth-token", &["pscale_oauth_{u:40}"], &["pscale_oauth_{u:10}"]),
    ("databricks-token", &["dapi{h:32}"], &["dapi{h:16}"]),
    ("snowflake-password", &["SNOWFLAKE_PASSWORD=Zq8!{a:12}"], &["SNOWFLAKE_PASSWORD=changeme"]),
    ("alibaba-access-key-id", &["LTAI{a:20}"], &["LTAI{a:6}"]),
    ("alibaba-access-key-secret", &["ALIBABA_CLOUD_ACCESS_KEY_SECRET={a:30}"], &["ALIBABA_CLOUD_ACCESS_KEY_SECRET={a:16}"]),
    ("tencent-secret-id", &["AKID{a:32}"], &["AKID{a:16}"]),
    ("tencent-secret-key", &["TENCENTCLOUD_SECRET_KEY={a:32}"], &["TENCENTCLOUD_SECRET_KEY={a:16}"]),
    ("ibm-cloud-api-key", &["IBMCLOUD_API_KEY={u:44}"], &["IBMCLOUD_API_KEY={u:20}"]),
    ("oracle-oci-auth-token", &["OCI_AUTH_TOKEN={a:18}+("], &["OCI_AUTH_TOKEN=<your-token>"]),
    ("yandex-api-key", &["AQVN{u:36}"], &["AQVN{u:10}"]),
    ("yandex-iam-token", &["t1.{u:40}.{u:86}"], &["t1.{u:40}.{u:20}"]),
    ("yandex-static-access-key", &["YC{u:38}"], &["YC{u:10}"]),
    ("cloudflare-api-token", &["CLOUDFLARE_API_TOKEN={u:40}"], &["CLOUDFLARE_API_TOKEN={u:20}"]),
    ("cloudflare-global-api-key", &["CLOUDFLARE_API_KEY={h:37}"], &["CLOUDFLARE_API_KEY={h:20}"]),
    ("cloudflare-origin-ca-key", &["v1.0-{h:24}-{h:146}"], &["v1.0-{h:24}-{h:40}"]),
    ("linode-token", &["LINODE_TOKEN={h:64}"], &["LINODE_TOKEN={h:32}"]),
    ("scaleway-access-key", &["SCW{U:17}"], &["SCW{U:8}"]),
    ("scaleway-secret-key", &["SCW_SECRET_KEY={uuid}"], &["SCW_SECRET_KEY={h:8}"]),
    ("hetzner-cloud-token", &["HCLOUD_TOKEN={a:64}"], &["HCLOUD_TOKEN={a:32}"]),
    ("vultr-api-key", &["VULTR_API_KEY={U:36}"], &["VULTR_API_KEY={U:20}"]),
    ("contentful-pat", &["CFPAT-{u:43}"], &["CFPAT-{u:20}"]),
    ("figma-pat", &["figd_{u:40}"], &["figd_{u:20}"]),
    ("asana-pat", &["asana_token = \"2/{d:16}/{d:16}:{a:32}\""], &["asana 2/{d:16}:{a:10}"]),
    ("airtable-pat", &["pat{a:14}.{h:64}"], &["pat{a:14}.{h:20}"]),
    ("dropbox-access-token", &["sl.{u:140}"], &["sl.{u:20}"]),
    ("hubspot-private-app-token", &["pat-na1-{uuid}"], &["pat-na1-{h:8}"]),
    ("buildkite-api-token", &["bkua_{h:40}"], &["bkua_{h:20}"]),
    ("circleci-pat", &["CCIPAT_{a:22}_{h:40}"], &["CCIPAT_{a:22}_{h:20}"]),
    ("snyk-api-token", &["SNYK_TOKEN={uuid}"], &["SNYK_TOKEN={h:8}"]),
    ("sonar-project-token", &["sqp_{h:40}"], &["sqp_{h:20}"]),
    ("sonar-user-token", &["squ_{h:40}"], &["squ_{h:20}"]),
    ("sonar-global-token", &["sqa_{h:40}"], &["sqa_{h:20}"]),
    ("prefect-api-key", &["pnu_{a:36}"], &["pnu_{a:20}"]),
    ("render-api-key", &["rnd_{a:32}"], &["rnd_{a:16}"]),
    ("neon-api-key", &["napi_{la:64}"], &["napi_{la:32}"]),
    ("shippo-live-token", &["shippo_live_{h:40}"], &["shippo_live_{h:20}"]),
    ("easypost-api-key", &["EZAK{a:54}"], &["EZAK{a:20}"]),
    ("typeform-pat", &["tfp_{u:60}"], &["tfp_{u:20}"]),
    ("frameio-token", &["fio-u-{u:64}"], &["fio-u-{u:20}"]),
    ("duffel-api-token", &["duffel_live_{u:43}"], &["duffel_live_{u:20}"]),
    ("adafruit-io-key", &["aio_{a:28}"], &["aio_{a:12}"]),
    ("readme-api-key", &["rdme_{la:70}"], &["rdme_{la:30}"]),
    ("infracost-api-key", &["ico-{a:32}"], &["ico-{a:16}"]),
    ("intra42-client-secret", &["s-s4t2ud-{h:64}"], &["s-s4t2ud-{h:32}"]),
    ("launchdarkly-access-token", &["api-{uuid}"], &["api-{h:8}"]),
    ("octopus-deploy-api-key", &["API-{U:26}"], &["API-{U:10}"]),
    ("dynatrace-api-token", &["dt0c01.{U:24}.{U:64}"], &["dt0c01.{U:24}.{U:20}"]),
    ("harness-pat", &["pat.{u:22}.{h:24}.{a:20}"], &["pat.{u:22}.{h:24}"]),
    ("twitter-bearer-token", &["{A:21}{a:100}"], &["{A:21}{a:20}"]),
    ("facebook-access-token", &["EAA{a:120}"], &["EAA{a:30}"]),
    ("jwt", &["{jwt}"], &["{jwtnone}", "{jwtnoalg}"]),
    ("http-bearer-token", &["Authorization: Bearer {a:40}"], &["Authorization: Bearer $TOKEN", "Authorization: Bearer <token>"]),
    ("http-basic-auth", &["Authorization: Basic {basic}"], &["Authorization: Basic {basicph}"]),
    ("postgres-url-password", &["DATABASE_URL=postgres://app:{a:16}@db.internal:5432/app"], &["postgres://app:${DB_PASSWORD}@db/app", "postgres://postgres:postgres@localhost/app", "postgres://app:changeme@db/app"]),
    ("mysql-url-password", &["mysql://app:{a:16}@db/app"], &["mysql://app:<password>@db/app"]),
    ("mongodb-url-password", &["mongodb+srv://app:{a:16}@cluster0.acme.net/db"], &["mongodb+srv://app:{{ .Values.password }}@c/db", "mongodb://app@c/db"]),
    ("redis-url-password", &["redis://:{a:20}@cache:6379/0"], &["redis://:@cache:6379"]),
    ("amqp-url-password", &["amqp://guest:{a:16}@mq:5672/"], &["amqp://guest:guest@mq:5672/"]),
    ("mssql-url-password", &["sqlserver://sa:{a:16}@db:1433"], &["sqlserver://sa:****@db:1433"]),
    ("url-basic-auth", &["git clone https://deploy:{a:24}@git.acme.io/x.git"], &["https://deploy:{x:8}@git.acme.io/", "https://user@git.acme.io"]),
    ("generic-client-secret", &["client_secret: \"{a:32}\""], &["client_secret: \"{{ .Values.clientSecret }}\"", "client_secret = os.environ[\"CLIENT_SECRET\"]"]),
    ("generic-api-key", &["API_KEY={a:32}", "\"apiKey\": \"{a:32}\""], &["api_key: your_api_key_here", "apiKey = getApiKey()"]),
    ("generic-secret", &["SESSION_SECRET={a:32}", "jwt_secret = '{a:24}'"], &["SESSION_SECRET=changeme", "secret_name: db-credentials"]),
    ("generic-token", &["auth_token: {a:32}"], &["auth_token: ${AUTH_TOKEN}", "token_type: bearer", "next_token = self.token"]),
    ("generic-credential", &["DEPLOY_CREDENTIALS={a:28}x9", "\"auth\": \"{a:30}7\""], &["credentials_file: /etc/app/creds.json", "auth: basic", "auth_type: oauth2"]),
    ("generic-key", &["stripe_key = \"{A:2}{a:30}9x\"", "<SIGNATURE_KEY>Zq9{a:28}</SIGNATURE_KEY>"], &["cache_key: user_profile_v2", "monkey: {a:30}", "sort_key = \"created_at\"", "primary_key: {h:32}"]),
    ("generic-password", &["password: Xq7{a:10}!", "[db]\npassword = \"{a:12}#1\"", "DB_PASS={a:10}9x"], &["password: changeme", "password: \"{{ .Values.db.password }}\"", "password: null", "password_file: /run/secrets/db", "if password == \"{a:12}\":", "passenger: {a:12}"]),
];

#[test]
fn every_rule_has_positive_and_negative_cases() {
    let mut missing = Vec::new();
    for r in rules() {
        match CASES.iter().find(|c| c.0 == r.id) {
            Some((_, pos, neg)) if !pos.is_empty() && !neg.is_empty() => {}
            _ => missing.push(r.id),
        }
    }
    assert!(missing.is_empty(), "rules without test cases: {missing:?}");
    for c in CASES {
        assert!(rule(c.0).is_some(), "test case for unknown rule {}", c.0);
    }
    let mut seen = std::collections::HashSet::new();
    for r in rules() {
        assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
        assert!(!r.description.is_empty() && !r.name.is_empty());
    }
}

#[test]
fn at_least_150_rules() {
    assert!(rules().len() >= 150, "{} rules", rules().len());
}

#[test]
fn positives_match() {
    let mut failures = Vec::new();
    for (ci, (id, pos, _)) in CASES.iter().enumerate() {
        for (ti, tpl) in pos.iter().enumerate() {
            for round in 0..3u64 {
                let text = expand(tpl, (ci * 100 + ti) as u64 * 7 + round);
                let found = det().scan(text.as_bytes());
                match found.iter().find(|m| m.rule.id == *id) {
                    // Kubernetes `data:` values are reported decoded.
                    Some(m) if m.decoded > 0 => assert_eq!(*id, "kubernetes-secret-value"),
                    Some(m) => {
                        assert_eq!(&text.as_bytes()[m.start..m.end], m.secret.as_bytes());
                    }
                    None => failures.push(format!("{id}: {text:?} -> {:?}", ids(&found))),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} misses:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn negatives_do_not_match() {
    let mut failures = Vec::new();
    for (ci, (id, _, neg)) in CASES.iter().enumerate() {
        for (ti, tpl) in neg.iter().enumerate() {
            for round in 0..3u64 {
                let text = expand(tpl, (ci * 100 + ti) as u64 * 13 + round);
                let found = det().scan(text.as_bytes());
                if let Some(m) = found.iter().find(|m| m.rule.id == *id) {
                    failures.push(format!("{id}: {text:?} -> {:?}", m.secret));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} false positives:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ------------------------------------------------------------------------------ behaviour

#[test]
fn detector_is_send_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Detector>();
}

#[test]
fn line_numbers_and_ranges() {
    let tok = expand("{gh:ghp_}", 1);
    let text = format!("a: 1\nb: 2\n  token: {tok}\n");
    let found = det().scan(text.as_bytes());
    let m = found.iter().find(|m| m.rule.id == "github-pat").unwrap();
    assert_eq!(m.line, 3);
    assert_eq!(m.secret, tok);
    assert_eq!(&text[m.start..m.end], tok);
}

#[test]
fn sops_ciphertext_and_metadata_are_not_reported() {
    let text = expand(
        "password: ENC[AES256_GCM,data:{b:24},iv:{b:43}=,tag:{b:22}==,type:str]\n\
         api_key: ENC[AES256_GCM,data:{b:44},iv:{b:43}=,tag:{b:22}==,type:str]\n\
         token: ENC[AES256_GCM,data:{b:120},iv:{b:43}=,tag:{b:22}==,type:str]\n\
         sops:\n    age:\n        - recipient: {agerecipient:age}\n          enc: |\n            -----BEGIN AGE ENCRYPTED FILE-----\n            {b:64}\n            {b:64}\n            -----END AGE ENCRYPTED FILE-----\n\
         \x20   lastmodified: \"2024-01-01T00:00:00Z\"\n    mac: ENC[AES256_GCM,data:{b:88},iv:{b:43}=,tag:{b:22}==,type:str]\n\
         \x20   unencrypted_suffix: _unencrypted\n    version: 3.9.0\n",
        5,
    );
    let found = det().scan(text.as_bytes());
    assert!(found.is_empty(), "{:?}", ids(&found));
    // JSON and dotenv flavours of the same metadata.
    let json = expand(
        "{\"password\": \"ENC[AES256_GCM,data:{b:24},iv:{b:43}=,tag:{b:22}==,type:str]\",\n\"sops\": {\"age\": [{\"recipient\": \"{agerecipient:age}\", \"enc\": \"-----BEGIN AGE ENCRYPTED FILE-----\\n{b:64}\\n{b:40}\\n-----END AGE ENCRYPTED FILE-----\\n\"}], \"mac\": \"ENC[AES256_GCM,data:{b:88},iv:{b:43}=,tag:{b:22}==,type:str]\"}}\n",
        6,
    );
    let found = det().scan(json.as_bytes());
    assert!(found.is_empty(), "{:?}", ids(&found));
    let env = expand(
        "DB_PASSWORD=ENC[AES256_GCM,data:{b:24},iv:{b:43}=,tag:{b:22}==,type:str]\nsops_mac=ENC[AES256_GCM,data:{b:88},iv:{b:43}=,tag:{b:22}==,type:str]\nsops_age__list_0__map_recipient={agerecipient:age}\n",
        7,
    );
    let found = det().scan(env.as_bytes());
    assert!(found.is_empty(), "{:?}", ids(&found));
}

#[test]
fn public_keys_and_recipients_are_not_reported() {
    let text = expand(
        "recipients:\n  - {agerecipient:age}\n  - {agerecipient:age1pq}\n\
         ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{b:43} ci@host\n\
         ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ{b:300} ci@host\n\
         {pem:PUBLIC KEY}{pem:RSA PUBLIC KEY}{pem:CERTIFICATE}{pem:PGP PUBLIC KEY BLOCK}\
         {pem:CERTIFICATE REQUEST}",
        9,
    );
    let found = det().scan(text.as_bytes());
    assert!(found.is_empty(), "{:?}", ids(&found));
}

#[test]
fn base64_layers_are_decoded() {
    let tok = expand("{gh:ghp_}", 3);
    let once = STANDARD.encode(format!("GITHUB_TOKEN={tok}\n"));
    let text = format!("kind: ConfigMap\n\nblob: {once}\n");
    let found = det().scan(text.as_bytes());
    let m = found
        .iter()
        .find(|m| m.rule.id == "github-pat")
        .expect("layer 1");
    assert_eq!((m.decoded, m.line), (1, 3));
    assert_eq!(m.secret, tok);
    assert_eq!(&format!("GITHUB_TOKEN={tok}\n")[m.start..m.end], tok);

    let twice = STANDARD.encode(STANDARD.encode(format!("GITHUB_TOKEN={tok}\n")));
    let found = det().scan(format!("x\nvalue: \"{twice}\"\n").as_bytes());
    let m = found
        .iter()
        .find(|m| m.rule.id == "github-pat")
        .expect("layer 2");
    assert_eq!((m.decoded, m.line), (2, 2));

    // Depth is bounded at 2.
    let thrice = STANDARD.encode(STANDARD.encode(STANDARD.encode(format!("t={tok}\n"))));
    let found = det().scan(thrice.as_bytes());
    assert!(found.iter().all(|m| m.rule.id != "github-pat"));
    // And decoding can be switched off.
    let found = det().scan_with(
        once.as_bytes(),
        ScanOptions {
            max_decode_depth: 0,
            ..ScanOptions::default()
        },
    );
    assert!(found.is_empty());
}

#[test]
fn kubernetes_secret_data_is_decoded() {
    let mut rng = Rng::new(11);
    let pw = format!("Zq9!{}", rng.pick(B62, 10));
    let tok = crc_token("ghp_", &mut rng, true);
    let key = pem("RSA PRIVATE KEY", 4, &mut rng);
    let text = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  password: {}\n  github-token: {}\n  tls.key: {}\n  username: {}\n",
        STANDARD.encode(&pw),
        STANDARD.encode(&tok),
        STANDARD.encode(&key),
        STANDARD.encode("app"),
    );
    let found = det().scan(text.as_bytes());
    let pwm = found
        .iter()
        .find(|m| m.rule.id == "generic-password")
        .expect("short password");
    assert_eq!(
        (pwm.decoded, pwm.line, pwm.secret.as_str()),
        (1, 7, pw.as_str())
    );
    let gh = found
        .iter()
        .find(|m| m.rule.id == "github-pat")
        .expect("token");
    assert_eq!((gh.decoded, gh.line), (1, 8));
    let k = found
        .iter()
        .find(|m| m.rule.id == "private-key-rsa")
        .expect("key");
    assert_eq!((k.decoded, k.line), (1, 9));
    assert_eq!(found.len(), 3, "{:?}", ids(&found));
}

#[test]
fn inline_allow_suppresses() {
    let tok = expand("{gh:ghp_}", 4);
    let found = det().scan(format!("token = \"{tok}\"  # veil:allow\n").as_bytes());
    assert!(found.is_empty());
    let found = det().scan(
        format!("// veil:allow-next-line\nconst T = \"{tok}\";\nconst U = \"{tok}\";\n").as_bytes(),
    );
    assert_eq!(found.iter().map(|m| m.line).collect::<Vec<_>>(), vec![3]);
    // A decoded finding is suppressed by the line of its base64 string.
    let b = STANDARD.encode(format!("t={tok}"));
    let found = det().scan(format!("x: {b} <!-- veil:allow -->\n").as_bytes());
    assert!(found.is_empty());
}

#[test]
fn binary_blobs_are_skipped_unless_asked() {
    let tok = expand("{gh:ghp_}", 5);
    let blob = format!("\0\x01\x02 {tok} ");
    assert!(det().scan(blob.as_bytes()).is_empty());
    let opts = ScanOptions {
        include_binary: true,
        ..ScanOptions::default()
    };
    assert_eq!(
        ids(&det().scan_with(blob.as_bytes(), opts)),
        vec!["github-pat"]
    );
}

#[test]
fn provider_rule_beats_generic_and_composite_beats_pem() {
    let tok = expand("{gh:ghp_}", 6);
    let found = det().scan(format!("api_token: \"{tok}\"\n").as_bytes());
    assert_eq!(ids(&found), vec!["github-pat"]);
    let sa = expand("{gcpsa}", 7);
    let found = det().scan(sa.as_bytes());
    assert_eq!(ids(&found), vec!["gcp-service-account-key"]);
}

/// A path such as `Token::CloseBracket` is not a `token: value` assignment.
#[test]
fn paths_are_not_assignments() {
    for text in [
        "match t { Token::CloseBracketAndMore => 1 }",
        "let k = SecretKind::PrivateKeyMaterialX;",
    ] {
        let found: Vec<_> = det()
            .scan(text.as_bytes())
            .into_iter()
            .map(|m| m.rule.id)
            .collect();
        assert!(found.is_empty(), "{text}: {found:?}");
    }
    // An assignment with a colon still counts (built here so this file does not hold one).
    let text = ["tok", "en: '", "Xq7vR2m", "K9pL4sT8wN3bZ'"].concat();
    assert!(!det().scan(text.as_bytes()).is_empty(), "{text}");
}

#[test]
fn ordinary_source_has_no_findings() {
    // This crate's own sources (this test file and the rule catalogue included) are a
    // reasonable corpus of code that talks about tokens, passwords and keys without containing
    // any; the lossless test fixtures are realistic config files without secrets.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut noisy = Vec::new();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/lossless");
    let mut paths = walk(&root);
    if let Ok(dir) = std::fs::read_dir(&fixtures) {
        paths.extend(dir.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
    }
    for path in paths {
        let text = std::fs::read(&path).unwrap();
        for m in det().scan(&text) {
            noisy.push(format!(
                "{}:{} {} {:?}",
                path.display(),
                m.line,
                m.rule.id,
                m.secret
            ));
        }
    }
    assert!(noisy.is_empty(), "false positives:\n{}", noisy.join("\n"));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
#[ignore = "throughput micro-check; run with --ignored --nocapture"]
fn throughput() {
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut ordinary = Vec::new();
    let mut dense = Vec::new();
    for p in walk(&base.join("src")) {
        let text = std::fs::read(&p).unwrap();
        if p.components().any(|c| c.as_os_str() == "rules") {
            dense.extend(text); // the rule catalogue and tests: keyword-dense
        } else {
            ordinary.extend(text);
        }
    }
    if let Ok(dir) = std::fs::read_dir(base.join("testdata/lossless")) {
        for e in dir {
            let p = e.unwrap().path();
            if p.is_file() {
                ordinary.extend(std::fs::read(p).unwrap());
            }
        }
    }
    let d = Detector::new();
    for (name, corpus) in [
        ("ordinary source+config", ordinary),
        ("keyword-dense rule sources", dense),
    ] {
        let mut blob = Vec::new();
        while blob.len() < 8 << 20 {
            blob.extend_from_slice(&corpus);
        }
        let _ = d.scan(&corpus);
        let t = std::time::Instant::now();
        let n = d.scan(&blob).len();
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{name}: {:.1} MB in {:.3} s = {:.1} MB/s ({n} findings, {} build)",
            blob.len() as f64 / 1e6,
            secs,
            blob.len() as f64 / 1e6 / secs,
            if cfg!(debug_assertions) {
                "debug"
            } else {
                "optimized"
            }
        );
    }
}

#[test]
fn many_findings_in_one_blob() {
    let mut rng = Rng::new(21);
    let mut text = String::new();
    let mut on_line = String::new();
    for i in 0..3000 {
        text.push_str(&format!(
            "t{i} = \"{}\"\n",
            crc_token("ghp_", &mut rng, true)
        ));
        // and many on one very long line
        on_line.push_str(&crc_token("ghp_", &mut rng, true));
        on_line.push(' ');
    }
    text.push_str(&on_line);
    let found = det().scan(text.as_bytes());
    assert_eq!(found.len(), 6000);
    assert!(found.iter().all(|m| m.rule.id == "github-pat"));
    assert_eq!(found.last().unwrap().line, 3001);
}

/// The 8-bytes-at-a-time base64 run search finds exactly the runs (≥ `MIN_B64` long) that a
/// byte-by-byte walk finds, `=` padding included, on texts mixing base64 and other bytes.
#[test]
fn base64_run_search_matches_bytewise_walk() {
    fn bytewise(text: &[u8]) -> Vec<(usize, usize)> {
        let (mut out, mut i, n) = (Vec::new(), 0, text.len());
        while i < n {
            if !is_b64(text[i]) {
                i += 1;
                continue;
            }
            let s = i;
            while i < n && is_b64(text[i]) {
                i += 1;
            }
            let run_end = i;
            while i < n && i - run_end < 2 && text[i] == b'=' {
                i += 1;
            }
            if run_end - s >= MIN_B64 {
                out.push((s, run_end));
            }
        }
        out
    }
    fn fast(text: &[u8]) -> Vec<(usize, usize)> {
        let (mut out, mut i, n) = (Vec::new(), 0, text.len());
        while let Some((s, run_end)) = next_b64_run(text, i) {
            i = run_end;
            while i < n && i - run_end < 2 && text[i] == b'=' {
                i += 1;
            }
            out.push((s, run_end));
        }
        out
    }
    let mut rng = Rng::new(99);
    for round in 0..4000 {
        let len = (rng.next() % 300) as usize;
        let mut text = Vec::with_capacity(len);
        while text.len() < len {
            // Runs of base64 of every length around the threshold, separated by other bytes.
            let run = (rng.next() % 40) as usize;
            text.extend(rng.pick(B64C, run).bytes());
            let sep = match rng.next() % 6 {
                0 => b"=".as_slice(),
                1 => b"==",
                2 => b"===",
                3 => b"-",
                4 => b" \n",
                _ => b"_",
            };
            text.extend_from_slice(sep);
        }
        text.truncate(len);
        assert_eq!(
            fast(&text),
            bytewise(&text),
            "round {round}: {:?}",
            String::from_utf8_lossy(&text)
        );
    }
}

/// Regression: the benchmark history's `*_TOKEN = "word_word/word/12345"` constants (routes, not
/// secrets) were reported by the generic token rule 43,457 times, and numbered names
/// (`service_payment-60400`) 11,703 times.
#[test]
fn path_like_values_are_not_generic_secrets() {
    let d = Detector::new();
    for line in [
        "BILLING_TOKEN = \"billing_api/orders/12345\"\n",
        "session_token: user_account/session/987\n",
        "export QUEUE_TOKEN=/var/run/worker_queue/42\n",
        "SESSION_TOKEN = \"service_payment-60400\"\n",
        "queue_token: worker-48562\n",
    ] {
        let found = d.scan(line.as_bytes());
        assert!(
            found.is_empty(),
            "{line:?} gave {:?}",
            found.iter().map(|m| m.rule.id).collect::<Vec<_>>()
        );
    }
}
