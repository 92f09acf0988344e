"""A new loyalty order row in one statement, for the request that places the order.

``INSERT ... ON CONFLICT (order_id) DO NOTHING RETURNING``, with the buyer's company found by
the INSERT itself: recording an order is on Saleor's ``checkoutComplete`` path, where every
statement is the shopper's wait, and the ORM's ``get_or_create`` would lock, read, write and
(inside a transaction) add a savepoint around it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection

from ..models import OrderRecord

# The member's company; the program's one-company-per-customer rule makes it one row at most.
_COMPANY_OF_USER = "(SELECT company_id FROM loyalty_company_member WHERE user_id = %s LIMIT 1)"


def insert_new_record(order_id: str, values: dict[str, Any], *, now: datetime) -> OrderRecord | None:
    """Insert the order's row from ``values`` (``OrderRecord`` fields, ``company_id`` left out:
    the buyer's company is read by the INSERT); None when the order was recorded before."""
    record = OrderRecord(order_id=order_id, created_at=now, **values)
    columns, placeholders, params = [], [], []
    for field in OrderRecord._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname == "company_id" and record.user_id is not None:
            placeholders.append(_COMPANY_OF_USER)
            params.append(record.user_id)
        else:
            placeholders.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(record, True), connection))
    table = connection.ops.quote_name(OrderRecord._meta.db_table)
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(placeholders)}) "
           "ON CONFLICT (order_id) DO NOTHING RETURNING id, company_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    record.pk, record.company_id = row
    record._state.adding, record._state.db = False, connection.alias
    return record
