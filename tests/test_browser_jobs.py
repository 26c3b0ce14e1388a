"""An administrator issues certificates in a real browser (Chromium) and watches the job's
progress bar reach 100 % while the consumer, in its own process, is SIGKILLed once on the
way and started again. The bar moves by the page's own polling (no reload)."""

import re
import signal
import threading

import pytest
from sqlalchemy import create_engine, select
from werkzeug.serving import make_server

from course_app import create_app
from course_app.certificates.models import Certificate
from course_app.db import get_engine
from tests.conftest import base_config
from tests.helpers import PASSWORD
from tests.job_fixtures import admin_browser, eligible_learners, not_eligible_learner
from tests.quality import CHROMIUM, CHROMIUM_ARGS, axe_violations, require_tools
from tests.test_jobs_consumer import (
    DEADLINE_S,
    _start_consumer,
    _units_done_while_holding_the_job,
    _wait_for_requeue,
)

COUNT = 6


@pytest.fixture
def server(database_url, tmp_path):
    require_tools()
    config = {**base_config(database_url), "JOBS_IMMEDIATE": False}
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    assert app.test_cli_runner().invoke(args=["load-content"]).exit_code == 0  # the test courses
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    get_engine(app).dispose()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_admin_watches_a_bulk_issue_survive_a_killed_consumer(server, browser, db, tmp_path):
    app, url = server
    admin_browser(app, db)
    ready = eligible_learners(app, db, COUNT - 1)
    not_eligible_learner(app, db)
    page = browser.new_context(bypass_csp=True).new_page()  # bypass: to inject axe
    page.goto(url + "/auth/login")
    page.get_by_label("E-mail address").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(url + "/admin/certificates")
    for learner in ready:
        page.get_by_label(f"Issue to {learner.full_name}").check()
    page.get_by_role("button", name="Issue to the selected learners").first.click()
    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    page.get_by_text(f"Waiting for a worker: 0 of {COUNT - 1}.").wait_for()
    assert axe_violations(page) == []
    job_id = int(page.url.rsplit("/", 1)[1])

    log = tmp_path / "consumer.log"
    engine = create_engine(app.config["DATABASE_URL"])
    consumer = _start_consumer(app, app.config["DATABASE_URL"], log)
    try:
        holding = _units_done_while_holding_the_job(engine, job_id, at_least=2)
        consumer.send_signal(signal.SIGKILL)
        consumer.wait(timeout=DEADLINE_S)
        holding.release()
    finally:
        consumer.kill()
    page.get_by_text(re.compile(r"Running: [2-4] of 5\.")).wait_for()  # the page's poll
    _wait_for_requeue(app, app.config["DATABASE_URL"], log)
    consumer = _start_consumer(app, app.config["DATABASE_URL"], log)
    try:
        page.get_by_text(f"Finished: {COUNT - 1} of {COUNT - 1} done, 0 failed.").wait_for(
            timeout=DEADLINE_S * 1000
        )
    finally:
        consumer.send_signal(signal.SIGTERM)
        consumer.wait(timeout=DEADLINE_S)
    bar = page.locator("#job-progress")
    assert bar.get_attribute("value") == bar.get_attribute("max") == str(COUNT - 1)
    assert page.locator("#job-percent").inner_text() == "100 %"
    holders = db.scalars(select(Certificate.user_id)).all()
    assert sorted(holders) == sorted(learner.id for learner in ready)
    engine.dispose()
