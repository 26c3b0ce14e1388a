"""gunicorn settings for one course_app instance; deploy/course-app@.service gives --bind.

Read by ``gunicorn --config deploy/gunicorn.conf.py``; unknown names are ignored by older
gunicorn versions, so the file works before and after the control socket existed.
"""

#: Two workers per instance: the app is mostly waiting on the database and argon2.
workers = 2
#: SO_REUSEPORT: a master restarted after a crash binds beside the dead master's orphaned
#: workers (which still hold the port until they notice and exit) instead of failing with
#: "Connection in use" and exiting.
reuse_port = True
#: A worker silent this long is killed and replaced (a quiz PDF takes well under a second).
timeout = 30
#: On SIGTERM (a stop or restart), workers finish the requests in hand for up to this long;
#: systemd's TimeoutStopSec is longer, so it never cuts a graceful stop short.
graceful_timeout = 20
#: Keep connections from nginx open between requests (nginx reuses them).
keepalive = 5
#: No control socket (gunicorn >= 24 opens one in the home folder by default): nothing
#: should reach the master except signals from the supervisor.
control_socket_disable = True
#: Logs to stderr: the journal (systemd) or supervisord collects them.
accesslog = "-"
errorlog = "-"
