"""Importing agreements and action lines from spreadsheets: template, reader, check, apply, runs."""
