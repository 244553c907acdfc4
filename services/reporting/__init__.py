"""Reporting 台账·月报·考核: the reporting service — reporting obligations on command (notices,
submissions, returns) and on the clock (reminders, overdue reports), the observer that keeps
every context's events for the read models, indicators and assessments; its pure rules in
`services.reporting.domain`."""
