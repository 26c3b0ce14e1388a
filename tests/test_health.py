"""``/health`` answers 200 while the database answers and 503 (JSON, Retry-After) when it
cannot be reached, for nginx, monitors and the supervisor (tests/test_supervised.py)."""

from course_app import create_app
from tests.conftest import base_config
from tests.test_scale_out import free_port


def test_health_is_ok_while_the_database_answers(client, db):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_cannot_be_reached(tmp_path):
    nobody_listens = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none"
    app = create_app(base_config(nobody_listens), instance_path=str(tmp_path / "instance"))
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
    assert response.headers["Retry-After"] == "30"
