"""The reporting rules, pure: obligations (due dates, on time or late, reminders, overdue),
indicator computation from events, and unit assessment. Time is always an argument."""
