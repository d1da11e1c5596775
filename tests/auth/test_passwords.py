import pytest
from argon2 import PasswordHasher
from werkzeug.security import generate_password_hash

from config import Config
from trainer.auth import passwords


def test_default_hash_meets_asvs_appendix_c():
    hasher = passwords.make_hasher(Config.ARGON2_TIME_COST, Config.ARGON2_MEMORY_COST,
                                   Config.ARGON2_PARALLELISM)
    stored = hasher.hash("Some-long-passphrase")
    assert stored.startswith("$argon2id$")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024
    assert int(params["t"]) >= 2


def test_verify_accepts_right_and_refuses_wrong_password():
    hasher = passwords.make_hasher(1, 1024)
    stored = hasher.hash("Correct-horse-1")
    assert passwords.verify(hasher, stored, "Correct-horse-1")
    assert not passwords.verify(hasher, stored, "Correct-horse-2")
    assert not passwords.verify(hasher, "garbage", "Correct-horse-1")


def test_weaker_and_legacy_hashes_need_rehash():
    strong = passwords.make_hasher(2, 19 * 1024)
    weak = PasswordHasher(time_cost=1, memory_cost=1024)
    assert passwords.needs_rehash(strong, weak.hash("x-password"))
    legacy = generate_password_hash("x-password", method="scrypt")
    assert passwords.verify(strong, legacy, "x-password")
    assert passwords.needs_rehash(strong, legacy)
    assert not passwords.needs_rehash(strong, strong.hash("x-password"))


def test_policy_refuses_short_long_common_and_username():
    assert passwords.policy_problem("short1") is not None
    assert passwords.policy_problem("x" * 129) is not None
    assert passwords.policy_problem("password123") is not None
    assert passwords.policy_problem("12345678") is not None
    assert passwords.policy_problem("aaaaaaaaaa") is not None
    assert passwords.policy_problem("wangxm-grid-77", username="wangxm") is not None
    assert passwords.policy_problem("网格巡查每天都要认真") is None
    assert passwords.policy_problem("Trainer-pass-2026", username="worker") is None


def test_common_list_holds_at_least_the_top_3000_that_fit_the_policy():
    fitting = [p for p in passwords.COMMON if 8 <= len(p) <= 128]
    assert len(fitting) >= 3000


@pytest.mark.parametrize("password", ["Password123!", "qwerty123456", "admin1234", "a123456789",
                                      "iloveyou1", "Sunshine1", "woaini1314"])
def test_policy_refuses_well_known_passwords(password):
    assert passwords.policy_problem(password) == "This password is too common; choose another."
