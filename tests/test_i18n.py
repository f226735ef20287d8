import pytest

from nnplay import i18n


def test_every_language_has_the_same_keys():
    english = set(i18n.catalog("en"))
    assert english
    for lang in i18n.LANGUAGES:
        assert set(i18n.catalog(lang)) == english, lang


def test_every_text_is_filled_and_has_the_same_placeholders():
    english = i18n.catalog("en")
    for lang in i18n.LANGUAGES:
        for key, text in i18n.catalog(lang).items():
            assert text.strip(), (lang, key)
            assert i18n.placeholders(text) == i18n.placeholders(english[key]), (lang, key)


def test_translate_formats_and_falls_back(monkeypatch):
    assert i18n.translate("logic.weight", "ko", name="A") == "A의 가중치"
    assert i18n.translate("logic.weight", "xx", name="B") == "Weight of B"
    monkeypatch.setenv("NNPLAY_STRICT_I18N", "1")
    with pytest.raises(KeyError):
        i18n.translate("logic.no_such_key", "en")
    monkeypatch.setenv("NNPLAY_STRICT_I18N", "0")
    assert i18n.translate("logic.no_such_key", "en") == "logic.no_such_key"
