# gunicorn settings for `web` (Procfile) and `tambon serve`.
import os

# HOST: the demo listens on 127.0.0.1 unless told (HOST=0.0.0.0 make demo); a platform that
# runs the Procfile routes to the container's port, so production listens on every address.
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
os.umask(0o077)  # the SQLite files the web process creates are its own alone
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
graceful_timeout = 10
accesslog = "-"
# The query string may carry one-time tokens: log the path only.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
