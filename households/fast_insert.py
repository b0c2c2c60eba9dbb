"""INSERT many rows of one model with executemany, for the 10,000-row Excel import.

Django's bulk_create spends most of its time preparing each of ~300,000 values one by one; here
only the fields that need it (JSON, dates) go through their field's preparation, the rest pass
as they are. Constraints still hold: the database checks every row (one active household per
CCCD raises IntegrityError as usual). Caller sets every value, auto_now ones included."""

from __future__ import annotations

from django.db import connection, models


def insert_rows(model: type[models.Model], objs: list, *, batch_size: int = 2000) -> None:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    prepared = [
        (f.attname, f if isinstance(f, (models.JSONField, models.DateField)) else None)
        for f in fields
    ]
    rows = [
        [
            field.get_db_prep_save(getattr(obj, attname), connection)
            if field is not None
            else getattr(obj, attname)
            for attname, field in prepared
        ]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, rows[start : start + batch_size])
