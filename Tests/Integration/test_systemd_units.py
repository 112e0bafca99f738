"""The systemd units: systemd accepts them, they are hardened, the SMTP secrets reach only
crm-mailer (as credentials it reads), and scripts/install-systemd lays the files out."""
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import BIN_DIR, DAEMONS, REPO_DIR, base_env, run, wait_until

UNITS = REPO_DIR / "systemd"
MAXIMUM_EXPOSURE = 2.0

needs_systemd = pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")


def units_with_built_binaries(tmp_path) -> list[Path]:
    """The units with ExecStart pointing at this build, since verify checks the binary exists."""
    paths = []
    for unit in sorted(UNITS.glob("*.service")) + [UNITS / "crm.target"]:
        path = tmp_path / unit.name
        path.write_text(unit.read_text().replace("/usr/local/bin/", f"{BIN_DIR}/"))
        paths.append(path)
    return paths


@needs_systemd
def test_systemd_accepts_every_unit(tmp_path):
    result = subprocess.run(["systemd-analyze", "verify", *map(str, units_with_built_binaries(tmp_path))],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


@needs_systemd
@pytest.mark.parametrize("daemon", DAEMONS)
def test_each_service_is_hardened(tmp_path, daemon):
    unit = next(path for path in units_with_built_binaries(tmp_path) if path.name == f"{daemon}.service")
    result = subprocess.run(["systemd-analyze", "security", "--offline=true", "--no-pager", str(unit)],
                            capture_output=True, text=True, cwd=tmp_path)
    exposure = float(re.search(r"Overall exposure level for .*: ([0-9.]+)", result.stdout).group(1))
    assert exposure <= MAXIMUM_EXPOSURE, result.stdout[-2000:]


def settings(unit: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in (UNITS / unit).read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


@pytest.mark.parametrize("daemon", DAEMONS)
def test_every_service_notifies_runs_as_crm_and_only_the_mailer_gets_smtp(daemon):
    unit = settings(f"{daemon}.service")
    assert unit["Type"] == ["notify"] and unit["User"] == ["crm"] and unit["Restart"] == ["on-failure"]
    assert unit["WatchdogSec"] and unit["StateDirectory"] == ["crm"] and unit["RuntimeDirectory"] == ["crm"]
    assert unit["CapabilityBoundingSet"] == [""] and unit["NoNewPrivileges"] == ["yes"]
    assert unit["ExecStart"] == [f"/usr/local/bin/{daemon} serve"]
    text = (UNITS / f"{daemon}.service").read_text()
    assert "SMTP_" not in text.replace("# credentials", ""), "no SMTP variable in any unit"
    assert ("LoadCredential" in unit) == (daemon == "crm-mailer")
    assert daemon in settings("crm.target")["Wants"][0]
    assert int(unit["LimitNOFILE"][0]) >= (4096 if daemon == "crm-api" else 1024), "descriptors are capped, above the connection cap"


def test_the_mailer_reads_smtp_settings_from_systemd_credentials(data_dir, tmp_path):
    env = base_env(data_dir)
    assert run("crm-api", "migrate", env=env).returncode == 0
    credentials = tmp_path / "credentials"
    credentials.mkdir(mode=0o700)
    for name, value in {"host": "smtp.example.com", "port": "2525", "from": "CRM <crm@example.com>",
                        "security": "starttls"}.items():
        path = credentials / f"smtp_{name}"
        path.write_text(value)
        path.chmod(0o400)
    mailer = subprocess.Popen([str(BIN_DIR / "crm-mailer")], env={**env, "CREDENTIALS_DIRECTORY": str(credentials)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def figures():
            try:
                with sqlite3.connect(data_dir / "crm.sqlite") as db:
                    row = db.execute("SELECT figures FROM daemon_status WHERE name = 'crm-mailer'").fetchone()
                return json.loads(row[0]) if row else None
            except sqlite3.Error:
                return None

        reported = wait_until(lambda: (lambda f: f if f and "smtp_configured" in f else None)(figures()), 20,
                              message="the mailer's SMTP report")
        assert reported["smtp_configured"] is True
    finally:
        mailer.terminate()
        mailer.wait(timeout=20)


def install(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPO_DIR / "scripts" / "install-systemd"), "--bin-dir", str(BIN_DIR), "--root", str(root),
                           "--no-start"], capture_output=True, text=True)


def test_install_systemd_lays_out_binaries_units_a_private_env_file_and_the_key_file(tmp_path):
    root = tmp_path / "root"
    result = install(root)
    assert result.returncode == 0, result.stderr
    for daemon in DAEMONS:
        assert os.access(root / "usr/local/bin" / daemon, os.X_OK)
        assert (root / "etc/systemd/system" / f"{daemon}.service").read_text() == (UNITS / f"{daemon}.service").read_text()
    assert (root / "etc/systemd/system/crm.target").exists()
    assert "d /var/lib/crm/secrets/smtp 0700 crm crm" in (root / "etc/tmpfiles.d/crm.conf").read_text()
    env_file = root / "etc/crm/crm.env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert "CRM_SECRET_KEY=" not in env_file.read_text(), "the key is in no unit's environment"
    key_file = root / "var/lib/crm/secrets/secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    key = key_file.read_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", key), "a fresh 32-byte key"
    assert key not in result.stdout + result.stderr

    env_file.write_text(env_file.read_text() + "CRM_PUBLIC_URL=https://crm.fund.example\n")
    again = install(root)
    assert again.returncode == 0
    assert key_file.read_text().strip() == key, "an existing key is kept"
    assert "CRM_PUBLIC_URL=https://crm.fund.example" in env_file.read_text(), "an existing env file is kept"

    # The key file is where the daemons look for it: production refuses to start without a key.
    env = base_env(root / "var/lib/crm", CRM_ENV="production", CRM_BCRYPT_COST="12")
    status = run("crm-api", "migrate", env=env)
    assert status.returncode == 0, status.stderr


def test_install_systemd_moves_an_older_installs_key_out_of_the_env_file(tmp_path):
    root = tmp_path / "root"
    (root / "etc/crm").mkdir(parents=True)
    env_file = root / "etc/crm/crm.env"
    old_key = "ab" * 32
    env_file.write_text(f"CRM_SECRET_KEY={old_key}\nCRM_PUBLIC_URL=https://crm.fund.example\n")
    env_file.chmod(0o600)
    result = install(root)
    assert result.returncode == 0, result.stderr
    assert (root / "var/lib/crm/secrets/secret_key").read_text().strip() == old_key, "the data stays readable"
    assert env_file.read_text() == "CRM_PUBLIC_URL=https://crm.fund.example\n"
    assert old_key not in result.stdout + result.stderr
