"""A Redis outage neither takes login and verification down nor lifts their limits: the rate
limiter falls back to per-process memory, says so in the log, and returns to Redis when it is
back. The test starts its own redis-server on a spare port, stops it and starts it again:
never the shared one on 6379."""

import logging
import shutil
import subprocess
import time
from datetime import timedelta

import pytest
import redis

from tests.conftest import move_clock
from tests.helpers import login
from tests.test_scale_out import free_port

WRONG = "not the password at all"


class RedisServer:
    """A throwaway redis-server the test owns (no snapshots, no append-only file)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def keys(self) -> list[bytes]:
        return redis.Redis(port=self.port).keys("LIMITS:*")


@pytest.fixture
def own_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server missing (apt install redis-server)")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def limited_app(db, make_app, own_redis):
    # After ``db``: its app re-initialises the one limiter, and the last app made wins.
    return make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=own_redis.url,
        LOGIN_RATE_LIMIT="3 per minute",
        VERIFY_RATE_LIMIT="2 per minute",
    )


def _client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _logins(client, times: int) -> list[int]:
    return [login(client, "nobody@example.org", WRONG).status_code for _ in range(times)]


def test_a_redis_outage_keeps_login_and_verify_working_and_limited(limited_app, own_redis, caplog):
    caplog.set_level(logging.INFO)
    assert _logins(_client(limited_app, "10.0.0.1"), 4) == [400, 400, 400, 429]
    assert own_redis.keys(), "the counters live in Redis while it is up"

    own_redis.stop()
    assert _logins(_client(limited_app, "10.0.0.2"), 4) == [400, 400, 400, 429]
    verifier = _client(limited_app, "10.0.0.3")
    assert [verifier.get("/verify").status_code for _ in range(3)] == [200, 200, 429]
    assert "falling back to in-memory storage" in caplog.text

    own_redis.start()  # empty: a restarted Redis has lost its counters
    move_clock(timedelta(minutes=2))  # past the limiter's back-off between checks of Redis
    assert _logins(_client(limited_app, "10.0.0.4"), 1) == [400]
    assert "Rate limit storage recovered" in caplog.text
    assert own_redis.keys(), "counting is back in Redis"


def test_swallowing_rate_limit_errors_is_refused_at_start(make_app):
    """Swallowing storage errors would let every login through unlimited while Redis is down."""
    with pytest.raises(ValueError, match="RATELIMIT_SWALLOW_ERRORS"):
        make_app(RATELIMIT_SWALLOW_ERRORS=True)
