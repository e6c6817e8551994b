"""How pages name the account behind an update, a deadline change or a past version: the person, not the login.

An account linked to a Person is named as that person, with their institution; otherwise by the account's full
name, then its login. Querysets that show such names select_related `<field>__person__institution`
(e.g. "author__person__institution"), so that naming costs no query per row.
"""


def person_of_account(user):
    """The Person linked to `user`, or None; read from what select_related fetched (a miss is cached too)."""
    return getattr(user, "person", None) if user is not None else None


def account_name(user):
    """The person's name, else the account's full name, else its login; "" for no account."""
    if user is None:
        return ""
    person = person_of_account(user)
    if person is not None and person.full_name:
        return person.full_name
    return user.get_full_name() or user.get_username()


def account_institution(user):
    """The short name of the institution of the person behind `user` (its acronym when it has one), or ""."""
    person = person_of_account(user)
    institution = person.institution if person is not None and person.institution_id else None
    if institution is None:
        return ""
    return institution.acronym or institution.name


def credited_name(user):
    """ "Luis Rondón (MPPIPN)": the name, and the institution when the account belongs to a person who has one."""
    name, institution = account_name(user), account_institution(user)
    return f"{name} ({institution})" if institution else name
