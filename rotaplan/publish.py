"""Publishing a rota folder safely: all files appear at once, or none do.

`publish_rota` writes rota.json and every export into a fresh hidden folder
next to the output folder, and only when all of them are written swaps it into
place with renames. A reader (or a person opening their calendar file) never
sees a half-written folder, a failure leaves the old folder untouched, and an
existing rota is only replaced when asked to (`force`).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
from pathlib import Path

from rotaplan.errors import OutputExistsError
from rotaplan.export import write_exports
from rotaplan.export.grid import STAFF_FOLDER
from rotaplan.files import write_atomic
from rotaplan.problem import Problem
from rotaplan.rota import Rota, rota_to_json

ROTA_JSON = "rota.json"
ROTA_PREFIX = "rota."  # rota.json, rota.csv, rota.xlsx, rota.html
STAFF_SUFFIXES = frozenset({".ics", ".csv"})
# Files a desktop adds by itself when someone looks at a folder; safe to delete.
SYSTEM_CLUTTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_TEMPORARY_TAG = "rotaplan"


def check_output_folder(out: Path, *, force: bool = False) -> None:
    """Raise OutputExistsError unless `publish_rota(..., out, force=force)` may write there.

    Allowed: a folder that does not exist yet, an empty folder, and (with
    `force`) a folder rotaplan wrote before: rota.json beside only rota.*
    files and a staff/ folder of .ics and .csv files. Never allowed, whatever
    `force` says: a file; a folder of other files (an office.yaml kept beside
    the rota, someone's documents after a mistyped `--out`), since replacing
    the folder would delete them; the current folder or one holding it. Cheap:
    call it before solving so a long solve is not wasted.
    """
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir():
        raise OutputExistsError(
            f"{out} exists and is not a folder; nothing was written. "
            "Choose another folder with --out."
        )
    here = Path.cwd().resolve()
    if out.resolve() in (here, *here.parents):
        raise OutputExistsError(
            f"{out}/ is the current folder (or holds it); nothing was written. "
            "Choose a new folder with --out, e.g. --out rota."
        )
    foreign = _foreign_entries(out)
    has_rota = (out / ROTA_JSON).is_file()
    if foreign:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        what = "a rota and other files" if has_rota else "other files and no rota.json"
        raise OutputExistsError(
            f"{out}/ holds {what} ({shown}); nothing was written. rotaplan only replaces "
            "a folder it wrote: move those files away, or choose another folder with --out."
        )
    if has_rota and not force:
        raise OutputExistsError(
            f"{out}/ already holds a rota (rota.json); nothing was written. "
            "Pass --force to replace it, or choose another folder with --out."
        )


def _foreign_entries(out: Path) -> list[str]:
    """Entries of `out` that rotaplan does not write (and so must never delete)."""
    found: list[str] = []
    for entry in out.iterdir():
        if entry.name in SYSTEM_CLUTTER:
            continue
        if entry.name == STAFF_FOLDER and entry.is_dir() and not entry.is_symlink():
            found.extend(
                f"{STAFF_FOLDER}/{inner.name}"
                for inner in entry.iterdir()
                if inner.name not in SYSTEM_CLUTTER
                and not (inner.is_file() and inner.suffix in STAFF_SUFFIXES)
            )
        elif not (entry.is_file() and entry.name.startswith(ROTA_PREFIX)):
            found.append(entry.name)
    return sorted(found)


def publish_rota(
    problem: Problem,
    rota: Rota,
    out: Path,
    *,
    force: bool = False,
    stamp: dt.datetime | None = None,
    workers: int = 1,
) -> list[Path]:
    """Write rota.json and every export into `out` as one step; return the paths written.

    The files are written into a temporary folder beside `out` and renamed
    into place when complete. An existing rota in `out` is replaced only with
    `force` (the old folder is renamed aside, the new one renamed in, then the
    old one deleted); see `check_output_folder` for what is refused, before
    anything is written. On any
    error the temporary folder is removed and `out` is left as it was.
    `stamp` is the publication moment written into calendar files (default now);
    `workers` are the cores the exports may use (`write_exports`).
    """
    out = Path(out)
    check_output_folder(out, force=force)
    # Work on the real folder if `out` is a symbolic link, so the link keeps pointing at it.
    target = out.resolve() if out.is_symlink() else out.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)

    staging = _fresh_folder(target.parent, f".{target.name}.{_TEMPORARY_TAG}-", ".tmp")
    try:
        written = write_exports(problem, rota, staging, stamp=stamp, workers=workers)
        write_atomic(staging / ROTA_JSON, rota_to_json(rota))
        written.insert(0, staging / ROTA_JSON)
        _make_readable(staging)
        os.sync()  # one flush for all staff files (written without a flush each) before the swap
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out / path.relative_to(staging) for path in written]


def _fresh_folder(parent: Path, prefix: str, suffix: str) -> Path:
    """Create a new folder with a random name in `parent`, with the usual permissions."""
    while True:
        path = parent / f"{prefix}{secrets.token_hex(4)}{suffix}"
        try:
            path.mkdir()  # unlike tempfile.mkdtemp, honours the umask (not 0o700)
        except FileExistsError:
            continue
        return path


def _make_readable(folder: Path) -> None:
    """Give written files the permissions a new file normally gets (temp files are 0o600).

    `folder` was made with mkdir, which honours the umask: its mode without the
    execute bits is what a plain new file gets, and reading it avoids os.umask,
    which would change the process-wide setting for a moment.
    """
    mode = folder.stat().st_mode & 0o666
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(mode)


def _swap_in(staging: Path, target: Path) -> None:
    """Move the complete `staging` folder to `target`, replacing whatever folder is there."""
    if not target.exists():
        staging.rename(target)
        _sync_folder(target.parent)
        return
    aside = _aside_name(target)
    target.rename(aside)
    try:
        staging.rename(target)
    except BaseException:
        aside.rename(target)  # put the old rota back
        raise
    _sync_folder(target.parent)
    # The new rota is in place; failing to delete the old copy must not report failure.
    shutil.rmtree(aside, ignore_errors=True)


def _aside_name(target: Path) -> Path:
    while True:
        path = target.parent / f".{target.name}.{_TEMPORARY_TAG}-{secrets.token_hex(4)}.old"
        if not path.exists():
            return path


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries (the renames) to disk where the system allows it."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
