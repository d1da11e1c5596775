"""Grid Trainer (网格员培训平台): the application factory."""

import os

from flask import Flask, request

from config import CONFIGS, Config


class TrainerFlask(Flask):
    """Flask, except that ``ensure_sync`` (asked for every hook and view on every
    request: about fifteen ``inspect.iscoroutinefunction`` calls a request) remembers the
    functions it found synchronous. The app has no async views or hooks."""

    def ensure_sync(self, func):
        known = self.__dict__.setdefault("_known_sync", set())
        try:
            if func in known:
                return func
        except TypeError:  # an unhashable callable: asked every time
            return super().ensure_sync(func)
        wrapped = super().ensure_sync(func)
        if wrapped is func:
            known.add(func)
        return wrapped


def create_app(config: type[Config] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, handlers. No side effects."""
    # INSTANCE_PATH: this host's own folder (the SQLite queue file, default job files), so
    # that several instances of one checkout on one machine keep theirs apart.
    instance = os.environ.get("INSTANCE_PATH")
    app = TrainerFlask(__name__, template_folder="../templates", instance_relative_config=True,
                instance_path=os.path.abspath(instance) if instance else None)
    if config is None:
        config = CONFIGS.get(os.environ.get("TRAINER_ENV", "production"), CONFIGS["production"])
    app.config.from_object(config)
    if hasattr(config, "check"):
        config.check(app.config)
    os.makedirs(app.instance_path, exist_ok=True)  # as in Flask's tutorial: the SQLite home
    _init_extensions(app)
    _register_blueprints(app)
    _init_domains(app)
    _wrap_views(app)
    return app


def _wrap_views(app: Flask) -> None:
    from trainer import unit_of_work

    unit_of_work.init_app(app)  # around every view, once they are all registered


def _init_extensions(app: Flask) -> None:
    from trainer import database, domains, errors, i18n, security
    from trainer.audit import events as audit_events
    from trainer.auth import sessions
    from trainer.extensions import babel, csrf, db, migrate
    from trainer.jobs import queue as jobs_queue
    from trainer.main import nav
    from trainer.monitoring import access as metrics_access
    from trainer.monitoring import logs, metrics

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A file on this machine cannot drop a connection: the ping on every checkout (a
        # round trip per request) is only worth it for a server database.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}), "pool_pre_ping": False}
        if app.config.get("SQLITE_WRITE_GATE", True):
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(
                app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    metrics_access.networks(app.config.get("METRICS_ALLOW", ""))  # a typo fails at start
    metrics.init_app(app)  # first: its timer starts before any other hook runs
    db.init_app(app)
    domains.import_models()
    with app.app_context():
        database.configure_engine(db.engine)
        metrics.watch_pool(db.engine)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    sessions.init_app(app)
    security.init_app(app)
    logs.init_app(app)  # after security: it quiets the security log's plain lines in JSON mode
    errors.init_app(app)
    i18n.init_app(app)
    nav.init_app(app)
    jobs_queue.init_app(app)
    _init_redis(app)
    # refusals are stored when the request ends, after its unit of work (audit/events.py)
    app.teardown_request(audit_events.write_pending)
    app.teardown_request(database.close_read_connection)

    @app.before_request
    def _declare_write_intent():
        database.set_write_intent(request.method not in ("GET", "HEAD", "OPTIONS"))


def _init_domains(app: Flask) -> None:
    # The one place the domains' wiring runs (signals and registries: trainer/domains.py).
    from trainer.domains import initialisers

    for init_app in initialisers():
        init_app(app)


def _init_redis(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    if url:
        import redis

        app.extensions["trainer_redis"] = redis.Redis.from_url(url, decode_responses=True)


def _register_blueprints(app: Flask) -> None:
    # Blueprints are imported here, not in the package __init__ files, so that one
    # domain's models can import another's without pulling in every view.
    from trainer.auth.cli import users_cli
    from trainer.demo import demo_cli
    from trainer.domains import blueprints, cli_groups
    from trainer.jobs.cli import cli as jobs_cli
    from trainer.routing import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any rule is added
    for bp in blueprints():
        app.register_blueprint(bp)
    for group in (users_cli, demo_cli, jobs_cli, *cli_groups()):
        app.cli.add_command(group)
