"""Surveys, responses, tallies, QR codes and reports (arrive with the survey issue)."""
