"""HTTP answers for course images: long private caching keyed by the content hash."""

from flask import Response, request

from trainer.learning.images import version
from trainer.learning.models import CourseAsset

# The lesson HTML names each image with ?v=<content hash>: that URL never changes meaning.
IMMUTABLE = "private, max-age=31536000, immutable"
REVALIDATE = "private, no-cache"


def image_response(item: CourseAsset) -> Response:
    """The image with an ETag by content hash (304 when the client has it), cached for a
    year when asked for by its current versioned URL, else revalidated on each use."""
    tag = version(item.data)
    fresh = request.args.get("v") == tag
    response = Response(item.data, mimetype=item.mimetype)
    response.set_etag(tag)
    response.headers["Cache-Control"] = IMMUTABLE if fresh else REVALIDATE
    response.headers["Content-Disposition"] = "inline"
    return response.make_conditional(request)
