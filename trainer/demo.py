"""`flask demo seed`: a demo district with streets, communities, grids and accounts."""

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from trainer.auth import services as accounts
from trainer.auth.models import User
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.org import services as org

demo_cli = AppGroup("demo", help="Demo data.")

STREETS = (("S01", "秀江街道"), ("S02", "灵泉街道"), ("S03", "珠泉街道"))
COMMUNITIES = (("C01", "幸福里社区"), ("C02", "和平社区"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("晓明", "丽华", "建国", "秀英", "志强", "海燕", "俊杰", "婷婷", "文博", "静怡",
         "子涵", "浩然", "雨欣", "思远", "佳琪", "宇航", "欣怡", "明轩")


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
def seed_command(password: str) -> None:
    """Create the demo organisation and accounts (idempotent)."""
    try:
        accounts.check_password_policy(password)
        district, grids = seed_organisation()
        users = seed_accounts(password, district, grids)
        from trainer import demo_extras

        demo_extras.seed_all(users)
    except Invalid as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"demo: {len(grids)} grids, {len(users)} accounts")
    click.echo("accounts: admin, organiser, trainer, worker "
               "(plus w001… workers and org_s01… street organisers)")


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
    click.echo("=" * 60)
