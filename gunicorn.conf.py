"""gunicorn settings for Outsourcing Advisor: `gunicorn -c gunicorn.conf.py`.

Every value can be changed from the environment, so the same file serves a laptop,
the benchmark and a server behind a load balancer (docs/deploy.md).
"""

import os

wsgi_app = "outsourcing.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the app is CPU-bound (templates, scoring, matching) and talks to
# PostgreSQL and Redis over fast local links. One or two per core.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
worker_class = "sync"
# Load the app once, then fork: faster start, and copy-on-write shared memory.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Recycle workers now and then, so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Request logs to standard output; GUNICORN_ACCESS_LOG= (empty) turns them off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# gunicorn's default format without the Referer: a share page's assets are requested
# with its link, a capability, as the Referer.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The load balancer's address(es), whose X-Forwarded-* headers gunicorn may trust.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
