"""The "Agreements you follow" part of a digest: the notices a follower is still cleared for, by agreement."""

from dataclasses import dataclass, field

from django.conf import settings

from ..models import ActionLine, Agreement, FollowNotice

Kind = FollowNotice.Kind


@dataclass
class FollowedItem:
    notice: FollowNotice

    @property
    def kind(self):
        return self.notice.kind

    @property
    def line(self):
        return self.notice.action_line

    @property
    def update(self):
        return self.notice.progress_update

    @property
    def change(self):
        return self.notice.deadline_change

    @property
    def old_status(self):
        return status_label(self.notice, self.notice.old_status)

    @property
    def new_status(self):
        return status_label(self.notice, self.notice.new_status)

    @property
    def url(self):
        return settings.SITE_URL + self.notice.get_absolute_url()


@dataclass
class FollowedAgreement:
    agreement: Agreement
    items: list = field(default_factory=list)

    @property
    def url(self):
        return settings.SITE_URL + self.agreement.get_absolute_url()


def status_label(notice, value):
    choices = ActionLine.Status if notice.action_line_id else Agreement.Status
    return dict(choices.choices).get(value, value)


def load(ids, user):
    """(notices to tell, ids to drop) among the claimed `ids`: only what `user` is cleared for today."""
    notices = list(
        FollowNotice.objects.filter(pk__in=ids).select_related(
            "agreement__session__commission", "action_line", "progress_update", "deadline_change"
        )
    )
    if user is None or not user.is_active:
        return [], [notice.pk for notice in notices]
    agreement_ids = {notice.agreement_id for notice in notices}
    cleared = set(Agreement.objects.visible_to(user).filter(pk__in=agreement_ids).values_list("pk", flat=True))
    told = [notice for notice in notices if notice.agreement_id in cleared]
    return told, [notice.pk for notice in notices if notice.agreement_id not in cleared]


def told_by_an_update(notice, updates):
    """A line's status change is already in the progress update that made it, when both are in this digest."""
    return notice.kind == Kind.STATUS and (notice.action_line_id, notice.new_status) in updates


def followed_agreements(notices):
    """Group the notices by agreement, in the order things happened."""
    updates = {
        (notice.action_line_id, notice.progress_update.status)
        for notice in notices
        if notice.kind == Kind.PROGRESS and notice.progress_update.status
    }
    groups = {}
    for notice in sorted(notices, key=lambda notice: (notice.created_at, notice.pk)):
        if told_by_an_update(notice, updates):
            continue
        group = groups.setdefault(notice.agreement_id, FollowedAgreement(notice.agreement))
        group.items.append(FollowedItem(notice))
    return list(groups.values())


def followed_context(notices):
    groups = followed_agreements(notices)
    return {"followed": groups, "followed_count": sum(len(group.items) for group in groups)}
