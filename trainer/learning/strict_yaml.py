"""yaml.safe_load that refuses a key given twice in one mapping (plain YAML keeps the last,
so a second `title:` would silently win)."""

import yaml

from trainer.quizzes.parse_messages import message as _


class _UniqueKeyLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: the base class reports it
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, _("duplicate key '%(key)s'", key=key), key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def strict_safe_load(text: str):
    """Parse YAML like ``yaml.safe_load``; a duplicate key raises a YAMLError with its line."""
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
