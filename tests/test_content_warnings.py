"""Curriculum warnings and check-content's --strict and --known (the mechanism; each check
has its own tests)."""

import pytest

from course_app import content_warnings as cw
from course_app.config import REPO_ROOT
from course_app.content_warnings import ContentWarning, read_known, triage
from tests.conftest import TEST_CONTENT


def warn(rule: str, subject: str) -> ContentWarning:
    return ContentWarning("quizzes/a.toml", 12, rule, subject, f"{subject} looks odd")


def test_a_warning_prints_as_file_line_rule_message():
    assert str(warn("key-longest", "q1")) == "quizzes/a.toml:12: warning [key-longest] q1 looks odd"


def test_known_warnings_pass_new_ones_and_stale_entries_fail_in_strict_mode(tmp_path):
    known_file = tmp_path / "known.txt"
    known_file.write_text("# accepted until the second edition\nkey-longest q1\nkey-longest q9\n\n")
    known = read_known(known_file)
    assert known == {("key-longest", "q1"), ("key-longest", "q9")}
    found = triage([warn("key-longest", "q1"), warn("negative-stem", "q2")], known)
    assert [w.subject for w in found.new] == ["q2"] and [w.subject for w in found.known] == ["q1"]
    assert found.stale == [("key-longest", "q9")]
    assert found.fails(strict=True) and not found.fails(strict=False)
    assert not triage([warn("key-longest", "q1")], {("key-longest", "q1")}).fails(strict=True)


@pytest.fixture
def one_warning(monkeypatch):
    def check(courses):
        return [warn("test-rule", courses[0].slug)]

    monkeypatch.setattr(cw, "CHECKS", (check,))


def test_check_content_prints_warnings_and_fails_only_when_strict(runner, one_warning, tmp_path):
    plain = runner.invoke(args=["check-content", "--dir", str(TEST_CONTENT)])
    assert plain.exit_code == 0 and "warning [test-rule]" in plain.output
    strict = runner.invoke(args=["check-content", "--dir", str(TEST_CONTENT), "--strict"])
    assert strict.exit_code == 1 and "1 new error(s)" in strict.output
    known = tmp_path / "known.txt"
    known.write_text("test-rule advanced\ntest-rule gone\n")
    args = ["check-content", "--dir", str(TEST_CONTENT), "--strict", "--known", str(known)]
    result = runner.invoke(args=args)
    assert result.exit_code == 1  # "gone" is stale
    assert "known warning no longer occurs: test-rule gone" in result.output
    known.write_text("test-rule advanced\n")
    assert runner.invoke(args=args).exit_code == 0


SHIPPED = ["check-content", "--dir", str(REPO_ROOT / "content"), "--strict"]


def test_the_strict_check_ci_runs_passes_on_the_shipped_curriculum_with_no_exceptions(runner):
    result = runner.invoke(args=SHIPPED)
    assert result.exit_code == 0, result.output
    assert "0 new error(s), 0 known, 0 stale" in result.output
    assert not list((REPO_ROOT / "content").glob("known-*.txt"))
