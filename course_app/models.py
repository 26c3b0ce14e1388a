"""Every model, imported in dependency order, so that metadata is complete for Alembic."""

from course_app.api.models import ApiToken
from course_app.audit.models import AuditEntry
from course_app.auth.models import LoginFailure, User
from course_app.certificates.models import Certificate, CertificateFlag
from course_app.db import Base
from course_app.evaluation.models import EvaluationResponse, EvaluationSubmission
from course_app.incidents.models import LabIncident
from course_app.instructor.models import (
    Cohort,
    CohortInstructor,
    CohortMember,
    CohortWaitlist,
    CompetencySignoff,
    CourseStaff,
)
from course_app.jobs.models import Job, JobUnit
from course_app.lti.models import LtiAccount, LtiGrade, LtiLink, LtiLoginState, LtiPlatform
from course_app.mail.models import OutboxMessage
from course_app.modules.models import (
    Course,
    CourseModule,
    Enrollment,
    EnrolmentStanding,
    Lesson,
    LessonProgress,
    LessonRevision,
    LessonTime,
    MediaFile,
)
from course_app.notifications.models import Notification, NotificationOptOut
from course_app.profiles.models import NameChangeRequest
from course_app.quizzes.models import (
    Accommodation,
    Attempt,
    AttemptAllowance,
    AttemptItem,
    AttemptRegrade,
    Question,
    QuestionVersion,
    Quiz,
    Regrade,
)
from course_app.xapi.models import XapiActor, XapiStatement

metadata = Base.metadata

__all__ = [
    "Accommodation",
    "ApiToken",
    "Attempt",
    "AttemptAllowance",
    "AttemptItem",
    "AttemptRegrade",
    "AuditEntry",
    "Certificate",
    "CertificateFlag",
    "Cohort",
    "CohortInstructor",
    "CohortMember",
    "CohortWaitlist",
    "CompetencySignoff",
    "Course",
    "CourseModule",
    "CourseStaff",
    "Enrollment",
    "EnrolmentStanding",
    "EvaluationResponse",
    "EvaluationSubmission",
    "Job",
    "JobUnit",
    "LabIncident",
    "Lesson",
    "LessonProgress",
    "LessonRevision",
    "LessonTime",
    "LoginFailure",
    "LtiAccount",
    "LtiGrade",
    "LtiLink",
    "LtiLoginState",
    "LtiPlatform",
    "MediaFile",
    "NameChangeRequest",
    "Notification",
    "NotificationOptOut",
    "OutboxMessage",
    "Question",
    "QuestionVersion",
    "Quiz",
    "Regrade",
    "User",
    "XapiActor",
    "XapiStatement",
    "metadata",
]
