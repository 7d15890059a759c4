"""Every table; importing this module registers them all on ``Base.metadata``."""

from punchclock.models.catalog import Client, Project, ProjectMember, Tag, Task
from punchclock.models.groups import Group, GroupMember
from punchclock.models.imports import ImportLink
from punchclock.models.organizations import Organization
from punchclock.models.time_entries import TimeEntry, TimeEntryTag
from punchclock.models.users import AuthSession, PasswordReset, User
from punchclock.models.webhooks import WebhookDelivery, WebhookEvent, WebhookSubscription
from punchclock.models.workspaces import Workspace, WorkspaceMember

__all__ = [
    "AuthSession",
    "Client",
    "Group",
    "GroupMember",
    "ImportLink",
    "Organization",
    "PasswordReset",
    "Project",
    "ProjectMember",
    "Tag",
    "Task",
    "TimeEntry",
    "TimeEntryTag",
    "User",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSubscription",
    "Workspace",
    "WorkspaceMember",
]
