"""Outputs people and machines read: the triage JSON, the HTML report."""
