"""The access matrix: every command x every role x own/other region, end to end through the bot.

Own region: Kab. Tapin / Kalimantan Selatan. Other: Kota Samarinda / Kalimantan Timur.
A denied person gets the polite refusal and nothing changes; an allowed one does not get it.
"""

from __future__ import annotations

import pytest

from bot.core.models import RoleBinding
from tests.conftest import ADMIN, PIC, STAF, VIEWER, grant, replies

NOBODY = 999
OTHER_PIC = 555  # focal point of Kota Samarinda
GROUP = -100900
DENIED = "tidak berwenang"

ROLES = {"admin": ADMIN, "staf": STAF, "pic": PIC, "pemantau": VIEWER, "none": NOBODY}
PLACES = {"own": ("Tapin", "Kalsel", "@pic_tapin"), "other": ("Samarinda", "Kaltim", "@pic_samarinda")}

Y, N = True, False
READ = {"admin": (Y, Y), "staf": (Y, Y), "pic": (Y, Y), "pemantau": (Y, Y), "none": (N, N)}
REGION_WRITE = {"admin": (Y, Y), "staf": (Y, N), "pic": (Y, N), "pemantau": (N, N), "none": (N, N)}
STAFF = {"admin": (Y, Y), "staf": (Y, N), "pic": (N, N), "pemantau": (N, N), "none": (N, N)}
NATIONAL = {"admin": (Y, Y), "staf": (Y, Y), "pic": (N, N), "pemantau": (N, N), "none": (N, N)}
ANYONE = {"admin": (Y, Y), "staf": (Y, Y), "pic": (Y, Y), "pemantau": (Y, Y), "none": (Y, Y)}

# (command template, chat: None = private, expected (own, other) per role)
MATRIX = [
    ("/saya", None, ANYONE),
    ("/status {region}", None, READ),
    ("/status {province}", None, READ),
    ("/status nasional", None, NATIONAL),
    ("/status Indonesia", None, NATIONAL),
    ("/belum {region}", None, READ),
    ("/checklist {region}", None, READ),
    ("/jadwal {region}", None, READ),
    ("/kalender {province}", None, READ),
    ("/aksi {region}", None, READ),
    ("/tandai {region} 1.01 proses", None, REGION_WRITE),
    ("/aksi {region} B04 2024 2 lengkap", None, REGION_WRITE),  # a PIC hands their own in (diajukan)
    ("/aksi {region} B04 2024 2 lengkap 80", None, STAFF),  # a nilai capaian is the Kanwil's
    ("/aksi {region} B04 2024 2 tidak lengkap", None, STAFF),  # so is "tidak lengkap"
    ("/aksi {region} B04 2024 80", None, STAFF),  # the period's nilai (the old form)
    ("/aksi {region} 2024 jumlah 8", None, STAFF),  # the list of actions
    ("/aksi {region} 2024 judul 3 Layanan ramah disabilitas", None, STAFF),
    ("/riwayat {region}", None, REGION_WRITE),
    ("/jadwal_tambah rakor {region} 2024-06-19 09:00 Rakor", None, STAFF),
    ("/jadwal_tambah rakor {province} 2024-06-19 09:00 Rakor", None, STAFF),
    ("/langganan {region}", GROUP, STAFF),
    ("/undang pic {region}", None, STAFF),
    ("/undang staf {province}", None, STAFF),
    ("/anggota {province}", None, STAFF),
    ("/cabut {person} {region}", None, STAFF),
    ("/verifikasi {region}", None, STAFF),  # the Kanwil checks what a kab/kota handed in
    ("/verifikasi {province}", None, STAFF),
]


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


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("template,chat,expected", MATRIX, ids=[":".join(m[0].split()[:2])
                                                                 for m in MATRIX])
async def test_matrix(world, template, chat, expected, role, where):
    region, province, person = PLACES[where]
    line = template.format(region=region, province=province, person=person)
    calls = [c for c in await world.say(line, ROLES[role], chat_id=chat)
             if c.method in ("sendMessage", "sendDocument", "sendPhoto")]
    text = "\n".join(c.params.get("text") or c.params.get("caption") or "" for c in calls)
    allowed = expected[role][0 if where == "own" else 1]
    if allowed:
        assert DENIED not in text, f"{role} should be allowed: {line}\n{text}"
        assert calls, line
    else:
        assert DENIED in text, f"{role} should be refused: {line}\n{text}"


@pytest.mark.parametrize("role,province,allowed", [
    ("admin", "63", Y), ("admin", "64", Y), ("staf", "63", Y), ("staf", "64", N),
    ("pic", "63", N), ("pemantau", "63", N), ("none", "63", N),
])
async def test_broadcast_province_buttons(world, role, province, allowed):
    (menu,) = replies(await world.say("/umumkan", ADMIN))
    calls = await world.press(menu, f"um|prov|{province}", ROLES[role])
    alerts = [c.params.get("text", "") for c in calls if c.method == "answerCallbackQuery"]
    assert (DENIED in " ".join(alerts)) is not allowed


async def test_a_refusal_changes_nothing(world):
    before = bindings(world.runtime)
    for line in ("/cabut @pic_samarinda Samarinda", "/tandai Samarinda 1.01 lengkap", "/undang staf Kaltim"):
        (reply,) = replies(await world.say(line, STAF))
        assert DENIED in reply.params["text"]
    assert bindings(world.runtime) == before
    from bot.domain.checklist import indicator_statuses
    from bot.reference import regions

    with world.runtime.session() as session:
        states = indicator_statuses(session, world.runtime.cycle(session), regions()["64.72"])
    assert all(s.state == "belum" for s in states)


async def test_keluar(world):
    (reply,) = replies(await world.say("/keluar", NOBODY))
    assert DENIED in reply.params["text"]
    (reply,) = replies(await world.say("/keluar", VIEWER))
    assert "sudah keluar" in reply.params["text"]
    (reply,) = replies(await world.say("/status Tapin", VIEWER))
    assert DENIED in reply.params["text"]
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


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("state", STATES)
async def test_matrix_of_states(world, role, state):
    """Every role x every state, by command: the state changes exactly when the role may set it."""
    start = "proses" if state != "proses" else "lengkap"
    await world.say(f"/tandai Tapin 3.06 {start}", ADMIN)
    (reply,) = replies(await world.say(f"/tandai Tapin 3.06 {state}", ROLES[role]))
    expected = STATE_RIGHTS[role][state]
    assert _state_of(world.runtime, "63.05", "3.06") == (state if expected else start), reply.params["text"]
    if not expected:
        assert "⚠️" in reply.params["text"] or DENIED in reply.params["text"]


async def test_pic_cannot_overrule_the_kanwil(world):
    """The first build's defect: the Tapin PIC verified their own work over the Kanwil's 'ditolak'."""
    await world.say("/tandai Tapin 3.06 ditolak", STAF)
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
