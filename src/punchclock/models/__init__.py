"""Every table; importing this module registers them all on ``Base.metadata``."""

from punchclock.models.catalog import Client, Project, ProjectMember, Tag, Task
from punchclock.models.time_entries import TimeEntry, TimeEntryTag
from punchclock.models.users import AuthSession, User
from punchclock.models.workspaces import Workspace, WorkspaceMember

__all__ = [
    "AuthSession",
    "Client",
    "Project",
    "ProjectMember",
    "Tag",
    "Task",
    "TimeEntry",
    "TimeEntryTag",
    "User",
    "Workspace",
    "WorkspaceMember",
]
