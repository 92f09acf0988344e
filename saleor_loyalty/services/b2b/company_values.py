"""What the company services take and return: who asks, companies, members, memberships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ...models import Company, CompanyMember


@dataclass(frozen=True)
class Actor:
    """Who asks: staff (the adapter checked their permission) or a customer (``user_id``)."""

    user_id: int | None
    is_staff: bool = False

    @classmethod
    def staff(cls, user_id: int | None = None) -> Actor:
        return cls(user_id, is_staff=True)

    @classmethod
    def customer(cls, user_id: int) -> Actor:
        return cls(user_id)


@dataclass(frozen=True)
class CompanyInfo:
    company_id: int
    name: str
    slug: str | None
    customer_type_id: int | None
    is_active: bool
    tier_id: int | None
    tier_since: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class MemberInfo:
    company_id: int
    user_id: int
    email: str
    role: str
    redemption_limit: int | None
    joined_at: datetime


@dataclass(frozen=True)
class MembershipInfo:
    """A customer's membership, with the company's fields a quote or a redemption needs."""

    company_id: int
    role: str
    redemption_limit: int | None
    company_is_active: bool
    customer_type_id: int | None
    tier_id: int | None


@dataclass(frozen=True)
class BuyerContext:
    """What a customer buys as: the fields of the engine's ``CustomerSnapshot`` a company sets."""

    company_id: int | None
    customer_type_id: int | None
    tier_id: int | None


def company_info(company: Company) -> CompanyInfo:
    return CompanyInfo(company.pk, company.name, company.slug, company.customer_type_id, company.is_active,
                       company.tier_id, company.tier_since, company.created_at)


def member_info(member: CompanyMember) -> MemberInfo:
    email = getattr(member.user, "email", "") or ""
    return MemberInfo(member.company_id, member.user_id, email, member.role, member.redemption_limit,
                      member.created_at)
