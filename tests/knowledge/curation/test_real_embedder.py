"""Duplicate detection with the real default (bilingual) embedder."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.knowledge import sources
from kcrm.knowledge.curation.duplicates import closest, find_duplicate
from kcrm.knowledge.engine import build_engine
from kcrm.knowledge.ingest import apply_docs
from tests.factories.knowledge import make_article

PUBLISHED = (
    "## 问题\n\n电热水壶显示 E4 故障，无法加热。\n\n"
    "## 解决步骤\n\n1. 断电后静置十分钟。\n2. 用柠檬酸除垢一次。\n3. 重新通电，如仍显示 E4 请报修。"
)
NEAR_COPY = (
    "## 问题\n\n电热水壶出现 E4 故障，不能加热。\n\n"
    "## 解决步骤\n\n1. 断电静置十分钟。\n2. 用柠檬酸除垢。\n3. 再通电，仍显示 E4 就报修。"
)
SAME_PRODUCT = (
    "## 问题\n\n电热水壶壶盖关不紧，水开后不自动断电。\n\n"
    "## 解决步骤\n\n1. 检查壶盖卡扣是否有水垢。\n2. 清洁蒸汽感应孔。\n3. 仍不断电请停止使用并报修。"
)
UNRELATED = (
    "## 问题\n\n企业客户需要开具增值税专用发票。\n\n"
    "## 解决步骤\n\n1. 在订单页面填写公司抬头和税号。\n2. 发票在发货后七个工作日内寄出。"
)


@pytest.mark.slow
class TestFindDuplicateRealModel:
    def test_chinese_near_copy_is_flagged_and_an_unrelated_draft_is_not(
        self, session: Session, tmp_path: Path
    ) -> None:
        settings = Settings(data_dir=tmp_path / "var", vector_index="memory")  # default embedder
        (tmp_path / "var").mkdir()
        engine = build_engine(settings)
        article = make_article(session, title="电热水壶 E4 故障", language="zh", body=PUBLISHED)
        apply_docs(engine, [sources.article_doc(article, settings)])
        copy = find_duplicate(
            session, engine, title="电热水壶E4故障怎么办", body=NEAR_COPY, settings=settings
        )
        assert copy is not None
        assert copy.article.id == article.id
        sibling = closest(
            session, engine, title="电热水壶不自动断电", body=SAME_PRODUCT, settings=settings
        )
        assert sibling[0].score < settings.duplicate_threshold
        other = closest(
            session, engine, title="开具增值税专用发票", body=UNRELATED, settings=settings
        )
        # Measured: near copy 0.950, same product other fault 0.619, unrelated 0.095.
        assert other[0].score < settings.duplicate_threshold
        assert (
            find_duplicate(
                session, engine, title="开具增值税专用发票", body=UNRELATED, settings=settings
            )
            is None
        )
