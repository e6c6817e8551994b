"""Counterpart updates without an account: signed links to one line, and the secretariat's review of what arrives."""
