"""Charts as PNG bytes (matplotlib, no screen needed)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

from bot.domain.checklist import KkpClass, ProvinceProgress  # noqa: E402

WIDTH_IN = 8.0
DPI = 100
COLOURS = {
    KkpClass.PEDULI: "#2e7d32",
    KkpClass.CUKUP_PEDULI: "#f9a825",
    KkpClass.MULAI_PEDULI: "#ef6c00",
    KkpClass.KURANG_PEDULI: "#c62828",
}


def chart_size(regions: int) -> tuple[int, int]:
    """Pixel size of the progress chart for ``regions`` bars."""
    return int(WIDTH_IN * DPI), int(round((1.6 + 0.32 * regions) * DPI))


def progress_chart(progress: ProvinceProgress, title: str, threshold_label: str,
                   verified_label: str = "", handed_in_label: str = "") -> bytes:
    """Horizontal bars per kab/kota, 0-100: the verified share solid, coloured by the perkiraan predikat, and
    the share handed in but not yet verified hatched after it; the peduli threshold as a dashed line."""
    from matplotlib.artist import Artist
    from matplotlib.patches import Patch

    rows = list(reversed(progress.rows))  # best at the top
    width, height = chart_size(len(rows))
    fig, ax = plt.subplots(figsize=(width / DPI, height / DPI), dpi=DPI)
    try:
        names = [r.region.short_name for r in rows]
        colours = [COLOURS[r.klass] for r in rows]
        ax.barh(names, [r.verified_score for r in rows], color=colours)
        ax.barh(names, [r.handed_in_score for r in rows], left=[r.verified_score for r in rows], color=colours,
                alpha=0.35, hatch="///", edgecolor="#555555", linewidth=0)
        threshold = rows[0].peduli_threshold if rows else 75
        line = ax.axvline(threshold, color="#1a237e", linestyle="--", linewidth=1.5, label=threshold_label)
        handles: list[Artist] = [line]
        if verified_label:
            handles.append(Patch(facecolor="#757575", label=verified_label))
        if handed_in_label:
            handles.append(Patch(facecolor="#bdbdbd", hatch="///", edgecolor="#555555", label=handed_in_label))
        ax.set_xlim(0, 100)
        fig.suptitle(title, fontsize=11, y=1 - 0.15 / (height / DPI), va="top")  # over the figure: it is long
        ax.tick_params(axis="y", labelsize=8)
        ax.legend(handles=handles, loc="lower right", fontsize=8)
        fig.subplots_adjust(left=0.3, right=0.97, top=1 - 0.5 / (height / DPI), bottom=0.6 / (height / DPI))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI)
        return buf.getvalue()
    finally:
        plt.close(fig)
