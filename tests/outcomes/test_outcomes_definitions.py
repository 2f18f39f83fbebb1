"""The shipped definition files, and the messages admins get for broken ones."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from peerhaven.outcomes.instruments import DefinitionError, load_all, load_definition, score
from peerhaven.outcomes.instruments.loader import (
    DEFINITIONS_DIR,
    get_definition,
    parse_definition,
)

SHIPPED = ("brcs", "gad7", "mspss", "phq2", "phq9", "post_meeting_mood", "rses", "ucla3")


def test_all_shipped_instruments_load(defns):
    assert sorted(defns) == sorted(SHIPPED)


def test_definitions_are_frozen(defns):
    with pytest.raises(dataclasses.FrozenInstanceError):
        defns["phq9"].title = "changed"  # type: ignore[misc]


def test_get_definition_names_the_known_instruments_for_an_unknown_id():
    assert get_definition("phq9").id == "phq9"
    with pytest.raises(KeyError, match="phq9"):
        get_definition("phq10")


@pytest.mark.parametrize(
    ("instrument", "low", "high"),
    [
        ("phq9", 0, 27),
        ("phq2", 0, 6),
        ("gad7", 0, 21),
        ("ucla3", 3, 9),
        ("mspss", 1, 7),
        ("rses", 0, 30),
        ("brcs", 4, 20),
        ("post_meeting_mood", 1, 5),
    ],
)
def test_total_ranges_match_the_published_ranges(defns, instrument, low, high):
    assert (defns[instrument].total.minimum, defns[instrument].total.maximum) == (low, high)


def test_phq9_carries_the_loinc_codes_from_ll358_3(defns):
    phq9 = defns["phq9"]
    assert phq9.loinc_panel == "44249-1"
    assert phq9.total.loinc == "44261-6"
    assert [phq9.item(f"phq9_{i}").loinc for i in range(1, 11)] == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
        "69722-7",
    ]
    frequency = phq9.option_sets["frequency"]
    assert [(o.value, o.label, o.loinc) for o in frequency.options] == [
        (0, "Not at all", "LA6568-5"),
        (1, "Several days", "LA6569-3"),
        (2, "More than half the days", "LA6570-1"),
        (3, "Nearly every day", "LA6571-9"),
    ]


def test_phq9_question_10_uses_the_difficulty_answers_not_the_frequency_ones(defns):
    q10 = defns["phq9"].item("phq9_10")
    assert not q10.scored
    assert q10.option_set.loinc_answer_list == "LL359-1"
    assert [o.loinc for o in q10.option_set.options] == [
        "LA6572-7",
        "LA6573-5",
        "LA6575-0",
        "LA6574-3",
    ]


def test_phq2_and_gad7_carry_their_panel_and_total_codes(defns):
    assert (defns["phq2"].loinc_panel, defns["phq2"].total.loinc) == ("55757-9", "55758-7")
    assert (defns["gad7"].loinc_panel, defns["gad7"].total.loinc) == ("69737-5", "70274-6")


def test_instruments_with_unconfirmed_licences_are_off_by_default(defns):
    for defn in defns.values():
        if defn.licence.status == "unconfirmed":
            assert not defn.enabled_by_default, defn.id
    assert {d.id for d in defns.values() if d.licence.status == "unconfirmed"} == {
        "ucla3",
        "brcs",
    }


def test_phq9_and_gad7_record_the_iapt_reliable_change_thresholds(defns):
    for instrument, points in (("phq9", 6), ("gad7", 4)):
        change = defns[instrument].reliable_change
        assert change.preferred == "fixed_threshold"
        assert change.fixed_threshold is not None
        assert change.fixed_threshold.value == points
        assert change.fixed_threshold.confirmed


def test_every_unconfirmed_figure_says_why(defns):
    for defn in defns.values():
        spec = defn.reliable_change
        for part in (spec.reliability, spec.sd, spec.fixed_threshold):
            if part is not None and not part.confirmed:
                assert part.note, defn.id
        for flag in defn.flags:
            assert flag.confirmed or flag.note, (defn.id, flag.id)


def test_the_item9_rule_is_marked_unconfirmed_as_clinical_md_says(defns):
    flag = next(f for f in defns["phq9"].flags if f.id == "item9_positive")
    assert flag.kind == "safety"
    assert not flag.confirmed
    assert flag.source is not None
    assert "Simon" in flag.source


def test_shipped_files_are_named_after_their_ids():
    for path in DEFINITIONS_DIR.glob("*.json"):
        assert load_definition(path).id == path.stem


# --- broken definitions ------------------------------------------------------------------------


def _error(path) -> str:
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    return str(caught.value)


def test_unknown_option_set_names_file_item_and_set(write_definition):
    path = write_definition("phq9", lambda raw: raw["items"][3].update(options="freq"))
    assert _error(path) == "phq9.json: items[3].options: unknown option set 'freq'"


def test_duplicate_item_ids_are_rejected(write_definition):
    path = write_definition("phq9", lambda raw: raw["items"][1].update(id="phq9_1"))
    assert _error(path) == "phq9.json: items[1].id: 'phq9_1' is used by another item"


def test_total_naming_an_unknown_item_is_rejected(write_definition):
    path = write_definition("phq9", lambda raw: raw["total"]["items"].__setitem__(0, "phq9_0"))
    assert _error(path) == "phq9.json: total.items[0]: unknown item 'phq9_0'"


def test_total_including_an_unscored_item_is_rejected(write_definition):
    path = write_definition("phq9", lambda raw: raw["total"]["items"].append("phq9_10"))
    assert _error(path).startswith("phq9.json: total.items[9]: item 'phq9_10' is marked scored")


def test_subscale_naming_an_unknown_item_is_rejected(write_definition):
    path = write_definition("mspss", lambda raw: raw["subscales"][2]["items"].append("mspss_13"))
    assert _error(path) == "mspss.json: subscales[2].items[4]: unknown item 'mspss_13'"


def test_a_gap_between_bands_is_rejected(write_definition):
    path = write_definition("phq9", lambda raw: raw["bands"][1].update(min=6))
    message = _error(path)
    assert message.startswith("phq9.json: bands: no band covers the possible total 5")


def test_overlapping_bands_are_rejected(write_definition):
    path = write_definition("phq9", lambda raw: raw["bands"][1].update(min=4))
    assert _error(path) == ("phq9.json: bands[1]: 'mild' [4, 9] overlaps bands[0] 'minimal' [0, 4]")


def test_bands_sharing_an_edge_must_leave_it_to_one_of_them(write_definition):
    path = write_definition("mspss", lambda raw: raw["bands"][0].pop("max_inclusive"))
    assert "mspss.json: bands[1]: 'moderate' [3, 5] overlaps bands[0] 'low' [1, 3]" in _error(path)


def test_mspss_bands_with_the_literal_published_edges_leave_means_uncovered(write_definition):
    def literal(raw):
        raw["bands"][0].update(max=2.9, max_inclusive=True)
        raw["bands"][2].update(min=5.1, min_inclusive=True)

    assert "no band covers the possible total 2.91667" in _error(write_definition("mspss", literal))


def test_a_band_beyond_the_possible_total_is_rejected(write_definition):
    path = write_definition("phq9", lambda raw: raw["bands"][4].update(max=30))
    assert _error(path) == "phq9.json: bands[4].max: 30 is above the highest possible total 27"


def test_bands_out_of_order_are_rejected(write_definition):
    path = write_definition("gad7", lambda raw: raw["bands"].reverse())
    assert _error(path).startswith("gad7.json: bands[1].min: bands must be listed")


def test_duplicate_option_values_are_rejected(write_definition):
    def dup(raw):
        raw["option_sets"]["frequency"]["options"][1]["value"] = 0

    assert _error(write_definition("phq9", dup)) == (
        "phq9.json: option_sets.frequency.options[1].value: 0 is used by another option in this set"
    )


def test_non_numeric_option_values_are_rejected(write_definition):
    def text_values(raw):
        raw["option_sets"]["agreement"]["options"][0]["value"] = "SA"

    assert _error(write_definition("rses", text_values)) == (
        "rses.json: option_sets.agreement.options[0].value: must be a whole number, not a string"
    )


def test_reverse_keying_needs_mirror_symmetric_option_values(write_definition):
    def lopsided(raw):
        raw["option_sets"]["agreement"]["options"][0]["value"] = 4  # values 4, 2, 1, 0

    message = _error(write_definition("rses", lopsided))
    assert message.startswith("rses.json: items[1].reverse_keyed: option values must be symmetric")


def test_a_misspelt_field_is_rejected_rather_than_ignored(write_definition):
    def typo(raw):
        raw["items"][1]["reverse_keyd"] = raw["items"][1].pop("reverse_keyed")

    assert _error(write_definition("rses", typo)).startswith(
        "rses.json: items[1].reverse_keyd: unknown field"
    )


def test_a_missing_required_field_is_named(write_definition):
    path = write_definition("gad7", lambda raw: raw.pop("stem"))
    assert _error(path) == "gad7.json: stem: is required"


def test_invalid_json_names_the_line(write_definition):
    path = write_definition("phq9", text='{\n  "id": "phq9",\n}')
    assert re.match(r"phq9\.json: is not valid JSON \(line 3", _error(path))


def test_the_id_must_match_the_file_name(write_definition):
    path = write_definition("phq9", name="depression.json")
    assert _error(path) == "depression.json: id: 'phq9' does not match the file name"


def test_a_loinc_code_with_a_wrong_check_digit_is_caught(write_definition):
    path = write_definition("phq9", lambda raw: raw["total"].update(loinc="44261-7"))
    assert _error(path) == "phq9.json: total.loinc: '44261-7' has a wrong check digit (typo?)"


def test_an_unconfirmed_figure_needs_a_note(write_definition):
    path = write_definition("ucla3", lambda raw: raw["reliable_change"]["reliability"].pop("note"))
    assert _error(path) == (
        "ucla3.json: reliable_change.reliability.note: is required when confirmed is false"
    )


def test_jacobson_truax_cannot_be_preferred_without_an_sd(write_definition):
    path = write_definition(
        "phq9", lambda raw: raw["reliable_change"].update(preferred="jacobson_truax")
    )
    assert _error(path) == (
        "phq9.json: reliable_change.sd: needs a value when preferred is jacobson_truax"
    )


def test_an_unconfirmed_licence_cannot_be_enabled_by_default(write_definition):
    path = write_definition("brcs", lambda raw: raw.update(enabled_by_default=True))
    assert _error(path).startswith("brcs.json: enabled_by_default: must be false while")


def test_a_flag_on_an_unknown_item_is_rejected(write_definition):
    path = write_definition("phq9", lambda raw: raw["flags"][0]["when"].update(item="phq9_99"))
    assert _error(path) == "phq9.json: flags[0].when.item: unknown item 'phq9_99'"


def test_never_impute_must_name_a_real_item(write_definition):
    path = write_definition("phq9", lambda raw: raw["missing"].update(never_impute=["item9"]))
    assert _error(path) == "phq9.json: missing.never_impute[0]: unknown item 'item9'"


def test_load_all_names_the_broken_file_among_good_ones(write_definition):
    write_definition("gad7")
    bad = write_definition("phq9", lambda raw: raw["items"][0].update(options="nope"))
    with pytest.raises(DefinitionError, match=r"^phq9\.json: items\[0\]\.options"):
        load_all(bad.parent)


def test_a_new_instrument_can_be_added_as_a_file(tmp_path, raw_def):
    raw = raw_def("post_meeting_mood")
    raw.update(id="energy", title="Energy check-in", short_title="Energy")
    raw["items"][0].update(id="energy", text="How much energy do you have today?")
    (tmp_path / "energy.json").write_text(json.dumps(raw), encoding="utf-8")
    loaded = load_all(tmp_path)
    assert list(loaded) == ["energy"]
    assert loaded["energy"].item_ids == ("energy",)


def test_the_worked_example_in_the_docs_is_a_valid_definition():
    doc = (Path(__file__).parents[2] / "docs" / "instruments.md").read_text(encoding="utf-8")
    block = doc.split("<!-- example-definition -->", 1)[1].split("```json", 1)[1]
    example = parse_definition(json.loads(block.split("```", 1)[0]), file="sleep_check.json")
    result = score(example, {"sleep_rested": 4, "sleep_trouble": 1})
    assert result.total == 8
    assert result.band is not None
    assert result.band.id == "ok"
    assert "poor_sleep" in score(example, {"sleep_rested": 1, "sleep_trouble": 4}).flags
