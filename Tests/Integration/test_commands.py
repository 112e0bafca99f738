"""crm-api's admin subcommands and the daemons' refusal to start on a bad configuration or schema."""
import json
import sqlite3

from conftest import base_env, run


def users(data_dir):
    with sqlite3.connect(data_dir / "crm.sqlite") as db:
        return db.execute("SELECT email, role, active, password_hash, must_change_password FROM users").fetchall()


def test_migrate_twice_is_a_no_op(data_dir):
    env = base_env(data_dir)
    assert run("crm-api", "migrate", env=env).returncode == 0
    with sqlite3.connect(data_dir / "crm.sqlite") as db:
        first = db.execute("SELECT identifier FROM grdb_migrations").fetchall()
        schema = db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    assert run("crm-api", "migrate", env=env).returncode == 0
    with sqlite3.connect(data_dir / "crm.sqlite") as db:
        assert db.execute("SELECT identifier FROM grdb_migrations").fetchall() == first
        assert db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    assert (data_dir / "crm.sqlite").stat().st_mode & 0o077 == 0


def test_create_admin_reads_the_password_from_stdin(data_dir):
    password = "a long and secret passphrase"
    result = run("crm-api", "create-admin", "--email", "Ada@Example.com", "--name", "Ada Lovelace",
                 env=base_env(data_dir), input=password + "\n")
    assert result.returncode == 0, result.stderr
    assert "Created admin ada@example.com" in result.stdout
    assert password not in result.stdout + result.stderr
    [(email, role, active, password_hash, must_change)] = users(data_dir)
    assert (email, role, active, must_change) == ("ada@example.com", "admin", 1, 0)
    assert password_hash.startswith("$2") and password not in password_hash


def test_generated_password_is_printed_once_and_only_when_no_admin_exists(data_dir):
    env = base_env(data_dir)
    first = run("crm-api", "create-admin", "--email", "admin@example.com", "--generate-password", "--if-no-admin",
                env=env)
    assert first.returncode == 0, first.stderr
    lines = [line for line in first.stdout.splitlines() if line.startswith("One-time password: ")]
    assert len(lines) == 1
    generated = lines[0].removeprefix("One-time password: ")
    assert len(generated) == 20
    assert generated not in first.stderr
    assert users(data_dir)[0][4] == 1, "a generated password must be changed at first sign-in"

    second = run("crm-api", "create-admin", "--email", "other@example.com", "--generate-password", "--if-no-admin",
                 env=env)
    assert second.returncode == 0
    assert "already exists" in second.stdout
    assert "One-time password" not in second.stdout
    assert len(users(data_dir)) == 1


def test_create_admin_refuses_bad_input_and_changes_nothing(data_dir):
    env = base_env(data_dir)
    cases = [
        (["--email", "admin@example.com"], "short\n", "at least 12 characters"),
        (["--email", "admin@example.com"], "admin@example.com\n", "must not be the email"),
        (["--email", "not-an-email"], "a long and secret passphrase\n", "not a valid email"),
        (["--email", "admin@example.com"], "", "no password on standard input"),
    ]
    for args, stdin, message in cases:
        result = run("crm-api", "create-admin", *args, env=env, input=stdin)
        assert result.returncode == 65, (args, result.stderr)
        last_line = result.stderr.strip().splitlines()[-1]
        assert last_line.startswith("crm-api create-admin: ") and message in last_line
    assert users(data_dir) == []

    assert run("crm-api", "create-admin", "--email", "a@example.com", env=env, input="x" * 20 + "\n").returncode == 0
    again = run("crm-api", "create-admin", "--email", "A@EXAMPLE.COM", env=env, input="y" * 20 + "\n")
    assert again.returncode == 65 and "already exists" in again.stderr


def test_production_without_a_secret_key_refuses_to_start(data_dir):
    for daemon in ["crm-api", "crm-scheduler", "crm-mailer", "crm-backup"]:
        result = run(daemon, env=base_env(data_dir, CRM_ENV="production", CRM_BCRYPT_COST="12"), timeout=20)
        assert result.returncode == 78, (daemon, result.stderr)
        assert result.stderr.strip().splitlines()[-1].startswith(f"{daemon}: configuration error: CRM_SECRET_KEY")


def test_a_bad_variable_is_named_in_one_line(data_dir):
    result = run("crm-api", env=base_env(data_dir, CRM_HTTP_PORT="eighty"), timeout=20)
    assert result.returncode == 78
    assert result.stderr.strip().splitlines()[-1] == (
        'crm-api: configuration error: CRM_HTTP_PORT must be a whole number from 1 to 65535, got "eighty"')


def test_workers_refuse_a_database_whose_schema_is_not_current(data_dir):
    env = base_env(data_dir)
    for daemon in ["crm-scheduler", "crm-mailer", "crm-backup"]:
        result = run(daemon, env=env, timeout=20)
        assert result.returncode == 75, (daemon, result.stderr)
        assert "schema is behind" in result.stderr and "crm-api migrate" in result.stderr

    assert run("crm-api", "migrate", env=env).returncode == 0
    with sqlite3.connect(data_dir / "crm.sqlite") as db:
        db.execute("INSERT INTO grdb_migrations (identifier) VALUES ('999-from-a-newer-binary')")
    result = run("crm-scheduler", env=env, timeout=20)
    assert result.returncode == 75
    assert "newer than this binary" in result.stderr


def test_the_service_account_key_is_read_from_stdin_and_stored_owner_only(data_dir):
    from google_fake import ServiceAccount

    env = base_env(data_dir)
    account = ServiceAccount()
    key = account.key_file("https://oauth2.googleapis.com/token")
    body_line = account.pem().splitlines()[3]
    saved = run("crm-scheduler", "set-service-account", env=env, input=key)
    assert saved.returncode == 0, saved.stderr
    assert account.client_email in saved.stdout
    assert body_line not in saved.stdout + saved.stderr
    path = data_dir / "secrets" / "google" / "service-account.json"
    assert json.loads(path.read_text())["private_key"] == account.pem()
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700

    unreadable = json.loads(key) | {"private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC-not-a-real-key\n-----END PRIVATE KEY-----\n"}
    for bad, message in [("not json", "not a JSON key file"), ('{"type": "authorized_user"}', "not a service account key"),
                         ('{"type": "service_account", "client_email": "x@y.example", "client_id": "1"}', "no private_key"),
                         (json.dumps(unreadable), "not a readable RSA key"),
                         ("{" + " " * 70_000 + "}", "larger than 64 KB")]:
        refused = run("crm-scheduler", "set-service-account", env=env, input=bad)
        assert refused.returncode == 65 and message in refused.stderr, (bad[:40], refused.stderr)
        assert "not-a-real-key" not in refused.stdout + refused.stderr
    assert json.loads(path.read_text())["private_key"] == account.pem(), "a refused key leaves the saved one"

    cleared = run("crm-scheduler", "set-service-account", "--clear", env=env)
    assert cleared.returncode == 0 and not path.exists()
