"""``/tandai``: one indicator's state in one line, as people type it (the region left out by a PIC of one
kab/kota, the code as "3,02" or "3.2", *perlu perbaikan* with its reason or asked for it)."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.core.models import IndicatorState
from bot.domain import evidence
from bot.domain.access import Action
from bot.domain.catalog import active_indicators
from bot.domain.checklist import (
    parse_state,
)
from bot.domain.people import Grants
from bot.reference import RegionRef, regions, regions_of
from bot.render import Reply
from bot.render import callbacks as cb
from bot.render import status as render_status
from bot.render.common import error
from handlers.checklist import change_state, send_back_prompt
from handlers.common import (
    PER_REGION,
    grants_of,
    require,
    require_catalog,
    resolve_or_ask,
    runtime,
    send,
)

TANDAI_FORM = "/tandai <wilayah> <kode indikator> <status> [tautan atau catatan]"
TANDAI_EXAMPLE = "/tandai Tapin 1.02 lengkap https://drive.example/perda-bankum.pdf"
TAPIN = "63.05"  # the example's kab/kota


def parse_tandai(args: list[str], indicator_codes: set[str]) -> tuple[str, str, str, str] | None:
    """``Tanah Laut 1.02 lengkap https://…`` -> (region, code, state, evidence), or None if malformed."""
    for i in range(1, len(args) - 1):
        shown_as = [a.lower() for a in args[i + 1 : i + 3]] == ["perlu", "perbaikan"]
        code = evidence.indicator_code(args[i], indicator_codes)  # also "3,02", "3.2" or "03.02" for 3.02
        if code and shown_as:
            return " ".join(args[:i]), code, "ditolak", " ".join(args[i + 3 :])  # "perlu perbaikan", as shown
        if code and parse_state(args[i + 1]):
            return " ".join(args[:i]), code, args[i + 1], " ".join(args[i + 2 :])
    return None


INDICATOR_CODE_RE = re.compile(r"^\d{1,2}\.\d{1,3}[a-z]?$", re.IGNORECASE)


def what_is_wrong(args: list[str], indicator_codes: set[str]) -> UserError:
    """Why ``/tandai`` could not be read: the indicator code, the state, or the form itself."""
    for i, arg in enumerate(args):
        if evidence.indicator_code(arg, indicator_codes):
            if i == 0:
                return UserError(N_("Sebutkan kab/kota sebelum kode indikator."))
            if i + 1 >= len(args):
                return UserError(N_("Sebutkan status setelah kode indikator {code}."), code=arg)
            return UserError(N_("Status “{state}” tidak dikenal."), state=args[i + 1])
    for i, arg in enumerate(args):
        if parse_state(arg) and i >= 2:
            return UserError(N_("Indikator “{code}” tidak ada di daftar indikator yang berlaku."), code=args[i - 1])
    for arg in args:
        if INDICATOR_CODE_RE.match(arg):
            return UserError(N_("Indikator “{code}” tidak ada di daftar indikator yang berlaku."), code=arg)
    return UserError(N_("Format perintah tidak sesuai."))


async def tandai(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await require(update, context, Action.EDIT_CHECKLIST) or not await require_catalog(update, context):
        return
    rt = runtime(context)
    g = grants_of(update, context)
    args = context.args or []
    with rt.session() as session:
        codes = {ind.code for ind in active_indicators(session)}
    only = only_region(g)
    if only is not None and args and evidence.indicator_code(args[0], codes):  # "/tandai 1.01 lengkap": their own
        args = [only.official_name, *args]
    parsed = parse_tandai(args, codes)
    if parsed is None:
        problem = what_is_wrong(args, codes)
        text = rt.t.fmt(problem.message, **problem.values) + " " + rt.t.gettext("Tidak ada yang diubah.")
        usage = render_status.usage(rt.t, TANDAI_FORM, tandai_example(g))
        hint = (rt.t.gettext("Status: belum, proses, lengkap, terverifikasi, perlu perbaikan.") if g.admin or g.staf
                else rt.t.gettext("Status: belum, proses, lengkap (terverifikasi dan perlu perbaikan ditetapkan oleh "
                                  "Kanwil)."))
        await send(update, context, Reply(f"⚠️ {text}\n{usage.text}\n{hint}"))
        return
    query, code, state_text, evidence_text = parsed
    rest = " ".join(w for w in (code, "perlu perbaikan" if state_text == "ditolak" else state_text, evidence_text)
                    if w)
    # the indicator, state and evidence are too long for a button: the corrected command to copy
    resolution = await resolve_or_ask(update, context, query, cb.STATUS, command=("/tandai", rest),
                                      right=Action.EDIT_CHECKLIST, per=PER_REGION)
    if resolution is None:
        return
    if resolution.province:
        await send(update, context, Reply(error(rt.t, "{name} adalah provinsi; sebutkan kab/kota.",
                                                name=resolution.province.name)))
        return
    region = resolution.region
    if region is None or not await require(update, context, Action.EDIT_CHECKLIST, region):
        return
    prompt = None if evidence_text else sent_back_without_reason(update, context, region, code, state_text)
    await send(update, context, prompt or change_state(update, context, region, code, state_text, evidence_text))


def only_region(g: Grants) -> RegionRef | None:
    """The one kab/kota whose checklist ``g`` may change (a PIC of one kab/kota), else None (an admin, a staf of a
    province, a PIC of several)."""
    if g.admin or g.staf or len(g.pic) != 1:
        return None
    return regions().get(next(iter(g.pic)))


def tandai_example(g: Grants) -> str:
    """The /tandai example, with the asker's own kab/kota (or one of their province's) when they have one."""
    own = [regions()[c] for c in sorted(g.pic) if c in regions()]
    own += [r for c in sorted(g.staf) for r in regions_of(c)]
    if not own or any(r.code == TAPIN for r in own):
        return TANDAI_EXAMPLE
    region = own[0]
    name = region.name if region.kind == "kabupaten" else region.official_name  # "Jayapura" is the kabupaten
    return TANDAI_EXAMPLE.replace("/tandai Tapin ", f"/tandai {name} ", 1)


def sent_back_without_reason(update: Update, context: ContextTypes.DEFAULT_TYPE, region: RegionRef, code: str,
                             state_text: str) -> Reply | None:
    """``/tandai … perlu perbaikan`` without a reason: the reasons to choose from (None: not a sending back)."""
    return send_back_prompt(update, context, region, code) if parse_state(state_text) is IndicatorState.DITOLAK \
        else None


def register(application: Application) -> None:
    application.add_handler(CommandHandler("tandai", tandai))
