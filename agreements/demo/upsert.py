"""Create-or-update by natural key that saves only when something differs.

update_or_create() saves on every run, and each save adds a history row; the demo must leave the same rows
when it runs twice.
"""


def _differs(instance, field, value):
    if field.many_to_one or field.one_to_one:
        return getattr(instance, field.attname) != (value.pk if value is not None else None)
    return getattr(instance, field.attname) != value


def upsert(model, lookup, values=None):
    values = values or {}
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if _differs(instance, model._meta.get_field(name), value)]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save()
    return instance


def set_related(instance, name, items):
    """Set a many-to-many relation only when its members differ (each change adds a history row)."""
    manager = getattr(instance, name)
    wanted = {item.pk for item in items}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(items)
