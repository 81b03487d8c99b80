"""The process that runs one analysis job: ``python -m stakegraph.job_process JOB_ID``.

The API starts one per job (``stakegraph.api.analysis_jobs``) with its own settings in the
environment, so a long analysis holds neither an HTTP request nor a worker's event loop. The
process claims the job, runs it (`stakegraph.queries.analytics.jobs.run_job`) and ends it. A
watcher thread beats every few seconds and stops the work when the job was failed meanwhile,
or when the API process that started it is gone: then the job is failed at once ("interrupted")
and the process quits, after the analysis has dropped what it had half-written.
"""

from __future__ import annotations

import _thread
import logging
import os
import socket
import sys
import threading
import traceback
from pathlib import Path

from stakegraph.db import open_graph_db
from stakegraph.queries.analytics import jobs
from stakegraph.schema.errors import StakegraphError
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.version import set_write_wait
from stakegraph.settings import get_settings

log = logging.getLogger("stakegraph.job")

MODULE = "stakegraph.job_process"
# After asking the main thread to stop, how long the watcher lets it clean up before it quits.
_GRACE_S = 20.0
EXIT_INTERNAL = 70
# How long the job's writes (claim, progress, score batches, its end) wait while a backup or a
# migration holds writers back. Nobody waits on a job's answer, and giving up would throw away
# what it computed, so it waits out even a backup of a large graph; the watcher's beats go on
# meanwhile (a backup lets them through), so the job does not read as dead. A restore refuses
# at once, and a holder that dies lets writers go within its lease.
JOB_WRITE_WAIT_S = 3600.0


def command(job_id: str) -> list[str]:
    """Returns the command line that runs job ``job_id`` with this Python."""
    return [sys.executable, "-m", MODULE, job_id]


def runs_job(pid: int, job_id: str) -> bool:
    """Returns True when process ``pid`` on this machine is the one running ``job_id`` (its
    command line names the job; a reused pid does not)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True  # no /proc here: alive is the best there is
    return job_id.encode() in cmdline.split(b"\0")


def _watch(db: GraphDB, job_id: str, parent: int, done: threading.Event) -> None:
    """Beats until ``done``; stops the work when the job ended elsewhere or the parent died."""
    while not done.wait(jobs.BEAT_S):
        try:
            if os.getppid() != parent:
                jobs.fail(db, job_id, "interrupted: the API process that started it stopped; "
                          "start it again")
                reason = "the API process that started it stopped"
            elif jobs.beat(db, job_id) is not jobs.JobState.RUNNING:
                reason = "the job was ended elsewhere"
            else:
                continue
        except Exception as exc:  # Neo4j gone for a moment: the next beat tries again
            log.warning("job %s: cannot beat: %r", job_id, exc)
            continue
        log.warning("job %s: stopping: %s", job_id, reason)
        _thread.interrupt_main()
        if not done.wait(_GRACE_S):
            os._exit(1)
        return


def run(job_id: str) -> int:
    """Returns the exit status after running job ``job_id``: 0 succeeded, 1 failed or stopped,
    70 an internal error (recorded on the job too)."""
    parent = os.getppid()
    set_write_wait(JOB_WRITE_WAIT_S)
    with open_graph_db(get_settings()) as db:
        try:
            job = jobs.claim(db, job_id, socket.gethostname(), os.getpid())
        except StakegraphError as exc:
            log.error("job %s: %s", job_id, exc)
            return 1
        done = threading.Event()
        watcher = threading.Thread(target=_watch, args=(db, job_id, parent, done), daemon=True)
        watcher.start()
        try:
            run_id = jobs.run_job(
                db, job, lambda phase, progress: jobs.report(db, job_id, phase, progress))
        except (jobs.Stopped, KeyboardInterrupt):
            return 1
        except StakegraphError as exc:
            jobs.fail(db, job_id, str(exc))
            return 1
        except Exception as exc:
            log.error("job %s: %s", job_id, traceback.format_exc())
            jobs.fail(db, job_id, f"internal error: {exc!r}")
            return EXIT_INTERNAL
        finally:
            done.set()
        jobs.succeed(db, job_id, run_id)
    return 0


def main() -> None:
    """Runs the job named on the command line (returns by exiting with its status)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s "
                        "%(message)s", stream=sys.stderr)
    if len(sys.argv) != 2:
        sys.stderr.write(f"usage: python -m {MODULE} JOB_ID\n")
        sys.exit(2)
    sys.exit(run(sys.argv[1]))


if __name__ == "__main__":
    main()
