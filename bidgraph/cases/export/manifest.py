"""The package manifest (every file with its SHA-256) and ``verify``, which recomputes
the checksums of a package and names each file that was changed, removed or added.

With an administrator-configured key (``BIDGRAPH_PACKAGE_KEY_FILE``) the manifest is also
signed (``manifest.sig``, HMAC-SHA256): checksums alone cannot tell a re-made package from
the original — anyone can recompute them — but only the key's holder can sign."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bidgraph import integrity

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
FORMAT = "bidgraph-case-package/1"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_manifest(files: dict[str, bytes], descriptions: dict[str, str], header: dict[str, Any]) -> bytes:
    entries = [
        {"path": path, "sha256": sha256(data), "bytes": len(data), "description": descriptions.get(path, "")}
        for path, data in sorted(files.items())
    ]
    return json.dumps({"format": FORMAT, **header, "files": entries}, ensure_ascii=False, indent=1).encode("utf-8")


def sha256sums(files: dict[str, bytes]) -> bytes:
    """The checksums in ``sha256sum -c`` format, for recipients without bidgraph."""
    return "".join(f"{sha256(data)}  {path}\n" for path, data in sorted(files.items())).encode("utf-8")


def key_id(key: bytes) -> str:
    """A short public name of a key (never the key): which key signed, without revealing it."""
    return sha256(b"bidgraph-package-key:" + key)[:16]


def signature_file(manifest: bytes, key: bytes) -> bytes:
    body = {"algorithm": "HMAC-SHA256", "key_id": key_id(key), "signature": integrity.sign(key, manifest)}
    return json.dumps(body, indent=1).encode("utf-8")


@dataclass
class Verification:
    package: str
    manifest_sha256: str = ""
    checked: int = 0
    tampered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    error: str = ""
    header: dict[str, Any] = field(default_factory=dict)
    signed_by: str = ""  # key id named by manifest.sig
    signature: str = ""  # "valid", "invalid", "missing" (a key was given) or "" (not checked)

    @property
    def ok(self) -> bool:
        bad_signature = self.signature in ("invalid", "missing")
        return not (self.error or self.tampered or self.missing or self.unexpected or bad_signature)

    def lines(self) -> list[str]:
        """The result in Chinese, one line per finding."""
        if self.error:
            return [f"校验失败：{self.error}"]
        out = [f"清单 manifest.json 的 SHA-256：{self.manifest_sha256}"]
        out += [f"文件被篡改（校验和不符）：{p}" for p in self.tampered]
        out += [f"文件缺失：{p}" for p in self.missing]
        out += [f"清单外的文件：{p}" for p in self.unexpected]
        out += _signature_lines(self.signature, self.signed_by)
        if self.ok:
            out.append(f"校验通过：{self.checked} 个文件的 SHA-256 全部与清单一致")
        return out


def _signature_lines(state: str, signed_by: str) -> list[str]:
    return {
        "valid": [f"签名有效：清单由密钥 {signed_by} 签名，是导出单位制作的原件"],
        "invalid": [f"签名无效：清单与签名（密钥 {signed_by or '未知'}）不符——包被重新制作或改动，或所用密钥不同"],
        "missing": ["包未签名：已配置导出签名密钥，但包中没有 manifest.sig——不能证明是导出单位制作的原件"],
        "": [f"包已签名（密钥 {signed_by}），未提供密钥，未核验签名"] if signed_by else [],
    }[state]


def verify(package: Path, key: bytes | None = None) -> Verification:
    """Checksums of every file; with ``key`` also the manifest's signature."""
    result = Verification(str(package))
    try:
        with zipfile.ZipFile(package) as archive:
            names = {n for n in archive.namelist() if not n.endswith("/")}
            if MANIFEST not in names:
                result.error = "包中没有 manifest.json"
                return result
            raw = archive.read(MANIFEST)
            result.manifest_sha256 = sha256(raw)
            manifest = json.loads(raw)
            listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
            for path, expected in sorted(listed.items()):
                if path not in names:
                    result.missing.append(path)
                elif sha256(archive.read(path)) != expected:
                    result.tampered.append(path)
                result.checked += 1
            result.unexpected = sorted(names - set(listed) - {MANIFEST, SIGNATURE})
            result.header = {k: v for k, v in manifest.items() if k != "files"}
            _check_signature(result, raw, archive.read(SIGNATURE) if SIGNATURE in names else None, key)
    except (zipfile.BadZipFile, OSError) as e:
        result.error = f"无法读取压缩包 {package}：{e}"
    except (ValueError, KeyError, TypeError) as e:
        result.error = f"manifest.json 格式不正确：{e}"
    return result


def _check_signature(result: Verification, manifest: bytes, signature: bytes | None, key: bytes | None) -> None:
    body = json.loads(signature) if signature is not None else {}
    result.signed_by = str(body.get("key_id", "")) if isinstance(body, dict) else ""
    if key is None:
        return
    if signature is None:
        result.signature = "missing"
        return
    valid = isinstance(body, dict) and integrity.valid(key, manifest, body.get("signature"))
    result.signature = "valid" if valid else "invalid"
