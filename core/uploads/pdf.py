"""PDFs checked by their structure: parsed with pikepdf (qpdf), every object walked.

A byte search for `/JavaScript` misses names written with `#xx` escapes
(`/J#61vaScript`), objects packed into compressed object streams and actions
with other names. Here the file is parsed the way a viewer parses it, without
qpdf's repair of broken files (a file two programs read differently is how
checks are slipped), and every object, including those inside object streams,
is looked at after its names are decoded.

Refused:
- scripts: `/JS` anywhere, a `/JavaScript` name tree or action;
- actions that run or reach outside the document: launch, submit-form,
  import-data, remote and embedded go-to, media and rendition actions, anywhere;
- anything run by itself (`/OpenAction`, `/AA`) other than going to a page:
  a PDF that opens a web address when it is opened tells someone it was read;
- links to anything but http, https and mailto addresses (a `file:` or `smb:`
  link leaks a Windows sign-in when clicked);
- attached files, RichMedia, 3D, sound, movie and screen annotations, XFA forms;
- encryption of any kind, because encrypted objects cannot be checked;
- damage: a cross-reference table that does not match, or any object qpdf
  warns about (it reads on with a guess, and a viewer may guess otherwise).

Ordinary links (`/Link` annotations to web and mail addresses, as Word and
LibreOffice write for every hyperlink) are kept: the viewer asks before it
follows one, and refusing them would refuse most exported reports.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Object, PasswordError, PdfError, Stream, String

from core.uploads.refusals import refuse

# A long tagged report has tens of thousands of objects; more means a file built to
# make the walk slow.
MAX_PDF_OBJECTS = 100_000
MAX_ACTION_CHAIN = 100

_PRINT_AGAIN = "Print it to a new PDF (choose ‘Microsoft Print to PDF’ or ‘Save as PDF’) and upload that."
_ACTIVE = "The selected PDF contains active content ({what}). " + _PRINT_AGAIN

# Action types refused wherever they are found (PDF 2.0, 12.6.4 and Adobe's extensions).
_FORBIDDEN_ACTIONS = {
    "/JavaScript": "scripts",
    "/Launch": "an action that opens a program or file",
    "/SubmitForm": "an action that sends form data",
    "/ImportData": "an action that loads data from another file",
    "/GoToR": "an action that opens another file",
    "/GoToE": "an action that opens an attached file",
    "/Rendition": "an action that plays media",
    "/Movie": "an action that plays media",
    "/Sound": "an action that plays media",
    "/RichMediaExecute": "an action that runs embedded media",
    "/GoTo3DView": "an action that runs 3D content",
}
# What a reader may trigger by clicking. Named actions are limited to page
# turns: viewers run other names as menu commands.
_CLICKED_ACTIONS = {"/GoTo", "/URI", "/Named", "/Thread", "/Hide", "/SetOCGState", "/Trans", "/ResetForm"}
_PAGE_TURNS = {"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"}
# What may run by itself: moving to a place in the document.
_AUTOMATIC_ACTIONS = {"/GoTo"}
_LINK_SCHEMES = ("http:", "https:", "mailto:")
_MEDIA_SUBTYPES = {"/RichMedia", "/3D", "/Movie", "/Sound", "/Screen"}
_WATCHED_KEYS = frozenset(
    {"/JS", "/JavaScript", "/XFA", "/EmbeddedFiles", "/EF", "/Type", "/Subtype", "/RichMediaContent"}
    | {"/RichMediaSettings", "/S", "/OpenAction", "/AA", "/A"}
)
_CONTAINERS = (Dictionary, Stream, Array)


def check_pdf(data: bytes) -> None:
    """Refuse a PDF that is damaged, encrypted, or carries active or embedded content."""
    try:
        pdf = pikepdf.open(io.BytesIO(data), attempt_recovery=False)
    except PasswordError as exc:
        raise _encrypted() from exc
    except (PdfError, ValueError, RuntimeError) as exc:
        raise _damaged() from exc
    with pdf:
        if pdf.is_encrypted:
            raise _encrypted()
        try:
            objects = pdf.objects
            if len(objects) > MAX_PDF_OBJECTS:
                raise refuse(
                    "The selected PDF is too complex to check. " + _PRINT_AGAIN,
                    "pdf_too_complex",
                )
            for obj in objects:
                for dictionary, watched in _dictionaries_within(obj):
                    _check_dictionary(dictionary, watched)
        except (PdfError, RuntimeError) as exc:
            raise _damaged() from exc
        # qpdf warns, and reads on, where an object is broken (an object it reads as null
        # may be something else to a viewer): such a file is damaged, not repaired.
        if pdf.get_warnings():
            raise _damaged()


def _encrypted() -> Exception:
    return refuse(
        "The selected PDF is password-protected or encrypted, so it cannot be checked. "
        "Open it, save or print a copy without a password, and upload that copy.",
        "pdf_encrypted",
    )


def _damaged() -> Exception:
    return refuse(
        "The selected file is damaged or is not a complete PDF. Save it again as PDF and upload it.",
        "pdf_damaged",
    )


def _dictionaries_within(root: Object) -> Iterator[tuple[Dictionary | Stream, frozenset[str]]]:
    """Every dictionary in one indirect object, its own direct children included, with the keys we watch.

    Other indirect objects it refers to are not followed: the caller walks them
    all from the object table, so each is visited once. Written for speed: a
    report has thousands of objects, and this runs inside the upload request.
    """
    stack: list[Object] = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, Array):
            children: Iterable[Any] = obj
        elif isinstance(obj, Dictionary | Stream):
            keys = obj.keys()
            watched = _WATCHED_KEYS.intersection(keys)
            if watched:
                yield obj, watched
            children = (obj[key] for key in keys)
        else:  # an indirect number, string, name or null
            continue
        # pikepdf hands numbers and booleans back as Python values; only containers matter.
        stack.extend(child for child in children if isinstance(child, _CONTAINERS) and not child.is_indirect)


def _check_dictionary(d: Dictionary | Stream, keys: frozenset[str]) -> None:
    if "/JS" in keys or "/JavaScript" in keys:
        raise _active("scripts")
    if "/XFA" in keys:
        raise refuse("The selected PDF is a dynamic (XFA) form. " + _PRINT_AGAIN, "pdf_xfa")
    kind = str(d["/Type"]) if "/Type" in keys else ""
    subtype = str(d["/Subtype"]) if "/Subtype" in keys else ""
    if keys & {"/EmbeddedFiles", "/EF"} or kind == "/EmbeddedFile" or subtype == "/FileAttachment":
        raise refuse(
            "The selected PDF has files attached to it. Print it to a new PDF, which leaves attachments "
            "out, and upload that.",
            "pdf_attachment",
        )
    # Annotations need not say /Type /Annot; these subtypes are only ever media annotations.
    if keys & {"/RichMediaContent", "/RichMediaSettings"} or subtype in _MEDIA_SUBTYPES or kind == "/3D":
        raise refuse(
            "The selected PDF contains embedded media (such as video, sound, Flash or 3D content). " + _PRINT_AGAIN,
            "pdf_media",
        )
    _check_actions(d, keys)


def _check_actions(d: Dictionary | Stream, keys: frozenset[str]) -> None:
    if "/S" in keys:
        action_type = str(d["/S"])
        if action_type in _FORBIDDEN_ACTIONS:
            raise _active(_FORBIDDEN_ACTIONS[action_type])
    if "/OpenAction" in keys:
        opening = d["/OpenAction"]
        if isinstance(opening, Dictionary):
            _check_action(opening, automatic=True)
    if "/AA" in keys:
        triggers = d["/AA"]
        if isinstance(triggers, Dictionary):
            for key in triggers.keys():  # noqa: SIM118  (pikepdf Dictionary)
                trigger = triggers[key]
                if isinstance(trigger, Dictionary):
                    _check_action(trigger, automatic=True)
    if "/A" in keys:
        clicked = d["/A"]
        # Structure elements use /A for attributes: only a dictionary with /S is an action.
        if isinstance(clicked, Dictionary) and "/S" in clicked:
            _check_action(clicked, automatic=False)


def _check_action(action: Dictionary, *, automatic: bool) -> None:
    """One action and every action chained after it with /Next."""
    pending: list[Dictionary] = [action]
    seen = 0
    while pending:
        seen += 1
        if seen > MAX_ACTION_CHAIN:
            raise _active("a long chain of actions")
        current = pending.pop()
        kind = str(current.get("/S", Name("/None")))
        if kind in _FORBIDDEN_ACTIONS:
            raise _active(_FORBIDDEN_ACTIONS[kind])
        if automatic and kind not in _AUTOMATIC_ACTIONS:
            if kind == "/URI":
                raise _active("it opens a web address by itself")
            raise _active("an action that runs by itself when it is opened or used")
        if kind not in _CLICKED_ACTIONS:
            raise _active("an action that runs when it is used")
        if kind == "/URI":
            _check_link(current.get("/URI"))
        if kind == "/Named" and str(current.get("/N", Name("/None"))) not in _PAGE_TURNS:
            raise _active("a menu command")
        following = current.get("/Next")
        if isinstance(following, Dictionary):
            pending.append(following)
        elif isinstance(following, Array):
            pending.extend(item for item in following if isinstance(item, Dictionary))


def _check_link(target: Object | None) -> None:
    address = bytes(target).decode("latin-1").strip().lower() if isinstance(target, String) else ""
    if not address.startswith(_LINK_SCHEMES):
        raise _active("a link to a file, a network share or another program")


def _active(what: str) -> Exception:
    return refuse(_ACTIVE.format(what=what), "pdf_active_content")
