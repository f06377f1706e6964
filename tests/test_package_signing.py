"""Signed export packages: with the administrator's key, ``verify`` tells the original from a
package re-made with recomputed checksums, a stripped signature or another key."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bidgraph.cases import CaseStore
from bidgraph.cases.export import export_case
from bidgraph.cases.export.manifest import MANIFEST, SIGNATURE, sha256, verify
from bidgraph.cli import app
from bidgraph.integrity import create_key
from bidgraph.settings import Settings
from bidgraph.viewer import Role, Viewer


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("signed")
    key_file = root / "package.key"
    create_key(key_file)
    cases = CaseStore(Settings(data_dir=root / "data", package_key_file=key_file))
    case_id = cases.create("签名线索", "概要", actor="甲")
    viewer = Viewer("甲", Role.LIAISON)
    return export_case(cases, case_id, recipient_name="内部", viewer=viewer, out_dir=root).path, key_file


def _remake(package: Path, out: Path, *, keep_signature: bool = True) -> Path:
    """What someone without the key can do: change a file, recompute every checksum, re-zip."""
    with zipfile.ZipFile(package) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files["report.html"] = files["report.html"].replace("签名线索".encode(), "伪造线索".encode())
    manifest = json.loads(files[MANIFEST])
    for entry in manifest["files"]:
        entry["sha256"] = sha256(files[entry["path"]])
    files[MANIFEST] = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    if not keep_signature:
        files.pop(SIGNATURE)
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out


def test_original_verifies_with_its_key(signed: tuple[Path, Path]) -> None:
    package, key_file = signed
    key = bytes.fromhex(key_file.read_text().strip())
    result = verify(package, key)
    assert result.ok and result.signature == "valid" and any("原件" in line for line in result.lines())
    assert SIGNATURE not in [f["path"] for f in json.loads(zipfile.ZipFile(package).read(MANIFEST))["files"]]


def test_remade_packages_are_told_apart(signed: tuple[Path, Path], tmp_path: Path) -> None:
    package, key_file = signed
    key = bytes.fromhex(key_file.read_text().strip())
    remade = _remake(package, tmp_path / "remade.zip")
    assert verify(remade).ok  # checksums alone cannot tell …
    assert verify(remade, key).signature == "invalid" and not verify(remade, key).ok  # … the signature can
    stripped = _remake(package, tmp_path / "stripped.zip", keep_signature=False)
    assert verify(stripped, key).signature == "missing" and not verify(stripped, key).ok
    other = tmp_path / "other.key"
    create_key(other)
    assert verify(package, bytes.fromhex(other.read_text().strip())).signature == "invalid"


def test_cli_verify_with_key(signed: tuple[Path, Path], tmp_path: Path) -> None:
    package, key_file = signed
    runner = CliRunner()
    good = runner.invoke(app, ["verify", str(package), "--key", str(key_file)])
    assert good.exit_code == 0 and "签名有效" in good.output
    bad = runner.invoke(app, ["verify", str(_remake(package, tmp_path / "r.zip")), "--key", str(key_file)])
    assert bad.exit_code == 1 and "签名无效" in bad.output


def test_without_a_configured_key_packages_are_unsigned(tmp_path: Path) -> None:
    cases = CaseStore(Settings(data_dir=tmp_path))
    case_id = cases.create("未签名", "", actor="甲")
    result = export_case(cases, case_id, recipient_name="内部", viewer=Viewer("甲", Role.LIAISON), out_dir=tmp_path)
    assert SIGNATURE not in zipfile.ZipFile(result.path).namelist() and verify(result.path).ok
