"""The offline pipeline: preparing a comment, language (with Simplified and Traditional Chinese told
apart), batch independence, the model file, deterministic training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from servicescape.voice import engine, training

COMMENTS = [
    "The engineer came on the day he promised and fixed the unit in an hour.",
    "Sudah tiga minggu kami menunggu sebut harga, tiada siapa yang menelefon kami kembali.",
    "Фактурата беше с двайсет процента по-висока от офертата.",
    "师傅很专业，修好后还教我们怎么保养。",
    "報告裡面錯字一堆，連我們公司名稱都寫錯。",
    "Gyorsan válaszoltak minden kérdésünkre.",
]


def test_prepare_strips_refuses_empty_and_cuts_long_text() -> None:
    assert engine.prepare("  fine  ").text == "fine"
    with pytest.raises(engine.EmptyComment):
        engine.prepare(" \n\t ")
    with pytest.raises(TypeError):
        engine.prepare(42)
    long = engine.prepare("a" * (engine.MAX_CHARS + 5))
    assert long.truncated and len(long.text) == engine.MAX_CHARS
    assert engine.prepare("same").text_hash == engine.prepare(" same ").text_hash != engine.prepare("other").text_hash


def test_languages_of_the_source_documents_scripts() -> None:
    assert engine.detect_languages(COMMENTS) == ["en", "ms", "bg", "zh-Hans", "zh-Hant", "hu"]


def test_a_comment_reads_the_same_alone_as_in_any_batch() -> None:
    together = engine.classify(COMMENTS)
    alone = [engine.classify([text])[0] for text in COMMENTS]
    reversed_batch = list(reversed(engine.classify(list(reversed(COMMENTS)))))
    def reading(r: engine.Reading) -> tuple[object, ...]:
        return r.language, r.sentiment, r.dimensions, r.primary_dimension

    assert [reading(r) for r in together] == [reading(r) for r in alone] == [reading(r) for r in reversed_batch]
    # the score's last digits may differ: a matrix product's rounding depends on the batch's shape
    assert all(abs(a.sentiment_score - b.sentiment_score) < 1e-5 for a, b in zip(together, alone, strict=True))


def test_a_reading_has_every_field() -> None:
    reading = engine.classify(["Three visits and the air-conditioner still drips. Nobody calls back."])[0]
    assert reading.sentiment == "negative" and -1 <= reading.sentiment_score < 0
    assert reading.primary_dimension == reading.dimensions[0] and set(reading.dimensions) <= set(engine.DIMENSIONS)
    assert set(reading.as_dict()) == {"language", "sentiment", "sentiment_score", "dimensions", "primary_dimension",
                                      "truncated"}


def test_the_model_file_round_trips(tmp_path: Path) -> None:
    model = engine.shipped_model()
    model.save(tmp_path / "m.npz")
    again = engine.Model.load(tmp_path / "m.npz")
    assert again.languages == model.languages == engine.LANGUAGES
    assert np.allclose(again.sentiment_w, model.sentiment_w) and np.allclose(again.thresholds, model.thresholds)
    assert again.info == model.info


def test_training_is_deterministic_and_needs_both_sets() -> None:
    seeds = training.packaged("seeds")[::40]
    dev = training.packaged("dev")[::20]
    first, report = training.train(seeds, dev)
    second, _ = training.train(seeds, dev)
    assert np.array_equal(first.sentiment_w, second.sentiment_w)
    assert np.array_equal(first.dimension_w, second.dimension_w) and first.neutral_bias == second.neutral_bias
    assert report.seeds == len(seeds) and 0 <= report.dev_sentiment <= 1
    with pytest.raises(ValueError):
        training.train(seeds, [])


def test_labelled_lines_are_checked_line_by_line() -> None:
    good, bad = training.parse_labelled([
        '{"text": "ok", "lang": "en", "sentiment": "neutral", "dimension": "price"}',
        "{broken",
        '{"text": "", "lang": "en", "sentiment": "neutral", "dimension": "price"}',
        '{"text": "x", "lang": "xx", "sentiment": "neutral", "dimension": "price"}',
        '{"text": "x", "lang": "en", "sentiment": "happy", "dimension": "price"}',
        '',
        '{"text": "x", "lang": "en", "sentiment": "neutral", "dimension": "price", "dimensions": ["empathy"]}',
    ], "f.jsonl")
    assert [row.line for row in good] == [1, 7] and good[1].dimensions == ("price", "empathy")
    assert [error.line for error in bad] == [2, 3, 4, 5]
    assert "f.jsonl, line 4: 'lang' must be one of" in str(bad[2])


def test_the_shipped_seed_and_development_sets_are_apart_and_cover_every_language() -> None:
    seeds, dev = training.packaged("seeds"), training.packaged("dev")
    assert not {r.text for r in seeds} & {r.text for r in dev}
    for code in engine.LANGUAGES:
        mine = [r for r in seeds if r.lang == code]
        assert len(mine) >= 60 and {r.sentiment for r in mine} == set(engine.SENTIMENTS), code
    assert sum(r.sentiment == "negative" for r in seeds) >= 300


def test_every_text_source_gives_the_four_columns_and_a_url() -> None:
    from servicescape.platform.registry import registry, resolve

    sources = registry().text_sources()
    assert {s.type for s in sources} >= {"interaction", "complaint", "promise", "survey_answer", "testimonial",
                                         "review"}
    for source in sources:
        assert list(resolve(source.rows)().selected_columns.keys()) == ["key", "client_id", "text", "said_at"]
        assert source.url_for("12:3", 7).startswith("/") and "{" not in source.url_for("12:3", 7)


def test_kept_vectors_are_read_and_only_new_sentences_embedded(tmp_path: Path) -> None:
    texts = ["The courier never came.", "Leírták a javítást, de senki nem jött.", "服务很周到。"]
    vectors = engine.embed(texts)
    path = tmp_path / "vectors.npz"
    training.save_vectors(path, [*texts, texts[0]], np.vstack([vectors, vectors[:1]]))   # each text kept once
    kept = training.cached_vectors(path)
    assert len(kept) == 3 and training.cached_vectors(tmp_path / "none.npz") == {}
    marked = {**kept, engine.text_hash(texts[1]): np.full(engine.DIM, 0.5, dtype=np.float16)}
    found, embedded = training.vectors_for([texts[1], "Brand new sentence.", texts[2]], marked)
    assert embedded == 1 and found.dtype == np.float16 and found.shape == (3, engine.DIM)
    assert (found[0] == 0.5).all()                     # read from the kept vectors, not embedded again
    assert np.array_equal(found[2], vectors[2]) and np.array_equal(found[1], engine.embed(["Brand new sentence."])[0])
