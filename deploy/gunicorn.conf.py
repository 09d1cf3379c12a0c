"""gunicorn settings of the web service (deploy/systemd/minzheng-web.service runs `gunicorn -c` this file;
the unit still names the address and the worker count). Chosen for a county's server of two to four cores
with PostgreSQL on the same machine (ADR 0025, measured by bench/soak.py and bench/request_cost.py):

- gthread workers, one process per core, four threads each. The application is synchronous Django and CPU
  bound between database round trips: one process per core uses the cores (the GIL keeps a process on one),
  and the threads keep a core busy while one request waits for PostgreSQL, which sync workers cannot. Fewer
  processes than 2 × cores + 1 sync workers also means less memory and fewer database connections
  (processes × threads, each kept open by CONN_MAX_AGE).
- The application is loaded once in the master and the workers are forked from it (preload_app): a worker
  that dies or is recycled is serving again in milliseconds instead of importing Django for seconds.
- Workers are recycled every 10,000 requests or so (memory stays flat: bench/soak.py); at 2,000 a busy server
  restarted a worker every minute.
- Access and error logs to the journal, as before (the production drill reads the access log to prove that
  static files never reach the application).
"""

import os

worker_class = "gthread"
threads = int(os.environ.get("MINZHENG_WEB_THREADS", "4"))
preload_app = True
timeout = 120
graceful_timeout = 30
keepalive = 5  # nginx keeps upstream connections open (keepalive 16)
max_requests = 10_000
max_requests_jitter = 1_000
accesslog = "-"
errorlog = "-"
