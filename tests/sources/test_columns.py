"""Header detection and mapping files, on realistic export headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinhieu.schema import FIELD_BY_NAME
from tinhieu.sources.columns import (
    FIELD_ALIASES,
    MAPPABLE_FIELDS,
    REACTION_ALIASES,
    ColumnMapping,
    MappingError,
    apply_overrides,
    detect_mapping,
    load_mapping,
    normalise_header,
)

VI_FACEBOOK_POSTS = [
    "STT", "ID bài viết", "Link bài viết", "Tên trang", "ID trang", "Nội dung",
    "Thời gian đăng", "Loại bài viết", "Lượt thích", "Bình luận", "Chia sẻ", "Lượt xem",
    "Thích", "Yêu thích", "Thương thương", "Haha", "Wow", "Buồn", "Phẫn nộ", "Nền tảng",
]  # fmt: skip
VI_FACEBOOK_COMMENTS = [
    "ID bình luận", "ID bài viết", "Người bình luận", "UID", "Bình luận", "Thời gian",
    "Lượt thích", "Số phản hồi", "Link bình luận",
]  # fmt: skip
BRANDWATCH = [
    "Query Id", "Query Name", "Date", "Title", "Url", "Domain", "Sentiment", "Page Type",
    "Language", "Country Code", "Account Type", "Added", "Author", "Avatar", "Full Name",
    "Full Text", "Gender", "Hashtags", "Impact", "Impressions", "Reach (new)",
    "Resource Id", "Status", "Thread Entry Type", "Thread Id", "Thread URL",
    "Twitter Followers", "Twitter Verified", "Twitter Author ID", "Likes", "Comments",
    "Shares", "Engagement Type",
]  # fmt: skip
TIKTOK = [
    "id", "text", "createTime", "createTimeISO", "authorMeta.id", "authorMeta.name",
    "authorMeta.nickName", "authorMeta.verified", "authorMeta.fans", "webVideoUrl",
    "videoMeta.duration", "diggCount", "shareCount", "playCount", "commentCount",
    "collectCount", "hashtags", "isAd",
]  # fmt: skip
CROWDTANGLE = [
    "Page Name", "User Name", "Facebook Id", "Page Category", "Likes at Posting",
    "Followers at Posting", "Post Created", "Post Created Date", "Type",
    "Total Interactions", "Likes", "Comments", "Shares", "Love", "Wow", "Haha", "Sad",
    "Angry", "Care", "Post Views", "Total Views", "URL", "Message", "Link", "Description",
]  # fmt: skip
YOUTUBE_COMMENTS = [
    "commentId", "videoId", "parentId", "authorDisplayName", "authorChannelId",
    "textDisplay", "textOriginal", "likeCount", "publishedAt", "updatedAt",
    "totalReplyCount",
]  # fmt: skip


def _check_partition(m: ColumnMapping, headers: list[str]) -> None:
    """Every header is used exactly once: as a field, a reaction, or unmapped."""
    used = list(m.fields.values()) + list(m.reactions) + m.unmapped
    assert sorted(used) == sorted(headers)
    assert set(m.fields) <= set(MAPPABLE_FIELDS)
    assert m.headers == headers


@pytest.mark.parametrize(
    ("header", "normalised"),
    [
        ("Ngày đăng", "ngay dang"),
        ("NGÀY_ĐĂNG", "ngay dang"),
        ("  Ngày   đăng ", "ngay dang"),
        ("ngay-dang", "ngay dang"),
        ("Nội dung", "noi dung"),
        ("Nội dung", "noi dung"),  # decomposed (NFD) input
        ("likeCount", "like count"),
        ("createTimeISO", "create time iso"),
        ("authorMeta.nickName", "author meta nick name"),
        ("Reach (new)", "reach new"),
        ("post_id", "post id"),
        ("URL", "url"),
        ("Số bình luận", "so binh luan"),
    ],
)
def test_normalise_header(header: str, normalised: str) -> None:
    assert normalise_header(header) == normalised


def test_vietnamese_facebook_post_export() -> None:
    m = detect_mapping(VI_FACEBOOK_POSTS)
    assert m.fields == {
        "source_id": "ID bài viết",
        "url": "Link bài viết",
        "platform": "Nền tảng",
        "kind": "Loại bài viết",
        "author_id": "ID trang",
        "author_name": "Tên trang",
        "text": "Nội dung",
        "created_at": "Thời gian đăng",
        "likes": "Lượt thích",
        "comments": "Bình luận",  # a count here: the text is "Nội dung"
        "shares": "Chia sẻ",
        "views": "Lượt xem",
    }
    assert m.reactions == {
        "Thích": "like",
        "Yêu thích": "love",
        "Thương thương": "care",
        "Haha": "haha",
        "Wow": "wow",
        "Buồn": "sad",
        "Phẫn nộ": "angry",
    }
    assert m.unmapped == ["STT"]
    _check_partition(m, VI_FACEBOOK_POSTS)


def test_vietnamese_comment_export_without_diacritics_or_case() -> None:
    m = detect_mapping(VI_FACEBOOK_COMMENTS)
    assert m.fields == {
        "source_id": "ID bình luận",
        "parent_id": "ID bài viết",
        "url": "Link bình luận",
        "author_id": "UID",
        "author_name": "Người bình luận",
        "text": "Bình luận",  # no other text column: the comment itself
        "created_at": "Thời gian",
        "likes": "Lượt thích",
        "comments": "Số phản hồi",
    }
    folded = ["id_binh_luan", "ID BAI VIET", "nguoi binh luan", "uid", "BINH LUAN",
              "thoi gian", "luot thich", "so phan hoi", "link binh luan"]  # fmt: skip
    m2 = detect_mapping(folded)
    assert {f: folded[VI_FACEBOOK_COMMENTS.index(c)] for f, c in m.fields.items()} == m2.fields


def test_brandwatch_export() -> None:
    m = detect_mapping(BRANDWATCH)
    assert m.fields == {
        "source_id": "Resource Id",
        "parent_id": "Thread Id",
        "url": "Url",
        "platform": "Page Type",
        "kind": "Thread Entry Type",
        "author_id": "Twitter Author ID",
        "author_name": "Author",
        "author_followers": "Twitter Followers",
        "author_verified": "Twitter Verified",
        "author_kind": "Account Type",
        "title": "Title",
        "text": "Full Text",
        "language": "Language",
        "created_at": "Date",
        "collected_at": "Added",
        "likes": "Likes",
        "comments": "Comments",
        "shares": "Shares",
        "reach": "Reach (new)",
        "impressions": "Impressions",
    }
    assert m.reactions == {}
    assert "Status" in m.unmapped and "Full Name" in m.unmapped and "Sentiment" in m.unmapped
    _check_partition(m, BRANDWATCH)


def test_tiktok_export() -> None:
    m = detect_mapping(TIKTOK)
    assert m.fields == {
        "source_id": "id",
        "url": "webVideoUrl",
        "author_id": "authorMeta.id",
        "author_name": "authorMeta.nickName",
        "author_followers": "authorMeta.fans",
        "author_verified": "authorMeta.verified",
        "text": "text",
        "created_at": "createTimeISO",
        "likes": "diggCount",
        "comments": "commentCount",
        "shares": "shareCount",
        "views": "playCount",
        "saves": "collectCount",
    }
    assert m.unmapped == [
        "createTime", "authorMeta.name", "videoMeta.duration", "hashtags", "isAd",
    ]  # fmt: skip
    _check_partition(m, TIKTOK)


def test_crowdtangle_export_reaction_breakdown() -> None:
    m = detect_mapping(CROWDTANGLE)
    # With a breakdown, "Likes" is the like reaction; the importer sums the total.
    assert "likes" not in m.fields
    assert m.reactions == {
        "Likes": "like",
        "Love": "love",
        "Wow": "wow",
        "Haha": "haha",
        "Sad": "sad",
        "Angry": "angry",
        "Care": "care",
    }
    assert m.fields["url"] == "URL" and "Link" in m.unmapped
    assert m.fields["author_id"] == "Facebook Id"
    assert m.fields["author_name"] == "Page Name"
    assert m.fields["author_followers"] == "Followers at Posting"
    assert m.fields["created_at"] == "Post Created"
    assert m.fields["text"] == "Message"
    assert m.fields["kind"] == "Type"
    _check_partition(m, CROWDTANGLE)


def test_youtube_comment_export() -> None:
    m = detect_mapping(YOUTUBE_COMMENTS)
    assert m.fields["source_id"] == "commentId"
    assert m.fields["parent_id"] == "parentId"
    assert m.fields["author_name"] == "authorDisplayName"
    assert m.fields["author_id"] == "authorChannelId"
    assert m.fields["text"] == "textDisplay"
    assert m.fields["likes"] == "likeCount"
    assert m.fields["created_at"] == "publishedAt"
    assert m.fields["comments"] == "totalReplyCount"
    assert m.unmapped == ["videoId", "textOriginal", "updatedAt"]


def test_likes_without_breakdown_is_the_total() -> None:
    m = detect_mapping(["Content", "Like", "Date"])
    assert m.fields == {"text": "Content", "likes": "Like", "created_at": "Date"}
    assert m.reactions == {}
    m = detect_mapping(["Nội dung", "Thích", "Reactions", "Love"])
    assert m.fields["likes"] == "Reactions"
    assert m.reactions == {"Thích": "like", "Love": "love"}


def test_comment_singular_is_text_plural_is_count() -> None:
    m = detect_mapping(["comment", "comments", "comment_count"])
    assert m.fields == {"text": "comment", "comments": "comments"}
    assert m.unmapped == ["comment_count"]


def test_ambiguous_header_decided_by_sample_values() -> None:
    headers = ["Nội dung", "Bình luận"]
    # by the rule: "Bình luận" next to "Nội dung" is the count
    assert detect_mapping(headers).fields == {"text": "Nội dung", "comments": "Bình luận"}
    # by the values: it holds text, so it is not the count and stays a raw attribute
    sample: dict[str, list[str | None]] = {
        "Nội dung": ["Bài viết"],
        "Bình luận": ["Sản phẩm tốt", "Giao chậm", None],
    }
    m = detect_mapping(headers, sample)
    assert m.fields == {"text": "Nội dung"} and m.unmapped == ["Bình luận"]
    # counts in the only candidate text column: it is the count, not the text
    m = detect_mapping(["Bình luận", "ID"], {"Bình luận": ["12", "1,2K", "—"]})
    assert m.fields == {"comments": "Bình luận", "source_id": "ID"}
    # empty samples tell nothing: the rule applies
    m = detect_mapping(["Bình luận"], {"Bình luận": ["", None]})
    assert m.fields == {"text": "Bình luận"}


def test_id_columns_source_and_parent() -> None:
    assert detect_mapping(["post_id", "text"]).fields == {"source_id": "post_id", "text": "text"}
    m = detect_mapping(["post_id", "comment_id", "message"])
    assert m.fields == {"source_id": "comment_id", "parent_id": "post_id", "text": "message"}
    m = detect_mapping(["id", "post_id", "body"])
    assert m.fields == {"source_id": "id", "parent_id": "post_id", "text": "body"}


def test_first_header_wins_and_duplicates_stay_unmapped() -> None:
    m = detect_mapping(["Date", "date", "Text", "TEXT"])
    assert m.fields == {"created_at": "Date", "text": "Text"}
    assert m.unmapped == ["date", "TEXT"]
    m = detect_mapping(["Love", "love", "Text"])
    assert m.reactions == {"Love": "love"} and m.unmapped == ["love"]


def test_every_alias_maps_to_its_field_on_its_own() -> None:
    for name, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            m = detect_mapping([alias])
            field = next(iter(m.fields), None)
            # An alias shared by two fields goes to the first of them in fill order.
            first = next(f for f, al in FIELD_ALIASES.items() if alias in al)
            assert field == first, (alias, name, m.fields)
    for alias, reaction in REACTION_ALIASES.items():
        assert detect_mapping([alias]).reactions == {alias: reaction}


def test_mappable_fields_are_mention_fields() -> None:
    assert set(MAPPABLE_FIELDS) <= set(FIELD_BY_NAME)
    assert "workspace" not in MAPPABLE_FIELDS and "sentiment" not in MAPPABLE_FIELDS


_KNOWN_HEADERS = sorted(
    {h for hs in (VI_FACEBOOK_POSTS, BRANDWATCH, TIKTOK, CROWDTANGLE, YOUTUBE_COMMENTS) for h in hs}
)


@settings(max_examples=150, deadline=None, database=None)
@given(
    st.lists(st.one_of(st.sampled_from(_KNOWN_HEADERS), st.text(max_size=12)), max_size=25).map(
        lambda hs: list(dict.fromkeys(hs))
    )
)
def test_detection_is_a_deterministic_partition(headers: list[str]) -> None:
    m = detect_mapping(headers)
    _check_partition(m, headers)
    assert detect_mapping(list(headers)) == m
    assert len(set(m.fields.values())) == len(m.fields)


# --------------------------------------------------------------------------------------
# Mapping files


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


HEADERS = ["Nội dung bình luận", "Thời điểm", "Người viết", "Số like", "Tim", "Mã", "Ghi chú"]


def test_load_and_apply_mapping_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
# Mention field = source column
[columns]
text = "Nội dung bình luận"
created_at = "Thời điểm"
likes = "so like"            # matched after normalising case and diacritics
author_name = "Người viết"

[reactions]
love = "Tim"

[defaults]
platform = "fb"
kind = "Bình luận"

[options]
timezone = "Asia/Ho_Chi_Minh"
dayfirst = true
""",
    )
    spec = load_mapping(path)
    assert spec["columns"]["text"] == "Nội dung bình luận"
    assert spec["defaults"] == {"platform": "facebook", "kind": "comment"}
    assert spec["options"] == {"timezone": "Asia/Ho_Chi_Minh", "dayfirst": True}
    auto = detect_mapping(HEADERS)
    m = apply_overrides(auto, spec, HEADERS)
    assert m.fields == {
        "source_id": "Mã",
        "text": "Nội dung bình luận",
        "created_at": "Thời điểm",
        "likes": "Số like",
        "author_name": "Người viết",
    }
    assert m.reactions == {"Tim": "love"}
    assert m.unmapped == ["Ghi chú"]
    assert apply_overrides(auto, spec) == m  # headers default to the detected ones
    assert ("attrs", "Ghi chú") in m.describe() and ("reactions.love", "Tim") in m.describe()


def test_override_moves_a_column_and_unmaps_with_empty_string() -> None:
    headers = ["Content", "Title", "Date", "Published"]
    auto = detect_mapping(headers)
    assert auto.fields == {"title": "Title", "text": "Content", "created_at": "Date"}
    m = apply_overrides(auto, {"columns": {"created_at": "Published", "title": ""}})
    assert m.fields == {"text": "Content", "created_at": "Published"}
    assert m.unmapped == ["Title", "Date"]
    # a column named for another field leaves the field the detection gave it
    m = apply_overrides(auto, {"title": "Content"})  # a plain {field: column} mapping
    assert m.fields == {"title": "Content", "created_at": "Date"}
    assert m.unmapped == ["Title", "Published"]


def test_override_reaction_replaces_detected_one() -> None:
    headers = ["text", "Love", "Yêu"]
    auto = detect_mapping(headers)
    assert auto.reactions == {"Love": "love"}
    m = apply_overrides(auto, {"reactions": {"love": "Yêu"}})
    assert m.reactions == {"Yêu": "love"} and m.unmapped == ["Love"]


def test_unknown_field_lists_valid_choices(tmp_path: Path) -> None:
    path = _write(tmp_path, '[columns]\ncontent = "Nội dung"\n')
    with pytest.raises(MappingError) as exc:
        load_mapping(path)
    msg = str(exc.value)
    assert "unknown Mention field 'content'" in msg
    assert "valid fields: source_id, parent_id, url" in msg and "created_at" in msg
    assert isinstance(exc.value, ValueError)


def test_field_that_cannot_come_from_a_file(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="field 'sentiment' cannot come from a file"):
        load_mapping(_write(tmp_path, '[columns]\nsentiment = "Sắc thái"\n'))
    with pytest.raises(MappingError, match="field 'workspace' cannot come from a file"):
        load_mapping(_write(tmp_path, '[defaults]\nworkspace = "x"\n'))


def test_column_not_in_file_names_it_and_lists_columns() -> None:
    auto = detect_mapping(HEADERS)
    with pytest.raises(MappingError) as exc:
        apply_overrides(auto, {"columns": {"text": "Nội dung"}}, HEADERS)
    msg = str(exc.value)
    assert msg.startswith("column 'Nội dung' (field text) is not in the file; columns: ")
    assert "'Nội dung bình luận'" in msg and "'Ghi chú'" in msg
    with pytest.raises(MappingError, match=r"column 'Heart' \(reaction love\) is not in the file"):
        apply_overrides(auto, {"reactions": {"love": "Heart"}})


def test_column_named_twice() -> None:
    auto = detect_mapping(HEADERS)
    with pytest.raises(
        MappingError, match="'Người viết' is named for both author_id and author_name"
    ):
        apply_overrides(auto, {"author_id": "Người viết", "author_name": "Người viết"})


def test_ambiguous_normalised_column_must_be_exact() -> None:
    headers = ["Ngày", "ngay", "text"]
    auto = detect_mapping(headers)
    with pytest.raises(MappingError, match="matches several columns"):
        apply_overrides(auto, {"created_at": "NGAY"})
    assert apply_overrides(auto, {"created_at": "ngay"}).fields["created_at"] == "ngay"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[colums]\ntext = 'a'\n", r"unknown section \[colums\]; valid sections: \[columns\]"),
        ("[options]\ntz = 'UTC'\n", "unknown option 'tz'; valid options: timezone, dayfirst"),
        ("[options]\ntimezone = 'Hanoi'\n", "unknown time zone: 'Hanoi'"),
        ("[options]\ndayfirst = 'yes'\n", "dayfirst must be a bool"),
        ("[options]\ndayfirst = 1\n", "dayfirst must be a bool"),
        ("[options]\ndelimiter = ';;'\n", "delimiter must be one character"),
        ("[defaults]\nplatform = 'myspace'\n", "unknown platform 'myspace'; valid platforms: face"),
        ("[defaults]\nkind = 'story'\n", "unknown kind 'story'; valid kinds: post, comment"),
        ("[defaults]\nauthor_kind = 'bot'\n", "unknown author_kind 'bot'; valid kinds: person"),
        ("[defaults]\nplatform = [1]\n", "default for 'platform' must be a string"),
        ("[columns]\ntext = 3\n", "text must name a column as a string"),
        ("[reactions]\nLove = 'Tim'\n", "reaction name 'Love' must be lower-case letters"),
        ("columns = 3\n", r"\[columns\] must be a table"),
        ("[columns\ntext = 'a'\n", "not valid TOML"),
    ],
)
def test_mapping_file_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        load_mapping(_write(tmp_path, text))


def test_mapping_file_unreadable(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="cannot read mapping file"):
        load_mapping(tmp_path / "missing.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('[columns]\ntext = "Nội dung"\n'.encode("utf-16"))
    with pytest.raises(MappingError, match="must be UTF-8"):
        load_mapping(bad)


def test_empty_mapping_file_has_all_sections(tmp_path: Path) -> None:
    spec = load_mapping(_write(tmp_path, "# nothing\n"))
    assert spec == {"columns": {}, "defaults": {}, "options": {}, "reactions": {}}
    auto = detect_mapping(HEADERS)
    assert apply_overrides(auto, spec, HEADERS) == auto
