"""The pinned 3Dmol.js: fetched from the npm registry once, integrity-checked, cached, offline after."""

from __future__ import annotations

import shutil

import pytest

from structkit.errors import StructkitError
from structkit.io.viewer_library import THREEDMOL, viewer_library


def test_fetch_check_and_cache(tmp_path, monkeypatch):
    library = viewer_library(cache=tmp_path)
    assert library.version == THREEDMOL["version"] == "2.5.5"
    assert library.javascript.lstrip().startswith("/*!") or "3Dmol" in library.javascript[:2000]
    assert "BSD" in library.licence or "Redistribution" in library.licence
    # the second call reads the cache: no request (the registry is made unreachable)
    monkeypatch.setenv("STRUCTKIT_NPM_REGISTRY", "http://127.0.0.1:9/unreachable")
    again = viewer_library(cache=tmp_path, offline=True)
    assert again.javascript == library.javascript and again.licence == library.licence


def test_offline_without_cache_is_one_clear_line(tmp_path):
    with pytest.raises(StructkitError, match="not in the cache and offline mode forbids") as info:
        viewer_library(cache=tmp_path, offline=True)
    assert "\n" not in str(info.value) and "STRUCTKIT_3DMOL" in str(info.value)


def test_unreachable_registry_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("STRUCTKIT_NPM_REGISTRY", "http://127.0.0.1:9/unreachable")
    with pytest.raises(StructkitError, match="cannot fetch the 3D viewer library"):
        viewer_library(cache=tmp_path)


def test_a_tampered_tarball_is_refused(tmp_path, monkeypatch, viewer_js):
    fake = tmp_path / "3dmol.tgz"
    fake.write_bytes(b"not the release")
    monkeypatch.setenv("STRUCTKIT_3DMOL", str(fake))
    with pytest.raises(StructkitError, match="not the pinned 3dmol"):
        viewer_library(cache=tmp_path)


def test_a_local_build_is_used(tmp_path, monkeypatch, viewer_js):
    copy = tmp_path / "3Dmol-min.js"
    shutil.copy(viewer_js, copy)
    monkeypatch.setenv("STRUCTKIT_3DMOL", str(copy))
    assert viewer_library(cache=tmp_path / "empty", offline=True).javascript == copy.read_text()
    (tmp_path / "other.js").write_text("console.log('hello')")
    monkeypatch.setenv("STRUCTKIT_3DMOL", str(tmp_path / "other.js"))
    with pytest.raises(StructkitError, match=r"not a 3Dmol\.js build"):
        viewer_library()
