"""Note-coding throughput: pipeline load time, notes/s on ~150-word synthetic notes and on the long
MTSamples transcriptions (../shared/notes-corpus), peak memory. Run: python bench/bench_notes.py"""

from __future__ import annotations

import json
import os
import random
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLEANCLAIM_SHARED", REPO.parent / "shared"))

HPI = [
    "{age}-year-old {sex} with {dur} of {side} neck pain after {cause}.",
    "{age} yo {sex} presents with {dur} of posterior neck pain, worse with turning the head, after {cause}.",
    "Patient reports {dur} of aching neck pain radiating to the {side} shoulder; onset after {cause}.",
]
CAUSES = ["sleeping awkwardly", "a rear-end collision", "lifting boxes at work", "a fall on ice",
          "painting a ceiling", "long hours at the computer"]
EXAMS = [
    "Exam: paraspinal tenderness, reduced rotation, strength 5/5, reflexes 2+ and symmetric, "
    "sensation intact. "
    "Spurling negative.",
    "Exam: positive Spurling's on the {side}, diminished {side} biceps reflex, decreased sensation in the "
    "{side} C6 dermatome, 4/5 wrist extensors.",
    "Exam: midline tenderness at C5-C6, no focal deficit, Hoffmann negative, gait normal.",
]
IMAGING = ["", "MRI cervical spine shows C5-C6 disc herniation with foraminal narrowing.",
           "X-rays show multilevel spondylosis, no fracture.", "CT C-spine: nondisplaced fracture of C6."]
ASSESS = ["Acute neck pain.", "Cervical radiculopathy, {side} C6, due to C5-C6 disc herniation.",
          "Cervical strain.", "Cervical spondylosis without radiculopathy.",
          "Probable cervical radiculopathy.",
          "Nondisplaced C6 fracture, initial encounter.", "Chronic neck pain.\n2. Hypertension, controlled."]
PLANS = ["Plan: NSAIDs, home exercise program, physical therapy 2x/week for 6 weeks, follow up in 4 weeks "
         "if no better. Return precautions for weakness, numbness, fever or bowel and bladder change "
         "reviewed.",
         "Plan: MRI ordered to evaluate for myelopathy; gabapentin; refer to spine clinic. Discussed work "
         "restrictions, sleep position, ergonomic desk set-up and a graded return to the gym over three "
         "weeks."]


def synthetic_notes(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        side = rnd.choice(["right", "left"])
        hpi = rnd.choice(HPI).format(age=rnd.randint(22, 80), sex=rnd.choice(["woman", "man"]),
                                     dur=rnd.choice(["3 days", "2 weeks", "6 months"]), side=side,
                                     cause=rnd.choice(CAUSES))
        text = (f"CC: neck pain.\nHPI: {hpi} Pain {rnd.randint(3, 9)}/10, interferes with sleep and driving. "
                "Tried ibuprofen and heat with partial relief. Denies fever, weight loss or trauma "
                "other than "
                "noted. No bowel or bladder symptoms.\nPMH: hypertension, hyperlipidemia.\n"
                "Social history: office worker, never smoker, walks daily, two cups of coffee a day, no "
                "alcohol.\nROS: negative for fever, chills, night sweats, dysphagia, visual change, hand "
                "clumsiness, dropping objects, headache, dizziness or gait change.\n"
                f"{rnd.choice(EXAMS).format(side=side)}\n{rnd.choice(IMAGING)}\n"
                f"Assessment: {rnd.choice(ASSESS).format(side=side)}\n{rnd.choice(PLANS)}\n")
        out.append(text)
    return out


def rate(texts: list[str], code_note) -> tuple[float, float, float]:  # noqa: ANN001
    """(notes/s of CPU time in this one process, CPU seconds, notes/s wall clock). Wall time varies
    with whatever else the machine runs; CPU time is the single-core figure."""
    t = time.process_time()
    w = time.perf_counter()
    for text in texts:
        code_note(text)
    dt = time.process_time() - t
    wall = time.perf_counter() - w
    return len(texts) / dt, dt, len(texts) / wall


def main() -> None:
    t0, c0 = time.perf_counter(), time.process_time()
    from cleanclaim.coding import code_note
    from cleanclaim.notes.pipeline import get_pipeline

    get_pipeline()
    load, load_cpu = time.perf_counter() - t0, time.process_time() - c0
    code_note("Assessment: neck pain. 2. Hypertension.")  # warm the code set and search caches
    short = synthetic_notes(300)
    words = sum(len(t.split()) for t in short) / len(short)
    short_rate, _, short_wall = rate(short, code_note)
    print(f"pipeline load (imports + build): {load:.2f} s wall, {load_cpu:.2f} s CPU")
    print(f"synthetic notes: {len(short)} x {words:.0f} words: {short_rate:.0f} notes/s CPU "
          f"({short_wall:.0f} wall)")
    corpus = SHARED / "notes-corpus" / "mtsamples-neck.jsonl"
    if corpus.is_file():
        long = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines() if line]
        lwords = sum(len(t.split()) for t in long) / len(long)
        long_rate, dt, long_wall = rate(long, code_note)
        print(f"MTSamples transcriptions: {len(long)} x {lwords:.0f} words: {long_rate:.1f} notes/s CPU "
              f"({long_wall:.1f} wall; {dt:.1f} s CPU, no errors)")
    gold = REPO / "tests" / "gold" / "neck_notes_gold.jsonl"
    if gold.is_file():
        texts = [json.loads(line)["text"] for line in gold.read_text(encoding="utf-8").splitlines() if line]
        g_rate, _, g_wall = rate(texts, code_note)
        print(f"gold notes: {len(texts)}: {g_rate:.0f} notes/s CPU ({g_wall:.0f} wall)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB (python {sys.version.split()[0]}, one process, one core)")


if __name__ == "__main__":
    main()
