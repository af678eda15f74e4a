"""The forecast ledger: the chain detects a changed entry; outcomes are scored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from realpolitik.analysis import ledger as lg
from realpolitik.cli import main
from realpolitik.errors import InputError

FORECAST = {"as_of": "2026-02-07", "questions": [
    {"id": "talks-resume-2027", "p": 0.1, "horizon": "2027-12-31"},
    {"id": "treaty-2030", "p": 0.02, "horizon": "2030-12-31"}]}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.jsonl"
    lg.add_forecast(path, FORECAST, [("scenario.yaml", b"x: 1\n")], date="2026-02-07")
    lg.add_forecast(path, {"p_deal": 0.7}, [("other.yaml", b"y")], date="2026-03-01")
    lg.add_outcome(path, 2, {"deal": 1}, "a cited source", date="2026-06-01")
    return path


def test_entries_are_chained_and_canonical(book: Path) -> None:
    entries = lg.read_ledger(book)
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev"] == lg.GENESIS
    assert entries[1]["prev"] == entries[0]["hash"] and entries[2]["prev"] == entries[1]["hash"]
    assert entries[0]["inputs"] == [{"name": "scenario.yaml", "sha256": lg.sha256(b"x: 1\n")}]
    assert entries[0]["inputs_sha256"] == lg.sha256(lg.canonical(entries[0]["inputs"]))
    assert entries[0]["model_version"].startswith("realpolitik ")
    assert lg.verify(entries) == []
    # one canonical line per entry: re-serialising changes nothing
    assert book.read_text().splitlines() == [lg.canonical(e) for e in entries]


def test_a_changed_entry_is_detected(book: Path) -> None:
    lines = book.read_text().splitlines()
    lines[0] = lines[0].replace('"p":0.02', '"p":0.2')
    book.write_text("\n".join(lines) + "\n")
    problems = lg.verify(lg.read_ledger(book))
    assert problems == ["entry 1: hash does not match its content (the entry was changed)"]
    # rehashing the changed entry still breaks the link to the next
    entries = lg.read_ledger(book)
    entries[0]["hash"] = lg.entry_hash(entries[0])
    assert lg.verify(entries) == ["entry 2: prev does not match the hash of entry 1"]
    with pytest.raises(InputError, match="chain is broken"):
        lg.add_outcome(book, 1, {"treaty-2030": 0}, "src")


def test_a_removed_entry_is_detected(book: Path) -> None:
    entries = lg.read_ledger(book)
    problems = lg.verify([entries[0], entries[2]])
    assert any("seq is 3, expected 2" in p for p in problems)


def test_score_by_hand(book: Path) -> None:
    lg.add_outcome(book, 1, {"treaty-2030": 0}, "src", date="2030-12-31")
    s = lg.score_ledger(lg.read_ledger(book))
    scored = {r["key"]: r["score"] for r in s["rows"]}
    assert scored == {"talks-resume-2027": None, "treaty-2030": pytest.approx(0.02**2),
                      "deal": pytest.approx(0.3**2)}
    assert s["n_p"] == 2 and s["brier"] == pytest.approx((0.0004 + 0.09) / 2)


def test_point_forecasts_and_bad_outcomes(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    doc = [{"model": "compromise", "issues": [{"id": "territory", "forecast": 30.0}]},
           {"model": "median", "issues": [{"id": "territory", "forecast": 10.0}]}]
    lg.add_forecast(path, doc, [("s", b"")], date="2019-01-22")
    with pytest.raises(InputError, match="no question or issue 'treaty'"):
        lg.add_outcome(path, 1, {"treaty": 0}, "src")
    with pytest.raises(InputError, match="not a forecast"):
        lg.add_outcome(path, 5, {"territory": 0}, "src")
    lg.add_outcome(path, 1, {"territory": 0}, "src", date="2026-02-07")
    s = lg.score_ledger(lg.read_ledger(path))
    assert s["mae"] == pytest.approx(20.0) and s["n_point"] == 2
    with pytest.raises(InputError, match="outside"):
        lg.add_forecast(path, {"p_deal": 1.5}, [("s", b"")])
    with pytest.raises(InputError, match="nothing to score"):
        lg.add_forecast(path, {"x": 1}, [("s", b"")])


def test_cli_add_verify_score(capsys, tmp_path: Path) -> None:
    fc = tmp_path / "forecast.json"
    fc.write_text(json.dumps(FORECAST))
    sc = tmp_path / "scenario.yaml"
    sc.write_text("name: x\n")
    book = tmp_path / "ledger.jsonl"
    code, out, err = run(capsys, "ledger", "add", str(fc), "-i", str(sc), "-l", str(book),
                         "--date", "2026-02-07")
    assert code == 0 and "entry 1 sealed" in out
    code, out, err = run(capsys, "ledger", "outcome", "1", "treaty-2030=0", "--source",
                         "a source", "-l", str(book))
    assert code == 0 and "entry 2" in out
    code, out, err = run(capsys, "ledger", "verify", "-l", str(book))
    assert code == 0 and "2 entries, chain intact" in out
    code, out, err = run(capsys, "ledger", "score", "-l", str(book), "-f", "json")
    data = json.loads(out)
    assert data["n_p"] == 1 and data["brier"] == pytest.approx(0.0004)
    code, out, err = run(capsys, "ledger", "score", "-l", str(book))
    assert code == 0 and "open" in out and "treaty-2030" in out
    book.write_text(book.read_text().replace("0.02", "0.01"))
    code, out, err = run(capsys, "ledger", "verify", "-l", str(book))
    assert code == 1 and "entry 1: hash does not match" in err
    code, out, err = run(capsys, "ledger", "outcome", "1", "treaty-2030=x", "--source", "s",
                         "-l", str(book))
    assert code == 2 and err.count("\n") == 1


def test_cli_add_hashes_the_builtin_scenario(capsys, tmp_path: Path) -> None:
    fc = tmp_path / "f.json"
    code, _, _ = run(capsys, "forecast", "-m", "compromise", "-f", "json", "-o", str(fc))
    assert code == 0
    book = tmp_path / "ledger.jsonl"
    code, _, err = run(capsys, "ledger", "add", str(fc), "-l", str(book))
    assert code == 0, err
    entry = lg.read_ledger(book)[0]
    names = [i["name"] for i in entry["inputs"]]
    assert "built-in:russia-japan.yaml" in names
    assert any(n.startswith("built-in:russia-japan/") for n in names)


def test_project_ledger_is_intact() -> None:
    root = Path(__file__).resolve().parents[1]
    entries = lg.read_ledger(root / "forecasts" / "ledger.jsonl")
    assert entries and lg.verify(entries) == []
    first = entries[0]
    assert first["forecast"]["snapshot"] == "2026-02-suspended"
    assert any(i["name"] == "built-in:russia-japan/snapshots/2026-02-suspended.yaml"
               for i in first["inputs"])
    second = entries[1]["forecast"]  # P(deal) sealed once the model searched faces exactly
    assert second["snapshot"] == "2026-02-suspended" and second["horizon"] == "2030-12-31"
    assert {q["id"] for q in second["questions"]} == {"deal-by-2030-12-31",
                                                      "treaty-by-2030-12-31"}


def test_project_ledger_p_deal_is_what_the_model_computes_today() -> None:
    """The sealed P(deal) is recomputed from the sealed inputs' scenario, same draws and seed."""
    from realpolitik import load
    from realpolitik.analysis.deal import analyse

    root = Path(__file__).resolve().parents[1]
    sealed = lg.read_ledger(root / "forecasts" / "ledger.jsonl")[1]["forecast"]
    got = analyse(load("russia-japan@2026-02"), draws=sealed["draws"], seed=sealed["seed"],
                  widen=sealed["widen"])
    assert got.p_deal == sealed["p_deal"] and got.blockers == sealed["blockers"]
