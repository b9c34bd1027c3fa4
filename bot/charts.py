"""Charts as PNG bytes (matplotlib, no screen needed)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

from bot.checklist import KkpClass, ProvinceProgress  # noqa: E402

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


def progress_chart(progress: ProvinceProgress, title: str, threshold_label: str) -> bytes:
    """Horizontal bars: each kab/kota's score (0-100), coloured by class, with the peduli threshold line."""
    rows = list(reversed(progress.rows))  # best at the top
    width, height = chart_size(len(rows))
    fig, ax = plt.subplots(figsize=(width / DPI, height / DPI), dpi=DPI)
    try:
        ax.barh([r.region.short_name for r in rows], [r.score for r in rows],
                color=[COLOURS[r.klass] for r in rows])
        threshold = rows[0].peduli_threshold if rows else 75
        ax.axvline(threshold, color="#1a237e", linestyle="--", linewidth=1.5, label=threshold_label)
        ax.set_xlim(0, 100)
        ax.set_title(title, fontsize=11)
        ax.tick_params(axis="y", labelsize=8)
        ax.legend(loc="lower right", fontsize=8)
        fig.subplots_adjust(left=0.3, right=0.97, top=1 - 0.5 / (height / DPI), bottom=0.6 / (height / DPI))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI)
        return buf.getvalue()
    finally:
        plt.close(fig)
