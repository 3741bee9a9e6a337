"""Staleness from ERP product changes and passed review dates; the review queue."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy.orm import Session

from kcrm.core.db import utcnow
from kcrm.core.events import emit
from kcrm.core.pagination import PageParams
from kcrm.crm.imports import service as import_service
from kcrm.crm.imports.schemas import ImportFormat, ImportKind
from kcrm.knowledge.curation import staleness
from tests.factories.catalog import make_product
from tests.factories.knowledge import make_article


def _queue(session: Session) -> dict[str, list[str]]:
    items, _ = staleness.review_queue(session, params=PageParams(limit=200))
    return {i.article.external_id: i.reasons for i in items}


class TestFlagProductsChanged:
    def test_event_flags_articles_about_the_product(self, session: Session) -> None:
        product = make_product(session)
        about = make_article(session, product_sku=product.sku)
        other = make_article(session, product_sku="NOT-IT")
        emit(session, staleness.PRODUCTS_CHANGED, product_ids=[product.id])
        assert about.stale_reason == f"product {product.sku} changed in an ERP import"
        assert about.stale_since is not None
        assert other.stale_reason is None

    def test_erp_import_of_a_changed_product_flags_it(self, session: Session) -> None:
        product = make_product(session, external_id="ERP-77", price=100)
        article = make_article(session, product_sku=product.sku)
        row = (
            "external_id,sku,name,category,price\n"
            f"ERP-77,{product.sku},{product.name},{product.category},129.00\n"
        )
        report = import_service.run(
            session,
            kind=ImportKind.products,
            stream=io.BytesIO(row.encode()),
            fmt=ImportFormat.csv,
            upsert=True,
        )
        assert report.updated == 1
        assert article.stale_reason is not None
        assert product.sku in article.stale_reason


class TestReviewQueue:
    def test_lists_review_stale_and_overdue_with_reasons(self, session: Session) -> None:
        in_review = make_article(session, status="in_review")
        overdue = make_article(session, review_by=date(2020, 1, 1))
        flagged = make_article(session)
        flagged.stale_reason = "product P1 changed in an ERP import"
        fresh = make_article(session, review_by=utcnow().date() + timedelta(days=9))
        queue = _queue(session)
        assert queue[in_review.external_id] == ["in review"]
        assert queue[overdue.external_id] == ["review date 2020-01-01 has passed"]
        assert queue[flagged.external_id] == ["product P1 changed in an ERP import"]
        assert fresh.external_id not in queue

    def test_flagged_duplicate_drafts_are_listed(self, session: Session) -> None:
        original = make_article(session)
        draft = make_article(session, status="draft")
        draft.duplicate_of_id, draft.duplicate_score = original.id, 0.95
        session.flush()
        assert _queue(session)[draft.external_id] == [
            f"possible duplicate of article {original.id} (similarity 0.95)"
        ]
