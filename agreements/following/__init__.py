"""Following an agreement: what its followers are owed (notices.py), how they are picked up and claimed for the
daily digest (outbox.py), their part of the digest (digest.py), and the digest for followers without a person
record (delivery.py)."""
