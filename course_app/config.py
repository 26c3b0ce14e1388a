"""Default settings: safe, non-secret values only.

Layers, later wins: these defaults → ``instance/config.py`` → ``COURSE_APP_*`` environment
variables → the ``test_config`` mapping given to :func:`course_app.create_app`.
``SECRET_KEY`` and ``DATABASE_URL`` are filled in by the factory when no layer sets them.
"""

from pathlib import Path
from typing import ClassVar

REPO_ROOT = Path(__file__).resolve().parent.parent


class DefaultConfig:
    #: SQLAlchemy URL; default ``sqlite:///<instance>/course_app.sqlite`` (set in the factory).
    DATABASE_URL: str | None = None
    #: Where ``load-content`` and ``check-content`` read the curriculum from.
    CONTENT_DIR = str(REPO_ROOT / "content")

    #: The interface's languages (code → the name shown in the switcher, in that language).
    LANGUAGES: ClassVar[dict[str, str]] = {"en": "English", "fr": "Français"}
    #: The language when neither the account, the switcher's cookie nor the browser says.
    BABEL_DEFAULT_LOCALE = "en"
    #: Visitors who are not signed in read times in this zone (accounts use their own).
    BABEL_DEFAULT_TIMEZONE = "UTC"

    # Cookies: HttpOnly always; Secure only when served over HTTPS (turn on in production).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False

    # Password hashing: argon2id at the OWASP minimum (19 MiB, 2 passes, 1 lane).
    PASSWORD_HASH_MEMORY_KIB = 19 * 1024
    PASSWORD_HASH_TIME_COST = 2
    PASSWORD_HASH_PARALLELISM = 1
    PASSWORD_MIN_LENGTH = 12
    #: Seconds a password-reset link stays valid.
    PASSWORD_RESET_MAX_AGE = 3600
    #: Seconds an invitation link (an account an administrator created) stays valid.
    INVITATION_MAX_AGE = 7 * 24 * 3600
    #: Seconds a link confirming a new e-mail address stays valid.
    EMAIL_CHANGE_MAX_AGE = 24 * 3600

    # Rate limits (Flask-Limiter); use redis://… when several instances serve the site.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    #: When the shared storage (Redis) cannot be reached, count in each process's memory
    #: instead (the same limits, per process) and go back to Redis once it answers again.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: Give up on an unreachable Redis within half a second rather than hanging every login.
    RATELIMIT_STORAGE_OPTIONS: ClassVar[dict[str, float]] = {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
    }
    #: Never true: swallowing storage errors lets every request through unlimited.
    RATELIMIT_SWALLOW_ERRORS = False
    LOGIN_RATE_LIMIT = "10 per minute;100 per hour"
    REGISTER_RATE_LIMIT = "5 per minute;30 per hour"
    RESET_RATE_LIMIT = "5 per minute;30 per hour"
    #: Failed logins counted in the database (shared by every worker and instance): at the
    #: limit for an account, or for a client address, logins are refused until the oldest
    #: failures inside the window age out.
    LOGIN_FAILURES_PER_ACCOUNT = 10
    LOGIN_FAILURES_PER_ADDRESS = 50
    LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    #: Reverse proxies in front of the app (e.g. 1 behind nginx): 0 trusts no forwarded header.
    TRUSTED_PROXY_COUNT = 0
    #: Public certificate verification (pages, JSON and uploads), per client address.
    VERIFY_RATE_LIMIT = "30 per minute;500 per hour"
    #: Requests per personal access token (or per address for requests without one).
    API_RATE_LIMIT = "120 per minute;3000 per hour"
    #: Largest request body (a file on /verify is at most 1 MiB): larger is refused with 413.
    MAX_CONTENT_LENGTH = 6 * 1024 * 1024

    # Outgoing mail: empty MAIL_SERVER means "log it and keep it in the admin outbox only".
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""

    # Learning records (xAPI 1.0.3, docs/xapi.md). Statements are always kept in the database
    # (for export); with XAPI_LRS_URL they are also sent to that Learning Record Store.
    #: The LRS's xAPI endpoint, e.g. ``https://lrs.example.org/xAPI``; empty: not sent.
    XAPI_LRS_URL = ""
    #: HTTP basic credentials for the LRS: set them in instance/config.py or the environment.
    XAPI_LRS_USERNAME = ""
    XAPI_LRS_PASSWORD = ""
    #: Prefix of every activity id; empty: ``PUBLIC_BASE_URL``. Give every instance of the
    #: same curriculum the same base, and the same lesson has the same id everywhere.
    XAPI_ACTIVITY_BASE = ""
    #: Empty: ``PRODUCT_NAME <no-reply@localhost>``.
    MAIL_SENDER = ""

    #: E-mail of the administrator that ``create-admin`` makes on the first run.
    FIRST_ADMIN_EMAIL = "admin@example.org"
    #: The name people see on every page, e-mail and certificate.
    PRODUCT_NAME = "Dry Needling CE"
    #: Printed on certificates and named as the issuer of signed credentials; empty:
    #: ``PRODUCT_NAME``.
    ISSUER_NAME = ""
    #: Public address of the site, e.g. ``https://ce.example.org``: every absolute URL (reset
    #: links, mails, QR codes, credentials) is built from it, never from the request's Host.
    #: Required unless DEBUG or TESTING (then ``http://127.0.0.1:5000`` / ``http://localhost``).
    PUBLIC_BASE_URL = ""
    #: Host names the app answers to (Flask's setting; others get 400). None: the host of
    #: ``PUBLIC_BASE_URL`` plus localhost, 127.0.0.1 and ::1.
    TRUSTED_HOSTS: list[str] | None = None
    #: Where ``audit-checkpoint`` appends signed checkpoints of the audit chain's head;
    #: empty: ``instance/audit-checkpoints.jsonl`` (a relative path is from the instance folder).
    AUDIT_CHECKPOINT_FILE = ""

    #: Hours before a practical cohort's first day (midnight UTC) after which a learner can no
    #: longer cancel their seat themselves (staff still can).
    PRACTICAL_CANCEL_CUTOFF_HOURS = 72

    #: The fewest answers a course's (or a cohort's) evaluation report shows: below it the
    #: report only counts them, so no learner's answers can be picked out.
    EVALUATION_MIN_RESPONSES = 5

    # Time on task (course_app/timing.py; README "Configuration" explains the defaults).
    #: Share of a lesson's declared minutes its recorded time on task must reach before the
    #: lesson completes and its minutes count: a fluent reader of technical text reads about
    #: twice the planning rate the minutes are declared at.
    LESSON_TIME_SHARE = 0.5
    #: Most seconds one heartbeat earns (the page sends one every 30 s while in use).
    LESSON_BEAT_CAP_SECONDS = 60
    #: Seconds a lesson page's token stays valid: the longest lesson a file may declare.
    LESSON_PAGE_MAX_AGE = 4 * 3600

    # Item analysis (course_app/instructor/analysis.py).
    #: Answers an item needs before the analysis flags it (too easy, too hard, negative
    #: discrimination); fewer is noise. Also where the page calls the quiz's statistics
    #: unstable (graded attempts).
    ITEM_ANALYSIS_MIN_ANSWERS = 20

    # Background jobs (course_app/jobs; docs/jobs.md).
    #: A regrade affecting more attempts than this runs as a job (fewer: in the request).
    REGRADE_JOB_ATTEMPTS = 200
    #: Redis for the job queue (e.g. redis://127.0.0.1:6379/1); empty: a SQLite file.
    JOBS_REDIS_URL = ""
    #: The queue's name (Redis keys): sites sharing one Redis each need their own.
    JOBS_QUEUE_NAME = "course_app"
    #: The SQLite queue file, relative to the instance folder.
    JOBS_SQLITE_FILE = "jobs.sqlite"
    #: Run jobs inside the request that starts them, with no consumer: None follows TESTING.
    JOBS_IMMEDIATE: bool | None = None
    #: Jobs a consumer runs at once (threads).
    JOBS_WORKERS = 2
    #: Seconds a runner holds a job after its last unit; a dead runner's job resumes after.
    JOBS_LEASE_SECONDS = 60
    #: Minutes a queued job may wait before it is put on the queue again (lost messages).
    JOBS_REQUEUE_MINUTES = 15
    #: Where the scheduled nightly backup writes (relative: in the instance folder) and how
    #: many of its backups it keeps.
    BACKUP_DIR = "backups"
    BACKUP_KEEP = 14
