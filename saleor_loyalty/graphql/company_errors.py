"""The error type of the company mutations: ``{ field message code }`` with its own code enum."""

from __future__ import annotations

from .core.types import Error, error_code_enum

LoyaltyCompanyErrorCode = error_code_enum(
    "LoyaltyCompanyErrorCode",
    [
        "ALREADY_IN_COMPANY",
        "COMPANY_IN_USE",
        "COMPANY_MEMBER_NOT_FOUND",
        "COMPANY_NOT_FOUND",
        "COMPANY_PERMISSION_DENIED",
        "LAST_COMPANY_ADMIN",
        "NOT_COMPANY_MEMBER",
        "REBATE_PROGRAM_NOT_FOUND",
    ],
    description="Error codes of the company mutations (companies, members, roles, redemption limits, rebate programs).",
)


class LoyaltyCompanyError(Error):
    code = LoyaltyCompanyErrorCode(required=True, description="The error code.")
