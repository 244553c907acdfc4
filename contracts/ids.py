"""Placeholder: replaced by the validated identifier types."""

CaseNumber = str
