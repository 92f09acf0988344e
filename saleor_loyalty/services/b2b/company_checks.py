"""Input checks of the company services: names, slugs, customer types, roles, limits.

Each returns the clean value or raises ``InvalidInput`` naming the field.
"""

from __future__ import annotations

from django.utils.text import slugify

from ...engine import bounds
from ...exceptions import InvalidInput
from ...models import Company, CompanyRole


def check_name(name: str) -> str:
    clean = (name or "").strip()
    if not clean or len(clean) > 255:
        raise InvalidInput("a company name is 1 to 255 characters", field="name")
    return clean


def check_slug(slug: str, *, company_id: int | None) -> str:
    if not slug or slugify(slug) != slug or len(slug) > 255:
        raise InvalidInput(f"{slug!r} is not a slug (lower-case letters, digits, hyphens)", field="slug")
    if Company.objects.filter(slug=slug).exclude(pk=company_id).exists():
        raise InvalidInput(f"slug {slug!r} is already used by another company", field="slug")
    return slug


def unique_slug(name: str) -> str:
    base = slugify(name)[:240] or "company"
    taken = set(Company.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def check_customer_type(customer_type_id: int | None) -> int | None:
    if customer_type_id is not None and (
        isinstance(customer_type_id, bool) or not isinstance(customer_type_id, int) or customer_type_id <= 0
    ):
        raise InvalidInput("customer_type_id is a positive integer or None", field="customer_type_id")
    return customer_type_id


def check_role(role: str) -> str:
    if role not in CompanyRole.values:
        raise InvalidInput(f"role must be one of {', '.join(CompanyRole.values)}", field="role")
    return str(role)


def check_limit(limit: int | None) -> None:
    """A redemption limit is ``bounds.POSITIVE_COUNT`` (the column is a PostgreSQL integer) or None."""
    if limit is not None and bounds.POSITIVE_COUNT.problem(limit):
        bound = bounds.POSITIVE_COUNT
        raise InvalidInput(
            f"a redemption limit is a number of points from {bound.minimum} to {bound.maximum}, or None",
            field="redemption_limit",
        )
