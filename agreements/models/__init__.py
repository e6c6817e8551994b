from .action_lines import OPEN_STATUSES, ActionLine, DeadlineChange, ProgressUpdate
from .agreements import Agreement, AgreementAccess
from .briefing import BriefingPack
from .commissions import Commission, SectoralMeeting, Session, to_roman
from .counterpart import UpdateLink
from .documents import Document
from .following import Follow, FollowNotice
from .imports import SpreadsheetImport
from .reference import Country, Institution, Person, Sector
from .reminders import Reminder, SweepRun

__all__ = [
    "OPEN_STATUSES",
    "ActionLine",
    "Agreement",
    "AgreementAccess",
    "BriefingPack",
    "Commission",
    "Country",
    "DeadlineChange",
    "Document",
    "Follow",
    "FollowNotice",
    "Institution",
    "Person",
    "ProgressUpdate",
    "Reminder",
    "Sector",
    "SpreadsheetImport",
    "SectoralMeeting",
    "Session",
    "SweepRun",
    "UpdateLink",
    "to_roman",
]
