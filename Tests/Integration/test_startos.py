"""The StartOS package, checked offline: Debian's tsc against a local stub of the SDK, node --test
of the SDK-free SMTP mapping, and the consistency rules the packer and the SDK rely on (manifest,
actions, health checks). `npm ci && npm run check && make` must still run where the npm registry,
docker and start-cli exist before a release."""
import json
import re
import subprocess

from conftest import REPO_DIR

STARTOS = REPO_DIR / "startos"


def read(path):
    return (REPO_DIR / path).read_text()


def test_the_typescript_type_checks_and_the_smtp_mapping_passes_its_tests():
    for config in ["tsconfig.check.json", "tsconfig.test.json"]:
        result = subprocess.run(["tsc", "-p", str(STARTOS / config)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    tests = subprocess.run(["node", "--test", str(STARTOS / "build" / "test")], capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert re.search(r"^# pass [1-9]", tests.stdout, re.M) and re.search(r"^# fail 0", tests.stdout, re.M)


def test_the_package_root_has_what_the_packer_requires():
    root = sorted(p.name for p in REPO_DIR.iterdir())
    assert len([name for name in root if name.startswith("icon.")]) == 1
    assert len([name for name in root if name.startswith("LICENSE")]) == 1
    assert (REPO_DIR / "instructions.md").read_text().strip()
    assert any((REPO_DIR / "assets").iterdir())
    assert (REPO_DIR / "icon.svg").stat().st_size <= 40 * 1024
    package = json.loads(read("package.json"))
    assert package["dependencies"]["@start9labs/start-sdk"] == "2.0.9", "the SDK is pinned exactly"
    assert "ARCHES := x86" in read("Makefile") and "s9pk.mk" in read("Makefile")
    for ignored in ["node_modules", "javascript", "*.s9pk", ".build"]:
        assert ignored in read(".dockerignore").split()


def test_the_manifest_index_and_main_agree():
    manifest = read("startos/manifest/index.ts")
    id_lines = [line for line in manifest.splitlines() if "id:" in line]
    assert id_lines == ["  id: 'venture-crm',"], "s9pk.mk reads the id with awk from the only line holding it"
    assert "arch: ['x86_64']" in manifest, "the manifest's arch matches ARCHES := x86"
    assert re.search(r"images: \{\s*crm:", manifest)
    main = read("startos/main.ts")
    assert "imageId: 'crm'" in main and "sdk.useEntrypoint()" in main
    assert "CRM_HTTP_HOST: '0.0.0.0'" in main, "StartOS forwards to the container's address"
    assert "CRM_TRUSTED_PROXIES: 'gateway'" in main, "StartOS's proxy is believed, so locks apply per person"
    assert "/readyz" in main and "response.ok" in main, "the health check fails on a non-2xx /readyz"
    assert "uiPort = 8080" in read("startos/utils.ts") and "bindPort(uiPort" in read("startos/interfaces.ts")
    assert 'ENTRYPOINT ["/usr/local/bin/docker_entrypoint.sh"]' in read("Dockerfile")
    index = read("startos/index.ts")
    for name in ["actions", "createBackup", "init, uninit", "main", "manifest"]:
        assert re.search(rf"export (\{{ )?(const )?{re.escape(name)}\b", index), name
    assert "setupInit(restoreInit," in read("startos/init/index.ts"), "restoreInit comes first"


def test_no_secret_travels_in_a_daemons_environment():
    main = read("startos/main.ts")
    env_block = main[main.index("const env"):main.index("return sdk.Daemons")]
    for word in ["PASS", "SECRET", "TOKEN", "KEY", "password"]:
        assert word not in env_block, f"{word} in the daemon env (the SDK passes env as arguments)"
    assert "execFail(argv, { input, env: commandEnv })" in read("startos/utils.ts"), "commands get secrets on stdin"
    assert "runCommand(effects, 'configure-smtp', argv, stdin)" in read("startos/actions/configureDigestSmtp.ts")
    assert "['crm-scheduler', 'set-service-account'], String(input.key))" in read("startos/actions/setGoogleServiceAccount.ts")
    assert "password: null" in read("startos/lib/smtp.ts"), "store.json never keeps the custom password"


def test_every_required_action_is_registered():
    registered = read("startos/actions/index.ts")
    for action in ["configureDigestSmtp", "createAdmin", "resetAdminPassword", "setSparkEndpoint", "setGoogleServiceAccount"]:
        assert f".addAction({action})" in registered
        assert f"sdk.Action.withInput(\n  '{action}'" in read(f"startos/actions/{action}.ts")


def test_the_commands_the_actions_run_behave_as_the_actions_expect(data_dir):
    """Each action's command line, built by the compiled TypeScript, run against the real binaries
    as StartOS runs them: production settings, no CRM_SECRET_KEY in the environment (the key is
    read from the data dir), secrets on stdin only."""
    from conftest import base_env, run

    compiled = subprocess.run(["tsc", "-p", str(STARTOS / "tsconfig.test.json")], capture_output=True, text=True)
    assert compiled.returncode == 0, compiled.stdout
    build = STARTOS / "build" / "lib"

    def node(expression):
        script = (f"const smtp = require({json.dumps(str(build / 'smtp.js'))});"
                  f"const output = require({json.dumps(str(build / 'output.js'))});"
                  f"process.stdout.write(JSON.stringify({expression}))")
        result = subprocess.run(["node", "-e", script], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    (data_dir / "secrets").mkdir(mode=0o700)
    (data_dir / "secrets" / "secret_key").write_text("ab" * 32)
    (data_dir / "secrets" / "secret_key").chmod(0o600)
    env = base_env(data_dir, CRM_ENV="production", CRM_BCRYPT_COST="12")
    assert run("crm-api", "migrate", env=env).returncode == 0

    selection = {"selection": "custom", "value": {"provider": {"selection": "other", "value": {
        "host": "mail.fund.example", "from": "Venture CRM <crm@fund.example>", "username": "crm", "password": "pw-on-stdin-7",
        "security": {"selection": "starttls", "value": {"port": "2525"}}}}}}
    command = node(f"smtp.configureSmtpCommand(smtp.resolveSmtp({json.dumps(selection)}, null))")
    assert "pw-on-stdin-7" not in " ".join(command["argv"])
    saved = run(*command["argv"], env=env, input=command["input"])
    assert saved.returncode == 0, saved.stderr
    smtp_dir = data_dir / "secrets" / "smtp"
    assert (smtp_dir / "password").read_text() == "pw-on-stdin-7" and (smtp_dir / "port").read_text() == "2525"
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in smtp_dir.iterdir())
    cleared = node("smtp.configureSmtpCommand(null)")
    assert run(*cleared["argv"], env=env).returncode == 0 and not (smtp_dir / "password").exists()

    created = run("crm-api", "create-admin", "--email", "partner@fund.example", "--generate-password", "--name", "A Partner", env=env)
    assert created.returncode == 0, created.stderr
    first = node(f"output.oneTimePassword({json.dumps(created.stdout)})")
    reset = run("crm-api", "reset-admin-password", "--email", "partner@fund.example", env=env)
    assert reset.returncode == 0, reset.stderr
    second = node(f"output.oneTimePassword({json.dumps(reset.stdout)})")
    assert len(first) == len(second) == 20 and first != second
