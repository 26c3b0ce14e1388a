"""Forms of the instructor workspace."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import CheckboxInput, ListWidget


def unix_newlines(text: str | None) -> str | None:
    """Browsers send a textarea's lines ending in CR LF; files and the Markdown rules (a
    ``{{ figure key }}`` line) expect LF."""
    return text.replace("\r\n", "\n") if text else text


def _email(label: str, description: str = "") -> EmailField:
    return EmailField(
        label, validators=[DataRequired(), Email(), Length(max=254)], description=description
    )


class StaffForm(FlaskForm):
    email = _email(
        _l("Instructor's e-mail address"),
        _l("Type a name or an address: the platform's instructors are suggested."),
    )


class CohortForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("For instance: Toronto, spring 2027."),
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    location = StringField(_l("Location"), validators=[DataRequired(), Length(max=200)])
    capacity = IntegerField(_l("Places"), validators=[InputRequired(), NumberRange(min=1, max=500)])
    lab_hours = DecimalField(
        _l("In-person lab hours"),
        places=1,
        validators=[InputRequired(), NumberRange(min=0, max=200)],
        description=_l("Supervised practical hours it provides (kept apart from online minutes)."),
    )
    instructors = StringField(
        _l("Other instructors' e-mail addresses (optional)"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Separated by commas. You are added yourself if you are an instructor."),
    )

    def instructor_emails(self) -> tuple[str, ...]:
        raw = self.instructors.data or ""
        return tuple(part.strip() for part in raw.split(",") if part.strip())


class MemberForm(FlaskForm):
    email = _email(
        _l("Learner's e-mail address"),
        _l("Or find the learner above by name and add them from the list."),
    )


class HoursForm(FlaskForm):
    hours = DecimalField(
        _l("Practical hours attended"),
        places=1,
        validators=[InputRequired(), NumberRange(min=0, max=200)],
    )


class SignoffForm(FlaskForm):
    result = RadioField(
        _l("Result"),
        choices=[SelectChoice("pass", _l("Pass")), SelectChoice("not-yet", _l("Not yet"))],
        validators=[InputRequired(message=_l("Choose Pass or Not yet."))],
    )
    assessed_on = DateField(_l("Assessed on"), validators=[InputRequired()])
    notes = TextAreaField(_l("Notes (optional)"), validators=[Optional(), Length(max=2000)])


class ConfirmSignoffForm(FlaskForm):
    """A second assessor confirms a recorded pass."""

    assessed_on = DateField(_l("Assessed on (second assessor)"), validators=[InputRequired()])


class ConfirmForm(FlaskForm):
    """A POST with only the CSRF token, for actions confirmed by a button."""


class LessonForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        _l("Text (Markdown)"),
        validators=[DataRequired(), Length(max=200_000)],
        filters=[unix_newlines],
        description=_l(
            "Headings start at ##. Label claims Supported, Proposed or Contested and cite "
            "sources as [S1]. The preview is rendered and sanitized exactly as learners see it."
        ),
    )


class OptionForm(FlaskForm):
    class Meta:
        csrf = False  # part of QuestionForm, which carries the token

    text = StringField("Option text", validators=[Optional(), Length(max=500)])
    correct = BooleanField("Right answer")


class QuestionForm(FlaskForm):
    prompt = TextAreaField("Question", validators=[DataRequired(), Length(max=2000)])
    options = FieldList(FormField(OptionForm), min_entries=8, max_entries=8)
    answer = RadioField(
        "Right answer",
        choices=[SelectChoice("true", "True"), SelectChoice("false", "False")],
        validators=[Optional()],
    )
    rationale = TextAreaField(
        "Rationale (shown as feedback)", validators=[DataRequired(), Length(max=4000)]
    )
    source = SelectField("Source", validators=[DataRequired()])
    objective = SelectField("Learning objective", validators=[DataRequired()])
    topic = SelectField(
        "Topic",
        validators=[Optional()],
        description="The rule or skill it tests. Every attempt includes each must-pass topic.",
    )
    must_pass = BooleanField("Must-pass (safety-critical): a wrong answer fails the attempt")
    required = BooleanField("Show this question in every attempt")


class NewQuestionForm(QuestionForm):
    key = StringField(
        "Key",
        validators=[
            DataRequired(),
            Length(max=80),
            Regexp(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Use lower-case letters, digits and hyphens."
            ),
        ],
        description="Permanent: attempts and files refer to the question by it.",
    )
    type = SelectField(
        "Type",
        choices=[
            SelectChoice("single", "Single best answer"),
            SelectChoice("multiple", "Multiple response (select all that apply)"),
            SelectChoice("true-false", "True / false"),
        ],
    )


class QuizSettingsForm(FlaskForm):
    pass_mark = IntegerField("Pass mark (%)", validators=[InputRequired(), NumberRange(1, 100)])
    max_attempts = IntegerField(
        "Attempts allowed (0 = unlimited)", validators=[InputRequired(), NumberRange(0, 50)]
    )
    cooldown_minutes = IntegerField(
        "Wait after a failed attempt (minutes)", validators=[InputRequired(), NumberRange(0, 10080)]
    )
    time_limit_minutes = IntegerField(
        "Time limit (minutes, 0 = none)", validators=[InputRequired(), NumberRange(0, 600)]
    )
    shuffle_questions = BooleanField("Shuffle the questions")
    feedback = SelectField(
        "When right answers and rationales show",
        choices=[
            SelectChoice("immediately", "Immediately after each attempt"),
            SelectChoice("after-passing", "Once the learner has passed"),
            SelectChoice("never", "Never (score only)"),
        ],
    )
    must_pass_fails_attempt = BooleanField("A wrong must-pass answer fails the attempt")
    scoring = SelectField(
        "Multiple-response scoring",
        choices=[
            SelectChoice("all-or-nothing", "All or nothing"),
            SelectChoice("partial", "Partial credit (wrong ticks cost as much as right ones earn)"),
        ],
    )


def settings_form_for(draw_labels: list[str]) -> type[QuizSettingsForm]:
    """The settings form with one "questions drawn" field per objective or module."""

    class Form(QuizSettingsForm):
        pass

    for index, label in enumerate(draw_labels):
        field = IntegerField(
            f"Questions drawn: {label}", validators=[InputRequired(), NumberRange(0, 200)]
        )
        setattr(Form, f"draw_{index}", field)
    return Form


class AllowanceForm(FlaskForm):
    """An exception for one learner at one quiz: extra attempts and/or a lifted cooldown."""

    quiz = SelectField(_l("Quiz"), validators=[DataRequired()])
    extra_attempts = IntegerField(
        _l("Extra attempts (0 to 5)"),
        default=1,
        validators=[InputRequired(), NumberRange(0, 5, message=_l("Choose from 0 to 5."))],
    )
    lift_cooldown = BooleanField(_l("Lift the current cooldown: the learner may start now"))
    reason = TextAreaField(
        _l("Reason (kept in the audit trail)"), validators=[DataRequired(), Length(max=500)]
    )


SLUG_RULE = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Use lower-case letters, digits and single hyphens."
)


class ModuleForm(FlaskForm):
    slug = StringField(
        "Slug",
        validators=[DataRequired(), Length(max=80), SLUG_RULE],
        description="Permanent: progress, quizzes and files refer to the module by it.",
    )
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField("Summary (optional)", validators=[Optional(), Length(max=2000)])


class NewLessonForm(FlaskForm):
    # No "required": a select whose first option is a real module needs none (and the
    # HTML checker refuses it); an unknown value is refused as not a valid choice.
    module = SelectField("Module")
    slug = StringField(
        "Slug",
        validators=[DataRequired(), Length(max=80), SLUG_RULE],
        description="Permanent: progress and files refer to the lesson by it.",
    )
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    minutes = IntegerField(
        "Minutes it takes", validators=[InputRequired(), NumberRange(min=1, max=240)]
    )
    objectives = TextAreaField(
        "Learning objectives, one a line", validators=[DataRequired(), Length(max=4000)]
    )
    sources = SelectMultipleField("Sources it rests on", validators=[DataRequired()])
    body = TextAreaField(
        "Text (Markdown)",
        validators=[DataRequired(), Length(max=200_000)],
        filters=[unix_newlines],
        description="Headings start at ##. Cite sources as [S1]; place a figure with "
        "{{ figure key }}. Sanitized exactly as learners see it.",
    )

    def objective_lines(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.objectives.data.splitlines() if line.strip())


class FigureFileForm(FlaskForm):
    """A figure's file and words: replacing a figure asks for these under its key."""

    file = FileField(
        "File (SVG, PNG, JPEG or WebP; 200 kB at most)",
        validators=[FileRequired(message="Choose the figure's file.")],
    )
    title = StringField("Caption", validators=[DataRequired(), Length(max=300)])
    alt = StringField(
        "Alt text",
        validators=[DataRequired(), Length(max=250)],
        description="What the figure shows, in a sentence, for readers who cannot see it.",
    )
    description = TextAreaField(
        "Long description",
        validators=[DataRequired(), Length(max=4000)],
        filters=[unix_newlines],
        description="Everything the figure says, in words.",
    )


class FigureForm(FigureFileForm):
    key = StringField(
        "Key",
        validators=[DataRequired(), Length(max=80), SLUG_RULE],
        description="Permanent: a lesson places the figure with a line {{ figure key }}.",
    )


class CaseForm(FlaskForm):
    key = StringField(
        "Key",
        validators=[DataRequired(), Length(max=80), SLUG_RULE],
        description="Permanent. Writing a key the quiz already has edits that case.",
    )
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    text = TextAreaField(
        "Vignette (Markdown)",
        validators=[DataRequired(), Length(max=20_000)],
        filters=[unix_newlines],
        description="The patient, history and findings the questions refer to. Sanitized like "
        "lessons.",
    )
    questions = SelectMultipleField(
        "Questions that present it",
        validators=[DataRequired(message="Choose at least one question.")],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
