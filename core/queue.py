"""Publishing a task after the work it follows is committed.

The work stands either way: when the broker is down the task is not published, a warning
names the ids, and the beat sweep that looks for that kind of work queues it later. With
eager tasks (development) there is no broker, so an error is the task's own and propagates.
"""

import logging

logger = logging.getLogger(__name__)


def publish(task, *args, sweep: str) -> bool:
    """``task.delay(*args)``; False when the broker was unavailable (``sweep`` will pick it up)."""
    if task.app.conf.task_always_eager:
        task.delay(*args)
        return True
    try:
        task.delay(*args)
    except Exception:  # kombu raises several kinds when Redis is away
        logger.warning("%s %s: broker unavailable, %s will queue it", task.name, args, sweep)
        return False
    return True
