"""Price research from the terminal and the API: a file of Van Westendorp answers analysed without
storing it (CSV and XLSX; points checked by hand), invalid answers counted, a bad cell named by line
and column; studies stored all or nothing and analysed by segment with the minimum sample."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import Workbook
from typer.testing import CliRunner

from servicescape.cli.main import app
from servicescape.runtime import Runtime

runner = CliRunner()

#: four valid answers and one out of order (d). By hand, on the grid of every price given
#: (5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 60): "too cheap" is the share whose too-cheap price is
#: above p, "too expensive" the share whose too-expensive price is at or below p; OPP is the first
#: p where too expensive ≥ too cheap: at 20 both are 0 (at 15: 1/4 against 0) → 20. IDP: expensive
#: (≤ p) reaches cheap (> p) at 25 (1/4 each; at 20: 1/4 against 2/4) → 25.
ROWS = [("a", "Commercial", 10, 20, 30, 40), ("b", "Commercial", 15, 25, 35, 50), ("c", "Residential", 5, 10, 20, 30),
        ("d", "Residential", 30, 20, 40, 50), ("e", "Commercial", 20, 30, 45, 60)]
HEADER = ("respondent", "segment", "too_cheap", "cheap", "expensive", "too_expensive")


def write_csv(path: Path, rows: list[tuple[object, ...]] = ROWS) -> Path:
    path.write_text("\n".join(",".join(str(v) for v in row) for row in [HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_file_analysed_without_storing_it(tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "answers.csv")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [HEADER, *ROWS]:
        sheet.append(list(row))
    workbook.save(tmp_path / "answers.xlsx")
    for path in (csv_file, tmp_path / "answers.xlsx"):
        result = runner.invoke(app, ["pricing", "van-westendorp", str(path), "--json", "--minimum", "3"])
        assert result.exit_code == 0, result.output
        found = json.loads(result.stdout)
        assert (found["opp"], found["idp"], found["valid"], found["invalid"], found["total"]) == (20, 25, 4, 1, 5)
        assert found["convention"] == "original" and found["pmc"] is not None and found["pme"] is not None
        segments = {s["segment"]: s for s in found["segments"]}
        assert segments["Commercial"]["too_few"] is False and segments["Commercial"]["valid"] == 3
        assert segments["Residential"] == {"segment": "Residential", "too_few": True, "valid": 1, "minimum": 3}
    narrower = json.loads(runner.invoke(app, ["pricing", "van-westendorp", str(csv_file), "--json",
                                              "--convention", "narrower"]).stdout)
    assert narrower["convention"] == "narrower"
    table = runner.invoke(app, ["pricing", "van-westendorp", str(csv_file)])
    assert table.exit_code == 0 and "optimal price point (OPP)" in table.stdout and "1 invalid" in table.stdout


def test_a_bad_cell_is_named_and_nothing_is_printed(tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "bad.csv", [*ROWS[:2], ("x", "Commercial", 10, "twenty", 30, 40)])
    result = runner.invoke(app, ["pricing", "van-westendorp", str(bad), "--json"])
    assert result.exit_code == 1 and "line 4" in result.output and "cheap" in result.output
    missing = tmp_path / "missing.csv"
    missing.write_text("too_cheap,cheap\n1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["pricing", "van-westendorp", str(missing)])
    assert result.exit_code == 1 and "expensive, too_expensive" in result.output


def test_studies_store_all_or_nothing(api: TestClient, runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    bad_grid = api.post("/api/v1/price-studies", json={"name": "GG", "method": "gabor_granger", "currency": "EUR",
                                                       "grid": ["300", "200"]})
    assert bad_grid.status_code == 422 and bad_grid.json()["error"]["field"] == "grid"
    no_grid = api.post("/api/v1/price-studies", json={"name": "GG", "method": "gabor_granger", "currency": "EUR"})
    assert no_grid.status_code == 422 and no_grid.json()["error"]["field"] == "grid"
    study = api.post("/api/v1/price-studies", json={"name": "Wave 1", "method": "van_westendorp", "currency": "EUR",
                                                    "minimum_sample": 3}).json()
    bad = write_csv(tmp_path / "bad.csv", [*ROWS, ("z", "", 1, "?", 3, 4)])
    result = runner.invoke(app, ["pricing", "import", str(study["id"]), str(bad), "--db", db_url])
    assert result.exit_code == 1 and "line 7" in result.output
    assert api.get(f"/api/v1/price-studies/{study['id']}/analysis").json()["analysis"]["whole"]["total"] == 0
    result = runner.invoke(app, ["pricing", "import", str(study["id"]), str(write_csv(tmp_path / "ok.csv")),
                                 "--db", db_url])
    assert result.exit_code == 0, result.output
    analysis = api.get(f"/api/v1/price-studies/{study['id']}/analysis").json()["analysis"]
    assert (analysis["whole"]["opp"], analysis["whole"]["idp"], analysis["whole"]["invalid"]) == (20, 25, 1)
    shown = json.loads(runner.invoke(app, ["pricing", "show", str(study["id"]), "--json", "--db", db_url]).stdout)
    assert shown["opp"] == 20 and shown["valid"] == 4
    listed = json.loads(runner.invoke(app, ["pricing", "studies", "--json", "--db", db_url]).stdout)
    assert listed[0]["answers"] == 5
    made = runner.invoke(app, ["pricing", "create", "Wave 2", "--method", "gabor_granger", "--grid", "100,150",
                               "--json", "--db", db_url])
    assert made.exit_code == 0 and json.loads(made.stdout)["method"] == "gabor_granger"
    bad = runner.invoke(app, ["pricing", "create", "Wave 3", "--method", "conjoint", "--db", db_url])
    assert bad.exit_code == 1 and "method" in bad.output
    wrong_kind = api.post(f"/api/v1/price-studies/{study['id']}/answers",
                          json={"gabor_granger": [{"respondent": "a", "price": 10, "buys": True}]})
    assert wrong_kind.status_code == 422 and wrong_kind.json()["error"]["field"] == "gabor_granger"
    stored = api.post(f"/api/v1/price-studies/{study['id']}/answers", json={"replace": True, "van_westendorp": [
        {"too_cheap": 1, "cheap": 2, "expensive": 3, "too_expensive": 4}]})
    assert stored.status_code == 201 and stored.json()["stored"] == 1


def test_gabor_granger_demand_and_the_best_price(api: TestClient) -> None:
    # by hand: at 100 all 4 buy (revenue 100), at 150 three (112.5), at 200 one (50) → 150
    answers = [{"respondent": r, "price": p, "buys": b} for r, buys in
               (("a", (1, 1, 1)), ("b", (1, 1, 0)), ("c", (1, 1, 0)), ("d", (1, 0, 0)))
               for p, b in zip((100, 150, 200), (bool(x) for x in buys), strict=True)]
    found = api.post("/api/v1/price-studies/analyse/gabor-granger",
                     json={"answers": answers, "grid": [100, 150, 200], "minimum_sample": 1}).json()["analysis"]
    points = found["whole"]["points"]
    assert [p["demand"] for p in points] == [1.0, 0.75, 0.25] and [p["revenue"] for p in points] == [100, 112.5, 50]
    assert found["whole"]["best_price"] == 150
    out_of_order = api.post("/api/v1/price-studies/analyse/gabor-granger",
                            json={"answers": answers, "grid": [150, 100, 200]})
    assert out_of_order.status_code == 422 and out_of_order.json()["error"]["field"] == "grid"
    psm = api.post("/api/v1/price-studies/analyse/van-westendorp", json={"answers": [
        {"too_cheap": a[2], "cheap": a[3], "expensive": a[4], "too_expensive": a[5], "segment": a[1]} for a in ROWS]})
    assert psm.status_code == 200 and psm.json()["analysis"]["whole"]["opp"] == 20
