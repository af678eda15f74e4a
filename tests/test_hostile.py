"""Hostile and odd inputs: every reader, overlay and option refuses them with one line.

Each case runs the command line in-process (``realpolitik.cli.main``) and asserts exit code
2, exactly one line on stderr, no traceback, no output file left behind and a bound on the
time taken. A few cases run as real processes, where only a process shows the failure
(memory, a hang in the interpreter).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from realpolitik.cli import main

from .conftest import FIXTURES, ROOT

TINY = FIXTURES / "tiny.yaml"
SECONDS = 20.0  # far above what a refusal takes; a hang or a blow-up exceeds it


def refused(capsys, *args: str, seconds: float = SECONDS, match: str | None = None) -> str:
    """Run the CLI; assert the one-line refusal and return the line."""
    start = time.perf_counter()
    code = main([str(a) for a in args])
    took = time.perf_counter() - start
    out, err = capsys.readouterr()
    assert code == 2, (code, out[-500:], err[-2000:])
    lines = err.splitlines()
    assert len(lines) == 1, err[-2000:]
    assert "Traceback" not in err and "Warning" not in err
    assert lines[0].startswith("realpolitik: error: ")
    assert took < seconds, f"took {took:.1f} s"
    if match is not None:
        assert match in lines[0], lines[0]
    return lines[0]


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- bounded parsing ------------------------------------------------------------------

LAUGHS = "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9) if a else ', '.join(['lol'] * 9)}]\n"
    for a, b in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)


def test_billion_laughs_is_small_and_refused_fast(capsys, tmp_path: Path) -> None:
    assert len(LAUGHS) < 400  # the classic attack: a few hundred bytes, 9**9 nodes
    path = write(tmp_path, "laughs.yaml", LAUGHS)
    for command in ("validate", "forecast", "show"):
        refused(capsys, command, path, seconds=10, match="aliases expand")


def test_recursive_alias(capsys, tmp_path: Path) -> None:
    refused(capsys, "validate", write(tmp_path, "r.yaml", "a: &a [1, *a]\n"),
            match="contains it")


def test_a_few_aliases_still_work(capsys, tmp_path: Path) -> None:
    # evidence shared through an anchor is ordinary YAML and stays allowed
    text = TINY.read_text(encoding="utf-8").replace(
        "  - {actor: a, issue: land, position: 0, salience: 1.0}",
        "  - {actor: a, issue: land, position: 0, salience: 1.0, evidence: &ev "
        "[{source: hand, quote: q, kind: judgement}]}\n"
        "  - {actor: b, issue: money, position: 5, salience: 0.1, evidence: *ev}")
    assert "*ev" in text
    assert main(["validate", str(write(tmp_path, "alias.yaml", text))]) == 0
    assert "6 stances" in capsys.readouterr().out


@pytest.mark.parametrize("depth", [100, 5_000, 100_000])
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_deep_nesting(capsys, tmp_path: Path, depth: int, suffix: str) -> None:
    path = write(tmp_path, f"deep{suffix}", '{"name": ' + "[" * depth + "]" * depth + "}")
    refused(capsys, "validate", path, match="levels deep")


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_huge_integer(capsys, tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path, f"big{suffix}", '{"name": ' + "7" * 5000 + "}")
    refused(capsys, "validate", path, match="integer")


def test_hex_integer_yaml(capsys, tmp_path: Path) -> None:
    refused(capsys, "validate", write(tmp_path, "h.yaml", "name: 0x" + "f" * 5000 + "\n"),
            match="integer")


def test_oversized_file(capsys, tmp_path: Path) -> None:
    from realpolitik.errors import MAX_INPUT_BYTES

    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:
        fh.truncate(MAX_INPUT_BYTES + 1)
    refused(capsys, "validate", path, match="too large")


def test_overlay_files_are_bounded_too(capsys, tmp_path: Path) -> None:
    for name, text in (("laughs.yaml", LAUGHS), ("deep.yaml", "[" * 5000 + "]" * 5000)):
        refused(capsys, "whatif", write(tmp_path, name, text))
        refused(capsys, "whatif", "russia-japan", write(tmp_path, name, text))


# --- output files -----------------------------------------------------------------------

OUTPUT_COMMANDS = [
    ["forecast", str(TINY), "-m", "mean"],
    ["simulate", str(TINY), "-n", "4"],
    ["sensitivity", str(TINY)],
    ["whatif"],
    ["timeline"],
    ["backtest", "russia-japan", "-m", "mean"],
    ["report", str(TINY)],
    ["plot", "actors", str(TINY)],
    ["deal"],
    ["levers"],
]


@pytest.mark.parametrize("command", OUTPUT_COMMANDS, ids=lambda c: c[0])
def test_output_is_a_directory(capsys, tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "out.svg"
    target.mkdir()
    start = time.perf_counter()
    refused(capsys, *command, "-o", target, match="is a directory")
    assert time.perf_counter() - start < 5  # refused before any model runs
    assert list(target.iterdir()) == []


@pytest.mark.parametrize("command", OUTPUT_COMMANDS, ids=lambda c: c[0])
def test_output_into_missing_directory(capsys, tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "missing" / "out.svg"
    refused(capsys, *command, "-o", target, match="does not exist")
    assert not target.parent.exists()


def test_output_inside_a_file(capsys, tmp_path: Path) -> None:
    blocker = write(tmp_path, "file.txt", "x")
    refused(capsys, "forecast", TINY, "-o", blocker / "out.txt")


# --- usage errors: one line, like every other error -------------------------------------

@pytest.mark.parametrize("args", [
    ["forecast", "--seed", "abc"],
    ["forecast", "-f", "xml"],
    ["plot", "bogus"],
    ["whatif", "--draws", "0"],
    ["simulate", "--draws", "0"],
    ["forecast", "--no-such-option"],
    ["no-such-command"],
    ["backtest", "deu"],
    ["simulate", "-n"],
])
def test_usage_errors_are_one_line(capsys, args: list[str]) -> None:
    line = refused(capsys, *args)
    assert "Usage:" not in line


def test_bare_group_still_shows_help(capsys) -> None:
    code = main(["backtest"])
    out, err = capsys.readouterr()
    assert code == 2 and "russia-japan" in out + err


# --- a few real processes ---------------------------------------------------------------

def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src")
    env.setdefault("MPLBACKEND", "Agg")
    return env


@pytest.mark.parametrize("name", ["laughs.yaml", "deep.json"])
def test_subprocess_refusal(tmp_path: Path, name: str) -> None:
    text = LAUGHS if name == "laughs.yaml" else "[" * 100_000 + "]" * 100_000
    path = write(tmp_path, name, text)
    proc = subprocess.run([sys.executable, "-m", "realpolitik", "forecast", str(path)],
                          capture_output=True, text=True, env=_env(), timeout=60)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
    assert proc.stdout == ""


# --- huge and tiny numbers: refused with the allowed range ------------------------------

def _tiny_with(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = TINY.read_text(encoding="utf-8")
    assert old in text
    return write(tmp_path, name, text.replace(old, new))


@pytest.mark.parametrize("old,new,match", [
    ("capability: 3}", "capability: 1e308}", "0 to 1e+15"),
    ("capability: 3}", "capability: 1e-300}", "too small"),
    ("position: 8, salience: 1.0}", "position: 8, salience: 1e-300}", "too small"),
    ("scale: {min: 0, max: 10}", "scale: {min: -1e308, max: 1e308}", "-1e+15 to 1e+15"),
    ("scale: {min: 0, max: 10}", "scale: {min: 1e14, max: 100000000000000.01}", "too narrow"),
    ("status_quo: 0", "status_quo: 1e300", "out of range"),
])
@pytest.mark.parametrize("command", [["validate"], ["forecast", "-m", "smp", "-f", "json"]])
def test_extreme_numbers(capsys, tmp_path: Path, old: str, new: str, match: str,
                         command: list[str]) -> None:
    path = _tiny_with(tmp_path, "x.yaml", old, new)
    refused(capsys, *command, path, match=match)


# --- Monte Carlo sizes: refused before anything is allocated ----------------------------

@pytest.mark.parametrize("args", [
    ["simulate", str(TINY), "--draws", "1000000000000"],
    ["whatif", "--draws", "1000000000000", "-m", "mean"],
    ["report", str(TINY), "--draws", "1000000000000"],
    ["plot", "distribution", str(TINY), "--draws", "1000000000000"],
    ["simulate", str(TINY), "--chunk-size", "100000000000"],
    ["simulate", str(TINY), "--workers", "100000"],
    ["deal", "--draws", "1000000000000"],
], ids=["simulate", "whatif", "report", "plot", "chunk-size", "workers", "deal"])
def test_draws_that_cannot_fit(capsys, tmp_path: Path, args: list[str]) -> None:
    import tracemalloc

    out = tmp_path / ("out.svg" if args[0] == "plot" else "out.html")
    extra = ["-o", str(out)] if args[0] in {"report", "plot"} else []
    import realpolitik.analysis.whatif
    import realpolitik.report.html
    import realpolitik.report.plots  # noqa: F401  (imports are slow to trace; not measured)

    tracemalloc.start()
    try:
        line = refused(capsys, *args, *extra)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    assert "allowed: " in line and not out.exists()


def test_memory_estimate_grows_with_draws(tiny) -> None:
    from realpolitik.analysis.montecarlo import memory_needed

    small, per = memory_needed(tiny, 1000)
    big, _ = memory_needed(tiny, 1_000_000)
    assert big - small == per * 999_000 and per >= 8 * len(tiny.issues)


# --- other tools' formats: what used to be dropped or guessed is refused with its line -------

KTAB = ("Case,\"a test\",3,1,\nActor,Description,Power,P1,S1,\n"
        "A,one,10,20,50,\nB,two,20,50,60,\nC,three,30,80,70,\n")


@pytest.mark.parametrize("text,match", [
    (KTAB + "D,four,40,10,50,\nE,five,5,90,50,\n", "x.csv:6: row 1 declares nActors 3 but 5"),
    (KTAB + "\nD,four,40,10,50,\n", "x.csv:7: row 1 declares nActors 3"),
    (KTAB.replace("A,one,10,20,50,", "A,one,10,20,50,99,"), "x.csv:3: the row has 6 non-empty"),
    (KTAB.replace("A,one,", 'A,"one,'), "x.csv:3: a quote"),
    (KTAB.replace("A,one,", '"A,one,'), "x.csv:3: a quote"),
    (KTAB.replace('"a test"', '"a test'), "matches no known .csv format"),
    (KTAB.replace("A,one,10,", "A,one,1e300,"), "x.csv:3: capability"),
])
def test_ktab_csv(capsys, tmp_path: Path, text: str, match: str) -> None:
    refused(capsys, "validate", write(tmp_path, "x.csv", text), match=match)


def test_ktab_csv_trailing_comma_and_blank_lines_still_read(capsys, tmp_path: Path) -> None:
    assert main(["validate", str(write(tmp_path, "ok.csv", KTAB + "\n\n"))]) == 0
    assert "3 actors" in capsys.readouterr().out


DECIDE = ("#A\ta\tA\n#A\tb\tB\n#P\tk\tK\n#M\tk\t0\tnone\n#M\tk\t100\tall\n"
          "#D\ta\tk\t10\t0.5\t1\n#D\tb\tk\t90\t0.5\t1\n")


@pytest.mark.parametrize("text,match", [
    (DECIDE + "#Z\tsomething\n", "line 8: unknown row tag '#Z'"),
    (DECIDE.replace("#M\tk\t0\tnone\n#M\tk\t100\tall\n", ""), "line 3: issue 'k' has no #M"),
    (DECIDE.replace("#A\tb\tB\n", "#A\tb\tB\n#A\ta\tAgain\n"), "actor 'a' is declared twice"),
    (DECIDE.replace("#P\tk\tK\n", "#P\tk\tK\n#P\tk\tK2\n"), "issue 'k' is declared twice"),
    (DECIDE.replace("0.5\t1\n#D\tb", "0.5\t1e300\n#D\tb"),
     "line 6: #D power (field 6) '1e300' is not a number"),
    (DECIDE.replace("0.5\t1\n#D\tb", "1e-300\t1\n#D\tb"), "line 6: salience 1e-300 is too"),
])
def test_decide(capsys, tmp_path: Path, text: str, match: str) -> None:
    refused(capsys, "validate", write(tmp_path, "x.txt", text), match=match)


def test_decide_comments_still_read(capsys, tmp_path: Path) -> None:
    text = "#O\tcase\n#/\tnote\n#0\tnote\n" + DECIDE
    assert main(["validate", str(write(tmp_path, "ok.txt", text))]) == 0
    capsys.readouterr()


BDM = "Actor,Capability,Position,Salience\nA003,10,20,0.5\nBeta Party,20,80,0.7\n"


@pytest.mark.parametrize("text,match", [
    (BDM + "Gamma,1e308,50,0.5\n", "x.csv:4: Capability: capability '1e308' is out of range"),
    (BDM + "Gamma,1,5e300,0.5\n", "x.csv:4: Position"),
    (BDM + "Gamma,1e-300,50,0.5\n", "x.csv:4: Capability"),
    (BDM + ("G" * 500) + ",1,50,0.5\n", "x.csv:4: actor name of 500 characters"),
])
def test_bdm_table(capsys, tmp_path: Path, text: str, match: str) -> None:
    refused(capsys, "validate", write(tmp_path, "x.csv", text), match=match)


def test_bdm_table_keeps_the_files_ids(tmp_path: Path) -> None:
    import realpolitik as rp

    sc = rp.load(write(tmp_path, "sheet.csv", BDM + " padded name ,5,50,0.5\n"))
    assert sc.actor_ids == ("A003", "Beta Party", "padded name")


def _deu(rows: list[str]) -> str:
    header = "\t".join(["prnr", "isnr", "proc", "counvte", "pa", "pb", "pc", "sa", "sb", "sc",
                        "rp", "out"])
    gdp = "\t".join(["", "", "", "", "1", "2", "3", "", "", "", "", ""])
    return "\n".join([header, gdp, *rows]) + "\n"


ISSUE = "\t".join(["d01", "d01i1", "COD", "QMV", "10", "50", "90", "50", "50", "50", "0", "40"])


@pytest.mark.parametrize("rows,match", [
    ([ISSUE, ISSUE.replace("d01i1", "d01i2")[:20]], "x.tsv:4: 5 fields, fewer than"),
    ([ISSUE + "\t1"], "x.tsv:3: 13 fields, more than"),
    ([ISSUE.replace("\t10\t", "\t1e300\t")], "x.tsv:3"),
])
def test_deu_file(capsys, tmp_path: Path, rows: list[str], match: str) -> None:
    path = write(tmp_path, "x.tsv", _deu(rows))
    refused(capsys, "backtest", "deu", path, "-m", "mean", match=match)


@pytest.mark.parametrize("since", ["yesterday", "2018-13", "2019-02-30", "18", "2018/11"])
def test_timeline_since(capsys, since: str) -> None:
    refused(capsys, "timeline", "--since", since, match="--since")


def test_timeline_since_accepts_dates(capsys) -> None:
    for since in ("2018", "2018-11", "2018-11-14"):
        assert main(["timeline", "--since", since, "-f", "csv"]) == 0
    capsys.readouterr()


# --- the web app's upload path: the same bounded readers, an error instead of a hang ----------

@pytest.mark.parametrize("name", ["laughs.yaml", "deep.json", "big.json", "rows.csv"])
def test_app_upload_is_refused(name: str) -> None:
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    content = {
        "laughs.yaml": LAUGHS,
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "big.json": '{"name": ' + "9" * 5000 + "}",
        "rows.csv": KTAB + "D,four,40,10,50,\n",
    }[name].encode()
    at = AppTest.from_file(str(ROOT / "src" / "realpolitik" / "app" / "streamlit_app.py"),
                           default_timeout=120)
    at.run()
    start = time.perf_counter()
    at.file_uploader[0].upload(name, content).run()
    assert time.perf_counter() - start < 60
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(e.startswith(f"Could not read the file: {name}") for e in errors), errors


def test_smp_when_every_actor_agrees(capsys, tmp_path: Path) -> None:
    """KTAB divides by zero when all risk-neutral win probabilities are equal."""
    text = TINY.read_text(encoding="utf-8")
    for old in ("position: 0, salience: 1.0}", "position: 100, salience: 0.5}"):
        text = text.replace(old, old.replace("position: 0,", "position: 50,")
                            .replace("position: 100,", "position: 50,"))
    path = write(tmp_path, "agree.yaml", text)
    assert main(["forecast", str(path), "-m", "smp", "-f", "json"]) == 0
    import json

    land = json.loads(capsys.readouterr().out)["issues"][0]
    assert land["id"] == "land" and land["forecast"] == 50


def test_xml_entity_bomb(capsys, tmp_path: Path) -> None:
    ents = '<!ENTITY a "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi",
                                                                   strict=True))
    path = write(tmp_path, "bomb.xml", f'<?xml version="1.0"?><!DOCTYPE Scenario [{ents}]>'
                 "<Scenario><name>&i;</name></Scenario>")
    refused(capsys, "validate", path, seconds=10, match="malformed XML")


def test_xlsx_zip_bomb(capsys, tmp_path: Path) -> None:
    import zipfile

    from realpolitik.io.xlsx import MAX_UNPACKED

    path = tmp_path / "bomb.xlsx"
    block = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z, \
            z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
        for _ in range(MAX_UNPACKED // len(block) + 1):
            fh.write(block)
    assert path.stat().st_size < 2 * 2**20  # a small file that would unpack to 256 MiB
    refused(capsys, "validate", path, seconds=20, match="unpacks to")
