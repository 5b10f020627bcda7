"""Validation of national identifiers."""

import nhs_number
from django.core.exceptions import ValidationError


def normalise_nhs_number(value: str) -> str:
    """Digits only: '943 476 5919' and '943-476-5919' both become '9434765919'."""
    return "".join(ch for ch in (value or "") if ch.isdigit())


def validate_nhs_number(value: str) -> None:
    """10 digits with a valid Modulus 11 check digit (checked by the `nhs-number` package)."""
    digits = normalise_nhs_number(value)
    if len(digits) != 10:
        raise ValidationError(
            "Enter an NHS number with 10 digits, like 943 476 5919.", code="nhs_number_length"
        )
    if not nhs_number.is_valid(digits):
        raise ValidationError(
            "Enter a valid NHS number: the last digit (the check digit) does not match. "
            "Check it against the patient's letter or card.",
            code="nhs_number_check_digit",
        )


ODS_CODE_MESSAGE = "Enter an ODS code of 3 to 8 letters and digits, like A81001 or RX1."


def normalise_ods_code(value: str) -> str:
    return (value or "").strip().upper()


def validate_ods_code(value: str) -> None:
    code = normalise_ods_code(value)
    if not (3 <= len(code) <= 8 and code.isalnum()):
        raise ValidationError(ODS_CODE_MESSAGE, code="ods_code")
