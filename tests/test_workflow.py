"""Starting and converting scenarios: `new`, `convert`, `examples` and the xlsx format."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import realpolitik as rp
from realpolitik import scenarios
from realpolitik.cli import main
from realpolitik.errors import InputError
from realpolitik.io import xlsx
from realpolitik.templates import example, example_files, template

FIXTURES = Path(__file__).parent / "fixtures"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", scenarios.names())
def test_xlsx_round_trip_of_builtin_scenarios(tmp_path, name):
    sc = scenarios.load(name)
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(xlsx.dump(sc))
    assert rp.load(path) == sc


def test_xlsx_round_trip_keeps_uncertainty_evidence_and_nested_sections(tmp_path):
    sc = rp.load(FIXTURES / "tiny.yaml")
    data = sc.model_dump(mode="json")
    data["stances"][0]["position_uncertainty"] = {"dist": "triangular", "low": 0, "mode": 5,
                                                  "high": 20}
    data["actors"][1]["capability_uncertainty"] = {"dist": "normal", "mean": 2, "sd": 0.5}
    data["stances"][1]["evidence"] = [{"source": "hand", "quote": "a; b", "kind": "fact",
                                       "about": "position", "note": "n"}]
    data["model_params"] = {"bdm": {"rounds": 4}, "smp": {"vr": "binary"}}
    data["notes"] = ["first", "second"]
    rich = type(sc).model_validate(data)
    path = tmp_path / "rich.xlsx"
    path.write_bytes(xlsx.dump(rich))
    assert rp.load(path) == rich


def test_xlsx_round_trip_keeps_the_agreement_section(tmp_path):
    sc = rp.load(FIXTURES / "agreement" / "deal.yaml")
    assert sc.agreement is not None
    path = tmp_path / "deal.xlsx"
    path.write_bytes(xlsx.dump(sc))
    assert rp.load(path) == sc


def test_xlsx_bytes_are_deterministic():
    sc = scenarios.load(scenarios.DEFAULT)
    assert xlsx.dump(sc) == xlsx.dump(sc)


def _edit(tmp_path, sheet: str, cell: str, value) -> Path:
    src = tmp_path / "ok.xlsx"
    src.write_bytes(xlsx.dump(rp.load(FIXTURES / "tiny.yaml")))
    wb = openpyxl.load_workbook(src)
    wb[sheet][cell] = value
    out = tmp_path / "bad.xlsx"
    wb.save(out)
    return out


@pytest.mark.parametrize(("sheet", "cell", "value", "expect"), [
    ("stances", "D2", 1.5, "stances!D2 (stances[0].salience): 1.5 is out of range"),
    ("stances", "C3", "40,5", "stances!C3: '40,5' uses a decimal comma"),
    ("stances", "C3", "lots", "stances!C3: 'lots' is not a number"),
    ("actors", "Z1", "colour", "actors!Z1: unknown column 'colour'"),
    ("anchors", "A2", "nowhere", "anchors!A2: anchor of unknown issue 'nowhere'"),
    ("scenario", "A2", "colour", "scenario!A2: unknown field 'colour'"),
])
def test_xlsx_errors_name_the_cell(tmp_path, sheet, cell, value, expect):
    with pytest.raises(InputError) as info:
        rp.load(_edit(tmp_path, sheet, cell, value))
    assert expect in str(info.value)


def test_xlsx_that_is_not_a_workbook(tmp_path, capsys):
    path = tmp_path / "fake.xlsx"
    path.write_text("name: not a workbook\n")
    code, out, err = _run(capsys, "validate", str(path))
    assert code == 2 and out == ""
    assert err.strip() == (f"realpolitik: error: {path}: not a readable .xlsx workbook "
                           "(BadZipFile) (allowed: an Excel 2007+ workbook (.xlsx))")


def test_xlsx_unknown_sheet(tmp_path):
    path = tmp_path / "extra-sheet.xlsx"
    path.write_bytes(xlsx.dump(rp.load(FIXTURES / "tiny.yaml")))
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("scratch")
    wb.save(path)
    with pytest.raises(InputError, match="unknown sheet 'scratch'"):
        rp.load(path)


@pytest.mark.parametrize(("actors", "issues"), [(1, 1), (3, 2), (12, 5)])
def test_template_validates_and_has_the_asked_size(actors, issues):
    sc = template("case", actors, issues)
    assert (len(sc.actors), len(sc.issues), len(sc.stances)) == (actors, issues,
                                                                 actors * issues)
    assert all(ev.kind == "judgement" for st in sc.stances for ev in st.evidence)


def test_new_writes_a_valid_file_and_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "case.yaml"
    code, out, _ = _run(capsys, "new", "case", "--actors", "4", "--issues", "3", "-o",
                        str(target))
    assert code == 0 and "wrote" in out
    text = target.read_text()
    assert text.startswith("# A realpolitik scenario")
    sc = rp.load(target)
    assert (sc.name, len(sc.actors), len(sc.issues)) == ("case", 4, 3)
    before = target.read_bytes()
    code, out, err = _run(capsys, "new", "case", "-o", str(target))
    assert code == 2 and "exists already" in err and target.read_bytes() == before
    code, _, _ = _run(capsys, "new", "case", "-o", str(target), "--force")
    assert code == 0 and len(rp.load(target).actors) == 3


def test_new_in_json_and_xlsx(tmp_path, capsys):
    for suffix in (".json", ".xlsx"):
        target = tmp_path / f"case{suffix}"
        assert _run(capsys, "new", "case", "-o", str(target))[0] == 0
        assert rp.load(target) == template("case")


def test_convert_round_trip_through_every_lossless_format(tmp_path, capsys):
    name = scenarios.DEFAULT
    first = tmp_path / "a.xlsx"
    second = tmp_path / "b.json"
    third = tmp_path / "c.yaml"
    assert _run(capsys, "convert", name, str(first))[0] == 0
    assert _run(capsys, "convert", str(first), str(second))[0] == 0
    assert _run(capsys, "convert", str(second), str(third))[0] == 0
    assert rp.load(third) == scenarios.load(name)


def test_convert_to_other_tools_formats_keeps_the_numbers(tmp_path, capsys):
    sc = example()
    src = tmp_path / "case.yaml"
    rp.save(sc, src)
    for fmt in ("ktab-csv", "decide"):
        target = tmp_path / f"case-{fmt}.csv"
        assert _run(capsys, "convert", str(src), str(target), "--output-format", fmt)[0] == 0
        back = rp.load(target)
        assert back.position.shape == sc.position.shape

        def unit(s):  # KTAB CSV has no scales: it holds positions on 0-100
            return (s.position - s.scale_min) / (s.scale_max - s.scale_min)

        assert abs(unit(back) - unit(sc)).max() < 1e-9


def test_convert_errors_are_one_line(tmp_path, capsys):
    code, out, err = _run(capsys, "convert", scenarios.DEFAULT, str(tmp_path / "x.csv"))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "no writer for .csv" in err
    assert "a format name (" in err and "ktab-csv" in err and ".xlsx" in err
    assert "()" not in err  # formats without a suffix are named, not shown as empty
    assert not (tmp_path / "x.csv").exists()


def test_examples_write_files_that_all_read(tmp_path, capsys):
    folder = tmp_path / "ex"
    code, out, _ = _run(capsys, "examples", str(folder))
    assert code == 0 and out.count("wrote") == len(example_files())
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(example_files())
    for name in names:
        if name.endswith(".tsv"):
            continue
        sc = rp.load(folder / name)
        assert len(sc.actors) == 5
    code, _, err = _run(capsys, "examples", str(folder))
    assert code == 2 and "exists already" in err


def test_example_deu_file_backtests(tmp_path, capsys):
    folder = tmp_path / "ex"
    assert _run(capsys, "examples", str(folder))[0] == 0
    from realpolitik.io.deu import read_deu

    data = read_deu(folder / "deu-sample.tsv")
    assert data.usable.sum() == 12
    code, out, _ = _run(capsys, "backtest", "deu", str(folder / "deu-sample.tsv"), "-m",
                        "compromise")
    assert code == 0 and "compromise" in out


def test_validate_lists_every_problem(tmp_path, capsys):
    path = tmp_path / "multi.yaml"
    path.write_text(
        "name: multi\n"
        "actors:\n"
        "  - {id: a, name: A, capability: 1}\n"
        "  - {id: a, name: A2, capability: 1}\n"
        "issues:\n"
        "  - {id: x, name: X, status_quo: 500}\n"
        "stances:\n"
        "  - {actor: a, issue: x, position: 300, salience: 0.5}\n"
        "  - {actor: zz, issue: x, position: 30, salience: 0.5}\n")
    code, out, err = _run(capsys, "validate", str(path))
    assert code == 2
    assert out.splitlines() == [
        f"problem 1: {path}:4: actors[1].id: duplicate id 'a' (first used at actors[0]) "
        "(allowed: unique ids)",
        f"problem 2: {path}:6: issues[0].status_quo: status quo 500 lies outside the scale "
        "(allowed: 0 to 100)",
        f"problem 3: {path}:8: stances[0].position: position 300 lies outside the scale of "
        "issue 'x' (allowed: 0 to 100)",
        f"problem 4: {path}:9: stances[1].actor: unknown actor 'zz' (allowed: an actor id: a)",
    ]
    assert err.splitlines() == [
        f"realpolitik: error: {path}:4: actors[1].id: duplicate id 'a' (first used at "
        "actors[0]) (and 3 more problems) (allowed: unique ids)"]


def test_validate_lists_field_errors_and_consistency_errors_alike(tmp_path, capsys):
    path = tmp_path / "multi.yaml"
    path.write_text(
        "name: multi\n"
        "actors:\n"
        "  - {id: a, name: A, capability: -1}\n"
        "  - {id: b, name: B, capability: 1, colour: red}\n"
        "issues:\n"
        "  - {id: x, name: X}\n"
        "stances:\n"
        "  - {actor: a, issue: x, position: 30, salience: 1.5}\n")
    code, out, err = _run(capsys, "validate", str(path))
    assert code == 2 and len(err.splitlines()) == 1
    assert [line.split(": ")[2] for line in out.splitlines()] == [
        "actors[0].capability", "actors[1].colour", "stances[0].salience"]
