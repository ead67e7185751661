"""Publishing an output folder: all files at once or none, and never over someone's files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from test_export_common import SMALL_OFFICE, STAMP, load

import rotaplan.export
from rotaplan.errors import OutputExistsError
from rotaplan.problem import Problem
from rotaplan.publish import check_output_folder, publish_rota
from rotaplan.rota import Rota

EXPECTED_TOP = {"rota.json", "rota.csv", "rota.xlsx", "rota.html", "staff"}


@pytest.fixture
def small() -> tuple[Problem, Rota]:
    return load(SMALL_OFFICE)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, by relative path."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def leftovers(parent: Path) -> list[str]:
    """Hidden temporary or set-aside folders publish may have left in `parent`."""
    return sorted(entry.name for entry in parent.iterdir() if entry.name.startswith("."))


def old_rota_folder(out: Path) -> dict[str, bytes]:
    out.mkdir(parents=True)
    (out / "rota.json").write_text('{"old": true}\n', encoding="utf-8")
    (out / "staff").mkdir()
    (out / "staff" / "gone.ics").write_text("old calendar", encoding="utf-8")
    return tree(out)


def test_publish_into_a_new_folder(tmp_path: Path, small: tuple[Problem, Rota]) -> None:
    problem, rota = small
    out = tmp_path / "out"
    written = publish_rota(problem, rota, out, stamp=STAMP)
    assert {path.name for path in out.iterdir()} == EXPECTED_TOP
    assert written[0] == out / "rota.json"
    assert all(path.is_file() and out in path.parents for path in written)
    assert sorted(written) == sorted(out / name for name in tree(out))
    assert {p.name for p in (out / "staff").iterdir()} == {
        f"{person.id}{suffix}" for person in problem.people for suffix in (".ics", ".csv")
    }
    assert json.loads((out / "rota.json").read_text(encoding="utf-8"))["office"] == rota.office
    assert leftovers(tmp_path) == []


def test_publish_creates_missing_parent_folders(
    tmp_path: Path, small: tuple[Problem, Rota]
) -> None:
    problem, rota = small
    out = tmp_path / "a" / "b" / "out"
    publish_rota(problem, rota, out, stamp=STAMP)
    assert (out / "rota.json").is_file()


def test_refuses_to_replace_a_rota_without_force(
    tmp_path: Path, small: tuple[Problem, Rota]
) -> None:
    problem, rota = small
    out = tmp_path / "out"
    before = old_rota_folder(out)
    with pytest.raises(OutputExistsError) as error:
        publish_rota(problem, rota, out, stamp=STAMP)
    message = str(error.value)
    assert str(out) in message and "--force" in message and "--out" in message
    assert tree(out) == before
    assert leftovers(tmp_path) == []


def test_force_replaces_the_old_rota_entirely(tmp_path: Path, small: tuple[Problem, Rota]) -> None:
    problem, rota = small
    out = tmp_path / "out"
    old_rota_folder(out)
    publish_rota(problem, rota, out, force=True, stamp=STAMP)
    assert not (out / "staff" / "gone.ics").exists()
    assert json.loads((out / "rota.json").read_text(encoding="utf-8"))["office"] == rota.office
    assert {path.name for path in out.iterdir()} == EXPECTED_TOP
    assert leftovers(tmp_path) == []


def test_an_empty_folder_is_simply_used(tmp_path: Path, small: tuple[Problem, Rota]) -> None:
    problem, rota = small
    out = tmp_path / "out"
    out.mkdir()
    publish_rota(problem, rota, out, stamp=STAMP)
    assert {path.name for path in out.iterdir()} == EXPECTED_TOP


@pytest.mark.parametrize("force", [False, True])
def test_refuses_a_folder_of_other_files_even_with_force(
    tmp_path: Path, small: tuple[Problem, Rota], force: bool
) -> None:
    problem, rota = small
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(OutputExistsError, match=r"thesis\.docx"):
        publish_rota(problem, rota, out, force=force, stamp=STAMP)
    assert tree(out) == {"thesis.docx": b"precious"}
    assert leftovers(tmp_path) == []


def test_refuses_a_file_in_the_way(tmp_path: Path, small: tuple[Problem, Rota]) -> None:
    problem, rota = small
    out = tmp_path / "out"
    out.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="not a folder"):
        publish_rota(problem, rota, out, force=True, stamp=STAMP)
    assert out.read_text(encoding="utf-8") == "not a folder"


def test_check_output_folder_is_the_same_test_without_writing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    check_output_folder(out)
    old_rota_folder(out)
    with pytest.raises(OutputExistsError):
        check_output_folder(out)
    check_output_folder(out, force=True)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_export_leaves_nothing_behind(
    tmp_path: Path, small: tuple[Problem, Rota], monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    problem, rota = small

    def broken(*_: object, **__: object) -> list[Path]:
        raise RuntimeError("disk full while writing the workbook")

    monkeypatch.setattr(rotaplan.export, "write_xlsx", broken)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="disk full"):
        publish_rota(problem, rota, out, stamp=STAMP, workers=workers)
    assert not out.exists()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_export_keeps_the_old_rota(
    tmp_path: Path, small: tuple[Problem, Rota], monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    problem, rota = small
    out = tmp_path / "out"
    before = old_rota_folder(out)

    def broken(*_: object, **__: object) -> list[Path]:
        raise RuntimeError("calendar failed")

    monkeypatch.setattr(rotaplan.export, "write_ics", broken)
    with pytest.raises(RuntimeError, match="calendar failed"):
        publish_rota(problem, rota, out, force=True, stamp=STAMP, workers=workers)
    assert tree(out) == before
    assert leftovers(tmp_path) == []


def test_a_failing_swap_puts_the_old_rota_back(
    tmp_path: Path, small: tuple[Problem, Rota], monkeypatch: pytest.MonkeyPatch
) -> None:
    problem, rota = small
    out = tmp_path / "out"
    before = old_rota_folder(out)
    real_rename = Path.rename

    def rename(self: Path, target: str | os.PathLike[str]) -> Path:
        if self.name.endswith(".tmp"):
            raise OSError("rename refused")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError, match="rename refused"):
        publish_rota(problem, rota, out, force=True, stamp=STAMP)
    monkeypatch.undo()
    assert tree(out) == before
    assert leftovers(tmp_path) == []


def test_files_get_ordinary_permissions(tmp_path: Path, small: tuple[Problem, Rota]) -> None:
    problem, rota = small
    previous = os.umask(0o022)
    try:
        publish_rota(problem, rota, tmp_path / "out", stamp=STAMP)
    finally:
        os.umask(previous)
    for path in (tmp_path / "out").rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))


def test_a_symbolic_link_keeps_pointing_at_the_new_rota(
    tmp_path: Path, small: tuple[Problem, Rota]
) -> None:
    problem, rota = small
    real = tmp_path / "real"
    old_rota_folder(real)
    link = tmp_path / "current"
    link.symlink_to(real, target_is_directory=True)
    written = publish_rota(problem, rota, link, force=True, stamp=STAMP)
    assert link.is_symlink()
    assert (link / "rota.csv").is_file()
    assert not (real / "staff" / "gone.ics").exists()
    assert all(str(path).startswith(str(link)) for path in written)


def test_republishing_the_same_rota_gives_the_same_files(
    tmp_path: Path, small: tuple[Problem, Rota]
) -> None:
    problem, rota = small
    publish_rota(problem, rota, tmp_path / "a", stamp=STAMP)
    publish_rota(problem, rota, tmp_path / "b", stamp=STAMP)
    first, second = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert "rota.xlsx" in first
    assert first == second


def test_two_workers_write_the_same_files_as_one(
    tmp_path: Path, small: tuple[Problem, Rota]
) -> None:
    problem, rota = small
    one = publish_rota(problem, rota, tmp_path / "one", stamp=STAMP)
    two = publish_rota(problem, rota, tmp_path / "two", stamp=STAMP, workers=2)
    assert [path.relative_to(tmp_path / "one") for path in one] == [
        path.relative_to(tmp_path / "two") for path in two
    ]
    first, second = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert sum(name.endswith(".ics") for name in first) == len(problem.people)
    assert first == second


def test_force_never_deletes_files_rotaplan_did_not_write(
    tmp_path: Path, small: tuple[Problem, Rota]
) -> None:
    problem, rota = small
    out = tmp_path / "out"
    old_rota_folder(out)
    (out / "office.yaml").write_text("office: {}\n", encoding="utf-8")
    before = tree(out)
    with pytest.raises(OutputExistsError, match=r"office\.yaml"):
        publish_rota(problem, rota, out, force=True, stamp=STAMP)
    assert tree(out) == before
    assert leftovers(tmp_path) == []


def test_force_refuses_a_foreign_file_in_the_staff_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    old_rota_folder(out)
    (out / "staff" / "notes.docx").write_bytes(b"mine")
    with pytest.raises(OutputExistsError, match=r"staff/notes\.docx"):
        check_output_folder(out, force=True)


def test_desktop_clutter_does_not_block_a_replacement(
    tmp_path: Path, small: tuple[Problem, Rota]
) -> None:
    problem, rota = small
    out = tmp_path / "out"
    old_rota_folder(out)
    (out / ".DS_Store").write_bytes(b"\0")
    (out / "staff" / "Thumbs.db").write_bytes(b"\0")
    publish_rota(problem, rota, out, force=True, stamp=STAMP)
    assert not (out / ".DS_Store").exists()


def test_refuses_the_current_folder(
    tmp_path: Path, small: tuple[Problem, Rota], monkeypatch: pytest.MonkeyPatch
) -> None:
    problem, rota = small
    out = tmp_path / "out"
    old_rota_folder(out)
    monkeypatch.chdir(out / "staff")
    for folder in (Path("."), Path("..")):
        with pytest.raises(OutputExistsError, match="current folder"):
            publish_rota(problem, rota, folder, force=True, stamp=STAMP)
    assert (out / "staff" / "gone.ics").exists()
