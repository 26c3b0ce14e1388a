"""Readable audit entries: names for subjects, field-by-field before → after."""

from course_app.audit.readable import NOTHING, Change, changes, show_value, subject_label


def test_changes_are_listed_field_by_field():
    assert changes({"role": "learner"}, {"role": "instructor"}) == [
        Change("Role", "learner", "instructor")
    ]
    assert changes({"is_active": True}, {"is_active": False}) == [Change("Is active", "yes", "no")]
    assert changes(
        {"licence_verified_at": None},
        {"licence_verified_at": "2027-05-31T09:30:00+00:00", "registration_number": "PT1"},
    ) == [
        Change("Licence verified at", NOTHING, "2027-05-31T09:30:00+00:00"),
        Change("Registration number", NOTHING, "PT1"),
    ]


def test_unchanged_fields_and_empty_entries_show_nothing():
    assert changes({"a": 1, "b": 2}, {"a": 1, "b": 3}) == [Change("B", "2", "3")]
    assert changes(None, None) == []
    assert changes(None, {"tags": ["x", "y"]}) == [Change("Tags", NOTHING, "x, y")]


def test_values_read_as_text():
    assert show_value({"b": 1, "a": "é"}) == '{"a": "é", "b": 1}'
    assert show_value("") == NOTHING and show_value(0) == "0"


def test_subjects_are_named_when_known():
    names = {("user", 2): "Pat Learner", ("course", 1): "Dry Needling Level 1"}
    assert subject_label("user", 2, names) == "User Pat Learner"
    assert subject_label("course", 1, names) == "Course Dry Needling Level 1"
    assert subject_label("question_version", 7, names) == "Question version #7"
