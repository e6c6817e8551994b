"""Role groups and their permissions, shared by the migrations that create or extend them."""

from django.contrib.auth.management import create_permissions


def create_roles(apps, schema_editor):
    from agreements.roles import ROLES, permission_codenames

    # Permissions are normally made after migrations; make them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        codenames = permission_codenames(role)
        if codenames is None:
            permissions = Permission.objects.all()
        else:
            permissions = [
                Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in codenames
            ]
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    from agreements.roles import ROLES

    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()
