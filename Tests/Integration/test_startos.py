"""The StartOS package, checked offline: Debian's tsc against a local stub of the SDK, node --test
of the SDK-free SMTP mapping, and the consistency rules the packer and the SDK rely on
(`../shared/reference/startos.md` §10-11). `npm ci && npm run check && make` must still run where
the npm registry, docker and start-cli exist before a release."""
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
