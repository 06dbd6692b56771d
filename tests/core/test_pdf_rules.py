"""The PDF rules one at a time (core/uploads/pdf.py): what a reader may click, what may run by itself.

Each hostile PDF here carries one thing the rules refuse and nothing else; each
harmless one carries the nearest thing they keep, so that a rule made too
strict is noticed as well as one made too loose.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from pikepdf import Array, Dictionary, Name, String

from core.uploads import detect_kind
from tests.core import uploads_corpus as corpus

Edit = Callable[[pikepdf.Pdf], None]
# The limits, written out rather than imported, so that a limit moved in core/uploads/pdf.py is noticed.
MAX_ACTION_CHAIN = 100
MAX_PDF_OBJECTS = 100_000


def _pdf(edit: Edit) -> bytes:
    pdf = pikepdf.open(io.BytesIO(corpus.minimal_pdf()))
    edit(pdf)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _kind(edit: Edit) -> str:
    return detect_kind(io.BytesIO(_pdf(edit)))


def _refusal(edit: Edit) -> str:
    with pytest.raises(ValidationError) as refused:
        _kind(edit)
    return " ".join(refused.value.messages)


def _link(pdf: pikepdf.Pdf, action: Dictionary) -> None:
    """A clickable area on the first page that runs `action`."""
    annot = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[72, 700, 200, 720], A=action)
    pdf.pages[0].Annots = Array([pdf.make_indirect(annot)])


def _go_to_first_page(pdf: pikepdf.Pdf) -> Dictionary:
    return Dictionary(S=Name.GoTo, D=[pdf.pages[0].obj, Name.Fit])


# --- Kept: what ordinary exported documents contain ---------------------------------------


def test_a_pdf_that_opens_at_its_first_page_is_accepted() -> None:
    def edit(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = _go_to_first_page(pdf)

    assert _kind(edit) == "pdf"


def test_a_page_that_moves_to_a_place_in_the_document_when_opened_is_accepted() -> None:
    def edit(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].AA = Dictionary(O=_go_to_first_page(pdf))

    assert _kind(edit) == "pdf"


@pytest.mark.parametrize("address", ["mailto:team@example.gov.uk", "HTTPS://WWW.GOV.UK/", " http://example.org/"])
def test_links_to_web_and_mail_addresses_are_accepted(address: str) -> None:
    assert _kind(lambda pdf: _link(pdf, Dictionary(S=Name.URI, URI=String(address)))) == "pdf"


@pytest.mark.parametrize("turn", ["/NextPage", "/PrevPage", "/FirstPage", "/LastPage"])
def test_a_link_that_turns_the_page_is_accepted(turn: str) -> None:
    assert _kind(lambda pdf: _link(pdf, Dictionary(S=Name.Named, N=Name(turn)))) == "pdf"


def test_structure_attributes_under_the_key_of_an_action_are_accepted() -> None:
    """Tagged PDFs use /A on structure elements for layout attributes, which are not actions."""

    def edit(pdf: pikepdf.Pdf) -> None:
        element = Dictionary(Type=Name.StructElem, S=Name.P, A=Dictionary(O=Name.Layout, Placement=Name.Block))
        pdf.Root.StructTreeRoot = Dictionary(Type=Name.StructTreeRoot, K=pdf.make_indirect(element))

    assert _kind(edit) == "pdf"


def test_a_chain_of_page_moves_as_long_as_allowed_is_accepted_and_one_more_is_refused() -> None:
    def chain(length: int) -> Edit:
        def edit(pdf: pikepdf.Pdf) -> None:
            action = _go_to_first_page(pdf)
            for _ in range(length - 1):
                action = Dictionary(S=Name.GoTo, D=[pdf.pages[0].obj, Name.Fit], Next=action)
            _link(pdf, action)

        return edit

    assert _kind(chain(MAX_ACTION_CHAIN)) == "pdf"
    assert "a long chain of actions" in _refusal(chain(MAX_ACTION_CHAIN + 1))


# --- Refused, each on its own ------------------------------------------------------------


def test_a_link_that_runs_a_menu_command_is_refused() -> None:
    assert "a menu command" in _refusal(lambda pdf: _link(pdf, Dictionary(S=Name.Named, N=Name.Print)))


def test_a_link_running_an_action_of_a_kind_not_known_to_be_harmless_is_refused() -> None:
    refusal = _refusal(lambda pdf: _link(pdf, Dictionary(S=Name("/SetState"))))
    assert "an action that runs when it is used" in refusal


def test_a_page_that_opens_a_web_address_by_itself_is_refused() -> None:
    def edit(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].AA = Dictionary(O=Dictionary(S=Name.URI, URI=String("https://tracker.example/x")))

    assert "opens a web address by itself" in _refusal(edit)


def test_a_document_that_turns_the_page_by_itself_when_opened_is_refused() -> None:
    """Only moving to a place is allowed to run by itself; anything else is refused, even a harmless name."""

    def edit(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = Dictionary(S=Name.Named, N=Name.NextPage)

    assert "runs by itself when it is opened or used" in _refusal(edit)


def test_a_menu_command_chained_after_a_harmless_link_in_a_list_is_refused() -> None:
    def edit(pdf: pikepdf.Pdf) -> None:
        menu = Dictionary(S=Name.Named, N=Name.Print)
        _link(pdf, Dictionary(S=Name.GoTo, D=[pdf.pages[0].obj, Name.Fit], Next=Array([menu])))

    assert "a menu command" in _refusal(edit)


def test_a_forbidden_action_is_refused_wherever_it_is_found() -> None:
    """Even under a key no viewer is known to run: the next viewer may."""

    def edit(pdf: pikepdf.Pdf) -> None:
        pdf.Root.Extra = Dictionary(S=Name.Launch, F=String("cmd.exe"))

    assert "an action that opens a program or file" in _refusal(edit)


def test_structure_attributes_given_as_a_list_are_accepted() -> None:
    def edit(pdf: pikepdf.Pdf) -> None:
        attributes = Array([Dictionary(O=Name.Layout, Placement=Name.Block), Dictionary(O=Name.List)])
        element = Dictionary(Type=Name.StructElem, S=Name.P, A=attributes)
        pdf.Root.StructTreeRoot = Dictionary(Type=Name.StructTreeRoot, K=pdf.make_indirect(element))

    assert _kind(edit) == "pdf"


def test_a_script_anywhere_under_the_key_js_is_refused() -> None:
    def edit(pdf: pikepdf.Pdf) -> None:
        pdf.Root.Extra = Dictionary(JS=String("app.alert(1)"))

    assert "(scripts)" in _refusal(edit)


def test_a_javascript_name_tree_is_refused_whatever_it_holds() -> None:
    def edit(pdf: pikepdf.Pdf) -> None:
        pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("a"), String("b")])))

    assert "(scripts)" in _refusal(edit)


@pytest.mark.parametrize(
    "edit",
    [
        lambda pdf: setattr(pdf.Root, "Extra", pdf.make_stream(b"MZ", Type=Name.EmbeddedFile)),
        lambda pdf: setattr(pdf.pages[0], "Annots", Array([Dictionary(Subtype=Name.FileAttachment)])),
        lambda pdf: setattr(pdf.Root, "Extra", Dictionary(EF=Dictionary())),
    ],
    ids=["embedded-file-stream", "file-attachment-annotation", "file-specification"],
)
def test_each_form_of_attached_file_is_refused_on_its_own(edit: Edit) -> None:
    assert "has files attached to it" in _refusal(edit)


@pytest.mark.parametrize(
    "edit",
    [
        lambda pdf: setattr(pdf.pages[0], "Annots", Array([Dictionary(Subtype=Name.Screen)])),
        lambda pdf: setattr(pdf.Root, "Extra", Dictionary(Type=Name("/3D"))),
        lambda pdf: setattr(pdf.Root, "Extra", Dictionary(RichMediaSettings=Dictionary())),
    ],
    ids=["screen-annotation", "3d-stream", "rich-media-settings"],
)
def test_each_form_of_embedded_media_is_refused_on_its_own(edit: Edit) -> None:
    assert "embedded media" in _refusal(edit)


def test_a_pdf_cut_before_its_trailer_is_refused_as_damaged() -> None:
    whole = corpus.minimal_pdf()
    with pytest.raises(ValidationError, match="damaged or is not a complete PDF"):
        detect_kind(io.BytesIO(whole[: whole.rindex(b"trailer")]))


def test_a_pdf_of_exactly_the_most_objects_allowed_is_accepted_and_one_more_is_refused() -> None:
    def with_objects(total: int) -> Edit:
        def edit(pdf: pikepdf.Pdf) -> None:
            extra = total - len(pdf.objects) - 1  # the array holding them is one more
            pdf.Root.Extra = pdf.make_indirect(Array([pdf.make_indirect(Dictionary()) for _ in range(extra)]))

        return edit

    assert _kind(with_objects(MAX_PDF_OBJECTS)) == "pdf"
    assert "too complex to check" in _refusal(with_objects(MAX_PDF_OBJECTS + 1))
