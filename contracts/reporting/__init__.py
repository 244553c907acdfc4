"""Reporting 台账·月报·考核: reporting obligations (`reports`: notices, submissions, returns,
reminders, overdue reports; indicator snapshots and unit assessments), the commands that ask
for snapshots and assessments (`snapshots`), who may send which
command (`roles`), the indicator and assessment catalogues and the obligation schedule (versioned
data). The reporting service (`services/reporting`) takes the commands; a message it refuses is
answered with `MessageRejected`."""

from contracts.reporting import rejections, reports, roles, snapshots
from contracts.reporting.rejections import MessageRejected

__all__ = ["MessageRejected", "rejections", "reports", "roles", "snapshots"]
