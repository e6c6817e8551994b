def format_progress(value):
    """An agreement's progress as annotated by AgreementQuerySet.with_progress(); "—" when it has no action lines."""
    return "—" if value is None else f"{round(value)}%"
