"""Run Celery (a worker or beat) with its clock moved: ``python -m tests.timetravel ISO-INSTANT celery-args…``.

time-machine moves the clock of its own process only; a real worker and a real beat are
other processes. This starts time-machine at the given instant (the clock then runs on
from there, tick=True) before Celery is imported, so Django's timezone.now(), beat's
schedule and the sweeps see the same day as the test that started them. The pool's
children are forked from this process and keep the moved clock.
"""

import datetime as dt
import sys

import time_machine


def main() -> None:
    instant = dt.datetime.fromisoformat(sys.argv[1])
    time_machine.travel(instant, tick=True).start()
    from celery.__main__ import main as celery_main

    sys.argv = ["celery", *sys.argv[2:]]
    celery_main()


if __name__ == "__main__":
    main()
