"""`flask demo seed`: a demo district with streets, communities, grids and accounts."""

import time

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from trainer.auth import services as accounts
from trainer.auth.models import User
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.models import utcnow
from trainer.org import services as org

demo_cli = AppGroup("demo", help="Demo data.")

STREETS = (("S01", "秀江街道"), ("S02", "灵泉街道"), ("S03", "珠泉街道"))
COMMUNITIES = (("C01", "幸福里社区"), ("C02", "和平社区"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("晓明", "丽华", "建国", "秀英", "志强", "海燕", "俊杰", "婷婷", "文博", "静怡",
         "子涵", "浩然", "雨欣", "思远", "佳琪", "宇航", "欣怡", "明轩")

# Bulk load-test workers (`--workers N`): a wider pool, so that 10,000 names mostly differ.
BULK_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
                 "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱"
                 "江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
# Given names as they are used (two characters, or one), rather than random characters.
BULK_GIVEN = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明",
    "超", "霞", "平", "刚", "辉", "鑫", "斌", "婷", "琳", "晨", "宇", "浩", "颖", "鹏", "丹",
    "晓明", "丽华", "建国", "秀英", "志强", "海燕", "俊杰", "婷婷", "文博", "静怡", "子涵",
    "浩然", "雨欣", "思远", "佳琪", "宇航", "欣怡", "明轩", "桂英", "玉兰", "秀兰", "春梅",
    "国庆", "建华", "建军", "红梅", "志刚", "晓东", "海涛", "丽娟", "永强", "金凤", "玉梅",
    "伟东", "晓燕", "立新", "文静", "雪梅", "家豪", "梓涵", "一诺", "子轩", "雨桐", "诗涵",
    "嘉怡", "俊熙", "梓萱", "晨阳", "振华", "春燕", "秀珍", "德明", "永红", "志华", "学军",
    "淑芬", "慧敏", "凤英", "红霞", "建平", "卫东", "晓红", "新民", "小红", "美玲", "国华",
    "少华", "巧玲", "亚男", "佳怡", "思彤", "天佑", "博文", "欣然", "泽宇", "若曦", "子墨",
)


def bulk_worker_username(k: int) -> str:
    """``w0001``…: the k-th bulk worker, 4 digits, wider past 9999 (never the 3-digit w001)."""
    return f"w{k:04d}"


def bulk_worker_name(k: int) -> str:
    """A plausible Chinese name for the k-th bulk worker, the same on every run."""
    mixed = (k * 2654435761) % 4294967296  # Knuth's multiplicative hash: spreads neighbours
    return (BULK_SURNAMES[mixed % len(BULK_SURNAMES)]
            + BULK_GIVEN[(mixed // len(BULK_SURNAMES)) % len(BULK_GIVEN)])


def seed_bulk_workers(password: str, grids, count: int) -> int:
    """Add the workers ``w0001``…``w{count}`` that are missing, spread round-robin over
    ``grids`` (worker k in grid (k-1) mod len(grids)), all with ``password``.

    Fast enough for tens of thousands: the password is hashed once (argon2 costs tens of
    milliseconds per hash) and the rows go in with one Core executemany. Returns how many
    were added; the caller commits."""
    wanted = {bulk_worker_username(k): k for k in range(1, count + 1)}
    existing = set(db.session.scalars(
        sa.select(User.username).where(User.username.like("w%"))))
    missing = [k for name, k in wanted.items() if name not in existing]
    if not missing:
        return 0
    for k in missing:  # the policy's "must not contain the username" check
        accounts.check_password_policy(password, bulk_worker_username(k))
    password_hash = accounts.hash_password(password)
    now = utcnow()
    rows = [{"username": bulk_worker_username(k), "name": bulk_worker_name(k),
             "role": "worker", "unit_id": grids[(k - 1) % len(grids)].id,
             "department_id": None, "phone": None, "password_hash": password_hash,
             "active": True, "session_version": 1, "created_at": now}
            for k in missing]
    db.session.execute(sa.insert(User.__table__), rows)
    return len(rows)


def seed_organisation():
    """The district, 3 streets, 2 communities each, 3 grids each (idempotent)."""
    org.ensure_departments()
    district = org.unit_by_code("yuanzhou") or org.create_unit("yuanzhou", "袁州区", "district",
                                                               None)
    grids = []
    for s_code, s_name in STREETS:
        street = org.unit_by_code(s_code) or org.create_unit(s_code, s_name, "street", district)
        for c_code, c_name in COMMUNITIES:
            code = f"{s_code}-{c_code}"
            community = org.unit_by_code(code) or org.create_unit(
                code, f"{s_name[:2]}{c_name}", "community", street)
            for g in range(1, 4):
                gcode = f"{code}-G{g:02d}"
                grids.append(org.unit_by_code(gcode) or org.create_unit(
                    gcode, f"{community.name}第{g}网格", "grid", community))
    return district, grids


def _ensure_user(username, name, role, password, **scope) -> User:
    existing = db.session.scalar(sa.select(User).where(User.username == username))
    return existing or accounts.create_user(username, name, role, password, **scope)


def seed_accounts(password: str, district, grids, extra_workers: int = 2) -> list[User]:
    """The four named demo accounts plus generated workers (one per grid, and more)."""
    dept = org.department_by_code("public-security")
    users = [
        _ensure_user("admin", "系统管理员", "admin", password),
        _ensure_user("organiser", "区培训办", "organiser", password, unit=district),
        _ensure_user("trainer", "公安业务讲师", "trainer", password, unit=district,
                     department=dept),
        _ensure_user("worker", "王晓明", "worker", password, unit=grids[0]),
    ]
    for i in range(len(grids) * (1 + extra_workers)):
        grid = grids[i % len(grids)]
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]
        users.append(_ensure_user(f"w{i + 1:03d}", name, "worker", password, unit=grid))
    for s_code, s_name in STREETS:
        street = org.unit_by_code(s_code)
        users.append(_ensure_user(f"org_{s_code.lower()}", f"{s_name}培训专干", "organiser",
                                  password, unit=street))
    return users


@demo_cli.command("seed")
@click.option("--password", required=True, help="Password for every demo account.")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Also add this many workers w0001… spread over the demo grids "
                   "(for load tests; existing ones are kept).")
def seed_command(password: str, workers: int) -> None:
    """Create the demo organisation and accounts (idempotent)."""
    added, seconds = 0, 0.0
    try:
        accounts.check_password_policy(password)
        district, grids = seed_organisation()
        users = seed_accounts(password, district, grids)
        from trainer import demo_extras

        demo_extras.seed_all(users)
        if workers:
            started = time.perf_counter()
            added = seed_bulk_workers(password, grids, workers)
    except Invalid as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    if workers:
        seconds = time.perf_counter() - started
    click.echo(f"demo: {len(grids)} grids, {len(users)} accounts")
    if workers:
        click.echo(f"workers: {added} added of {bulk_worker_username(1)}…"
                   f"{bulk_worker_username(workers)} in {seconds:.2f} s")
    click.echo("accounts: admin, organiser, trainer, worker "
               "(plus w001… workers and org_s01… street organisers)")
    _explain_second_factor()


def _explain_second_factor() -> None:
    """Say which demo accounts must set up two-step verification at their first login."""
    from flask import current_app

    roles = current_app.config.get("REQUIRE_SECOND_FACTOR") or ()
    if roles:
        click.echo(f"two-step verification: accounts of the roles {', '.join(roles)} "
                   "(REQUIRE_SECOND_FACTOR) set it up at their first login, with an "
                   "authenticator app (TOTP) on a phone")


@demo_cli.command("first-run")
def first_run_command() -> None:
    """Seed the demo when there are no users yet, printing the password it chose."""
    import secrets

    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("demo: accounts exist already; nothing seeded")
        return
    password = "Grid-" + secrets.token_urlsafe(9)
    district, grids = seed_organisation()
    users = seed_accounts(password, district, grids)
    from trainer import demo_extras

    demo_extras.seed_all(users)
    db.session.commit()
    click.echo("=" * 60)
    click.echo("Demo accounts created: admin, organiser, trainer, worker")
    click.echo(f"Password for every demo account: {password}")
    _explain_second_factor()
    click.echo("=" * 60)
