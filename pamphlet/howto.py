"""The summary after imposing: pages, sheets, printer settings, and the steps to fold or cut."""

from __future__ import annotations

from pathlib import Path

from pamphlet.impose import Imposed
from pamphlet.schemes import SheetPlan

SHEET_NAMES = {"a4": "A4", "letter": "US Letter", "a3": "A3", "tabloid": "Tabloid (11 x 17 in)"}
FINISH = {
    "saddle": [
        "Keep the sheets in the order they come out and fold the whole stack in half, the cover outside.",
        "Staple twice along the fold, from the outside.",
    ],
    "signatures": [
        "Take the sheets in groups of {k} as they come out (each group is one signature) and fold each group in half.",
        "Stack the folded signatures in order, first on top, and sew or glue them along the folds.",
    ],
    "zine": [
        "Fold the sheet in half long edge to long edge and unfold; fold it in half short edge to short edge and "
        "unfold; fold each short edge to that middle crease and unfold.",
        "Fold it in half short edge to short edge again and, from the fold, cut along the long middle crease as far "
        "as the next crease: the cut separates the two middle panels of the top row from the two below them.",
        "Open it, fold it long edge to long edge again, printed side out, push the ends together so the cut opens "
        "into a diamond, and fold it flat into a booklet with the cover (bottom right panel) on top.",
    ],
    "trifold": [
        "Lay the sheet with panels 2, 3 and 4 facing you (the side without the cover).",
        "Fold the right panel in over the middle one, then fold the left panel over both: the cover is on top.",
    ],
    "nup": [
        "Cut along the cut marks (or the page edges): every piece is one finished copy.",
    ],
    "cutstack": [
        "Keep the stack together and cut it along the cut marks into {cells} piles.",
        "Put the piles on top of each other in order (top left first, row by row), first pile on top: "
        "the pages are in reading order.",
    ],
}


def summary(imposed: Imposed, files: list[Path]) -> list[str]:
    """Lines that tell the user what was imposed and how to print, fold and cut one copy."""
    plan = imposed.plan
    sheet = SHEET_NAMES[imposed.sheet]
    cells = plan.across * plan.down
    at_end = plan.scheme == "cutstack" or imposed.options.blanks == "end" or plan.pages == 1
    where = "at the end" if at_end else "before the back cover"
    if plan.scheme == "nup":
        pages = f"{plan.pages}, each printed {cells} times a side"
    elif plan.blanks:
        pages = f"{plan.pages} + {plan.blanks} blank {where} = {plan.padded}"
    else:
        pages = str(plan.pages)
    count = len(plan.sheets)
    sides = "" if imposed.duplex == "one-sided" else f" ({2 * count} sides)"
    lines = [
        f"  Pages: {pages}",
        f"  Sheets: {count} sheet{'s' * (count != 1)} of {sheet} a copy{sides}, "
        f"{'landscape' if imposed.landscape else 'portrait'}, {cells} page{'s' * (cells != 1)} a side ({plan.scheme})",
    ]
    if imposed.scale < 0.999:
        lines.append(f"  Pages are scaled to {imposed.scale:.0%} to fit; print at actual size.")
    lines += _blanks_warning(plan)
    lines.append("How to print and finish one copy:")
    steps = _printing(imposed, files, sheet) + [
        step.format(k=imposed.options.sheets_per_signature, cells=cells) for step in FINISH[plan.scheme]
    ]
    lines += [f"  {n}. {step}" for n, step in enumerate(steps, 1)]
    return lines


def _blanks_warning(plan: SheetPlan) -> list[str]:
    """A warning when more than 2 pages of a folded booklet print blank, with what would remove them."""
    if plan.scheme not in ("saddle", "signatures") or plan.blanks <= 2:
        return []
    fewer = plan.pages - (plan.padded - 4)  # both fold sheets of 4 pages
    cut = (f", or cut {fewer} page{'s' * (fewer != 1)} (a shorter statement, or a smaller theme size) so that "
           f"the booklet has {plan.padded - 4} pages") if plan.padded > 4 else ""
    return [f"  Warning: {plan.blanks} of {plan.padded} pages print blank. To print none, add {plan.blanks} pages "
            f"of text (another statement){cut}."]


def _printing(imposed: Imposed, files: list[Path], sheet: str) -> list[str]:
    size = f"on {sheet} paper at actual size (100%, not \"fit to page\")"
    if imposed.duplex == "one-sided":
        return [f"Print {files[0].name} {size}, one-sided."]
    if imposed.duplex == "manual":
        return [
            f"Print {files[0].name} {size}, one-sided: these are the fronts.",
            "Put the printed stack back in the paper tray just as it came out, without turning it over or "
            f"reordering it (the printer turns each sheet as it feeds it); then print {files[1].name} (the backs, "
            "last sheet first). Try one sheet first and mark its top edge: printers feed differently.",
        ]
    edge = "short" if imposed.duplex == "short" else "long"
    return [f"Print {files[0].name} {size}, double-sided, \"flip on {edge} edge\"."]
