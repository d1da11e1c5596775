"""Two people of the same name on one list are told apart."""

from tests.conftest import app_ctx
from trainer.org.naming import distinguish, mask_username


def test_masked_usernames_keep_both_ends_and_hide_the_middle():
    assert mask_username("w0012") == "w**12"
    assert mask_username("zhangwei88") == "zh******88"
    assert mask_username("ab") == "a*"


def test_only_people_sharing_name_and_place_get_a_masked_username(app, make_user):
    a = make_user("zhangwei01", name="张伟")
    b = make_user("zhangwei02", name="张伟")
    c = make_user("lina", name="李娜")
    with app_ctx(app):
        shown = [(a, "张伟", "花园社区"), (b, "张伟", "花园社区"), (c, "李娜", "花园社区")]
        assert distinguish(shown) == {a: "zh******01", b: "zh******02"}
        # a different community already tells them apart
        assert distinguish([(a, "张伟", "花园社区"), (b, "张伟", "河西社区")]) == {}
