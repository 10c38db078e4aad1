"""Reject reasons raised by the tabular readers are shown in the active UI language."""

from __future__ import annotations

from servicescape import i18n
from servicescape.runtime import Runtime
from tests.integration.importing.conftest import CORPUS, run


def test_reject_reasons_follow_the_active_language(runtime: Runtime) -> None:
    i18n.activate("zh-Hant")
    try:
        report = run(runtime, "clients", CORPUS / "clients_bad_rows.csv")
    finally:
        i18n.activate("en")
    reasons = dict(report.rejects)
    assert reasons[4] == "Created：不是有效日期：'31.02.2024'"
    assert "未知國家/地區：'Atlantis'" in reasons[5]
    assert not any("not a valid date" in reason for reason in reasons.values())
