#!/usr/bin/env python3
"""Runs a command and tells, per second, how many cores its threads used and how many more
they wanted: on a machine shared with other work the wall time says little, but the kernel
keeps for every thread the time it ran and the time it waited runnable for a core
(/proc/PID/task/TID/schedstat). A thread blocked on a lock or on I/O is in neither.

    bench/schedstat.py [--every S] -- COMMAND [ARG...]

Prints a table (second, cores running, cores waiting runnable, live threads), then per
thread its first and last second seen and its running and waiting seconds, and the totals.
The command's own output goes to /dev/null; its exit status is this script's."""
import os
import subprocess
import sys
import time


def sample(pid):
    """{tid: (ns running, ns waiting runnable)} of every live thread of pid."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                run, wait, _ = f.read().split()
            out[tid] = (int(run), int(wait))
        except (OSError, ValueError):
            pass  # the thread ended between the listing and the read
    return out


def main(argv):
    every = 0.25
    if argv[:1] == ["--every"]:
        every, argv = float(argv[1]), argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        sys.exit(__doc__)
    t0 = time.time()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    last_seen, first_seen, seconds = {}, {}, {}
    before = t0
    while child.poll() is None:
        time.sleep(every)
        now = time.time()
        cur = sample(child.pid)
        run = sum(v[0] - last_seen.get(t, (0, 0, 0))[0] for t, v in cur.items())
        wait = sum(v[1] - last_seen.get(t, (0, 0, 0))[1] for t, v in cur.items())
        row = seconds.setdefault(int(now - t0), [0.0, 0.0, 0.0, 0])
        row[0] += now - before
        row[1] += run / 1e9
        row[2] += wait / 1e9
        row[3] = max(row[3], len(cur))
        for t, v in cur.items():
            first_seen.setdefault(t, now - t0)
            last_seen[t] = (v[0], v[1], now - t0)
        before = now
    print("second\tcores_running\tcores_waiting\tthreads")
    for s in sorted(seconds):
        span, run, wait, n = seconds[s]
        print(f"{s}\t{run / span:.2f}\t{wait / span:.2f}\t{n}")
    print("# thread\tfrom_s\tto_s\tran_s\twaited_s")
    for t in sorted(first_seen, key=first_seen.get):
        run, wait, to = last_seen[t]
        print(f"# {t}\t{first_seen[t]:.1f}\t{to:.1f}\t{run / 1e9:.1f}\t{wait / 1e9:.1f}")
    ran = sum(v[0] for v in last_seen.values()) / 1e9
    waited = sum(v[1] for v in last_seen.values()) / 1e9
    print(f"# wall {time.time() - t0:.1f} s, ran {ran:.1f} s, waited runnable {waited:.1f} s")
    return child.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
