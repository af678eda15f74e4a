"""KTAB salience totals over 100 and decimal commas (``40,5``) in the delimited readers:
read where unambiguous (and said so in the notes), else refused naming file, line, column
and what to write instead."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import realpolitik as rp
from realpolitik.io._numbers import DecimalComma, comma_decimal
from realpolitik.templates import example_files


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path, **options) -> str:
    with pytest.raises(rp.InputError) as info:
        rp.load(path, **options)
    return str(info.value)


# --- the rule --------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "separator", "value"), [
    ("40,5", ";", 40.5), ("40,5", ",", 40.5), ("-3,25", "\t", -3.25), ("0,125", ";", 0.125),
    ("1,000", ";", 1.0), ("40.5", ",", None), ("12", ";", None), ("abc", ";", None),
])
def test_a_decimal_comma_is_read_where_nothing_else_is_meant(raw, separator, value):
    assert comma_decimal(raw, separator=separator) == value


@pytest.mark.parametrize(("raw", "separator", "fix"), [
    ("1,000", ",", "write 1.000 or 1000"),
    ("1,000", "\t", "write 1.000 or 1000"),
    ("1.234,5", ";", "write 1234.5"),
    ("1,234.5", ",", "write 1234.5"),
    ("1,234,567", ",", "write 1234567"),
])
def test_an_ambiguous_comma_is_refused_with_the_spelling_to_use(raw, separator, fix):
    with pytest.raises(DecimalComma) as info:
        comma_decimal(raw, separator=separator)
    assert fix in info.value.fix


# --- BDM table -------------------------------------------------------------------------

BDM = example_files()["bdm-table.csv"]


def test_bdm_semicolon_file_with_decimal_commas_reads_as_the_dot_file(tmp_path):
    plain = rp.load(_write(tmp_path, "dots.csv", BDM))
    european = BDM.replace(",", ";").replace(".", ",")
    assert "40,0;120,0;0,8" in european
    sc = rp.load(_write(tmp_path, "commas.csv", european))
    np.testing.assert_array_equal(sc.position, plain.position)
    np.testing.assert_array_equal(sc.salience, plain.salience)
    assert [a.capability for a in sc.actors] == [a.capability for a in plain.actors]
    said = [n for n in sc.notes if "decimal comma" in n]
    assert said == ["reader: 15 numbers written with a decimal comma read as decimals "
                    "(first: line 2, Capability: '40,0')"]
    assert not any("decimal comma" in n for n in plain.notes)


def test_bdm_quoted_decimal_comma_in_a_comma_file_is_read(tmp_path):
    text = BDM.replace("Mayor,40.0,120.0,0.8", 'Mayor,"40,5",120.0,0.8')
    sc = rp.load(_write(tmp_path, "quoted.csv", text))
    assert sc.actors[0].capability == 40.5
    assert any("first: line 2, Capability: '40,5'" in n for n in sc.notes)


def test_bdm_thousands_or_decimal_is_refused_with_line_and_column(tmp_path):
    path = _write(tmp_path, "t.csv", BDM.replace("Green party,25.0", 'Green party,"1,000"'))
    text = _error(path)
    assert text.startswith(f"{path}:3: Capability (column 2): capability '1,000' could be a "
                           "decimal comma or a thousands separator")
    assert "write 1.000 or 1000" in text


def test_bdm_unquoted_decimal_comma_splitting_a_row_is_refused(tmp_path):
    # before, the extra cells were ignored: capability 40, position 5, salience 120
    path = _write(tmp_path, "split.csv", BDM.replace("Mayor,40.0,120.0,0.8",
                                                     "Mayor,40,5,120,0,8"))
    text = _error(path)
    assert text.startswith(f"{path}:2: the row has 6 fields, the header 4 (extra: '0')")
    assert "write 40.5, quote it" in text


def test_bdm_mixed_marks_are_refused(tmp_path):
    text = BDM.replace(",", ";").replace("Mayor;40.0", "Mayor;1.234,5")
    path = _write(tmp_path, "mixed.csv", text)
    assert "capability '1.234,5' mixes thousands and decimal marks" in _error(path)
    assert "allowed: write 1234.5" in _error(path)


# --- decide ----------------------------------------------------------------------------

DECIDE = example_files()["decide.csv"]


def test_decide_semicolon_file_with_decimal_commas(tmp_path):
    plain = rp.load(_write(tmp_path, "d.csv", DECIDE))
    european = DECIDE.replace("\t", ";").replace(".", ",")
    sc = rp.load(_write(tmp_path, "e.csv", european))
    np.testing.assert_array_equal(sc.position, plain.position)
    np.testing.assert_array_equal(sc.salience, plain.salience)
    assert any("decimal comma" in n and "first: line 7, #M position: '0,0'" in n
               for n in sc.notes)


def test_decide_tab_file_refuses_a_thousands_lookalike(tmp_path):
    text = DECIDE.replace("#D\t'mayor'\t'budget'\t120.0", "#D\t'mayor'\t'budget'\t1,200")
    path = _write(tmp_path, "d.csv", text)
    msg = _error(path)
    line = next(k for k, ln in enumerate(text.splitlines(), 1) if "1,200" in ln)
    assert f"line {line}: #D position (field 4) '1,200' could be a decimal comma or a " \
           "thousands separator: write 1.200 or 1200" in msg


# --- KTAB CSV --------------------------------------------------------------------------

KTAB = "S,d,3,2,\nA,D,P,x,s,y,t\nA1,d,1,50,60,10,50,\nA2,d,1,5,5,5,5,\nA3,d,1,2,2,2,2,\n"
KTAB_OK = KTAB.replace("A1,d,1,50,60,", "A1,d,1,50,50,")


def test_ktab_total_over_100_is_refused_with_the_scaled_values(tmp_path):
    path = _write(tmp_path, "k.csv", KTAB)
    text = _error(path)
    assert text.startswith(f"{path}:3: actor 'A1': saliences add up to 110 (60 + 50), over "
                           "100 (KTAB's smpc refuses this too)")
    assert "e.g. 54.55, 45.45 (each × 100/110)" in text
    assert "with the reader option saliences=normalise" in text


def test_ktab_normalise_scales_and_says_so(tmp_path):
    path = _write(tmp_path, "k.csv", KTAB)
    sc = rp.load(path, saliences="normalise")
    np.testing.assert_allclose(sc.salience[0], [0.6 / 1.1, 0.5 / 1.1])
    np.testing.assert_allclose(sc.salience[1], [0.05, 0.05])  # under 100: as given
    assert any("actor 'A1': saliences added up to 110 (60 + 50); scaled by 100/110" in n
               and "(line 3)" in n for n in sc.notes)
    with pytest.raises(rp.InputError, match="saliences: unknown value 'fix'"):
        rp.load(path, saliences="fix")


def test_ktab_a_decimal_hundred_over_in_double_precision_is_read(tmp_path):
    assert 0.2 + 83.9 + 15.9 > 100.0  # smpc sums so and would refuse
    text = ("S,d,3,3,\nA,D,P,x,s,y,t,z,u\nA1,d,1,50,0.2,10,83.9,20,15.9,\n"
            "A2,d,1,5,5,5,5,5,5,\nA3,d,1,2,2,2,2,2,2,\n")
    sc = rp.load(_write(tmp_path, "k.csv", text))
    np.testing.assert_allclose(sc.salience[0], [0.002, 0.839, 0.159])
    assert any("actor 'A1': saliences add up to 100 (in double precision" in n
               for n in sc.notes)


def test_ktab_quoted_decimal_comma_is_refused_not_truncated(tmp_path):
    path = _write(tmp_path, "k.csv", KTAB_OK.replace("A2,d,1,5,5,", 'A2,d,1,"40,5",5,'))
    text = _error(path)
    assert text.startswith(f"{path}:4: column 4: position '40,5' has a decimal comma, which "
                           "KTAB's smpc reads as 40")
    assert "write 40.5)" in text


def test_ktab_unquoted_decimal_comma_gets_a_hint(tmp_path):
    path = _write(tmp_path, "k.csv", KTAB_OK.replace("A2,d,1,5,5,5,5,", "A2,d,1,5,5,5,5,5,"))
    assert "if a number has a decimal comma (40,5), it is split in two: write 40.5" in \
        _error(path)


def test_cli_one_line_and_validate_reports_the_reading(tmp_path):
    path = _write(tmp_path, "k.csv", KTAB)
    run = [sys.executable, "-m", "realpolitik", "validate", str(path)]
    bad = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "saliences add up to 110" in bad.stderr
    assert "with --read-option saliences=normalise" in bad.stderr  # the CLI's spelling
    good = subprocess.run([*run, "--read-option", "saliences=normalise"], capture_output=True,
                          text=True, timeout=120)
    assert good.returncode == 0, good.stderr
    assert "note: reader: actor 'A1': saliences added up to 110" in good.stdout
