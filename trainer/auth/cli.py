"""`flask users ...` commands."""

import click
from flask.cli import AppGroup

from trainer.auth import services
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.org.services import department_by_code, unit_by_code

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["worker", "trainer", "organiser",
                                                          "admin"]))
@click.option("--grid", help="Grid code (workers).")
@click.option("--street", help="Street code (organisers, or a trainer's street limit).")
@click.option("--unit", "unit_code", help="Any unit's code: a city, a district, a street, ...")
@click.option("--department", help="Department code (trainers).")
@click.option("--name", help="Display name (defaults to the username).")
@click.option("--password", required=True)
def create_command(username, role, grid, street, unit_code, department, name, password):
    """Create an account."""
    try:
        unit = _unit(unit_code or grid or street)
        if role in ("organiser", "trainer") and unit is None:
            unit = _only_district()
        dept = None
        if department:
            dept = department_by_code(department)
            if dept is None:
                raise Invalid(f"unknown department code {department!r}")
        user = services.create_user(username, name or username, role, password, unit=unit,
                                    department=dept)
    except Invalid as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from exc
    db.session.commit()
    click.echo(f"created {user.username} ({user.role})")


def _unit(code):
    if not code:
        return None
    unit = unit_by_code(code)
    if unit is None:
        raise Invalid(f"unknown unit code {code!r}")
    return unit


def _only_district():
    """The district, when there is exactly one; with several, the unit must be named."""
    import sqlalchemy as sa

    from trainer.org.models import Unit

    districts = db.session.scalars(sa.select(Unit).where(Unit.level == "district")
                                   .limit(2)).all()
    if len(districts) > 1:
        raise Invalid("several districts exist: name the unit with --unit CODE")
    return districts[0] if districts else None
