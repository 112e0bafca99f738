"""The Dockerfile and docker-compose.yml agree with the code: the binaries and the resource
bundle they copy exist in a build, the runtime stage installs the libraries the binaries link,
the user, volume, port and entrypoint line up. (No Docker daemon runs here to build the image.)"""
import re
import subprocess

from conftest import BIN_DIR, DAEMONS, REPO_DIR

DOCKERFILE = (REPO_DIR / "Dockerfile").read_text()
COMPOSE = (REPO_DIR / "docker-compose.yml").read_text()
# Shared libraries the binaries link → the Debian package that ships them in the runtime stage.
RUNTIME_PACKAGES = {
    "libsqlite3.so.0": "libsqlite3-0",
    "libcurl.so.4": "libcurl4",
    "libsystemd.so.0": "libsystemd0",
    "libre2.so.9": "libre2-9",
    "libstdc++.so.6": "libstdc++6",
}


def runtime_stage() -> str:
    return DOCKERFILE.split("\nFROM ")[-1]


def test_the_build_stage_copies_every_daemon_and_the_api_resources():
    for daemon in DAEMONS:
        assert f"--product {daemon}" in DOCKERFILE and f'"$bin/{daemon}"' in DOCKERFILE
        assert (BIN_DIR / daemon).exists()
    bundles = re.findall(r'"\$bin/([^"]+\.resources)"', DOCKERFILE)
    assert bundles == ["venture-crm_crm-api.resources"] and (BIN_DIR / bundles[0]).is_dir()
    assert "COPY docker_entrypoint.sh /usr/local/bin/docker_entrypoint.sh" in DOCKERFILE
    assert 'ENTRYPOINT ["/usr/local/bin/docker_entrypoint.sh"]' in DOCKERFILE
    assert "CRM_BIN_DIR=/usr/local/bin" in DOCKERFILE


def test_the_runtime_stage_installs_the_libraries_the_binaries_link():
    installed = set(re.search(r"apt-get install -y --no-install-recommends ([^\n\\]+)", runtime_stage()).group(1).split())
    for daemon in DAEMONS:
        linked = subprocess.run(["ldd", str(BIN_DIR / daemon)], capture_output=True, text=True).stdout
        for library, package in RUNTIME_PACKAGES.items():
            if library in linked:
                assert package in installed, f"{daemon} links {library}: install {package}"
    assert "swift" not in runtime_stage().split("\n")[0], "no toolchain in the runtime image"


def test_user_volume_port_and_data_dir_line_up():
    stage = runtime_stage()
    assert re.search(r"useradd --system .* crm\b", stage) and "\nUSER crm\n" in stage
    assert "chown crm:crm /data" in stage and "VOLUME /data" in stage and "CRM_DATA_DIR=/data" in stage
    assert "EXPOSE 8080" in stage and "CRM_HTTP_PORT=8080" in stage and "CRM_HTTP_HOST=0.0.0.0" in stage
    assert "http://127.0.0.1:8080/readyz" in stage
    # Read as text: the compose file is small and PyYAML is not among the test's packages.
    crm, caddy = COMPOSE.split("\n  caddy:\n")
    assert "    build: .\n" in crm and "      - crm-data:/data\n" in crm
    assert re.findall(r'- "([^"]+)"', crm) == ["127.0.0.1:8080:8080"], "only loopback unless a proxy is put in front"
    assert re.search(r"CRM_SECRET_KEY: \$\{CRM_SECRET_KEY:\?", crm), "refuses to start without a key"
    assert 'profiles: ["tls"]' in caddy and "--to crm:8080" in caddy
    subnet = re.search(r"subnet: (\S+)", COMPOSE).group(1)
    assert f"CRM_TRUSTED_PROXIES: {subnet}" in crm, "Caddy's X-Forwarded-For is believed"
    assert "      - crm\n" in crm and "      - crm\n" in caddy, "both on the network whose range is trusted"
    assert re.findall(r"^  ([a-z-]+):$", COMPOSE.split("\nvolumes:\n")[-1], re.M) == ["crm-data", "caddy-data"]
