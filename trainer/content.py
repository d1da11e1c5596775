"""What a content loader reports (courses and scenarios share it)."""

from dataclasses import dataclass, field


@dataclass
class LoadReport:
    """Outcome of validating or loading a content folder.

    ``problems`` holds one line per problem: "file: where: why". Nothing from a file with
    a problem is loaded. ``warnings`` holds lines "warning: file: where: why" about files
    that are valid but probably not what the author meant; they load all the same.
    """

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def merge(self, other: "LoadReport") -> "LoadReport":
        return LoadReport(self.created + other.created, self.updated + other.updated,
                          self.unchanged + other.unchanged, self.problems + other.problems,
                          self.warnings + other.warnings)
