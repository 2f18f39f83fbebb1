from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from peerhaven.accounts.names import skeleton, validate_display_name
from peerhaven.accounts.services import check_display_name_available


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("  Quiet   Harbor ", "Quiet Harbor"),
        ("Ｑｕｉｅｔ", "Quiet"),
        ("José", "José"),
        ("Мария", "Мария"),
    ],
)
def test_display_names_are_unicode_normalised(raw: str, stored: str) -> None:
    assert validate_display_name(raw) == stored


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Sam Lee", "sam_lee"),
        ("Sam Lee", "SAM-1EE"),
        ("Sam Lee", "Sarn Lee"),
        ("Jose", "José"),
        ("paypal", "раураl"),  # Cyrillic look-alikes, all one script
        ("Rainy Day", "rainyday"),
    ],
)
def test_look_alike_names_share_a_skeleton(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize("name", ["Sam Lee", "Rainy Day", "Morning Fern"])
def test_different_names_have_different_skeletons(name: str) -> None:
    assert skeleton(name) != skeleton(name + "x")


@pytest.mark.parametrize(
    "name",
    ["admin", "Admin", "ADMIN_", "Moderator", "the mods", "Peerhaven Support", "4dmin", "Αdmin"],
)
def test_reserved_and_staff_like_names_are_refused(name: str) -> None:
    with pytest.raises(ValidationError):
        validate_display_name(name)


@pytest.mark.parametrize("name", ["badminton", "Modest Mouse", "Supportive Sam"])
def test_words_that_merely_contain_a_reserved_word_are_allowed(name: str) -> None:
    assert validate_display_name(name) == name


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("ab", "too_short"),
        ("x" * 31, "too_long"),
        ("<script>alert(1)</script>", "invalid_characters"),
        ("hi\u200bthere", "invalid_characters"),
        ("Mаria", "mixed_script"),  # Latin with one Cyrillic letter
        ("___", "empty"),
    ],
)
def test_invalid_names_get_a_clear_reason(name: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_display_name(name)
    assert info.value.code == code
    assert info.value.messages[0]


def test_a_confusable_copy_of_an_existing_name_is_refused(make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(display_name="Sam Lee")
    with pytest.raises(ValidationError) as info:
        check_display_name_available("SAM_1EE")
    assert info.value.code == "taken"


def test_a_person_may_keep_their_own_name(make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(display_name="Sam Lee")
    assert check_display_name_available("sam lee", exclude=user) == "sam lee"
