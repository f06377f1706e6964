"""The package manifest (every file with its SHA-256) and ``verify``, which recomputes
the checksums of a package and names each file that was changed, removed or added."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
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

    @property
    def ok(self) -> bool:
        return not (self.error or self.tampered or self.missing or self.unexpected)

    def lines(self) -> list[str]:
        """The result in Chinese, one line per finding."""
        if self.error:
            return [f"校验失败：{self.error}"]
        out = [f"清单 manifest.json 的 SHA-256：{self.manifest_sha256}"]
        out += [f"文件被篡改（校验和不符）：{p}" for p in self.tampered]
        out += [f"文件缺失：{p}" for p in self.missing]
        out += [f"清单外的文件：{p}" for p in self.unexpected]
        if self.ok:
            out.append(f"校验通过：{self.checked} 个文件的 SHA-256 全部与清单一致")
        return out


def verify(package: Path) -> Verification:
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
            result.unexpected = sorted(names - set(listed) - {MANIFEST})
            result.header = {k: v for k, v in manifest.items() if k != "files"}
    except (zipfile.BadZipFile, OSError) as e:
        result.error = f"无法读取压缩包 {package}：{e}"
    except (ValueError, KeyError, TypeError) as e:
        result.error = f"manifest.json 格式不正确：{e}"
    return result
