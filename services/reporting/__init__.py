"""Reporting 台账·月报·考核: for now its pure domain only (`services.reporting.domain`)."""
