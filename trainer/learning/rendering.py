"""Lesson Markdown to stored HTML: sanitised once, then images from the course folder."""

from trainer.learning.course_format import HEADING
from trainer.learning.images import link_images
from trainer.markup import render_markdown


def lesson_html(body_md: str, slug: str, assets: dict[str, bytes]) -> str:
    """HTML of a lesson body without its title heading; relative images point at the
    course's assets (``assets``: image name to bytes)."""
    body = HEADING.sub("", body_md, count=1)
    return link_images(render_markdown(body), slug, assets)
