"""Every QR code of the site comes from trainer/qr.py."""

import re
from pathlib import Path

import trainer
from trainer.plans.qr import qr_svg as signin_qr
from trainer.qr import qr_svg

URL = "https://grid.example/certificates/ABCD1234"


def test_segno_is_used_in_one_module_only():
    root = Path(trainer.__file__).parent
    users = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                   if re.search(r"^\s*(import|from) segno", p.read_text("utf-8"), re.M))
    assert users == ["qr.py"]


def test_the_two_uses_differ_only_in_their_options():
    sign_in = signin_qr(URL, "签到二维码")
    assert sign_in.startswith("<svg") and "<title>签到二维码</title>" in sign_in
    assert "width=" not in sign_in.split(">")[0] and "style=" not in sign_in
    certificate = qr_svg(URL, scale=4, svgclass="qr", lineclass="qr-line", omitsize=False)
    head = certificate.split(">")[0]
    assert 'class="qr"' in head and "width=" in head and "style=" not in certificate
    # the same code: the modules' path is the same (the sign-in one adds a light background)
    path = re.compile(r'<path[^>]* d="(M4[^"]+)"')
    assert path.search(sign_in).group(1) == path.search(qr_svg(URL)).group(1)


def _modules(content: str) -> int:
    """The symbol's width in modules, without the quiet zone, counted from the version
    (17 + 4 * version) of the code segno picks for error correction M."""
    import segno  # only to learn the version; the SVG is checked against it below
    return 17 + 4 * segno.make(content, error="m").version


def test_every_code_keeps_a_quiet_zone_of_four_modules():
    modules = _modules(URL)
    side = modules + 2 * 4
    unscaled = qr_svg(URL)
    assert re.search(r'viewBox="0 0 (\d+) (\d+)"', unscaled).groups() == (str(side), str(side))
    # the first dark module of the top-left finder pattern is 4 modules in from each edge
    assert re.search(r'<path[^>]* d="M4 4\.5h7', unscaled)
    sized = qr_svg(URL, scale=4, svgclass="qr", omitsize=False)
    head = sized.split(">")[0]
    assert f'width="{side * 4}"' in head and f'height="{side * 4}"' in head
    sign_in = signin_qr(URL, "签到二维码")
    # the light background covers the quiet zone too
    assert f'viewBox="0 0 {side} {side}"' in sign_in
