"""Signing in: lockout responses, the sign-in log, idle sessions, and who may set which password."""
