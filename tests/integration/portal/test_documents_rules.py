"""The pure rules of shared documents and milestones (no database): the file names kept, the content
types believed, the download's file name (RFC 6266), reading an upload up to its limit, and when a
milestone's ``done_at`` is set, kept and cleared."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicescape.errors import PayloadTooLarge, ValidationFailed
from servicescape.portal import documents
from servicescape.portal.milestones import status_change
from servicescape.portal.models import Milestone, MilestoneStatus

NOW = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("name", ["", "   ", None, "a/b.txt", "..\\b.txt", "C:\\x.pdf", "bell\x07.txt", "nul\x00.txt",
                                  ".", "..", "x" * 256, "line\nbreak.txt"])
def test_names_with_folders_or_control_characters_are_refused(name: str | None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        documents.checked_filename(name)
    assert refused.value.field == "file"


@pytest.mark.parametrize("name", ["report.txt", "Jelentés – 2026.pdf", "报告.docx", "x" * 255, ".hidden", "a..b"])
def test_ordinary_names_are_kept(name: str) -> None:
    assert documents.checked_filename(f" {name} ") == name


@pytest.mark.parametrize(("given_type", "kept"), [
    ("application/pdf", "application/pdf"), ("text/plain; charset=utf-8", "text/plain; charset=utf-8"),
    ("", "application/octet-stream"), (None, "application/octet-stream"), ("pdf", "application/octet-stream"),
    ("text/html\r\nX-Evil: 1", "application/octet-stream"), ("a/" + "b" * 200, "application/octet-stream")])
def test_content_types(given_type: str | None, kept: str) -> None:
    assert documents.media_type(given_type) == kept


def test_the_download_name_is_ascii_with_the_real_name_beside_it() -> None:
    assert documents.content_disposition("report.txt") == \
        "attachment; filename=\"report.txt\"; filename*=UTF-8''report.txt"
    assert documents.content_disposition("报告.pdf") == \
        "attachment; filename=\"--.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf"
    assert documents.content_disposition('a";b.txt').startswith('attachment; filename="a--b.txt"')


@given(st.text(min_size=1, max_size=300))
def test_any_name_gives_a_header_that_cannot_break_out(name: str) -> None:
    header = documents.content_disposition(name)
    assert header.isascii() and "\r" not in header and "\n" not in header
    ascii_part = header.split('filename="', 1)[1].split('"', 1)[0]
    assert ascii_part and '"' not in ascii_part and "\\" not in ascii_part


def test_an_upload_is_read_up_to_its_limit() -> None:
    assert documents.read_capped(io.BytesIO(b"x" * 10), 10) == b"x" * 10
    with pytest.raises(PayloadTooLarge) as refused:
        documents.read_capped(io.BytesIO(b"x" * 11), 10)
    assert refused.value.field == "file" and refused.value.status_code == 413
    assert documents.upload_limit(50 * 1024 * 1024) == 10 * 1024 * 1024
    assert documents.upload_limit(1024 * 1024) == 1024 * 1024


def test_done_at_is_set_kept_and_cleared() -> None:
    earlier = datetime(2026, 4, 1, tzinfo=UTC)
    planned = Milestone(status=MilestoneStatus.planned, done_at=None)
    done = Milestone(status=MilestoneStatus.done, done_at=earlier)
    assert status_change(None, "done", now=NOW) == {"done_at": NOW}
    assert status_change(planned, MilestoneStatus.done, now=NOW) == {"done_at": NOW}
    assert status_change(done, MilestoneStatus.done, now=NOW) == {}                  # stays done: kept
    assert status_change(done, MilestoneStatus.blocked, now=NOW) == {"done_at": None}
    assert status_change(None, "planned", now=NOW) == {"done_at": None}
