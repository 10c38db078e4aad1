"""staged_file: the target appears whole, or not at all, and is not overwritten unless asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicescape.platform.files import staged_file


def test_the_file_takes_its_name_only_when_the_block_succeeds(tmp_path: Path) -> None:
    target = tmp_path / "backup.db"
    with staged_file(target) as temp:
        temp.write_bytes(b"whole")
        assert not target.exists() and temp.parent == tmp_path and temp.name.startswith(".backup.db.")
    assert target.read_bytes() == b"whole"
    assert target.stat().st_mode & 0o777 == 0o600
    assert list(tmp_path.iterdir()) == [target]


def test_a_failure_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), staged_file(tmp_path / "backup.db") as temp:
        temp.write_bytes(b"half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_an_existing_target_is_kept_unless_replace(tmp_path: Path) -> None:
    target = tmp_path / "backup.db"
    target.write_bytes(b"older")
    with pytest.raises(FileExistsError), staged_file(target) as temp:
        temp.write_bytes(b"newer")
    assert target.read_bytes() == b"older" and list(tmp_path.iterdir()) == [target]
    with staged_file(target, replace=True) as temp:
        temp.write_bytes(b"newer")
    assert target.read_bytes() == b"newer" and list(tmp_path.iterdir()) == [target]


def test_write_whole_replaces_the_file_and_writes_through_a_link_to_a_device(tmp_path: Path) -> None:
    from servicescape.platform.files import write_whole

    target = tmp_path / "report.pdf"
    target.write_bytes(b"the old report")
    write_whole(target, b"%PDF-1.7 the new one")
    assert target.read_bytes() == b"%PDF-1.7 the new one"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]        # no partial file left
    (tmp_path / "out").symlink_to("/dev/null")
    write_whole(tmp_path / "out", b"to the device")                      # not renamed over the link
    assert (tmp_path / "out").is_symlink()


def test_write_whole_that_fails_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from servicescape.platform import files

    target = tmp_path / "pack.pdf"
    target.write_bytes(b"the old pack")

    def broken(path: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(files, "_fsync", broken)
    with pytest.raises(OSError, match="disk full"):
        files.write_whole(target, b"half")
    assert target.read_bytes() == b"the old pack" and [p.name for p in tmp_path.iterdir()] == ["pack.pdf"]
