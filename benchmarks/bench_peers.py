"""realpolitik against the real peer programs, on the same inputs, in the same run.

    python benchmarks/bench_peers.py [--only smp,bdm,exchange] [--repeat 5] [--peer-repeat 1]
                                     [--peers-dir DIR] [--no-peers] [--json OUT.json]

The peers (set up outside the repository by the scripts in benchmarks/peers/):

* SMP: KTAB's ``smpc`` (C++), run as ``smpc --logmin --csv FILE`` in a scratch folder; it
  writes a text log and an SQLite database there, from which the positions are read.
* BDM: the published Python replication of Scholz et al. (``bdm_scholz_model.py``), driven
  round by round (``update_risk_aversions``, ``update_positions``) as its own ``run_model``
  does. As published it costs about n^6 per round; the 25-actor case is run with a cache
  of its two state-only sums (see ``_bdm_reference``), labelled "memoised" in the table.
* exchange: ``decide-exchange-model``'s CLI, ``python -m decide.cli``, 10 rounds of Equal
  Gain; it writes CSV summaries, charts and an SQLite database, from which positions are read.

realpolitik runs the same inputs as a whole process (``python -m realpolitik forecast FILE
-m MODEL -f json -o OUT``, the median of ``--repeat`` runs) and in-process (a fresh
interpreter that imports realpolitik, then times the first ``rp.forecast`` call, which
loads the compiled kernels, and the median of ``--repeat`` further calls).

Every case checks that each actor's position agrees with the peer's at every state, to
1e-6 of the issue's scale, and prints the worst difference. Times are wall-clock seconds;
"CPU s" is user + system time (``wait4``; for in-process calls ``process_time``, all
threads), steadier than wall time when other jobs share the machine. Peak memory is the
process's maximum resident set (``wait4``); "disk" is what the peer leaves in its output
folder (deleted afterwards). A peer that is not set up is skipped with the command that
sets it up. Inputs come from REALPOLITIK_SHARED (default
../shared next to the repository) and from generators with fixed seeds.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TOL = 1e-6  # of the issue's scale


def shared_dir() -> Path:
    return Path(os.environ.get("REALPOLITIK_SHARED", REPO.parent / "shared"))


def peers_dir(arg: str | None) -> Path:
    return Path(arg or os.environ.get("REALPOLITIK_PEERS_DIR", "/tmp/peers"))


# ---------------------------------------------------------------- processes


@dataclass
class Run:
    seconds: float
    peak_mib: float
    returncode: int
    stderr: str = ""
    cpu_s: float = 0.0  # user + system CPU time of the process and its children


def run_process(cmd: list[str], cwd: Path | None = None, env: dict | None = None,
                stdout=subprocess.DEVNULL) -> Run:
    """Wall time and peak RSS of one child process (its own, via wait4)."""
    t = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=stdout, stderr=err)
        try:
            _, status, usage = os.wait4(p.pid, 0)
        except BaseException:  # interrupted: stop the child too, then clean up
            p.kill()
            p.wait()
            raise
        seconds = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode(errors="replace")
    return Run(seconds, usage.ru_maxrss / 1024, p.returncode, text[-3000:],
               usage.ru_utime + usage.ru_stime)


def checked(run: Run, what: str) -> Run:
    if run.returncode != 0:
        raise SystemExit(f"{what} failed (exit {run.returncode}):\n{run.stderr}")
    return run


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


# ---------------------------------------------------------------- realpolitik


def realpolitik_env() -> dict:
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    return env


def realpolitik_cli(path: Path, model: str, out: Path, repeat: int) -> tuple[list[Run], dict]:
    cmd = [sys.executable, "-m", "realpolitik", "forecast", str(path), "-m", model, "-f",
           "json", "-o", str(out), "--no-progress"]
    runs = [checked(run_process(cmd, env=realpolitik_env()), "realpolitik") for _ in range(repeat)]
    return runs, json.loads(out.read_text())


def realpolitik_inprocess(path: Path, model: str, repeat: int) -> dict:
    """First and later rp.forecast calls in a fresh interpreter (import excluded)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--_inprocess", str(path), model,
               str(repeat), out.name]
        run = checked(run_process(cmd, env=realpolitik_env()), "realpolitik in-process")
        times = json.loads(Path(out.name).read_text())
    return {"first": times["first"], "later": statistics.median(times["later"]),
            "later_cpu": statistics.median(times["later_cpu"]),
            "import": times["import"], "peak_mib": run.peak_mib}


def _inprocess(path: str, model: str, repeat: int, out: str) -> None:
    t = time.perf_counter()
    import realpolitik as rp
    imported = time.perf_counter() - t
    scenario = rp.load(path)
    t, c = time.perf_counter(), time.process_time()
    rp.forecast(scenario, model=model)
    first, first_cpu = time.perf_counter() - t, time.process_time() - c
    later, later_cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        rp.forecast(scenario, model=model)
        later.append(time.perf_counter() - t)
        later_cpu.append(time.process_time() - c)
    Path(out).write_text(json.dumps({"import": imported, "first": first, "later": later,
                                     "first_cpu": first_cpu, "later_cpu": later_cpu}))


# ---------------------------------------------------------------- generated inputs


def smp_csv(n: int, m: int, seed: int = 0) -> str:
    """A KTAB SMP CSV: positions 0–100, each actor's saliences summing to 50–100."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, (n, m)).round(2)
    s = rng.uniform(1, 100, (n, m))
    s = np.floor(s / s.sum(axis=1, keepdims=True) * rng.uniform(50, 100, (n, 1)) * 100) / 100
    c = rng.uniform(10, 200, n).round(3)
    head = ["Actor", "Description", "Influence"]
    for k in range(m):
        head += [f"D{k} Position", f"D{k} Salience"]
    lines = [f"gen-{n}x{m}, generated {n} actors x {m} dimensions, {n}, {m}", ", ".join(head)]
    for i in range(n):
        row = [f"A{i:03d}", f"actor {i}", f"{c[i]:g}"]
        for k in range(m):
            row += [f"{x[i, k]:g}", f"{s[i, k]:g}"]
        lines.append(", ".join(row))
    return "\n".join(lines) + "\n"


def bdm_csv(n: int, seed: int = 0) -> str:
    """A BDM table: integer positions 0–100, capability and salience on 0.05–1."""
    rng = np.random.default_rng(seed)
    lines = ["Actor,Capability,Position,Salience"]
    for i in range(n):
        lines.append(f"A{i:02d},{rng.integers(1, 21) / 20:g},{rng.integers(0, 101)},"
                     f"{rng.integers(2, 21) / 20:g}")
    return "\n".join(lines) + "\n"


def exchange_file(n: int, m: int, seed: int = 0) -> str:
    """A decide #A/#P/#M/#D file: continuous positions on 0–100, salience and power on
    0.05–1, about 10 % of stances missing. Continuous values avoid the exact ties that decide
    breaks by a coin flip (its runs would then not even agree with each other)."""
    import realpolitik as rp
    from realpolitik.io.decide import dump

    rng = np.random.default_rng(seed)
    power = rng.uniform(0.05, 1, n).tolist()
    stances = []
    for i in range(n):
        for k in range(m):
            if rng.random() >= 0.1:
                x, sal = float(rng.uniform(0, 100)), float(rng.uniform(0.05, 1))
                stances.append({"actor": f"a{i}", "issue": f"i{k}", "position": x,
                                "salience": sal})
    return dump(rp.Scenario.model_validate({
        "name": f"gen-{n}x{m}",
        "actors": [{"id": f"a{i}", "name": f"a{i}", "capability": power[i]} for i in range(n)],
        "issues": [{"id": f"i{k}", "name": f"i{k}"} for k in range(m)],
        "stances": stances,
    }))


# ---------------------------------------------------------------- peers


def smpc_path(base: Path) -> Path:
    return Path(os.environ.get("SMPC", base / "ktab" / "src" / "examples" / "smp" / "smpc"))


def run_smpc(smpc: Path, csv_path: Path, timeout: float | None = None):
    """smpc on one CSV in a scratch folder: (Run, disk MB, positions[state][actor][dim])."""
    with tempfile.TemporaryDirectory(prefix="smpc-") as tmp:
        work = Path(tmp)
        shutil.copy(smpc.parent / "smpc-logger.conf", work)
        shutil.copy(csv_path, work / csv_path.name)
        db = work / "out"
        run = checked(run_process([str(smpc), "--logmin", "--csv", csv_path.name, "--connstr",
                                   f"Driver=QSQLITE;Database={db}"], cwd=work), "smpc")
        disk = folder_mb(work) - csv_path.stat().st_size / 1e6
        con = sqlite3.connect(f"{db}.db")
        rows = con.execute("SELECT Turn_t, Act_i, Dim_k, Pos_Coord FROM VectorPosition").fetchall()
        con.close()
    states = 1 + max(r[0] for r in rows)
    actors = 1 + max(r[1] for r in rows)
    dims = 1 + max(r[2] for r in rows)
    pos = np.full((states, actors, dims), np.nan)
    for t, i, k, v in rows:
        pos[t, i, k] = v
    return run, disk, pos


def bdm_ref_dir(base: Path) -> Path:
    return Path(os.environ.get("BDM_REF_DIR", base / "bdm-ref"))


def _bdm_reference(ref_dir: str, csv_path: str, rounds: int, memo: bool, out: str) -> None:
    """Run the reference (a child process): positions after each round, as JSON."""
    sys.path.insert(0, ref_dir)
    import bdm_scholz_model as ref

    if memo:
        # Two quantities depend only on the model's state (every actor's position and risk
        # exponent): the vote total Z in the denominator of `probability`, and each actor's
        # `danger_level`. The reference recomputes them for every challenge (Z alone is n^3
        # per call). Here each is computed once per state, with the reference's own `compare`
        # and `danger_level` in the reference's summation order, so every number is the same.
        def key(model):
            return tuple((a.x, a.r) for a in model.actors)

        plain_danger = ref.Actor.danger_level
        memo_z: dict = {}
        memo_d: dict = {}

        def probability(self, x_i, x_j):
            if x_i == x_j:
                return 0.0
            k = key(self)
            if k not in memo_z:
                memo_z[k] = sum(abs(actor.compare(a1.x, a2.x)) for actor in self.actors
                                for a1 in self.actors for a2 in self.actors)
            return sum(max(0, actor.compare(x_i, x_j)) for actor in self.actors) / memo_z[k]

        def danger_level(self):
            k = (key(self.model), self.model.actors.index(self))
            if k not in memo_d:
                memo_d[k] = plain_danger(self)
            return memo_d[k]

        ref.BDMScholzModel.probability = probability
        ref.Actor.danger_level = danger_level

    model = ref.BDMScholzModel.from_csv_path(csv_path)
    positions = [[a.x for a in model.actors]]
    with open(os.devnull, "w") as sink:
        stdout, sys.stdout = sys.stdout, sink  # the reference prints every offer
        try:
            for _ in range(rounds):
                model.update_risk_aversions()
                model.update_positions()
                positions.append([a.x for a in model.actors])
        finally:
            sys.stdout = stdout
    Path(out).write_text(json.dumps({"actors": [a.name for a in model.actors],
                                     "positions": positions}))


def run_bdm_ref(ref_dir: Path, csv_path: Path, memo: bool):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--_bdm_reference", str(ref_dir),
               str(csv_path), "10", "1" if memo else "0", out.name]
        run = checked(run_process(cmd), "BDM reference")
        data = json.loads(Path(out.name).read_text())
    return run, 0.0, np.array(data["positions"])


def decide_python(base: Path) -> Path:
    return Path(os.environ.get("DECIDE_PYTHON", base / "decide-venv" / "bin" / "python"))


def run_decide(python: Path, path: Path):
    """decide's CLI, 10 rounds of Equal Gain: (Run, disk MB, {(issue, actor): [positions]})."""
    with tempfile.TemporaryDirectory(prefix="decide-") as tmp:
        work = Path(tmp)
        run = checked(run_process([str(python), "-m", "decide.cli", "--input-file", str(path),
                                   "--output-dir", str(work), "-i", "10", "-m", "equal"],
                                  cwd=work), "decide")
        disk = folder_mb(work)
        (db,) = work.rglob("*.sqlite.db")
        con = sqlite3.connect(db)
        rows = con.execute(
            "SELECT i.key, a.name, it.pointer, ai.type, ai.position FROM actorissue ai "
            "JOIN issue i ON i.id = ai.issue_id JOIN actor a ON a.id = ai.actor_id "
            "JOIN iteration it ON it.id = ai.iteration_id").fetchall()
        bounds = {k: (float(lo), float(hi))
                  for k, lo, hi in con.execute("SELECT key, lower, upper FROM issue")}
        con.close()
    # iteration t (from 0): "before" is the start position of round t + 1 (realpolitik's
    # trajectory[t]), "after" the position the round's exchanges move it to (its voting[t])
    traj: dict = {}
    for issue, actor, it, kind, value in rows:
        traj.setdefault((issue, actor, kind), {})[it] = float(value)
    return run, disk, traj, bounds


# ---------------------------------------------------------------- cases


@dataclass
class Row:
    case: str
    peer: str
    peer_s: float | None = None
    peer_cpu: float | None = None
    peer_mib: float | None = None
    peer_disk_mb: float | None = None
    cli_s: float | None = None
    cli_cpu: float | None = None
    cli_mib: float | None = None
    first_s: float | None = None
    later_s: float | None = None
    later_cpu: float | None = None  # CPU seconds of the same calls (all threads)
    inproc_mib: float | None = None
    max_diff: float | None = None  # in units of the scale
    agree: bool | None = None
    note: str = ""
    peer_times: list = field(default_factory=list)
    cli_times: list = field(default_factory=list)


LOADS: list[float] = []


def realpolitik_columns(row: Row, path: Path, model: str, tmp: Path, repeat: int) -> dict:
    LOADS.append(os.getloadavg()[0])
    runs, out = realpolitik_cli(path, model, tmp / "rp.json", repeat)
    row.cli_times = [r.seconds for r in runs]
    row.cli_s = statistics.median(row.cli_times)
    row.cli_cpu = statistics.median(r.cpu_s for r in runs)
    row.cli_mib = max(r.peak_mib for r in runs)
    ip = realpolitik_inprocess(path, model, repeat)
    row.first_s, row.later_s, row.inproc_mib = ip["first"], ip["later"], ip["peak_mib"]
    row.later_cpu = ip["later_cpu"]
    return out


def peer_median(row: Row, runs: list) -> None:
    row.peer_times = [r[0].seconds for r in runs]
    row.peer_s = statistics.median(row.peer_times)
    row.peer_cpu = statistics.median(r[0].cpu_s for r in runs)
    row.peer_mib = max(r[0].peak_mib for r in runs)
    row.peer_disk_mb = runs[-1][1]


def smp_cases(shared: Path, tmp: Path, base: Path, a: argparse.Namespace) -> list[Row]:
    smpc = smpc_path(base)
    cases = [("KTAB dummyData-a040 (40 × 1)", shared / "data/ktab_smp/dummyData-a040.csv"),
             ("KTAB dummyData-a080 (80 × 1)", shared / "data/ktab_smp/dummyData-a080.csv")]
    gen = tmp / "gen-60x4.csv"
    gen.write_text(smp_csv(60, 4))
    cases.insert(1, ("SMP 60 × 4 (generated)", gen))
    rows = []
    for name, path in cases:
        row = Row(name, "smpc")
        out = realpolitik_columns(row, path, "smp", tmp, a.repeat)
        ours = np.stack([np.array(i["trajectory"], dtype=float) for i in out["issues"]], axis=-1)
        if a.no_peers:
            row.note = "peer not run (--no-peers)"
        elif not smpc.exists():
            row.note = ("smpc not built: benchmarks/peers/setup_ktab.sh KTAB_GIT "
                        "EASYLOGGING_GIT")
        else:
            runs = [run_smpc(smpc, path) for _ in range(a.peer_repeat)]
            peer_median(row, runs)
            theirs = runs[-1][2]
            if theirs.shape != ours.shape:
                row.agree = False
                row.note = f"states×actors×dims: smpc {theirs.shape}, realpolitik {ours.shape}"
            else:
                row.max_diff = float(np.nanmax(np.abs(theirs - ours)) / 100.0)  # 0–100 scale
                row.agree = row.max_diff <= TOL
                row.note = f"{ours.shape[0] - 1} turns"
        rows.append(row)
        report(row)
    return rows


def bdm_cases(shared: Path, tmp: Path, base: Path, a: argparse.Namespace) -> list[Row]:
    ref = bdm_ref_dir(base)
    cases = []
    for n, memo in ((12, False), (25, True)):
        p = tmp / f"bdm-{n}.csv"
        p.write_text(bdm_csv(n))
        cases.append((f"BDM {n} actors, 10 rounds (generated)", p, memo))
    cases.append(("EU emission standards (10 actors)", shared / "data/bdm/emission_standards.csv",
                  False))
    rows = []
    for name, path, memo in cases:
        row = Row(name, "BDM reference" + (", memoised" if memo else ""))
        out = realpolitik_columns(row, path, "bdm", tmp, a.repeat)
        ours = np.array(out["issues"][0]["trajectory"], dtype=float)
        if a.no_peers:
            row.note = "peer not run (--no-peers)"
        elif not (ref / "bdm_scholz_model.py").exists():
            row.note = "BDM reference not set up: benchmarks/peers/setup_bdm_ref.sh JMCKIB_GIT"
        else:
            runs = [run_bdm_ref(ref, path, memo) for _ in range(a.peer_repeat)]
            peer_median(row, runs)
            theirs = runs[-1][2]
            with open(path, newline="") as f:
                x0 = [float(r["Position"]) for r in csv.DictReader(f)]
            scale = max(x0) - min(x0)
            row.max_diff = float(np.max(np.abs(theirs - ours)) / scale)
            row.agree = theirs.shape == ours.shape and row.max_diff <= TOL
            row.note = "10 rounds"
        rows.append(row)
        report(row)
    return rows


def exchange_cases(shared: Path, tmp: Path, base: Path, a: argparse.Namespace) -> list[Row]:
    py = decide_python(base)
    rows = []
    for n, m in ((25, 6), (40, 8)):
        path = tmp / f"exchange-{n}x{m}.csv"
        path.write_text(exchange_file(n, m))
        row = Row(f"exchange {n} × {m}, 10 rounds (generated)", "decide")
        out = realpolitik_columns(row, path, "exchange", tmp, a.repeat)
        if a.no_peers:
            row.note = "peer not run (--no-peers)"
        elif not py.exists():
            row.note = "decide not installed: benchmarks/peers/setup_decide.sh"
        else:
            runs = [run_decide(py, path) for _ in range(a.peer_repeat)]
            peer_median(row, runs)
            _, _, traj, bounds = runs[-1]
            worst, compared, missing = 0.0, 0, 0
            first_bad = None  # first round whose start or exchange positions differ
            for issue in out["issues"]:
                lo, hi = bounds[issue["id"]]
                for kind, ours_all in (("before", issue["trajectory"]),
                                       ("after", issue["voting"])):
                    for j, actor in enumerate(out["actors"]):
                        theirs = traj.get((issue["id"], actor, kind), {})
                        for t in range(10):
                            ours = ours_all[t][j]
                            if ours is None and t not in theirs:
                                continue
                            if ours is None or t not in theirs:
                                missing += 1
                                continue
                            d = abs(theirs[t] - ours) / (hi - lo)
                            worst = max(worst, d)
                            compared += 1
                            if d > TOL:
                                r = t + 1 if kind == "after" else t
                                first_bad = r if first_bad is None else min(first_bad, r)
            row.max_diff = worst
            row.agree = missing == 0 and worst <= TOL
            row.note = f"{compared} positions compared" + (f", {missing} missing" if missing
                                                          else "")
            if first_bad is not None:
                row.note += f"; equal to 1e-6 up to round {first_bad - 1}, apart from round " \
                            f"{first_bad}"
        rows.append(row)
        report(row)
    return rows


# ---------------------------------------------------------------- output


def fmt(v: float | None, digits: int = 2) -> str:
    return "" if v is None else f"{v:.{digits}f}"


def ratio(peer: float | None, ours: float | None) -> str:
    return "" if not peer or not ours else f"{peer / ours:,.0f}×" if peer / ours >= 10 \
        else f"{peer / ours:.1f}×"


def report(row: Row) -> None:
    LOADS.append(os.getloadavg()[0])
    print(f"# {row.case}: peer {fmt(row.peer_s)} s, realpolitik CLI {fmt(row.cli_s)} s, "
          f"in-process {fmt(row.first_s, 3)} / {fmt(row.later_s, 4)} s, agree={row.agree} "
          f"(max diff {row.max_diff if row.max_diff is not None else '-'}) {row.note}",
          file=sys.stderr, flush=True)
    print(f"# row {json.dumps(row.__dict__)}", file=sys.stderr, flush=True)


def table(rows: list[Row]) -> str:
    lines = [
        "| case | peer | peer s (CPU s) | peer MiB | peer disk MB | realpolitik CLI s (CPU s) | "
        "CLI MiB | in-process s: 1st / later (later, CPU s) | in-process MiB | "
        "peer / CLI (CPU) | peer / in-process later (CPU) | agree (max diff / scale) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        agree = "" if r.agree is None else ("yes" if r.agree else "**no**")
        if r.max_diff is not None:
            agree += f" ({r.max_diff:.0e})"
        peer = "" if r.peer_s is None else f"{r.peer_s:.1f} ({r.peer_cpu:.1f})"
        later_cpu = "" if r.later_cpu is None else f" ({r.later_cpu:.4f})"
        vs_cli = "" if r.peer_s is None else \
            f"{ratio(r.peer_s, r.cli_s)} ({ratio(r.peer_cpu, r.cli_cpu)})"
        vs_in = "" if r.peer_s is None else f"{ratio(r.peer_s, r.later_s)}" + \
            ("" if r.later_cpu is None else f" ({ratio(r.peer_cpu, r.later_cpu)})")
        lines.append(
            f"| {r.case} | {r.peer} | {peer} | {fmt(r.peer_mib, 0)} | "
            f"{fmt(r.peer_disk_mb, 1)} | {fmt(r.cli_s)} ({fmt(r.cli_cpu)}) | {fmt(r.cli_mib, 0)} | "
            f"{fmt(r.first_s, 3)} / {fmt(r.later_s, 4)}{later_cpu} | {fmt(r.inproc_mib, 0)} | "
            f"{vs_cli} | {vs_in} | {agree} |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--_inprocess":
        _inprocess(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--_bdm_reference":
        _bdm_reference(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] == "1",
                       sys.argv[6])
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so scratch folders are removed
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="smp,bdm,exchange")
    ap.add_argument("--repeat", type=int, default=5,
                    help="realpolitik runs per case (the median is reported)")
    ap.add_argument("--peer-repeat", type=int, default=1,
                    help="peer runs per case (the median is reported)")
    ap.add_argument("--peers-dir", default=None,
                    help="where benchmarks/peers/ set the peers up "
                         "(default $REALPOLITIK_PEERS_DIR or /tmp/peers)")
    ap.add_argument("--no-peers", action="store_true",
                    help="run only realpolitik's side (the peers' columns stay empty)")
    ap.add_argument("--json", default=None, help="also write the rows to this JSON file")
    a = ap.parse_args()
    shared = shared_dir()
    if not (shared / "data").is_dir():
        raise SystemExit(f"no reference data at {shared}/data: set REALPOLITIK_SHARED")
    base = peers_dir(a.peers_dir)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()
    rows: list[Row] = []
    groups = {"smp": smp_cases, "bdm": bdm_cases, "exchange": exchange_cases}
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
        for name in a.only.split(","):
            rows += groups[name](shared, Path(tmp), base, a)
    load_after = os.getloadavg()
    print(f"{started}; {os.cpu_count()} cores; load average before "
          f"{', '.join(f'{v:.2f}' for v in load_before)}, after "
          f"{', '.join(f'{v:.2f}' for v in load_after)}; realpolitik: median of {a.repeat} runs, "
          f"peers: median of {a.peer_repeat}\n")
    print(table(rows))
    print()
    for r in rows:
        print(f"* {r.case}: " + (f"skipped, {r.note}" if r.peer_s is None else r.note))
    print(f"\n1-minute load average sampled at each case: {min(LOADS):.1f}–{max(LOADS):.1f}")
    if a.json:
        Path(a.json).write_text(json.dumps({"started": started, "load_before": load_before,
                                            "load_after": load_after,
                                            "rows": [r.__dict__ for r in rows]}, indent=1))
    if any(r.agree is False for r in rows):
        raise SystemExit("results differ from a peer (see the agree column)")


if __name__ == "__main__":
    main()
