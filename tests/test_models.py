"""Shared model behaviour the citations in letters depend on."""

from assistant.models import Basis


def test_a_statute_label_drops_the_state_prefix():
    assert Basis(law="中华人民共和国民法典", article="第五百七十七条").label() == "《民法典》第五百七十七条"


def test_a_title_inside_a_title_takes_the_inner_marks():
    basis = Basis(law="最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", article="第四百二十五条")
    assert basis.label() == "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百二十五条"
