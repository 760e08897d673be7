"""The catalog's history for writes that send no signals: the admin's bulk actions
update rows with `QuerySet.update()`, which django-simple-history does not see, so
they record each changed row here, in bulk. And the state before an entry's first
recorded change (rows loaded from fixtures or written in bulk have no history), so
that change shows its fields before and after.
"""

from collections.abc import Iterable
from typing import cast

from django.db import models
from simple_history.models import HistoricalRecords

# Rows recorded at a time: a bulk action may select every vendor of the catalog.
BATCH = 2_000
BEFORE_HISTORY = "As it was before its history was kept"


def record(
    model: type[models.Model],
    ids: Iterable[int],
    *,
    user=None,
    reason: str = "",
    unrecorded_only: bool = False,
) -> None:
    """Record the rows `ids` of `model` as they are now, with their many-to-many
    values, as changed by `user`; with `unrecorded_only`, only those with no history."""
    history = model.history.model  # type: ignore[attr-defined]
    ids = sorted(set(ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        if unrecorded_only:
            recorded = set(
                history.objects.filter(id__in=batch).values_list("id", flat=True).distinct()
            )
            batch = [pk for pk in batch if pk not in recorded]
        rows = list(model._default_manager.filter(pk__in=batch))
        if not rows:
            continue
        records = model.history.bulk_history_create(  # type: ignore[attr-defined]
            rows, update=True, default_user=user, default_change_reason=reason
        )
        record_many_to_many(model, records)


def record_many_to_many(model: type[models.Model], records: list) -> None:
    """What simple-history keeps of each tracked many-to-many field on a save, for
    records made in bulk: `bulk_history_create` keeps none, so the next change would
    show every value as added."""
    by_owner = {record.id: record for record in records}
    for field in model._meta.many_to_many:
        history_through = HistoricalRecords.m2m_models.get(field)
        if history_through is None:
            continue
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        through = cast(type[models.Model], field.remote_field.through)
        rows = through._default_manager.filter(**{f"{source}_id__in": list(by_owner)}).values_list(
            "id", f"{source}_id", f"{target}_id"
        )
        history_through.objects.bulk_create(
            [
                history_through(
                    history=by_owner[owner],
                    id=row_id,
                    **{f"{source}_id": owner, f"{target}_id": value},
                )
                for row_id, owner, value in rows
            ],
            batch_size=BATCH,
        )


def skip_fixture_loads(instance, raw: bool, **kwargs) -> None:
    """A fixture load saves each row raw, which simple-history skips, then sets its
    many-to-many values, which it would record as changes made by no one. Connected to
    pre_save in outsourcing/apps.py; the first change in the admin records the state
    before it instead."""
    if raw:
        instance.skip_history_when_saving = True
