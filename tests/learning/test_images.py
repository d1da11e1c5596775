"""Course images: checked on load, served with caching to those who may see the course,
absolute in the API, carried through export, uploaded from the course editor."""

import io
import re

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx, bearer
from tests.learning.pictures import jpeg, png, webp
from trainer.extensions import db
from trainer.learning.images import MAX_IMAGE_BYTES, dimensions, image_problem, sniff
from trainer.learning.models import Course, CourseAsset, Lesson

LESSON = ("# 第一课\n\n![灭火器的四个步骤](images/steps.png)\n\n中间的话。\n\n"
          "![网格图](map.png)\n")


def _with_images(course_dir):
    folder = course_dir / "demo-course"
    (folder / "images").mkdir()
    (folder / "images" / "steps.png").write_bytes(png(40, 30))
    (folder / "map.png").write_bytes(png(8, 6))
    (folder / "01-a.md").write_text(LESSON, "utf-8")
    return folder


def _lesson_id(app):
    with app_ctx(app):
        return db.session.scalar(sa.select(Lesson.id).order_by(Lesson.position))


def _problems(load, course_dir):
    report = load(course_dir)
    assert not report.created
    return "\n".join(report.problems)


def test_types_are_known_by_their_bytes_and_sizes_read_from_headers():
    assert (sniff(png()), sniff(jpeg()), sniff(webp())) == ("image/png", "image/jpeg",
                                                           "image/webp")
    assert (dimensions(png(40, 30)), dimensions(jpeg(5, 7)), dimensions(webp(6, 2))) == (
        (40, 30), (5, 7), (6, 2))
    assert sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert image_problem("a.png", png()) is None and image_problem("b.jpg", jpeg()) is None
    assert "扩展名却是 .png" in image_problem("a.png", jpeg())
    assert "不是 PNG" in image_problem("a.webp", b"RIFF....WAVEfmt ")
    assert "不支持 SVG" in image_problem("a.svg", b"<svg/>")
    assert "不支持 SVG" in image_problem("a.gif", b"GIF89a")


def test_images_in_a_sub_folder_load_and_render_with_size_version_and_lazy_loading(
        app, client, auth, users, load, course_dir):
    _with_images(course_dir)
    assert load(course_dir).created == ["demo-course"]
    auth.login("worker")
    html = client.get(f"/lessons/{_lesson_id(app)}").get_data(as_text=True)
    first, second = re.findall(r"<img [^>]*>", html)
    assert re.fullmatch(r'<img src="/courses/demo-course/assets/images/steps.png\?v=[0-9a-f]{16}"'
                        r' alt="灭火器的四个步骤" width="40" height="30">', first)
    assert 'width="8" height="6" loading="lazy"' in second
    src = re.search(r'src="([^"]+)"', first).group(1)
    image = client.get(src)
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data == png(40, 30)
    assert image.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert "img-src 'self'" in image.headers["Content-Security-Policy"]
    etag = image.headers["ETag"]
    again = client.get(src, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    unversioned = client.get("/courses/demo-course/assets/images/steps.png")
    assert unversioned.headers["Cache-Control"] == "private, no-cache"
    assert unversioned.headers["ETag"] == etag
    assert client.get("/courses/demo-course/assets/images/nope.png").status_code == 404


def test_a_big_image_a_wrong_type_and_an_svg_are_problems_naming_the_file(load, course_dir, app):
    folder = _with_images(course_dir)
    big = png(200, 200, noise=bytes(range(256)))
    assert len(big) > MAX_IMAGE_BYTES
    (folder / "images" / "steps.png").write_bytes(big)
    (folder / "map.png").write_bytes(jpeg())
    (folder / "logo.svg").write_text("<svg/>", "utf-8")
    text = _problems(load, course_dir)
    assert f"demo-course/images/steps.png：图片有 {len(big) / 1000:.0f} KB，超过 30 KB" in text
    assert "demo-course/map.png：文件实际是 JPEG 格式，扩展名却是 .png" in text
    assert "demo-course/logo.svg：图片应为 PNG、JPEG 或 WebP 文件" in text


def test_missing_alt_text_a_missing_file_and_an_external_image_are_problems(load, course_dir):
    folder = _with_images(course_dir)
    (folder / "02-b.md").write_text(
        "# 第二课\n\n![](map.png)\n\n![流程](images/flow.png)\n\n"
        "![外站图](https://example.com/a.png)\n\n```\n![](not-an-image.png)\n```\n\n"
        '<img src="map.png">\n\n<img alt="网格图" src="map.png">\n\n<img src="nope.png">\n',
        "utf-8")
    text = _problems(load, course_dir)
    assert "demo-course/02-b.md：第 3 行：图片「map.png」没有说明文字" in text
    assert "demo-course/02-b.md：第 5 行：课程文件夹里找不到图片「images/flow.png」" in text
    assert "demo-course/02-b.md：第 7 行：图片「https://example.com/a.png」不在课程文件夹里" \
           in text
    assert "not-an-image" not in text
    assert "demo-course/02-b.md：第 13 行：图片「map.png」没有说明文字" in text
    assert "第 15 行" not in text and "第 17 行" not in text  # not ours: left to the sanitiser


def test_street_private_course_images_are_404_for_another_streets_users(
        app, client, auth, users, make_user, load, course_dir):
    _with_images(course_dir)
    load(course_dir)
    make_user("w2", unit="S2-C1-G1")
    with app.app_context():
        from trainer.org.services import unit_by_code

        db.session.execute(sa.update(Course).values(street_id=unit_by_code("S1").id))
        db.session.commit()
    path = "/courses/demo-course/assets/map.png"
    auth.login("w2")
    assert client.get(path).status_code == 404
    assert client.get("/api/v1" + path, headers=bearer(auth.token("w2"))).status_code == 404
    auth.logout()
    auth.login("worker")  # a worker of street S1
    assert client.get(path).status_code == 200
    assert client.get("/api/v1" + path,
                      headers=bearer(auth.token("worker"))).status_code == 200


def test_question_files_are_never_served_as_images(app, client, auth, users, load, course_dir):
    load(course_dir)
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        db.session.add(CourseAsset(course_id=course.id, name="questions.gift", kind="questions",
                                   mimetype="application/octet-stream", data=b"answers"))
        db.session.commit()
    auth.login("admin")
    assert client.get("/courses/demo-course/assets/questions.gift").status_code == 404


def test_api_lesson_html_names_images_by_absolute_url_the_token_can_fetch(
        app, client, auth, users, load, course_dir):
    _with_images(course_dir)
    load(course_dir)
    token = bearer(auth.token("worker"))
    body = client.get(f"/api/v1/lessons/{_lesson_id(app)}", headers=token).get_json()
    urls = re.findall(r'<img src="([^"]+)"', body["html"])
    assert len(urls) == 2
    assert all(u.startswith("http://localhost/api/v1/courses/demo-course/assets/") for u in urls)
    image = client.get(urls[0].removeprefix("http://localhost"), headers=token)
    assert image.status_code == 200 and image.data == png(40, 30)
    assert image.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert client.get(urls[0].removeprefix("http://localhost")).status_code == 401


def test_images_survive_export_and_load_unchanged(app, runner, load, course_dir, tmp_path):
    _with_images(course_dir)
    load(course_dir)
    out = tmp_path / "out"
    assert runner.invoke(args=["content", "export", "demo-course", "-o", str(out)]).exit_code == 0
    assert (out / "demo-course" / "images" / "steps.png").read_bytes() == png(40, 30)
    assert (out / "demo-course" / "map.png").read_bytes() == png(8, 6)
    report = load(out)
    assert report.unchanged == ["demo-course"] and not report.problems
    (course_dir / "demo-course" / "images" / "steps.png").unlink()
    (course_dir / "demo-course" / "01-a.md").write_text("# 第一课\n\n没有图了。\n", "utf-8")
    assert load(course_dir).updated == ["demo-course"]
    assert runner.invoke(args=["content", "export", "demo-course", "-o", str(out)]).exit_code == 0
    assert not (out / "demo-course" / "images").exists()  # the image and its folder went
    assert (out / "demo-course" / "map.png").exists()


def _upload(auth, data: bytes, name: str):
    return auth.post("/author/courses/demo-course/images",
                     {"file": (io.BytesIO(data), name)}, page="/author/courses/demo-course",
                     content_type="multipart/form-data")


def test_course_editor_uploads_an_image_that_a_lesson_then_shows(app, client, auth, users, load,
                                                                  course_dir):
    load(course_dir)
    auth.login("admin")
    resp = _upload(auth, png(12, 9), "消防 步骤.PNG")
    assert resp.status_code == 302
    page = client.get("/author/courses/demo-course").get_data(as_text=True)
    assert "图片已上传" in page and "images/image.png" in page
    lesson = "/author/courses/demo-course/lessons/new"
    assert auth.post(lesson, {"body": "# 新课\n\n![](images/image.png)", "save": "1"}
                     ).status_code == 422
    assert auth.post(lesson, {"body": "# 新课\n\n![步骤](images/other.png)", "save": "1"}
                     ).status_code == 422
    assert auth.post(lesson, {"body": "# 新课\n\n![步骤](images/image.png)", "save": "1"}
                     ).status_code == 302
    with app.app_context():
        saved = db.session.scalar(sa.select(Lesson).where(Lesson.title == "新课"))
        assert 'width="12" height="9"' in saved.body_html
        old_src = re.search(r'src="([^"]+)"', saved.body_html).group(1)
    _upload(auth, png(20, 9), "image.png")  # replaced: lessons point at the new version
    with app.app_context():
        html = db.session.scalar(sa.select(Lesson.body_html).where(Lesson.title == "新课"))
        assert 'width="20" height="9"' in html and old_src not in html
    assert client.get(re.search(r'src="([^"]+)"', html).group(1)).data == png(20, 9)


def test_course_editor_refuses_big_svg_and_disguised_files(app, fresh, client, auth, users, load,
                                                          course_dir):
    load(course_dir)
    auth.login("admin")
    for data, name, message in (
            (png(200, 200, noise=bytes(range(256))), "big.png", "大于 30 KB"),
            (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a.svg", "PNG、JPEG 或 WebP"),
            (b"<svg/>", "a.png", "PNG、JPEG 或 WebP")):
        assert _upload(auth, data, name).status_code == 302
        assert message in client.get("/author/courses/demo-course").get_data(as_text=True)
    assert fresh.scalar(sa.select(sa.func.count(CourseAsset.id))) == 0


@pytest.mark.usefixtures("db_ctx")
def test_shipped_diagrams_load_and_show_in_their_lessons(app, load, shipped_copy):
    report = load(shipped_copy)
    assert not report.problems
    wanted = {"fire-corridor-safety": ["images/extinguisher-steps.png"],
              "grid-mechanism": ["images/five-levels.png", "images/whistle-flow.png"]}
    for slug, names in wanted.items():
        course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
        html = "".join(lesson.body_html for lesson in course.lessons)
        for name in names:
            data = db.session.scalar(sa.select(CourseAsset.data).where(
                CourseAsset.course_id == course.id, CourseAsset.name == name))
            assert sniff(data) == "image/png" and len(data) <= MAX_IMAGE_BYTES
            width, height = dimensions(data)
            assert re.search(rf'<img src="/courses/{slug}/assets/{name}\?v=[0-9a-f]{{16}}" '
                             rf'alt="[^"]+" width="{width}" height="{height}"', html)


def test_lesson_pages_with_diagrams_stay_inside_the_page_budget(app, fresh, client, auth, users,
                                                                load,
                                                                shipped_copy):
    """DESIGN.md: a page with its CSS, JS and images is at most 60 KB (counted here
    uncompressed, so over the wire it is less)."""
    load(shipped_copy)
    auth.login("worker")
    ids = fresh.scalars(sa.select(Lesson.id).where(
        Lesson.body_html.contains("<img ")))
    assert len(ids) == 3
    for lesson_id in ids:
        html = client.get(f"/lessons/{lesson_id}").get_data(as_text=True)
        parts = re.findall(r'<link[^>]+href="(/static/[^"]+)"', html)
        parts += re.findall(r'<script[^>]+src="(/static/[^"]+)"', html)
        parts += re.findall(r'<img[^>]+src="([^"]+)"', html)
        total = len(html.encode()) + sum(len(client.get(p).data) for p in parts)
        assert total <= 60_000, (lesson_id, total)
