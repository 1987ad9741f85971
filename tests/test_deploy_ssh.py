"""Deploy to an intranet host over SSH: `scripts/publish --target USER@HOST:/DIR` against a real
sshd (Debian's openssh-server, started here on a loopback port with throwaway keys) and rsync.

Without sshd or rsync the module is skipped, unless SMILEPRESS_REQUIRE_SSHD=1 (CI sets it, after
installing them), in which case it fails: the deploy test can never silently not run.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
MISSING = [
    name
    for name, found in (("sshd", Path(SSHD).is_file()), ("rsync", shutil.which("rsync")))
    if not found
]
if MISSING:
    message = f"缺少 {'、'.join(MISSING)}（apt-get install openssh-server rsync）"
    if os.environ.get("SMILEPRESS_REQUIRE_SSHD") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _keygen(path: Path) -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path.with_suffix(".pub").read_text(encoding="utf-8").strip()


@pytest.fixture
def intranet_host(tmp_path):
    """(ssh command for a key, user@127.0.0.1) of an sshd that only this test's key may log in
    to."""
    keys = tmp_path / "ssh"
    keys.mkdir(mode=0o700)
    host_key = _keygen(keys / "host_key")
    (keys / "authorized_keys").write_text(_keygen(keys / "client_key") + "\n", encoding="utf-8")
    port = _free_port()
    (keys / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_key}\n", encoding="utf-8")
    (keys / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host_key'}\n"
        f"AuthorizedKeysFile {keys / 'authorized_keys'}\nPidFile {keys / 'sshd.pid'}\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
        "StrictModes no\nPermitRootLogin prohibit-password\n",
        encoding="utf-8",
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation folder
    server = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(keys / "sshd_config")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"sshd 未能启动：{server.stderr.read().decode()}")
            time.sleep(0.1)

    def ssh(key: Path = keys / "client_key") -> str:
        return (
            f"ssh -p {port} -i {key} -o BatchMode=yes -o IdentitiesOnly=yes "
            f"-o StrictHostKeyChecking=yes -o UserKnownHostsFile={keys / 'known_hosts'}"
        )

    try:
        yield ssh, f"{getpass.getuser()}@127.0.0.1"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_publish_deploys_over_ssh_atomically_and_rolls_back(factory, tmp_path, intranet_host):
    ssh_with, host = intranet_host
    ssh = ssh_with()
    www = tmp_path / "srv" / "smilepress"  # the "intranet host" is this machine

    def publish(*extra):
        return subprocess.run(
            [
                sys.executable,
                str(REPO_ROOT / "scripts/publish"),
                "--as-of",
                "2026-11-28",
                "--ssh",
                ssh,
                *extra,
            ],
            cwd=factory.root,
            capture_output=True,
            text=True,
        )

    factory.page("index.md", title="首页", body="第一版首页。")
    done = publish("--target", f"{host}:{www}")
    assert done.returncode == 0, done.stdout + done.stderr
    first = (www / "current").resolve()
    assert "第一版首页" in (www / "current/public/index.html").read_text(encoding="utf-8")
    assert (www / "current/internal/index.html").is_file()
    assert not list((www / "releases").glob(".*"))  # no partial copy left behind

    factory.page("index.md", title="首页", body="第二版首页。")
    done = publish("--target", f"{host}:{www}")
    assert done.returncode == 0, done.stderr
    assert "第二版首页" in (www / "current/public/index.html").read_text(encoding="utf-8")
    assert (www / "previous").resolve() == first
    assert os.readlink(www / "current").startswith("releases/")  # relative: the folder can move

    done = publish("--rollback", "--target", f"{host}:{www}")
    assert done.returncode == 0 and "已回滚" in done.stdout, done.stderr
    assert "第一版首页" in (www / "current/public/index.html").read_text(encoding="utf-8")

    factory.page("index.md", title="首页", body="第三版首页。")
    assert publish("--target", f"{host}:{www}").returncode == 0
    assert len(list((www / "releases").iterdir())) == 2  # current and previous only


def test_a_host_that_refuses_the_key_leaves_the_site_as_it_was(factory, tmp_path, intranet_host):
    ssh_with, host = intranet_host
    www = tmp_path / "srv"
    factory.page("index.md", title="首页", body="首页。")
    stranger = tmp_path / "stranger"
    _keygen(stranger)
    done = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "scripts/publish"),
            "--as-of",
            "2026-11-28",
            "--ssh",
            ssh_with(stranger),
            "--target",
            f"{host}:{www}",
        ],
        cwd=factory.root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "部署失败" in done.stderr and not www.exists()


def test_a_target_that_is_not_user_host_path_is_refused(factory):
    done = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "scripts/publish"),
            "--rollback",
            "--target",
            "deploy@intranet:srv/site with space",
        ],
        cwd=factory.root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "[用户@]主机:/绝对路径" in done.stderr
