"""Racing tests: start `count` threads on `target(i)` and wait for them all."""

from __future__ import annotations

import threading


def run_together(target, count: int, timeout: float | None = 60) -> None:
    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
