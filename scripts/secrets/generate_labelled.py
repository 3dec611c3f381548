#!/usr/bin/env python3
"""Generates hullscan's labelled secrets set.

Positives are format-valid *fake* credentials (random, with valid checksums where the format has
one: GitHub/npm CRC32-base62, age bech32, PyPI macaroon structure, key bodies that decode), each
in a realistic context (an env file line, a config snippet, a key file). Negatives are what real
files are full of and naive scanners flag: hashes, UUIDs, base64 blobs, placeholders, documented
example keys and look-alikes (a GitHub token with a wrong checksum, a truncated key block).

Output: crates/hullscan_secrets/tests/data/labelled/labelled.jsonl, one sample per line:
  {"id": ..., "label": "positive"|"negative", "kind": ..., "file_name": ..., "text_b64": ...}
The text is base64-encoded so that the committed file does not itself trip secret scanners (and
push protection) with the fake tokens. Deterministic: a fixed seed gives the same file.

Usage: scripts/secrets/generate_labelled.py [--seed N] [--out PATH]
"""

import argparse
import base64
import json
import os
import random
import string
import zlib

ALNUM = string.ascii_letters + string.digits
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

rng = random.Random()


def rand(alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def b62(n, width=6):
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = BASE62[r] + out
    return out.rjust(width, "0")


def crc_token(prefix):
    body = rand(ALNUM, 30)
    return prefix + body + b62(zlib.crc32(body.encode()) & 0xFFFFFFFF)


def b64(data, url=False, pad=True):
    s = (base64.urlsafe_b64encode if url else base64.b64encode)(data).decode()
    return s if pad else s.rstrip("=")


def rand_bytes(n):
    return bytes(rng.randrange(256) for _ in range(n))


def pem(label, body_bytes, escaped=False):
    body = b64(body_bytes)
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    text = f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"
    return text.replace("\n", "\\n") if escaped else text


def der_body(n=600):
    # A DER SEQUENCE with a two-byte length, then filler: what a key body decodes to.
    return bytes([0x30, 0x82, (n >> 8) & 0xFF, n & 0xFF]) + rand_bytes(n)


def bech32_polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = ((chk & 0x1FFFFFF) << 5) ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def bech32_encode(hrp, data):
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + data
    polymod = bech32_polymod(values + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in data + checksum)


def env(name, value):
    return rng.choice([f"{name}={value}\n", f'export {name}="{value}"\n', f"ENV {name}={value}\n", f"  {name}: {value}\n"])


def password():
    return rand(ALNUM, rng.randint(3, 6)) + rng.choice("!#%^*-_") + rand(ALNUM, rng.randint(8, 14))


# ---- positives ---------------------------------------------------------------------------


def p_aws_key_id():
    kid = rng.choice(["AKIA", "ASIA"]) + rand(string.ascii_uppercase + "234567", 16)
    return "aws-access-key-id", ".env", env("AWS_ACCESS_KEY_ID", kid)


def p_aws_secret():
    secret = rand(ALNUM + "/+", 40)
    return "aws-secret-access-key", "credentials", f"[default]\naws_secret_access_key = {secret}\n"


def p_aws_session():
    tok = "FwoGZXIvYXdzE" + rand(ALNUM + "/+", 300)
    return "aws-session-token", ".env", env("AWS_SESSION_TOKEN", tok)


def p_gcp_api_key():
    return "gcp-api-key", "app.js", f'const firebaseConfig = {{ apiKey: "AIza{rand(ALNUM + "-_", 35)}" }};\n'


def p_gcp_sa():
    key = pem("PRIVATE KEY", der_body(1200), escaped=True)
    doc = {
        "type": "service_account",
        "project_id": "acme-prod-" + rand(HEX, 4),
        "private_key_id": rand(HEX, 40),
        "private_key": "@@KEY@@",
        "client_email": f"deployer@acme-prod-{rand(HEX, 4)}.iam.gserviceaccount.com",
        "client_id": rand(string.digits, 21),
    }
    text = json.dumps(doc, indent=2).replace('"@@KEY@@"', '"' + key + '"')
    return "gcp-service-account", "sa.json", text + "\n"


def p_gcp_oauth():
    return "gcp-oauth-client-secret", ".env", env("GOOGLE_CLIENT_SECRET", "GOCSPX-" + rand(ALNUM + "-_", 28))


def p_azure_storage():
    key = b64(rand_bytes(64))
    return "azure-storage-account-key", "appsettings.json", (
        f'"Storage": "DefaultEndpointsProtocol=https;AccountName=acmeprod{rand(string.digits, 3)};'
        f'AccountKey={key};EndpointSuffix=core.windows.net"\n'
    )


def p_azure_client_secret():
    value = rand(ALNUM, 3) + rng.choice(string.digits) + "Q~" + rand(ALNUM + "_~.-", 34)
    return "azure-client-secret", ".env", env("AZURE_CLIENT_SECRET", value)


def p_azure_sas():
    sig = b64(rand_bytes(32)).replace("=", "%3D").replace("+", "%2B").replace("/", "%2F")
    return "azure-sas-token", "upload.sh", (
        f'curl -X PUT "https://acmebackups.blob.core.windows.net/db/dump.sql?sv=2022-11-02&ss=b&srt=o&sp=rw&se=2030-01-01T00:00:00Z&sig={sig}" -T dump.sql\n'
    )


def p_azure_sb():
    key = b64(rand_bytes(32))
    return "azure-shared-access-key", "local.settings.json", (
        f'"ServiceBus": "Endpoint=sb://acme-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={key}"\n'
    )


def p_github(prefix, kind):
    return lambda: (kind, ".env", env(rng.choice(["GITHUB_TOKEN", "GH_TOKEN", "GH_PAT"]), crc_token(prefix)))


def p_github_bare(prefix, kind):
    return lambda: (kind, "Dockerfile", f"RUN git clone https://x-access-token:{crc_token(prefix)}@github.com/acme/infra.git\n")


def p_github_fine():
    tok = "github_pat_" + rand(ALNUM, 22) + "_" + rand(ALNUM, 59)
    return "github-fine-grained-pat", "ci.sh", f"gh auth login --with-token <<< {tok}\n"


def p_gitlab_pat():
    return "gitlab-pat", ".gitlab-ci.yml", f"  script: curl --header \"PRIVATE-TOKEN: glpat-{rand(ALNUM + '-_', 20)}\" https://gitlab.acme.io/api/v4/projects\n"


def p_gitlab_other():
    kind, value = rng.choice(
        [
            ("gitlab-runner-token", "glrt-" + rand(ALNUM + "-_", 20)),
            ("gitlab-deploy-token", "gldt-" + rand(ALNUM + "-_", 20)),
            ("gitlab-pipeline-trigger-token", "glptt-" + rand(HEX, 40)),
            ("gitlab-oauth-app-secret", "gloas-" + rand(HEX, 64)),
        ]
    )
    return kind, ".env", env("GITLAB_TOKEN", value)


def p_bitbucket():
    return "bitbucket-app-password", ".env", env("BITBUCKET_APP_PASSWORD", "ATBB" + rand(ALNUM, 32))


def p_atlassian():
    return "atlassian-api-token", ".env", env("JIRA_API_TOKEN", "ATATT3xFfGF0" + rand(ALNUM + "-_", 180) + "=" + rand(HEX.upper(), 8))


def p_npm():
    return "npm-token", ".npmrc", f"//registry.npmjs.org/:_authToken={crc_token('npm_')}\n"


def p_npm_bare():
    return "npm-token", "publish.sh", f"NODE_AUTH={crc_token('npm_')} npm publish\n"


def p_pypi():
    ident = rand_bytes(rng.randint(40, 60))
    raw = b"\x02\x01\x08pypi.org\x02" + bytes([len(ident)]) + ident + b"\x00\x06" + rand_bytes(32)
    return "pypi-token", ".pypirc", f"[pypi]\nusername = __token__\npassword = pypi-{b64(raw, url=True, pad=False)}\n"


def p_dockerhub():
    return "dockerhub-token", ".env", env("DOCKERHUB_TOKEN", "dckr_pat_" + rand(ALNUM + "-_", 27))


def p_docker_config():
    auth = b64(f"ci-bot:{password()}".encode())
    return "docker-config-auth", "config.json", '{\n  "auths": {\n    "registry.acme.io": {\n      "auth": "' + auth + '"\n    }\n  }\n}\n'


def p_rubygems():
    return "rubygems-api-key", "credentials", f"---\n:rubygems_api_key: rubygems_{rand(HEX, 48)}\n"


def p_nuget():
    return "nuget-api-key", "push.ps1", f"dotnet nuget push pkg.nupkg --api-key oy2{rand(string.ascii_lowercase + string.digits, 43)}\n"


def p_artifactory():
    if rng.random() < 0.5:
        return "artifactory-api-key", ".env", env("ARTIFACTORY_API_KEY", "AKCp" + rand(ALNUM, 69))
    return "artifactory-reference-token", ".env", env("ARTIFACTORY_TOKEN", "cmVmdGtu" + rand(ALNUM, 56))


def p_slack():
    kind, tok = rng.choice(
        [
            ("slack-bot-token", f"xoxb-{rand(string.digits, 12)}-{rand(string.digits, 13)}-{rand(ALNUM, 24)}"),
            ("slack-user-token", f"xoxp-{rand(string.digits, 12)}-{rand(string.digits, 12)}-{rand(string.digits, 13)}-{rand(HEX, 32)}"),
            ("slack-app-token", f"xapp-1-A{rand(string.ascii_uppercase + string.digits, 10)}-{rand(string.digits, 13)}-{rand(HEX, 64)}"),
        ]
    )
    return kind, "bot.py", f'client = WebClient(token="{tok}")\n'


def p_slack_webhook():
    url = f"https://hooks.slack.com/services/T{rand(string.ascii_uppercase + string.digits, 8)}/B{rand(string.ascii_uppercase + string.digits, 10)}/{rand(ALNUM, 24)}"
    return "slack-webhook", "notify.sh", f"curl -X POST -d @msg.json {url}\n"


def p_stripe():
    if rng.random() < 0.7:
        return "stripe-secret-key", "billing.rb", f'Stripe.api_key = "{rng.choice(["sk", "rk"])}_live_{rand(ALNUM, rng.randint(24, 99))}"\n'
    return "stripe-webhook-secret", ".env", env("STRIPE_WEBHOOK_SECRET", "whsec_" + rand(ALNUM, 32))


def p_twilio():
    if rng.random() < 0.5:
        return "twilio-api-key", ".env", env("TWILIO_API_KEY", "SK" + rand(HEX, 32))
    return "twilio-auth-token", ".env", env("TWILIO_AUTH_TOKEN", rand(HEX, 32))


def p_sendgrid():
    return "sendgrid-api-key", ".env", env("SENDGRID_API_KEY", f"SG.{rand(ALNUM + '-_', 22)}.{rand(ALNUM + '-_', 43)}")


def p_mailgun():
    return "mailgun-api-key", ".env", env("MAILGUN_API_KEY", "key-" + rand(HEX, 32))


def p_datadog():
    if rng.random() < 0.5:
        return "datadog-api-key", ".env", env("DD_API_KEY", rand(HEX, 32))
    return "datadog-app-key", ".env", env("DD_APP_KEY", rand(HEX, 40))


def p_misc_vendor():
    table = [
        ("shopify-access-token", "SHOPIFY_ACCESS_TOKEN", lambda: "shpat_" + rand(HEX, 32)),
        ("shopify-shared-secret", "SHOPIFY_API_SECRET", lambda: "shpss_" + rand(HEX, 32)),
        ("square-access-token", "SQUARE_ACCESS_TOKEN", lambda: "sq0atp-" + rand(ALNUM + "-_", 22)),
        ("square-oauth-secret", "SQUARE_OAUTH_SECRET", lambda: "sq0csp-" + rand(ALNUM + "-_", 43)),
        ("replicate-token", "REPLICATE_API_TOKEN", lambda: "r8_" + rand(ALNUM, 37)),
        ("groq-api-key", "GROQ_API_KEY", lambda: "gsk_" + rand(ALNUM, 52)),
        ("telegram-bot-token", "TELEGRAM_BOT_TOKEN", lambda: rand(string.digits, 9) + ":AA" + rand(ALNUM + "-_", 33)),
        ("newrelic-user-api-key", "NEW_RELIC_API_KEY", lambda: "NRAK-" + rand(string.ascii_uppercase + string.digits, 27)),
        ("newrelic-insert-key", "NEW_RELIC_INSERT_KEY", lambda: "NRII-" + rand(ALNUM + "-_", 32)),
        ("sentry-auth-token", "SENTRY_AUTH_TOKEN", lambda: "sntryu_" + rand(HEX, 64)),
        ("grafana-service-account-token", "GRAFANA_TOKEN", lambda: "glsa_" + rand(ALNUM, 32) + "_" + rand(HEX, 8)),
        ("linear-api-key", "LINEAR_API_KEY", lambda: "lin_api_" + rand(ALNUM, 40)),
        ("postman-api-key", "POSTMAN_API_KEY", lambda: f"PMAK-{rand(HEX, 24)}-{rand(HEX, 34)}"),
        ("notion-token", "NOTION_TOKEN", lambda: "ntn_" + rand(string.digits, 11) + rand(ALNUM, 35)),
        ("firebase-fcm-server-key", "FCM_SERVER_KEY", lambda: "AAAA" + rand(ALNUM + "-_", 7) + ":APA91b" + rand(ALNUM + "-_", 134)),
        ("digitalocean-token", "DIGITALOCEAN_TOKEN", lambda: "dop_v1_" + rand(HEX, 64)),
        ("vault-token", "VAULT_TOKEN", lambda: "hvs." + rand(ALNUM + "-_", 90)),
        ("terraform-cloud-token", "TFE_TOKEN", lambda: rand(ALNUM, 14) + ".atlasv1." + rand(ALNUM + "-_", 67)),
        ("tailscale-key", "TS_AUTHKEY", lambda: f"tskey-auth-k{rand(ALNUM, 10)}-{rand(ALNUM, 32)}"),
        ("databricks-token", "DATABRICKS_TOKEN", lambda: "dapi" + rand(HEX, 32)),
        ("doppler-token", "DOPPLER_TOKEN", lambda: "dp.st." + rand(ALNUM, 43)),
        ("pulumi-token", "PULUMI_ACCESS_TOKEN", lambda: "pul-" + rand(HEX, 40)),
        ("supabase-token", "SUPABASE_ACCESS_TOKEN", lambda: "sbp_" + rand(HEX, 40)),
        ("planetscale-token", "PLANETSCALE_SERVICE_TOKEN", lambda: "pscale_tkn_" + rand(ALNUM, 43)),
        ("heroku-api-key", "HEROKU_API_KEY", lambda: "HRKU-AA" + rand(ALNUM + "-_", 58)),
        ("heroku-api-key-legacy", "HEROKU_API_KEY", lambda: f"{rand(HEX, 8)}-{rand(HEX, 4)}-{rand(HEX, 4)}-{rand(HEX, 4)}-{rand(HEX, 12)}"),
        ("alibaba-access-key-id", "ALIBABA_CLOUD_ACCESS_KEY_ID", lambda: "LTAI" + rand(ALNUM, 20)),
        ("discord-bot-token", "DISCORD_BOT_TOKEN", lambda: b64(rand(string.digits, 18).encode(), url=True, pad=False) + "." + rand(ALNUM + "-_", 6) + "." + rand(ALNUM + "-_", 38)),
    ]
    kind, name, make = rng.choice(table)
    return kind, ".env", env(name, make())


def p_ai_bare():
    kind, tok = rng.choice(
        [
            ("openai-api-key", "sk-proj-" + rand(ALNUM + "-_", 120)),
            ("openai-api-key", "sk-" + rand(ALNUM, 20) + "T3BlbkFJ" + rand(ALNUM, 20)),
            ("anthropic-api-key", "sk-ant-api03-" + rand(ALNUM + "-_", 93) + "AA"),
            ("huggingface-token", "hf_" + rand(string.ascii_letters, 34)),
        ]
    )
    return kind, "client.py", f'client = Client(api="{tok}")\n'


def p_private_key():
    kind, label, body = rng.choice(
        [
            ("private-key-rsa", "RSA PRIVATE KEY", lambda: der_body(1190)),
            ("private-key-ec", "EC PRIVATE KEY", lambda: der_body(117)),
            ("private-key-dsa", "DSA PRIVATE KEY", lambda: der_body(440)),
            ("private-key-pkcs8", "PRIVATE KEY", lambda: der_body(1210)),
            ("private-key-pkcs8-encrypted", "ENCRYPTED PRIVATE KEY", lambda: der_body(1290)),
            ("private-key-openssh", "OPENSSH PRIVATE KEY", lambda: b"openssh-key-v1\0" + rand_bytes(380)),
        ]
    )
    return kind, "id_key", pem(label, body())


def p_pgp():
    body = b64(bytes([0x95, 0x03, 0xC6]) + rand_bytes(900))
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return "private-key-pgp", "signing.asc", f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{lines}\n={rand(B64, 4)}\n-----END PGP PRIVATE KEY BLOCK-----\n"


def p_putty():
    pub = b64(rand_bytes(270))
    priv = b64(rand_bytes(600))
    pub_lines = [pub[i : i + 64] for i in range(0, len(pub), 64)]
    priv_lines = [priv[i : i + 64] for i in range(0, len(priv), 64)]
    text = (
        "PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: deploy\n"
        f"Public-Lines: {len(pub_lines)}\n" + "\n".join(pub_lines) + "\n"
        f"Private-Lines: {len(priv_lines)}\n" + "\n".join(priv_lines) + f"\nPrivate-MAC: {rand(HEX, 64)}\n"
    )
    return "private-key-putty", "deploy.ppk", text


def p_jwt():
    header = b64(json.dumps({"alg": rng.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}).encode(), url=True, pad=False)
    payload = b64(json.dumps({"sub": rand(string.digits, 8), "iat": rng.randint(1.6e9, 1.8e9), "role": "service"}).encode(), url=True, pad=False)
    sig = b64(rand_bytes(32), url=True, pad=False)
    return "jwt", "request.http", f"Authorization: Bearer {header}.{payload}.{sig}\n"


def p_db_url():
    scheme = rng.choice(["postgres", "postgresql", "mysql", "mongodb+srv", "redis", "amqp", "mariadb"])
    return "database-url", ".env", env("DATABASE_URL", f"{scheme}://app_{rand(string.ascii_lowercase, 4)}:{rand(ALNUM, 16)}@db-{rand(HEX, 6)}.internal:5432/app")


def p_git_credentials():
    host = rng.choice(["github.com", "gitlab.com", "bitbucket.org"])
    return "git-credentials", ".git-credentials", f"https://deploy-bot:{rand(ALNUM, 24)}@{host}\n"


def p_netrc():
    return "netrc-password", ".netrc", f"machine git.acme-corp.net\n  login deploy\n  password {password()}\n"


def p_kubeconfig():
    if rng.random() < 0.5:
        keydata = b64(pem("RSA PRIVATE KEY", der_body(1190)).encode())
        return "kubeconfig-client-key", "kubeconfig", f"users:\n- name: admin\n  user:\n    client-certificate-data: {b64(rand_bytes(60))}\n    client-key-data: {keydata}\n"
    return "kubeconfig-token", "kubeconfig", f"users:\n- name: ci\n  user:\n    token: {rand(ALNUM, 48)}\n"


def p_bootstrap():
    return "kubernetes-bootstrap-token", "join.sh", f"kubeadm join 10.0.0.10:6443 --token {rand(string.ascii_lowercase + string.digits, 6)}.{rand(string.ascii_lowercase + string.digits, 16)} --discovery-token-unsafe-skip-ca-verification\n"


def p_htpasswd():
    if rng.random() < 0.5:
        value = f"$apr1${rand(ALNUM, 8)}${rand(ALNUM + './', 22)}"
    else:
        value = f"$2y$10${rand(ALNUM + './', 53)}"
    return "htpasswd-hash", ".htpasswd", f"admin:{value}\n"


def p_shadow():
    return "unix-password-hash", "shadow", f"root:$6${rand(ALNUM, 16)}${rand(ALNUM + './', 86)}:19700:0:99999:7:::\n"


def p_age():
    return "age-secret-key", "key.txt", f"# created: 2024-05-01T10:00:00Z\n{bech32_encode('age-secret-key-', [rng.randrange(32) for _ in range(52)]).upper()}\n"


def p_generic():
    name = rng.choice(["DB_PASSWORD", "password", "api_key", "SECRET_KEY", "client_secret", "APP_SECRET", "authToken", "REDIS_PASSWORD", "JWT_SECRET", "signing_secret"])
    value = rng.choice([password(), rand(ALNUM, rng.randint(16, 40)), rand(HEX, 64)])
    form = rng.choice([f"{name}={value}\n", f'{name}: "{value}"\n', f'"{name}": "{value}",\n', f"ENV {name}={value}\n", f"{name} = '{value}'\n"])
    return "generic-secret-assignment", "config", form


POSITIVES = [
    (p_aws_key_id, 12), (p_aws_secret, 10), (p_aws_session, 5), (p_gcp_api_key, 10), (p_gcp_sa, 6), (p_gcp_oauth, 5),
    (p_azure_storage, 6), (p_azure_client_secret, 6), (p_azure_sas, 5), (p_azure_sb, 5),
    (p_github("ghp_", "github-pat"), 12), (p_github_bare("ghp_", "github-pat"), 6), (p_github("gho_", "github-oauth-token"), 5),
    (p_github("ghu_", "github-user-to-server-token"), 5), (p_github_bare("ghs_", "github-server-to-server-token"), 6),
    (p_github("ghr_", "github-refresh-token"), 4), (p_github_fine, 6), (p_gitlab_pat, 8), (p_gitlab_other, 10),
    (p_bitbucket, 5), (p_atlassian, 5), (p_npm, 8), (p_npm_bare, 4), (p_pypi, 8), (p_dockerhub, 6), (p_docker_config, 6),
    (p_rubygems, 4), (p_nuget, 4), (p_artifactory, 5), (p_slack, 10), (p_slack_webhook, 6), (p_stripe, 10), (p_twilio, 6),
    (p_sendgrid, 5), (p_mailgun, 4), (p_datadog, 6), (p_misc_vendor, 70), (p_ai_bare, 16), (p_private_key, 24), (p_pgp, 4),
    (p_putty, 3), (p_jwt, 10), (p_db_url, 12), (p_git_credentials, 8), (p_netrc, 6), (p_kubeconfig, 8), (p_bootstrap, 4),
    (p_htpasswd, 6), (p_shadow, 4), (p_age, 4), (p_generic, 40),
]

# ---- negatives ---------------------------------------------------------------------------


def n_hash():
    algo, n = rng.choice([("md5", 32), ("sha1", 40), ("sha256", 64), ("sha512", 128)])
    h = rand(HEX, n)
    form = rng.choice(
        [
            f"{h}  release.tar.gz\n",
            f"ENV PYTHON_{algo.upper()}={h}\n",
            f'checksum = "{algo}:{h}"\n',
            f"commit {rand(HEX, 40)}\nAuthor: Dev <dev@acme.io>\n",
            f"RUN echo \"{h}  /tmp/pkg.deb\" | {algo}sum -c -\n",
            f'  "integrity": "sha512-{b64(rand_bytes(64))}",\n',
            f"ENV GPG_KEY {rand(HEX.upper(), 40)}\n",
            f"ARG NODE_SHA256={h}\n",
        ]
    )
    return "hash", "Dockerfile", form


def n_uuid():
    u = f"{rand(HEX, 8)}-{rand(HEX, 4)}-4{rand(HEX, 3)}-{rng.choice('89ab')}{rand(HEX, 3)}-{rand(HEX, 12)}"
    return "uuid", "config.yaml", rng.choice([f"id: {u}\n", f"request_id={u}\n", f'"tenantId": "{u}",\n', f"LABEL build.id={u}\n", f"subscription: {u}\n"])


def n_base64():
    blob = b64(rand_bytes(rng.randint(30, 120)))
    return "base64", "data.txt", rng.choice([f"data: {blob}\n", f"<img src=\"data:image/png;base64,iVBORw0KGgo{blob}\">\n", f"certificate-authority-data: {blob}\n", f"{blob}\n", f'"payload": "{blob}"\n'])


def n_placeholder():
    name = rng.choice(["GITHUB_TOKEN", "DB_PASSWORD", "API_KEY", "password", "api_key", "SECRET_KEY", "NPM_TOKEN", "AWS_SECRET_ACCESS_KEY", "token", "client_secret"])
    value = rng.choice(
        [
            "changeme", "${" + name + "}", "$" + name, "<your-token>", "<YOUR_API_KEY>", "xxxxxxxxxxxxxxxxxxxx", "********",
            "{{ .Values.secret }}", "%(password)s", "your_api_key_here", "REPLACE_ME", "/run/secrets/" + name.lower(),
            "secret.txt", "$(cat /run/secrets/token)", "dummy-token-value", "example-password-123", "none", "null", "true",
            "ChangeMe123", "P@ssw0rd", "password123", "postgres", "insert-token-here", "redacted",
        ]
    )
    return "placeholder", ".env", rng.choice([f"{name}={value}\n", f'{name}: "{value}"\n', f"ENV {name} {value}\n", f"ARG {name}={value}\n"])


def n_doc_example():
    return "doc-example", "README.md", rng.choice(
        [
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
            "export AWS_ACCESS_KEY_ID=AKIAI44QH8DHBEXAMPLE\n",
            "kubeadm join 192.168.0.1:6443 --token abcdef.0123456789abcdef\n",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n...\n-----END RSA PRIVATE KEY-----\n",
            "-----BEGIN OPENSSH PRIVATE KEY-----\n<your key here>\n-----END OPENSSH PRIVATE KEY-----\n",
            "DATABASE_URL=postgres://user:password@localhost:5432/mydb\n",
            "mysql://root:root@127.0.0.1:3306/test\n",
            "postgres://postgres:postgres@db:5432/postgres\n",
            "https://user:${GIT_TOKEN}@github.com/org/repo.git\n",
            "Set `GITHUB_TOKEN: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` in your secrets.\n",
            "SLACK_BOT_TOKEN=xoxb-your-bot-token\n",
            "curl -H \"Authorization: Bearer $TOKEN\" https://api.acme.io\n",
            "password_min_length: 12\ntoken_type: bearer\n",
        ]
    )


def n_lookalike():
    kind = rng.choice(["gh-bad-crc", "npm-bad-crc", "short", "pubkey", "cert", "jwt-none", "url-no-pass", "identifier", "prose", "lowercase-hf"])
    if kind == "gh-bad-crc":
        tok = crc_token(rng.choice(["ghp_", "gho_", "ghs_"]))
        tok = tok[:-1] + ("A" if tok[-1] != "A" else "B")
        return "lookalike", "notes.txt", f"build id {tok}\n"
    if kind == "npm-bad-crc":
        tok = crc_token("npm_")
        tok = tok[:-2] + ("zz" if tok[-2:] != "zz" else "yy")
        return "lookalike", "notes.txt", f"ref {tok}\n"
    if kind == "short":
        return "lookalike", "notes.txt", rng.choice([f"AKIA{rand(string.ascii_uppercase, 6)}\n", f"AIza{rand(ALNUM, 12)}\n", f"sk-{rand(ALNUM, 8)}\n", f"xoxb-{rand(string.digits, 5)}\n"])
    if kind == "pubkey":
        return "lookalike", "key.pub", pem("PUBLIC KEY", der_body(290))
    if kind == "cert":
        return "lookalike", "ca.crt", pem("CERTIFICATE", der_body(900))
    if kind == "jwt-none":
        h = b64(b'{"alg":"none","typ":"JWT"}', url=True, pad=False)
        p = b64(b'{"sub":"123"}', url=True, pad=False)
        return "lookalike", "test.txt", f"token: {h}.{p}.\n"
    if kind == "url-no-pass":
        return "lookalike", "Dockerfile", rng.choice(["RUN git clone https://github.com/acme/app.git\n", "ADD https://deb.nodesource.com/setup_20.x /tmp/\n", "git@github.com:acme/app.git\n", "ssh://git@gitlab.com/acme/app.git\n"])
    if kind == "identifier":
        return "lookalike", "main.rs", rng.choice(["let tokens = TokenStream::from(input);\n", "tokenizer = AutoTokenizer.from_pretrained(model_name)\n", "pub brace_token: token::Brace,\n", "if password == confirm_password:\n", "secret_name = f\"{prefix}-db-credentials\"\n", "const PASSWORD_FIELD = 'password';\n", "API_KEY_HEADER = \"X-Api-Key\"\n"])
    if kind == "lowercase-hf":
        return "lookalike", "notes.txt", f"hf_{rand(string.ascii_lowercase, 34)}\n"
    return "lookalike", "README.md", rng.choice(
        [
            "Rotate your token and password regularly; never commit a secret.\n",
            "The API key is passed in the X-Api-Key header.\n",
            "Use `docker login` with a personal access token instead of your password.\n",
            "ENV PASSWORD_FILE=/run/secrets/db_password\n",
            "ARG SECRETFILE=secret1.txt\n",
            "ENV GOPRIVATE=github.com/acme/*\n",
        ]
    )


def n_random_code():
    ident = rand(string.ascii_lowercase, 6)
    return "code", "app.py", rng.choice(
        [
            f"def {ident}(token: str) -> bool:\n    return token in allowed\n",
            f"session_key = request.cookies.get('{ident}')\n",
            f"for token in tokenize(line):\n    print(token)\n",
            f"password = getpass.getpass()\n",
            f"secret = os.environ['{ident.upper()}_SECRET']\n",
            f"api_key = settings.API_KEY\n",
            f"BUILD_ID={rand(string.digits, 10)}\nVERSION=1.{rng.randint(0, 30)}.{rng.randint(0, 9)}\n",
        ]
    )


NEGATIVES = [(n_hash, 90), (n_uuid, 50), (n_base64, 60), (n_placeholder, 110), (n_doc_example, 50), (n_lookalike, 110), (n_random_code, 40)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=20261126)
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--out", default=os.path.join(repo, "crates/hullscan_secrets/tests/data/labelled/labelled.jsonl"))
    args = parser.parse_args()
    rng.seed(args.seed)
    samples = []
    for label, table in (("positive", POSITIVES), ("negative", NEGATIVES)):
        for make, count in table:
            for _ in range(count):
                kind, file_name, text = make()
                samples.append((label, kind, file_name, text))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as out:
        for i, (label, kind, file_name, text) in enumerate(samples):
            out.write(json.dumps({"id": i, "label": label, "kind": kind, "file_name": file_name, "text_b64": b64(text.encode())}) + "\n")
    pos = sum(1 for s in samples if s[0] == "positive")
    print(f"wrote {args.out}: {pos} positives, {len(samples) - pos} negatives, {os.path.getsize(args.out)} bytes")


if __name__ == "__main__":
    main()
