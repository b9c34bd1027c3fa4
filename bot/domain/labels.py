"""The domain's words as people read them, in the reader's language: an indicator's state ("perlu
perbaikan", never the stored ``ditolak``), the perkiraan predikat's classes and its name, an Aksi HAM
report's status. Shared by the renderers and the spreadsheets, which must write exactly what the bot shows."""

from __future__ import annotations

from bot.core.i18n import N_, Translator
from bot.core.models import AksiStatus, IndicatorState
from bot.domain.checklist import STATE_LABELS, KkpClass

CLASS_LABELS = {
    KkpClass.PEDULI: N_("peduli"),
    KkpClass.CUKUP_PEDULI: N_("cukup peduli"),
    KkpClass.MULAI_PEDULI: N_("mulai peduli"),
    KkpClass.KURANG_PEDULI: N_("kurang peduli"),
}
AKSI_STATUS_LABELS = {AksiStatus.LENGKAP: N_("lengkap"), AksiStatus.DIAJUKAN: N_("diajukan"),
                      AksiStatus.TIDAK_LENGKAP: N_("tidak lengkap")}


def state_label(t: Translator, state: IndicatorState) -> str:
    return t.gettext(STATE_LABELS[state])


def class_label(t: Translator, klass: KkpClass) -> str:
    return t.gettext(CLASS_LABELS[klass])


def projection_label(t: Translator, includes_handed_in: bool) -> str:
    """What the projected predikat is, by name: never "skor" or "kategori" alone; when the setting counts the
    indicators handed in but not yet verified, it says so."""
    if includes_handed_in:
        return t.gettext("Perkiraan predikat dari kelengkapan data dukung, termasuk yang baru diajukan kab/kota")
    return t.gettext("Perkiraan predikat dari kelengkapan data dukung")


def aksi_status_label(t: Translator, status: AksiStatus | str) -> str:
    return t.gettext(AKSI_STATUS_LABELS[AksiStatus(status)])
