"""Who signed a commit: git's own SSH signature check, offline, cached by commit id.

git verifies each signature against the key embedded in it (`%G?` is G or U for a good signature,
B for a bad one, N for none) and gives the key's fingerprint (`%GF`). Which *person* a fingerprint
belongs to is decided by the caller from policies/people.yml, not here: so a cached answer stays
true whatever people.yml says later. git needs an allowed-signers file to check SSH signatures at
all; an empty one is enough, since an unknown key still verifies (as U).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import git
from .files import write_atomically

KEY_TYPES = (
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-rsa",
)
GOOD, BAD, UNSIGNED, UNCHECKABLE = "good", "bad", "unsigned", "uncheckable"
_STATUS = {"G": GOOD, "U": GOOD, "X": GOOD, "Y": GOOD, "B": BAD, "R": BAD, "N": UNSIGNED}
CACHE_NAME = "signatures.json"


def normalise_key(text: str) -> str | None:
    """`type base64` of a public key line (the comment dropped), None if it is not one."""
    parts = text.split()
    if len(parts) < 2 or parts[0] not in KEY_TYPES:
        return None
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        return None
    # The blob starts with its own type name: a key pasted with the wrong type is not a key.
    if blob[4 : 4 + len(parts[0])] != parts[0].encode():
        return None
    return f"{parts[0]} {parts[1]}"


def fingerprint(key: str) -> str:
    """The key's SHA256 fingerprint as ssh-keygen -l and git's %GF print it."""
    blob = base64.b64decode(key.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


@dataclass(frozen=True)
class Signature:
    status: str  # GOOD | BAD | UNSIGNED | UNCHECKABLE
    fingerprint: str = ""  # of the signing key, when the signature is good

    @property
    def good(self) -> bool:
        return self.status == GOOD


class Signatures:
    """Signature facts of commits, read with one `git log --no-walk` per batch and cached."""

    def __init__(self, root: Path, cache_dir: Path | None = None):
        self.root = root
        self.cache_file = cache_dir / CACHE_NAME if cache_dir else None
        self._known: dict[str, Signature] = self._read_cache()
        self._added = False

    def _read_cache(self) -> dict[str, Signature]:
        if not self.cache_file or not self.cache_file.is_file():
            return {}
        try:
            data = json.loads(self.cache_file.read_text(encoding="utf-8"))
            return {sha: Signature(*value) for sha, value in data.items()}
        except (OSError, ValueError, TypeError):
            return {}  # a damaged cache only costs time

    def save(self) -> None:
        if not self._added or not self.cache_file:
            return
        data = {sha: [s.status, s.fingerprint] for sha, s in self._known.items()}
        try:
            write_atomically(self.cache_file, json.dumps(data, sort_keys=True))
        except OSError:
            pass

    def of(self, shas: list[str]) -> dict[str, Signature]:
        """The signature of each commit in `shas` (full ids)."""
        missing = sorted({s for s in shas if s not in self._known})
        if missing:
            self._known.update(self._verify(missing))
            self._added = True
        return {s: self._known[s] for s in shas}

    def _verify(self, shas: list[str]) -> dict[str, Signature]:
        found: dict[str, Signature] = {}
        with tempfile.NamedTemporaryFile("w", suffix=".allowed-signers") as empty:
            for start in range(0, len(shas), 500):  # keep the command line short
                out = git.run(
                    self.root,
                    "-c",
                    f"gpg.ssh.allowedSignersFile={empty.name}",
                    "log",
                    "--no-walk=unsorted",
                    "--format=%H%x1f%G?%x1f%GF",
                    *shas[start : start + 500],
                )
                for line in out.splitlines():
                    sha, status, fp = (line.split("\x1f") + ["", ""])[:3]
                    state = _STATUS.get(status, UNCHECKABLE)
                    found[sha] = Signature(state, fp if state == GOOD else "")
        for sha in shas:
            found.setdefault(sha, Signature(UNCHECKABLE))
        return found


def public_key_of_file(path: Path) -> str | None:
    """The public key (normalised) of an OpenSSH key file: a `.pub` line, or a private key, whose
    format carries its public half in clear (no passphrase needed)."""
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    if "BEGIN OPENSSH PRIVATE KEY" not in text:
        return normalise_key(text.strip().splitlines()[0]) if text.strip() else None
    return private_key_public_half(text)


def private_key_public_half(text: str) -> str | None:
    """The public key inside an `openssh-key-v1` private key block, None if it is not one."""
    body = text.split("BEGIN OPENSSH PRIVATE KEY-----", 1)[-1].split("-----END", 1)[0]
    try:
        data = base64.b64decode("".join(body.split()))
    except (binascii.Error, ValueError):
        return None
    magic = b"openssh-key-v1\0"
    if not data.startswith(magic):
        return None
    pos = len(magic)
    try:
        for _ in range(3):  # cipher name, kdf name, kdf options
            pos += 4 + int.from_bytes(data[pos : pos + 4], "big")
        pos += 4  # number of keys
        size = int.from_bytes(data[pos : pos + 4], "big")
        blob = data[pos + 4 : pos + 4 + size]
        kind = blob[4 : 4 + int.from_bytes(blob[:4], "big")].decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None
    return normalise_key(f"{kind} {base64.b64encode(blob).decode()}")


def configured_signing_key(root: Path) -> tuple[str | None, str]:
    """The public key git will sign the next commit with, or None and what to set up."""
    setup = (
        "请设置 SSH 签名：git config gpg.format ssh；git config user.signingkey "
        "~/.ssh/id_ed25519.pub（没有密钥先运行 ssh-keygen -t ed25519）；再请部门经理把这个"
        ".pub 文件的内容登记到 policies/people.yml 你名下的 keys"
    )
    try:
        kind = git.run(root, "config", "--get", "gpg.format").strip()
    except git.GitError:
        kind = ""
    try:
        key = git.run(root, "config", "--get", "user.signingkey").strip()
    except git.GitError:
        return None, "还没有设置签名密钥。" + setup
    if kind != "ssh":
        return None, f"gpg.format 是 {kind or '（未设置，默认 openpgp）'}，不是 ssh。" + setup
    if key.startswith("key::"):
        return normalise_key(key[5:]), ""
    public = public_key_of_file(Path(key).expanduser())
    return (public, "") if public else (None, f"读不出签名密钥 {key}。" + setup)
