"""PII masking of ticket text before it becomes knowledge."""

from __future__ import annotations

from kcrm.knowledge.curation.masking import mask, name_variants


class TestNameVariants:
    def test_chinese_and_english_forms(self) -> None:
        variants = name_variants(["王建国", "Emily Chen", None])
        assert {"王建国", "王先生", "王女士", "建国", "Emily Chen", "Emily", "Chen"} <= set(
            variants
        )
        assert variants[0] in ("Emily Chen",)  # longest first


class TestMask:
    def test_zh_contact_details_and_references(self) -> None:
        text = "王先生您好，订单SO-2026-00721已发出，运单号JDVA61113470528，电话13812345678。"
        masked = mask(text, names=name_variants(["王建国"]))
        assert masked == "[customer]您好，订单[number]已发出，运单号[number]，电话[phone]。"

    def test_en_email_phone_and_first_name(self) -> None:
        text = "Hi Emily, mail emily.chen@example.com or call +86 21 5555 1234 (RMA-20261118-0042)."
        masked = mask(text, names=name_variants(["Emily Chen"]))
        assert masked == "Hi [customer], mail [email] or call [phone] ([number])."

    def test_keeps_product_codes_dates_and_prices(self) -> None:
        text = "AC-1002 error E4 on 2026-11-15, price 1299.00, 7 days, 1.5 匹"
        assert mask(text) == text

    def test_names_only_as_whole_words(self) -> None:
        assert mask("Emilyn and Emily", names=["Emily"]) == "Emilyn and [customer]"
