#!/usr/bin/env python3
"""Writes the scanner's labelled corpus (cases.txt) deterministically.

    python3 testdata/scan-corpus/make.py

Every value is made here from the provider's documented token format (prefix, length, alphabet,
checksum) or is a memorable password of the kind people type; nothing is copied from another
scanner's fixtures. Values are stored reversed between ⟦ and ⟧ so that the corpus file itself
holds no scannable secret (veil's own history scan stays clean); the test reverses them back.

cases.txt holds one case a line, tab-separated:  LABEL KIND KEY VALUE [EXPECTED]
  LABEL  + (a secret: EXPECTED, default VALUE, must be found) or - (a decoy: nothing may be found)
  KEY    the key the value is assigned to, in every form of forms.txt; `@doc` means VALUE is a
         whole document (\\n for line breaks), scanned as it is.
"""
import base64, random, string, zlib, os

rng = random.Random(20261206)
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"
URL = B62 + "-_"
B64 = B62 + "+/"

def pick(a, n): return "".join(rng.choice(a) for _ in range(n))
def enc(v): return "⟦" + v[::-1] + "⟧"
def b62(n):
    s = ""
    while n: s = B62[n % 62] + s; n //= 62
    return s.rjust(6, "0")
def crc_tok(prefix):
    r = pick(B62, 30)
    return prefix + r + b62(zlib.crc32(r.encode()))
def uuid(): return "-".join(pick(HEX, n) for n in (8, 4, 4, 4, 12))
def b64url(s): return base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")

pos = []   # (kind, key, value, expected)
neg = []   # (kind, key, value)
def P(kind, key, value, expected=None): pos.append((kind, key, value, expected))
def N(kind, key, value): neg.append((kind, key, value))

# --- generic passwords: memorable and random, as people set them
# (value, key): the value first, so that this file assigns no password to a key.
for v, key in [
    ('Tr0ub4dor&3', 'db_password'),
    ('correcthorsebattery', 'admin_password'),
    ('M4ilRelay!2024', 'smtp_pass'),
    ('super$ecret', 'password'),
    ('r00tPa55w0rd', 'mysql_root_password'),
    ('q8Zv2LmN7xKp', 'redis_password'),
    ('Winter2024!', 'ldap_bind_password'),
    ('k3yst0re-pass', 'keystore_password'),
    ('hunter2hunter2', 'passwd'),
    ('p4ssw0rd123', 'ftp_pass'),
    ('Sommer#2023', 'user_pwd'),
    ('blue-elephant-dances-42', 'PASSPHRASE'),
    ('Pass123!@#', 'vm_password'),
    ('guestguest99', 'rabbitmq_password'),
    ('letmein2go!', 'wifi_password'),
    ('thisismypassword', 'jenkins_password'),
    ('pgAdm1n_pw', 'postgres_password'),
    ('centipede77', 'mail_password'),
]:
    P("generic-password", key, v)
# --- generic tokens, secrets, keys, credentials
for kind, key, v in [
    ("generic-token", "auth_token", pick(B62, 32)), ("generic-token", "refresh_token", pick(URL, 40)),
    ("generic-token", "jfrog_token", pick(B62, 64)), ("generic-secret", "session_secret", pick(B62, 40)),
    ("generic-secret", "jwt_secret", pick(B64, 44)), ("generic-secret", "webhook_secret", pick(HEX, 40)),
    ("generic-secret", "client_secret", pick(URL, 36)), ("generic-api-key", "api_key", pick(HEX, 32)),
    ("generic-api-key", "access_key", pick(B62, 24)), ("generic-api-key", "encryption_key", pick(B64, 43) + "="),
    ("generic-credential", "service_credentials", pick(B62, 30)), ("generic-key", "signature_key", pick(B62, 36)),
]:
    P(kind, key, v)
# --- provider tokens (documented formats)
aws_id = "AKIA" + pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
for kind, key, v in [
    ("aws-access-key-id", "aws_access_key_id", aws_id),
    ("aws-secret-access-key", "aws_secret_access_key", pick(B64, 40)),
    ("github-pat", "github_token", crc_tok("ghp_")),
    ("github-fine-grained-pat", "gh_pat", "github_pat_" + pick(B62, 22) + "_" + pick(B62, 59)),
    ("gitlab-pat", "gitlab_token", "glpat-" + pick(URL, 20)),
    ("slack-bot-token", "slack_token", "xoxb-" + pick(string.digits, 12) + "-" + pick(string.digits, 13) + "-" + pick(B62, 24)),
    ("stripe-secret-key", "stripe_key", "sk_live_" + pick(B62, 24)),
    ("sendgrid-api-key", "sendgrid_api_key", "SG." + pick(URL, 22) + "." + pick(URL, 43)),
    ("npm-access-token", "npm_token", crc_tok("npm_")),
    ("openai-project-key", "openai_api_key", "sk-proj-" + pick(URL, 74) + "T3BlbkFJ" + pick(URL, 74)),
    ("anthropic-api-key", "anthropic_api_key", "sk-ant-api03-" + pick(URL, 93) + "AA"),
    ("gcp-api-key", "google_api_key", "AIza" + pick(URL, 35)),
    ("twilio-api-key", "twilio_sid", "SK" + pick(HEX, 32)),
    ("mailchimp-api-key", "mailchimp_key", pick(HEX, 32) + "-us12"),
    ("shopify-access-token", "shopify_token", "shpat_" + pick(HEX, 32)),
    ("dockerhub-pat", "docker_token", "dckr_pat_" + pick(URL, 27)),
    ("digitalocean-pat", "do_token", "dop_v1_" + pick(HEX, 64)),
    ("jfrog-token-assignment", "artifactory_api_key", "AKCp" + pick(B62, 69)),
    ("jfrog-token-assignment", "jfrog_access_token", pick(B62, 64)),
    ("vault-service-token", "vault_token", "hvs." + pick(URL, 90)),
    ("vault-token-assignment", "vault_token", "s." + pick(string.ascii_uppercase, 4) + pick(B62, 18) + "7q"),
    ("mapbox-secret-token", "mapbox_token", "sk." + b64url('{"u":"acme-maps","a":"%s"}' % pick(B62, 20)) + "." + pick(URL, 22)),
    ("datadog-api-key", "dd_api_key", pick(HEX, 32)),
    ("heroku-api-key-legacy", "heroku_api_key", uuid()),
    ("pagerduty-api-key", "pagerduty_token", pick(B62, 20)),
    ("telegram-bot-token", "telegram_bot", pick(string.digits, 10) + ":AA" + pick(URL, 33)),
    ("azure-entra-client-secret", "azure_client_secret", pick(B62, 3) + "8Q~" + pick(URL, 34)),
    ("databricks-token", "databricks_token", "dapi" + pick(HEX, 32)),
    ("pypi-upload-token", "pypi_token", None),
]:
    if v is None:
        continue
    P(kind, key, v)
# --- URLs with credentials and connection strings (the value is the whole URL)
for kind, url, pw in [
    ("postgres-url-password", "postgresql://app:{p}@db.internal:5432/shop", "Zq8vLm2Px9"),
    ("mysql-url-password", "mysql://root:{p}@10.0.0.5:3306/app", "r00t-My5ql!"),
    ("mongodb-url-password", "mongodb+srv://svc:{p}@cluster0.a1b2c.mongodb.net/prod", "m0ng0Pw-77x"),
    ("redis-url-password", "redis://:{p}@cache.internal:6379/0", "r3d1sS3cret"),
    ("amqp-url-password", "amqps://worker:{p}@mq.internal/vhost", "rabb1tPw99"),
    ("url-basic-auth", "https://deploy:{p}@git.internal/acme/app.git", "gitPushPw42"),
    ("url-basic-auth", "ftp://backup:{p}@files.internal/dumps", "Bkp-2024-x"),
    ("url-basic-auth", "jdbc:postgresql://report:{p}@db.internal/reports", "R3portPw!"),
    ("connection-string-password", "Server=db.internal,1433;Database=Shop;User Id=app;Password={p};", "Sh0p-Db-9x"),
    ("connection-string-password", "jdbc:sqlserver://db:1433;databaseName=shop;user=app;password={p}", "Jdbc-Pw-81"),
    ("mysql-dsn-password", "app:{p}@tcp(db.internal:3306)/shop?parseTime=true", "Dsn-Pw-4471"),
]:
    P(kind, "database_url", url.format(p=pw), pw)
# --- webhooks
P("slack-webhook-url", "slack_webhook", "https://hooks.slack.com/services/T%s/B%s/%s" % (pick(string.ascii_uppercase + string.digits, 8), pick(string.ascii_uppercase + string.digits, 10), pick(B62, 24)))
P("slack-webhook-url", "slack_webhook", "http://hooks.slack.com/services/T%s/B%s/%s" % (pick(string.ascii_uppercase + string.digits, 8), pick(string.ascii_uppercase + string.digits, 10), pick(B62, 24)))
P("slack-workflow-webhook-url", "slack_workflow", "https://hooks.slack.com/workflows/T%s/A%s/%s/%s" % (pick(string.ascii_uppercase + string.digits, 10), pick(string.ascii_uppercase + string.digits, 10), pick(string.digits, 18), pick(B62, 24)))
P("microsoft-teams-webhook-url", "teams_webhook", "https://acme.webhook.office.com/webhookb2/%s@%s/IncomingWebhook/%s/%s" % (uuid(), uuid(), pick(HEX, 32), uuid()))
P("microsoft-teams-webhook-url", "teams_webhook", "https://outlook.office.com/webhook/%s@%s/IncomingWebhook/%s/%s" % (uuid(), uuid(), pick(HEX, 32), uuid()))
P("discord-webhook-url", "discord_webhook", "https://discord.com/api/webhooks/%s/%s" % (pick(string.digits, 18), pick(URL, 68)))

# --- whole documents
def pem(label, lines=8):
    body = "\n".join(pick(B64, 64) for _ in range(lines))
    return "-----BEGIN %s-----\n%s\n%s==\n-----END %s-----" % (label, body, pick(B64, 30), label)
for label, kind in [("RSA PRIVATE KEY", "private-key-rsa"), ("EC PRIVATE KEY", "private-key-ec"),
                    ("PRIVATE KEY", "private-key-pkcs8"), ("OPENSSH PRIVATE KEY", "openssh-private-key"),
                    ("ENCRYPTED PRIVATE KEY", "private-key-encrypted"), ("DSA PRIVATE KEY", "private-key-dsa"),
                    ("PGP PRIVATE KEY BLOCK", "pgp-private-key-block")]:
    k = pem(label)
    P(kind, "@doc", k, k.split("\n")[0])
ppk = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n%s\n%s\nPrivate-Lines: 1\n%s\nPrivate-MAC: %s" % (pick(B64, 64), pick(B64, 4), pick(B64, 64), pick(HEX, 64))
P("putty-private-key", "@doc", ppk, ppk.split("\n")[7])
k8s_pw = "Zq" + pick(B62, 14)
P("kubernetes-secret-value", "@doc", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  session-key: %s\n" % base64.b64encode(k8s_pw.encode()).decode(), k8s_pw)
k8s_sd = "Sd" + pick(B62, 14)
P("kubernetes-secret-value", "@doc", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  cookie: %s\n" % k8s_sd, k8s_sd)
k8s_pw2 = "Kp" + pick(B62, 12) + "!"
P("kubernetes-secret-value", "@doc", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: %s\n  username: %s\n" % (base64.b64encode(k8s_pw2.encode()).decode(), base64.b64encode(b"app").decode()), k8s_pw2)
netrc_pw = "Nt" + pick(B62, 12)
P("netrc-password", "@doc", "machine api.acme.io\n  login deploy\n  password %s\n" % netrc_pw, netrc_pw)
basic = base64.b64encode(("deploy:" + pick(B62, 16)).encode()).decode()
P("http-basic-auth", "@doc", "curl -H 'Authorization: Basic %s' https://api.acme.io/v1/things" % basic, basic)
jwt = b64url('{"alg":"HS256","typ":"JWT"}') + "." + b64url('{"sub":"%s","iat":1700000000}' % pick(string.digits, 8)) + "." + pick(URL, 43)
P("jwt", "@doc", "Authorization: Bearer " + jwt, jwt)

# --- decoys: placeholders, examples, variables, hashes, UUIDs, paths, ciphertext
for key, v in [
    ("db_password", "changeme"), ("password", "${DB_PASSWORD}"), ("password", "<your-password>"),
    ("api_key", "your_api_key_here"), ("auth_token", "xxxxxxxxxxxxxxxxxxxx"), ("secret", "REPLACE_ME"),
    ("password", "{{ .Values.db.password }}"), ("client_secret", "%(client_secret)s"), ("token", "TODO"),
    ("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), ("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"),
    ("password", "********"), ("api_key", "sample-api-key"), ("password", "null"), ("token", "none"),
    ("checksum", pick(HEX, 64)), ("sha256", pick(HEX, 64)), ("commit", pick(HEX, 40)), ("etag", pick(HEX, 32)),
    ("request_id", uuid()), ("tenant_id", uuid()), ("client_id", uuid()), ("trace_id", pick(HEX, 32)),
    ("key_file", "/etc/ssl/private/server.key"), ("password_file", "/run/secrets/db_password"),
    ("token_path", "/var/run/secrets/kubernetes.io/serviceaccount/token"), ("secret_name", "db-credentials"),
    ("password", "ENC[AES256_GCM,data:%s,iv:%s,tag:%s,type:str]" % (pick(B64, 24), pick(B64, 43) + "=", pick(B64, 22) + "==")),
    ("api_key", "ENC[AES256_GCM,data:%s,iv:%s,tag:%s,type:str]" % (pick(B64, 44), pick(B64, 43) + "=", pick(B64, 22) + "==")),
    ("token_type", "bearer"), ("password_min_length", "12"), ("secret_version", "2024-01-01"),
    ("public_key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + pick(B64, 43)), ("publishable_key", "pk_live_" + pick(B62, 24)),
    ("password_policy", "strict"), ("api_key_header", "X-Api-Key"), ("auth_url", "https://login.acme.io/oauth/token"),
]:
    N("decoy", key, v)
sops = """password: ENC[AES256_GCM,data:%s,iv:%s=,tag:%s==,type:str]
api_token: ENC[AES256_GCM,data:%s,iv:%s=,tag:%s==,type:str]
sops:
    age:
        - recipient: age1%s
          enc: |
            -----BEGIN AGE ENCRYPTED FILE-----
            %s
            %s
            -----END AGE ENCRYPTED FILE-----
    lastmodified: "2024-05-01T10:00:00Z"
    mac: ENC[AES256_GCM,data:%s,iv:%s=,tag:%s==,type:str]
    unencrypted_suffix: _unencrypted
    version: 3.9.0
""" % (pick(B64, 24), pick(B64, 43), pick(B64, 22), pick(B64, 60), pick(B64, 43), pick(B64, 22),
       pick("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58), pick(B64, 64), pick(B64, 40), pick(B64, 88), pick(B64, 43), pick(B64, 22))
N("sops-ciphertext", "@doc", sops)
N("sops-ciphertext", "@doc", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  password: ENC[AES256_GCM,data:%s,iv:%s=,tag:%s==,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:%s,iv:%s=,tag:%s==,type:str]\n" % (pick(B64, 20), pick(B64, 43), pick(B64, 22), pick(B64, 88), pick(B64, 43), pick(B64, 22)))
N("public-key", "@doc", pem("PUBLIC KEY"))
N("certificate", "@doc", pem("CERTIFICATE"))
N("example-url", "@doc", "DATABASE_URL=postgres://user:password@localhost:5432/app")
N("example-url", "@doc", "url: https://${USER}:${PASS}@example.invalid/repo.git")
N("code", "@doc", "if password == user_input:\n    token = generate_token(user)\n    return token\n")
N("code", "@doc", "const password = process.env.DB_PASSWORD;\nlet apiKey = config.get(\"api_key\");\n")
N("k8s-ref", "@doc", "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db\n        key: password\n")
N("prose", "@doc", "Set the password in the settings page; the token: it expires after one hour.\n")

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "cases.txt"), "w") as f:
    f.write("# Generated by make.py (see there for the format); values are stored reversed in ⟦⟧.\n")
    for kind, key, v, exp in pos:
        line = "+\t%s\t%s\t%s" % (kind, key, enc(v.replace("\n", "\\n")))
        if exp is not None and exp != v:
            line += "\t" + enc(exp)
        f.write(line + "\n")
    for kind, key, v in neg:
        f.write("-\t%s\t%s\t%s\n" % (kind, key, enc(v.replace("\n", "\\n"))))
print(len(pos), "secrets,", len(neg), "decoys")
