"""Lesson Markdown to stored HTML: images from the course folder, then sanitised once."""

import re

from trainer.learning.course_format import HEADING
from trainer.markup import render_markdown

IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)((?:\s+\"[^\"]*\")?)\)")


def lesson_html(body_md: str, slug: str, asset_names: set[str]) -> str:
    """HTML of a lesson body without its title heading; relative images point at assets."""
    body = HEADING.sub("", body_md, count=1)

    def image(match: re.Match) -> str:
        alt, src, title = match.groups()
        if src in asset_names:
            src = f"/courses/{slug}/assets/{src}"
        return f"![{alt}]({src}{title})"

    return render_markdown(IMAGE.sub(image, body))
