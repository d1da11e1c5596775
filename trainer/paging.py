"""A page of results that is not a database pagination, shaped for the pager macro
(templates/_macros.html), which reads the names of Flask-SQLAlchemy's Pagination: a mixin
over ``page`` and ``pages``."""


class Pager:
    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
