"""What the API answers, as marshmallow schemas (the OpenAPI document is made from them)."""

from marshmallow import Schema, fields


class LessonSchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    minutes = fields.Integer(required=True)


class QuizSchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    minutes = fields.Integer(required=True)


class ModuleSchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    lessons = fields.List(fields.Nested(LessonSchema), required=True)
    quiz = fields.Nested(QuizSchema, allow_none=True, required=True)


class CourseSchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    level = fields.Integer(required=True)
    summary = fields.String(required=True)
    ce_minutes = fields.Integer(required=True)
    practical_hours = fields.Float(required=True)
    prerequisite = fields.String(allow_none=True, required=True, metadata={"description": "slug"})


class CourseDetailSchema(CourseSchema):
    modules = fields.List(fields.Nested(ModuleSchema), required=True)
    final_exam = fields.Nested(QuizSchema, allow_none=True, required=True)


class CourseListSchema(Schema):
    items = fields.List(fields.Nested(CourseSchema), required=True)


class RequirementSchema(Schema):
    label = fields.String(required=True)
    met = fields.Boolean(required=True)
    detail = fields.String(required=True)


class StandingSchema(Schema):
    course = fields.String(required=True, metadata={"description": "The course's slug"})
    percent = fields.Integer(required=True)
    lessons_done = fields.Integer(required=True)
    lessons_total = fields.Integer(required=True)
    quizzes_passed = fields.Integer(required=True)
    quizzes_total = fields.Integer(required=True)
    complete = fields.Boolean(required=True)
    eligible = fields.Boolean(required=True, metadata={"description": "For a certificate"})
    requirements = fields.List(fields.Nested(RequirementSchema), required=True)


class StandingListSchema(Schema):
    items = fields.List(fields.Nested(StandingSchema), required=True)


class AttemptSchema(Schema):
    id = fields.Integer(required=True)
    course = fields.String(required=True)
    quiz = fields.String(required=True)
    number = fields.Integer(required=True)
    status = fields.String(required=True)
    started_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(allow_none=True, required=True)
    score = fields.Float(allow_none=True, required=True)
    passed = fields.Boolean(allow_none=True, required=True)


class AttemptListSchema(Schema):
    items = fields.List(fields.Nested(AttemptSchema), required=True)


class CertificateSchema(Schema):
    public_id = fields.String(required=True)
    user_id = fields.Integer(required=True)
    course_title = fields.String(required=True)
    holder_name = fields.String(required=True)
    status = fields.String(required=True)
    issued_at = fields.DateTime(required=True)
    expires_on = fields.Date(allow_none=True, required=True)
    revoked_at = fields.DateTime(allow_none=True, required=True)


class CertificatePageSchema(Schema):
    items = fields.List(fields.Nested(CertificateSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class UserSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    full_name = fields.String(required=True)
    role = fields.String(required=True)
    is_active = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)


class UserPageSchema(Schema):
    items = fields.List(fields.Nested(UserSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class LearnerSchema(Schema):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)
    email = fields.String(required=True)
    registration_number = fields.String(allow_none=True, required=True)


class QuizCellSchema(Schema):
    quiz = fields.String(required=True, metadata={"description": "The quiz's slug"})
    title = fields.String(required=True)
    best = fields.Float(
        allow_none=True, required=True, metadata={"description": "Best score, 0–1 (none: no try)"}
    )
    attempts = fields.Integer(required=True)
    passed = fields.Boolean(required=True)


class PracticalSchema(Schema):
    required = fields.Boolean(required=True, metadata={"description": "The course has one"})
    status = fields.String(required=True, metadata={"description": "not-started … passed"})
    hours = fields.Float(required=True, metadata={"description": "Attended, latest cohort"})
    minimum_hours = fields.Float(required=True)
    cohort = fields.String(allow_none=True, required=True)


class GradebookRowSchema(Schema):
    learner = fields.Nested(LearnerSchema, required=True)
    enrolled_at = fields.DateTime(required=True)
    status = fields.String(required=True, metadata={"description": "As the gradebook's filter"})
    percent = fields.Integer(required=True)
    lessons_done = fields.Integer(required=True)
    lessons_total = fields.Integer(required=True)
    minutes_done = fields.Integer(required=True)
    quizzes = fields.List(fields.Nested(QuizCellSchema), required=True)
    final_exam = fields.Nested(QuizCellSchema, allow_none=True, required=True)
    practical = fields.Nested(PracticalSchema, required=True)
    eligible = fields.Boolean(required=True, metadata={"description": "For a certificate"})
    requirements = fields.List(fields.Nested(RequirementSchema), required=True)


class GradebookPageSchema(Schema):
    course = fields.String(required=True)
    items = fields.List(fields.Nested(GradebookRowSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class EnrolmentSchema(Schema):
    id = fields.Integer(required=True)
    course = fields.String(required=True, metadata={"description": "The course's slug"})
    learner = fields.Nested(LearnerSchema, required=True)
    enrolled_at = fields.DateTime(required=True)
    status = fields.String(required=True)
    percent = fields.Integer(required=True)
    eligible = fields.Boolean(required=True)


class EnrolmentPageSchema(Schema):
    items = fields.List(fields.Nested(EnrolmentSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class LearnerStandingSchema(Schema):
    learner = fields.Nested(LearnerSchema, required=True)
    items = fields.List(fields.Nested(StandingSchema), required=True)
