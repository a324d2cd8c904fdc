#!/usr/bin/env python3
"""Runs a command with a cap on the memory of its whole process tree:

    bench/cap.py MIB COMMAND [ARG...]

Every 0.2 s it sums the resident memory of the command and its descendants; above MIB MiB it
kills them all, says so on stderr ("cap.py: killed at N MiB after S s") and exits with 137. Else
it exits with the command's status. run.sh runs each tool under it, so that a tool that would take
the machine's memory (Pagefind's CLI at 100,000 pages) is stopped and reported, not left to swap
a shared machine."""

import os
import signal
import subprocess
import sys
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root):
    """Resident bytes of `root` and every process below it."""
    children = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            rss = int(stat[stat.rindex(")") + 2:].split()[21])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append((int(pid), rss))
    total, todo = 0, [root]
    try:
        with open(f"/proc/{root}/stat") as f:
            stat = f.read()
        total += int(stat[stat.rindex(")") + 2:].split()[21])
    except (OSError, ValueError, IndexError):
        pass
    while todo:
        for pid, rss in children.get(todo.pop(), []):
            total += rss
            todo.append(pid)
    return total * PAGE


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: cap.py MIB COMMAND [ARG...]")
    cap = int(sys.argv[1]) * 1024 * 1024
    started = time.monotonic()
    proc = subprocess.Popen(sys.argv[2:], start_new_session=True)
    while True:
        try:
            return proc.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            pass
        rss = tree_rss(proc.pid)
        if rss > cap:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            print(f"cap.py: killed at {rss // (1024 * 1024)} MiB after {time.monotonic() - started:.0f} s "
                  f"(the cap is {sys.argv[1]} MiB)", file=sys.stderr)
            return 137


if __name__ == "__main__":
    sys.exit(main())
