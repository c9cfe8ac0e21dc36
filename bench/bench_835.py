"""Benchmark: 835 reading speed, denial analysis, DuckDB history load and a million-claim summary.

    python bench/bench_835.py                 # 50k synthetic claims (~470k segments) + 1M-row history
    python bench/bench_835.py --claims 200000 --history-rows 2000000

Prints throughput (CPU seconds of this process: the one-core figure even on a busy machine; DuckDB
queries are wall-clock, DuckDB may use several threads) and peak memory (ru_maxrss).
Everything is synthetic (cleanclaim.remits.synthetic).
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _best(fn, repeat: int) -> float:
    """Best CPU time of ``repeat`` runs: the figure for one core, whatever else shares the machine."""
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def bench_reader(path: Path, repeat: int) -> int:
    from cleanclaim.remits.x12_835 import read_835, relaxed_gc
    from cleanclaim.x12.tokenizer import iter_segments

    segments = sum(1 for _ in iter_segments(path))
    size = path.stat().st_size / 1e6
    t_tok = _best(lambda: sum(1 for _ in iter_segments(path)), repeat)
    print(f"file: {segments:,} segments, {size:.1f} MB")
    print(f"tokenizer only          {segments / t_tok:>12,.0f} segments/s")

    def stream():
        with relaxed_gc():
            for _ in read_835(path):
                pass

    def keep():
        with relaxed_gc():
            return list(read_835(path))

    t_stream = _best(stream, repeat)
    t_keep = _best(keep, repeat)
    claims = sum(len(r.claims) for r in keep())
    print(
        f"read_835 (streaming)    {segments / t_stream:>12,.0f} segments/s  "
        f"({claims / t_stream:,.0f} claims/s)"
    )
    print(f"read_835 (kept in RAM)  {segments / t_keep:>12,.0f} segments/s")
    return claims


def bench_analysis(path: Path, db: Path) -> None:
    from cleanclaim.remits.analysis import analyze_files
    from cleanclaim.remits.history import History

    t = time.process_time()
    report = analyze_files([path])
    t_an = time.process_time() - t
    n = len(report.outcomes)
    print(f"analyze_files           {n / t_an:>12,.0f} claims/s   ({t_an:.2f} s for {n:,} claims)")
    h = History(db)
    t, w = time.process_time(), time.perf_counter()
    h.add_report(report)
    t_load, w_load = time.process_time() - t, time.perf_counter() - w
    print(
        f"history load (COPY)     {n / t_load:>12,.0f} claims/s   ({t_load:.2f} s CPU, {w_load:.2f} s wall)"
    )
    t = time.perf_counter()
    h.summary()
    print(f"summary of {n:,} claims  {time.perf_counter() - t:>10.3f} s")
    h.close()


GEN_SQL = """
SELECT setseed(0.42);
CREATE TEMP TABLE g AS
SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5 FROM range({n}) t(i);
CREATE TEMP TABLE s AS SELECT *,
  ['ACME HEALTH PLAN','BLUE RIVER MUTUAL','STATE MEDICAID','MEDICARE PART B','LAKESIDE PPO']
    [1 + floor(r1*5)::INT] AS payer,
  ['99213','99214','98940','97110','97140','72141','20552','97810'][1 + floor(r3*8)::INT] AS procedure,
  ['M5412','M542','M9901','M5022','S134XXA'][1 + floor(r4*5)::INT] AS diagnosis,
  r2 < 0.085 AS has_denial,
  [['medical_necessity','CO','50','N115'],['authorization','CO','197',NULL],['bundling','CO','97','M15'],
   ['missing_information','CO','16','M76'],['eligibility','CO','27',NULL],['duplicate','OA','18',NULL],
   ['timely_filing','CO','29',NULL],['non_covered','PR','204','N130'],['coding','CO','4',NULL]]
   [1 + floor(r5*9)::INT] AS cause,
  DATE '2025-01-01' + floor(r4*365)::INT AS dos,
  (50 + floor(r3*1150))::DECIMAL(18,2) AS billed
FROM g;
INSERT INTO files VALUES ('bench', 'synthetic', now(), 1, {n}, 0, NULL);
INSERT INTO claims SELECT
  'b:' || i, 'bench', 'PCN' || i, payer, NULL, 'NORTHSIDE SPINE CLINIC',
  ['NORTHSIDE SPINE CLINIC (1234567893)','RIVERBEND CHIROPRACTIC (1497758544)',
   'CEDAR PHYSICAL THERAPY (1326042953)'][1 + floor(r5*3)::INT],
  CASE WHEN has_denial AND r1 < 0.8 THEN '4' ELSE '1' END, billed,
  CASE WHEN has_denial THEN 0 ELSE round(billed*0.7, 2) END, 0,
  has_denial AND r1 < 0.8, has_denial AND r1 >= 0.8, CASE WHEN has_denial THEN billed ELSE 0 END,
  CASE WHEN has_denial THEN cause[1] END, CASE WHEN has_denial THEN cause[2] END,
  CASE WHEN has_denial THEN cause[3] END, CASE WHEN has_denial THEN cause[4] END,
  has_denial AND cause[1] IN ('medical_necessity','bundling','missing_information','coding'),
  CASE WHEN has_denial AND cause[1] IN ('medical_necessity','bundling','missing_information','coding')
       THEN billed ELSE 0 END, NULL, procedure, diagnosis, dos, dos + 30, date_trunc('month', dos),
  NULL, 'CI', false, NULL, procedure, diagnosis, NULL, NULL, NULL
FROM s;
INSERT INTO adjustments SELECT 'b:' || i, 'bench', 1, procedure, diagnosis, 'CO', '45',
  NULL, round(billed*0.3, 2), 'contractual', false, false FROM s WHERE NOT has_denial;
INSERT INTO adjustments SELECT 'b:' || i, 'bench', 1, procedure, diagnosis, 'PR', '2',
  NULL, round(billed*0.05, 2), 'patient_responsibility', false, false FROM s
  WHERE NOT has_denial AND r5 < 0.4;
INSERT INTO adjustments SELECT 'b:' || i, 'bench', 1, procedure, diagnosis, cause[2], cause[3], cause[4],
  billed, cause[1], true, cause[1] IN ('medical_necessity','bundling','missing_information','coding') FROM s
  WHERE has_denial;
INSERT INTO lines SELECT 'b:' || i, 'bench', 1, procedure, NULL, billed, CASE WHEN has_denial THEN 0 ELSE
  round(billed*0.7, 2) END, 1, CASE WHEN has_denial THEN billed ELSE 0 END, diagnosis, dos FROM s;
"""


def bench_million(db: Path, rows: int) -> None:
    from cleanclaim.remits.history import History

    h = History(db)
    t = time.perf_counter()
    h.conn.execute(GEN_SQL.format(n=int(rows)))
    h.conn.execute("CHECKPOINT")
    print(
        f"generated {rows:,} claim rows in DuckDB in {time.perf_counter() - t:.1f} s "
        f"({db.stat().st_size / 1e6:.0f} MB file)"
    )
    h.close()
    h = History(db, read_only=True)
    t = time.perf_counter()
    s = h.summary()
    t_sum = time.perf_counter() - t
    n_adj = h.conn.execute("SELECT count(*) FROM adjustments").fetchone()[0]
    print(
        f"summary of {s['totals']['claims']:,} claims / {n_adj:,} adjustments: {t_sum:.2f} s "
        f"(totals + 8 breakdowns + root causes + patterns)"
    )
    t = time.perf_counter()
    h.find_claim("PCN123457")
    print(f"find_claim (appeal lookup): {1000 * (time.perf_counter() - t):.0f} ms")
    h.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claims", type=int, default=50_000, help="claims in the synthetic 835")
    ap.add_argument("--history-rows", type=int, default=1_000_000, help="claim rows for the summary bench")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from cleanclaim.remits.synthetic import synthetic_remits
    from cleanclaim.remits.writer import write_835

    with tempfile.TemporaryDirectory(prefix="bench835-") as tmp:
        path = Path(tmp) / "bench.835"
        remits = synthetic_remits(args.claims, seed=1)
        with open(path, "w") as fh:
            write_835(remits, fh)
        del remits
        bench_reader(path, args.repeat)
        bench_analysis(path, Path(tmp) / "small.duckdb")
        if args.history_rows:
            bench_million(Path(tmp) / "million.duckdb", args.history_rows)
    print(f"peak RSS {_rss_mb():,.0f} MB  (python {os.sys.version.split()[0]}, one core)")


if __name__ == "__main__":
    main()
