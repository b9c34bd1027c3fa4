"""The access matrix: every command x every role x own kab/kota, another of the same province, another province.

The decision table (``bot.domain.access``) is checked for every case without the bot: which rule each command
asks and the answer for each person. Then cases through the real Application pin that each command asks that
rule, that the grants come from the database, and that a refusal is the polite one.

Own region: Kab. Tapin / Kalimantan Selatan. Same province: Kab. Tanah Laut / Kalimantan Selatan. Other:
Kota Samarinda / Kalimantan Timur. A denied person gets the polite refusal and nothing changes; an allowed one
does not get it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.core.models import AksiStatus, IndicatorState, RoleBinding
from bot.domain.access import Action, aksi_refusal, aksi_status_as, allowed, may_set_state, settable_states
from bot.domain.people import Grants, grants
from bot.reference import ProvinceRef, RegionRef, provinces, regions
from tests.conftest import ADMIN, PIC, STAF, VIEWER, grant, refused, replies

NOBODY = 999
OTHER_PIC = 555  # focal point of Kota Samarinda
GROUP = -100900

ROLES = {"admin": ADMIN, "staf": STAF, "pic": PIC, "pemantau": VIEWER, "none": NOBODY}
# what the database grants each of them in a private chat (the ``world`` fixture; checked below)
GRANTS = {
    "admin": Grants(ADMIN, admin=True),
    "staf": Grants(STAF, staf=frozenset({"63"})),
    "pic": Grants(PIC, pic=frozenset({"63.05"})),
    "pemantau": Grants(VIEWER, pemantau=frozenset({"63.05"})),
    "none": Grants(NOBODY),
}
WHERE = ["own", "same", "other"]
# (kab/kota, province, a person to /cabut) as typed
PLACES = {"own": ("Tapin", "Kalsel", "@pic_tapin"), "same": ("Tanah Laut", "Kalsel", "@pic_tapin"),
          "other": ("Samarinda", "Kaltim", "@pic_samarinda")}
REGION = {"own": "63.05", "same": "63.01", "other": "64.72"}
PROVINCE = {"own": "63", "same": "63", "other": "64"}

Y, N = True, False
# expected (own, same province, other province) per role
READ = {"admin": (Y, Y, Y), "staf": (Y, Y, Y), "pic": (Y, Y, Y), "pemantau": (Y, Y, Y), "none": (N, N, N)}
REGION_WRITE = {"admin": (Y, Y, Y), "staf": (Y, Y, N), "pic": (Y, N, N), "pemantau": (N, N, N), "none": (N, N, N)}
STAFF = {"admin": (Y, Y, Y), "staf": (Y, Y, N), "pic": (N, N, N), "pemantau": (N, N, N), "none": (N, N, N)}
NATIONAL = {"admin": (Y, Y, Y), "staf": (Y, Y, Y), "pic": (N, N, N), "pemantau": (N, N, N), "none": (N, N, N)}
ANYONE = {"admin": (Y, Y, Y), "staf": (Y, Y, Y), "pic": (Y, Y, Y), "pemantau": (Y, Y, Y), "none": (Y, Y, Y)}

Decision = Callable[[Grants, str], bool]  # (the person's grants, where) -> allowed


def _target(on: str | None, where: str) -> RegionRef | ProvinceRef | None:
    if on == "region":
        return regions()[REGION[where]]
    return provinces()[PROVINCE[where]] if on == "province" else None


def rule(action: Action, on: str | None = None) -> Decision:
    """The command asks ``allowed(grants, action, <the typed kab/kota or province>)``."""
    return lambda g, where: allowed(g, action, _target(on, where))


def report(typed: AksiStatus, nilai: bool) -> Decision:
    """An Aksi HAM action's report on a kab/kota with none yet: the rule of recording plus the Kanwil's part."""
    def decide(g: Grants, where: str) -> bool:
        region = regions()[REGION[where]]
        status = aksi_status_as(g, region, typed, None)
        return aksi_refusal(g, region, None, status, nilai_changes=nilai, note_changes=False) is None
    return decide


def anyone(g: Grants, where: str) -> bool:
    return True


# (command template, chat: None = private, the rule it asks, expected (own, same, other) per role)
MATRIX = [
    ("/saya", None, anyone, ANYONE),
    ("/status {region}", None, rule(Action.VIEW, "region"), READ),
    ("/status {province}", None, rule(Action.VIEW, "province"), READ),
    ("/status nasional", None, rule(Action.VIEW_NATIONAL), NATIONAL),
    ("/status Indonesia", None, rule(Action.VIEW_NATIONAL), NATIONAL),
    ("/belum {region}", None, rule(Action.VIEW, "region"), READ),
    ("/checklist {region}", None, rule(Action.VIEW, "region"), READ),
    ("/jadwal {region}", None, rule(Action.VIEW, "region"), READ),
    ("/kalender {province}", None, rule(Action.VIEW), READ),
    ("/aksi {region}", None, rule(Action.VIEW), READ),
    ("/tandai {region} 1.01 proses", None, rule(Action.EDIT_CHECKLIST, "region"), REGION_WRITE),
    # a PIC hands their own in (diajukan)
    ("/aksi {region} B04 2024 2 lengkap", None, report(AksiStatus.LENGKAP, nilai=False), REGION_WRITE),
    # a nilai capaian is the Kanwil's
    ("/aksi {region} B04 2024 2 lengkap 80", None, report(AksiStatus.LENGKAP, nilai=True), STAFF),
    # so is "tidak lengkap"
    ("/aksi {region} B04 2024 2 tidak lengkap", None, report(AksiStatus.TIDAK_LENGKAP, nilai=False), STAFF),
    ("/aksi {region} B04 2024 80", None, rule(Action.ASSESS_AKSI, "region"), STAFF),  # the period's nilai (old form)
    ("/aksi {region} 2024 jumlah 8", None, rule(Action.ASSESS_AKSI, "region"), STAFF),  # the list of actions
    ("/aksi {region} 2024 judul 3 Layanan ramah disabilitas", None, rule(Action.ASSESS_AKSI, "region"), STAFF),
    ("/riwayat {region}", None, rule(Action.HISTORY, "region"), REGION_WRITE),
    ("/jadwal_tambah rakor {region} 2024-06-19 09:00 Rakor", None, rule(Action.MANAGE_EVENTS, "region"), STAFF),
    ("/jadwal_tambah rakor {province} 2024-06-19 09:00 Rakor", None, rule(Action.MANAGE_EVENTS, "province"), STAFF),
    ("/langganan {region}", GROUP, rule(Action.SUBSCRIBE, "region"), STAFF),
    ("/undang pic {region}", None, rule(Action.INVITE, "region"), STAFF),
    ("/undang staf {province}", None, rule(Action.INVITE, "province"), STAFF),
    ("/anggota {province}", None, rule(Action.MEMBERS, "province"), STAFF),
    ("/cabut {person} {region}", None, rule(Action.REVOKE, "region"), STAFF),
    ("/verifikasi {region}", None, rule(Action.VERIFY, "region"), STAFF),  # the Kanwil checks what was handed in
    ("/verifikasi {province}", None, rule(Action.VERIFY, "province"), STAFF),
]
COMMANDS = [":".join(m[0].split()[:2]) for m in MATRIX]


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("template,chat,decide,expected", MATRIX, ids=COMMANDS)
def test_decision_table(template, chat, decide, expected, role, where):
    """Every command x role x place: the rule the command asks gives the expected answer."""
    assert decide(GRANTS[role], where) is expected[role][WHERE.index(where)], (template, role, where)


@pytest.fixture
async def world(bot):
    grant(bot.runtime, OTHER_PIC, "pic", "64.72")
    await bot.say("/start", PIC)  # the bot meets people; @usernames come from their updates
    from bot.domain.people import seen

    with bot.runtime.session() as session:
        seen(session, bot.runtime.clock, PIC, "Pic", "pic_tapin")
        seen(session, bot.runtime.clock, OTHER_PIC, "Pic", "pic_samarinda")
    return bot


def bindings(rt) -> list[tuple]:
    from sqlmodel import select

    with rt.session() as session:
        return sorted((b.user_id, b.role, b.target_code) for b in session.exec(select(RoleBinding)))


def test_the_grants_of_the_table_are_what_the_database_gives(world):
    with world.runtime.session() as session:
        given = {role: grants(session, world.runtime.settings.admin_ids, uid, uid) for role, uid in ROLES.items()}
    assert given == GRANTS


# Through the Application, each command for the people and places that tell the rules apart: admin elsewhere
# (every allowed path), the staf of Kalsel, the PIC of Tapin (own, same province, other), a pemantau, a stranger.
# One bot per person and place, the commands in the order of MATRIX (the allowed ones change things as they go).
APP_CASES = [("admin", "other"), ("staf", "own"), ("staf", "same"), ("staf", "other"), ("pic", "own"),
             ("pic", "same"), ("pic", "other"), ("pemantau", "own"), ("none", "own")]


@pytest.mark.parametrize("role,where", APP_CASES)
async def test_matrix_through_the_bot(world, role, where):
    region, province, person = PLACES[where]
    wrong = []
    for template, chat, _, expected in MATRIX:
        line = template.format(region=region, province=province, person=person)
        calls = [c for c in await world.say(line, ROLES[role], chat_id=chat)
                 if c.method in ("sendMessage", "sendDocument", "sendPhoto")]
        text = "\n".join(c.params.get("text") or c.params.get("caption") or "" for c in calls)
        if expected[role][WHERE.index(where)]:
            if refused(text) or not calls:
                wrong.append(f"{role} should be allowed: {line}\n{text}")
        elif not refused(text):
            wrong.append(f"{role} should be refused: {line}\n{text}")
    assert not wrong, "\n\n".join(wrong)


@pytest.mark.parametrize("role,province,allowed", [
    ("admin", "63", Y), ("admin", "64", Y), ("staf", "63", Y), ("staf", "64", N),
    ("pic", "63", N), ("pemantau", "63", N), ("none", "63", N),
])
async def test_broadcast_province_buttons(world, role, province, allowed):
    (menu,) = replies(await world.say("/umumkan", ADMIN))
    calls = await world.press(menu, f"um|prov|{province}", ROLES[role])
    alerts = [c.params.get("text", "") for c in calls if c.method == "answerCallbackQuery"]
    assert refused(" ".join(alerts)) is not allowed


async def test_a_refusal_changes_nothing(world):
    before = bindings(world.runtime)
    for line in ("/cabut @pic_samarinda Samarinda", "/tandai Samarinda 1.01 lengkap", "/undang staf Kaltim"):
        (reply,) = replies(await world.say(line, STAF))
        assert refused(reply.params["text"])
    assert bindings(world.runtime) == before
    from bot.domain.checklist import indicator_statuses
    from bot.reference import regions

    with world.runtime.session() as session:
        states = indicator_statuses(session, world.runtime.cycle(session), regions()["64.72"])
    assert all(s.state == "belum" for s in states)


async def test_keluar(world):
    (reply,) = replies(await world.say("/keluar", NOBODY))
    assert refused(reply.params["text"])
    (reply,) = replies(await world.say("/keluar", VIEWER))
    assert "sudah keluar" in reply.params["text"]
    (reply,) = replies(await world.say("/status Tapin", VIEWER))
    assert refused(reply.params["text"])
    (reply,) = replies(await world.say("/keluar", ADMIN))
    assert "tidak dapat keluar melalui bot" in reply.params["text"]


def _state_of(rt, code: str, indicator: str) -> str:
    from bot.domain.checklist import indicator_statuses
    from bot.reference import regions

    with rt.session() as session:
        statuses = indicator_statuses(session, rt.cycle(session), regions()[code])
    return next(s.state for s in statuses if s.indicator.code == indicator).value


STATES = ["belum", "proses", "lengkap", "terverifikasi", "ditolak"]
# may the role set each state on its own kab/kota (Tapin)? the Kanwil verifies and sends back, a PIC does not
STATE_RIGHTS = {
    "admin": dict.fromkeys(STATES, Y),
    "staf": dict.fromkeys(STATES, Y),
    "pic": {"belum": Y, "proses": Y, "lengkap": Y, "terverifikasi": N, "ditolak": N},
    "pemantau": dict.fromkeys(STATES, N),
    "none": dict.fromkeys(STATES, N),
}


def state_right(role: str, state: str, where: str) -> bool:
    if where == "own":
        return STATE_RIGHTS[role][state]
    return role == "admin" or (role == "staf" and where == "same")  # elsewhere: the Kanwil of that province


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("state", STATES)
def test_state_rights_table(role, where, state):
    """Every role x state x place, from another state: may the role set it?"""
    start = "proses" if state != "proses" else "lengkap"
    region = regions()[REGION[where]]
    assert may_set_state(GRANTS[role], region, state, start) is state_right(role, state, where)
    offered = {s.value for s in settable_states(GRANTS[role], region, IndicatorState(start))}
    assert (state in offered) is state_right(role, state, where)


@pytest.mark.parametrize("role", list(ROLES))
async def test_matrix_of_states(world, role):
    """Every role x every state, by command: the state changes exactly when the role may set it."""
    for state in STATES:
        start = "proses" if state != "proses" else "lengkap"
        await world.say(f"/tandai Tapin 3.06 {start}", ADMIN)
        reason = " Dokumen tidak lengkap" if state == "ditolak" else ""  # a sending back comes with its reason
        (reply,) = replies(await world.say(f"/tandai Tapin 3.06 {state}{reason}", ROLES[role]))
        expected = STATE_RIGHTS[role][state]
        got = _state_of(world.runtime, "63.05", "3.06")
        assert got == (state if expected else start), (state, reply.params["text"])
        if not expected:
            assert "⚠️" in reply.params["text"] or refused(reply.params["text"]), state


async def test_pic_cannot_overrule_the_kanwil(world):
    """The first build's defect: the Tapin PIC verified their own work over the Kanwil's 'ditolak'."""
    await world.say("/tandai Tapin 3.06 ditolak Dokumen tidak lengkap", STAF)
    (reply,) = replies(await world.say("/tandai Tapin 3.06 terverifikasi", PIC))
    assert "staf Bidang HAM" in reply.params["text"]
    assert _state_of(world.runtime, "63.05", "3.06") == "ditolak"
    # the PIC fixes the document and hands it in again: that is theirs to do
    await world.say("/tandai Tapin 3.06 lengkap", PIC)
    assert _state_of(world.runtime, "63.05", "3.06") == "lengkap"
    # once verified, the PIC may not reopen it
    await world.say("/tandai Tapin 3.06 terverifikasi", STAF)
    (reply,) = replies(await world.say("/tandai Tapin 3.06 proses", PIC))
    assert "sudah diverifikasi" in reply.params["text"]
    assert _state_of(world.runtime, "63.05", "3.06") == "terverifikasi"


@pytest.mark.parametrize("role,offered", [
    ("pic", {"belum", "lengkap"}),
    ("staf", {"belum", "lengkap", "terverifikasi", "ditolak"}),
])
async def test_state_buttons_offer_only_what_the_role_may_set(world, role, offered):
    await world.say("/tandai Tapin 3.06 proses", ADMIN)
    (menu,) = replies(await world.say("/checklist Tapin", ROLES[role]))
    (page,) = replies(await world.press(menu, "kc|63.05|3|0|e", ROLES[role]))
    (detail,) = replies(await world.press(page, "ki|63.05|3.06|e", ROLES[role]))
    from tests.fakes import buttons_of

    states = {d.split("|")[3] for _, d in buttons_of(detail) if d.startswith("ks|")}
    assert states == offered


async def test_forged_state_button_is_refused(world):
    """A PIC forging the callback of a 'terverifikasi' button gets a refusal and nothing changes."""
    await world.say("/tandai Tapin 3.06 lengkap", PIC)
    (menu,) = replies(await world.say("/checklist Tapin", PIC))
    (page,) = replies(await world.press(menu, "kc|63.05|3|0|e", PIC))
    forged = world.factory.press(page, "ks|63.05|3.06|terverifikasi|e", PIC)
    before = len(world.api.calls)
    await world.app.process_update(forged)
    texts = " ".join(c.params.get("text", "") for c in world.api.calls[before:])
    assert "staf Bidang HAM" in texts
    assert _state_of(world.runtime, "63.05", "3.06") == "lengkap"
