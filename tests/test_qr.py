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
    path = re.compile(r'<path[^>]* d="(M2[^"]+)"')
    assert path.search(sign_in).group(1) == path.search(qr_svg(URL)).group(1)
